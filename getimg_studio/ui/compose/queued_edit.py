"""The words of the form while it changes a queued job's request (Queue > Open in form). Plain text."""

from __future__ import annotations

STOP_EDIT = "stop-edit"  # the form message's link that leaves the queued job as it was


def edit_banner(job_id: int) -> str:
    return (f"Changing queued job {job_id}: Save changes keeps its place in line, and nothing is sent or "
            f"billed until its turn. <a href='{STOP_EDIT}'>Leave it unchanged</a>")


def edited_message(job_id: int) -> str:
    return f"Queued job {job_id} changed; it keeps its place in line."


def left_queue_message(job_id: int, *, sent: bool) -> str:
    """The job being changed left the queue before Save changes: the form's contents stay, unsaved."""
    what = "was sent" if sent else "was removed"
    return f"Queued job {job_id} {what} before you saved: Generate now makes a new job from the form."
