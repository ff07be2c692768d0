"""What the queue says about jobs not sent yet, and what it asks of the creator. Plain logic, no Qt.

The engine publishes one `QueueStatus` (its order, why the next job is not sent, in flight of the cap, a
pause or a hold); these functions turn it, and a job, into the words of a row and of the queue's status
line, and work out where a keyboard move puts the selected jobs. The keys named in the notes are the
queue actions' own (`actions.py` binds these same constants), so a note never names a key that does not
do what it says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from getimg_studio.api.types import CostEstimate, format_money
from getimg_studio.jobs import answers
from getimg_studio.jobs.model import UNSENT_STATES, Job, JobState, QueueStatus, WaitReason

RESUME_KEY = "Ctrl+Shift+R"  # resume the selected jobs (paused, or waiting on the creator)
PAUSE_KEY = "Ctrl+Shift+H"  # hold the selected queued jobs back
QUEUE_KEY = "Ctrl+Shift+P"  # pause / resume the whole queue
EDIT_KEY = "Ctrl+Shift+E"  # open a queued job's request in the form
SETTINGS_KEY = "Ctrl+,"


def _held_note(held: str) -> str:
    """A hold in a few words with its remedy (the full message is in the tooltip and the status line)."""
    if held == answers.KEY_HOLD:
        return f"getimg refused the key: fix it in Settings ({SETTINGS_KEY})"
    if held == answers.QUOTA_HOLD:
        return f"quota used up: top up, then Resume the queue ({QUEUE_KEY})"
    return f"held: {held}"


def queue_reason(status: QueueStatus) -> str:
    """Why nothing (more) is being sent, in the creator's words; "" while the queue simply moves."""
    if status.paused:
        return f"the queue is paused: Resume the queue ({QUEUE_KEY}) to send"
    if status.held is not None:
        return _held_note(status.held)
    if status.reason == QueueStatus.SENDING:
        return ""
    if status.reason and status.cap is not None and status.in_flight >= status.cap:
        return f"slots full ({status.in_flight} of {status.cap} in use)"  # short: rows are narrow on a laptop
    return status.reason


def unsent_text(job: Job, status: QueueStatus) -> str:
    """A queued or paused row's status line: its place in line and why it waits."""
    # Rows are narrow on a laptop: the place comes first and short, the reason right after it.
    position = status.position(job.id)
    place = f"#{position}" if position is not None else "Queued"
    if job.state is JobState.PAUSED:
        return f"Paused by you · {place} · Resume ({RESUME_KEY}) to send it"
    if position == 1 and status.reason == QueueStatus.SENDING and not status.paused and status.held is None:
        return "Sending now"
    why = queue_reason(status)
    if position is not None and position > 1 and not why:
        why = f"after {position - 1} earlier job{'s' if position > 2 else ''}"
    return " · ".join(p for p in (f"Queued {place}" if position is not None else place, why) if p)


def attention_text(job: Job) -> str:
    """A row that waits on the creator: what happened, briefly, and the action that carries it on."""
    if job.state is JobState.WAITING:
        if job.wait_reason is WaitReason.KEY:
            return f"Needs you · fix the key in Settings ({SETTINGS_KEY}): getimg refused it; then it carries on"
        if job.wait_reason is WaitReason.QUOTA:
            return f"Needs you · top up, then Resume ({RESUME_KEY}): the quota is used up"
        if job.wait_reason is WaitReason.TIME_LIMIT:
            return f"Needs you · Resume ({RESUME_KEY}) checks again, or Stop tracking: past its time limit"
        return f"Needs you · {job.error_message or 'Resume to carry on'} ({RESUME_KEY})"
    if job.state is JobState.UNCERTAIN:
        return "Uncertain · may be billed: check your getimg dashboard · not sent again (Retry bills a new one)"
    return ""


def row_status(job: Job, status: QueueStatus) -> str | None:
    """The queue's own status line for this row, or None when the row's state words say it all."""
    if job.state in UNSENT_STATES:
        return unsent_text(job, status)
    return attention_text(job) or None


def resumable(job: Job, status: QueueStatus) -> bool:
    """Resume does something for it: a paused job goes back in line, a waiting one is followed again, and a
    queued one in a paused or held queue sets the queue going again."""
    if job.state in (JobState.PAUSED, JobState.WAITING):
        return True
    return job.state is JobState.QUEUED and (status.paused or status.held is not None)


def queue_line(status: QueueStatus, queued_cost: CostEstimate) -> str:
    """ "3 queued · 2 in flight of 2 · $0.75 queued (not yet billed)"."""
    queued = len(status.order)
    if not queued and not status.in_flight:
        return "Nothing queued or in flight"
    flight = f"{status.in_flight} in flight" + (f" of {status.cap}" if status.cap is not None else "")
    parts = [f"{queued} queued" if queued else "Nothing queued", flight]
    if queued:
        if queued_cost.amount is not None:
            parts.append(f"{format_money(queued_cost.amount, queued_cost.currency)} queued (not yet billed)")
        else:
            parts.append("cost of the queue not known (a model lists no price)")
    return " · ".join(parts)


class QueuedCosts:
    """The estimates of the jobs not sent yet, kept from the engine's events so the line costs no reads.

    `fetch` reads jobs the events have not shown yet (at start, the queue a restart brought back).
    """

    def __init__(self, fetch: Callable[[Sequence[int]], list[Job]]) -> None:
        self._fetch = fetch
        self._estimates: dict[int, CostEstimate | None] = {}
        # Sent or removed since the engine's last order: that order still lists them until the next one,
        # and reading them again on every event was a database read on the painting thread each time.
        self._gone: set[int] = set()

    def seen(self, job: Job) -> None:
        if job.state in UNSENT_STATES:
            self._estimates[job.id] = job.estimate
            self._gone.discard(job.id)
        else:
            self._estimates.pop(job.id, None)
            self._gone.add(job.id)

    def forget(self, ids: Iterable[int]) -> None:
        for job_id in ids:
            self._estimates.pop(job_id, None)
            self._gone.add(job_id)

    def total(self, order: Sequence[int]) -> CostEstimate:
        wanted = set(order)
        self._gone &= wanted  # the order no longer lists them: nothing to remember
        missing = [i for i in order if i not in self._estimates and i not in self._gone]
        if missing:
            for job in self._fetch(missing):
                self.seen(job)
        for job_id in [i for i in self._estimates if i not in wanted]:
            del self._estimates[job_id]  # sent, or removed: no longer queued
        estimates = [self._estimates.get(i) for i in order if i not in self._gone]
        known = [e for e in estimates if e is not None]
        currency = known[0].currency if known else "USD"
        if len(known) < len(estimates) or any(e.amount is None for e in known):
            return CostEstimate(None, currency)
        return CostEstimate(sum((e.amount for e in known if e.amount is not None), Decimal(0)), currency)


def moved(order: Sequence[int], ids: Iterable[int], step: int) -> tuple[list[int], int | None] | None:
    """Move the selected queued jobs one place earlier (step -1) or later (+1), as a block.

    Returns (the ids to move, in queue order; the id they go right before, None: the end), the engine's
    `reorder` arguments, or None when they cannot move that way (already first or last, or not queued).
    """
    chosen = set(ids)
    moving = [i for i in order if i in chosen]
    if not moving:
        return None
    rest = [i for i in order if i not in chosen]
    first = order.index(moving[0])
    last = order.index(moving[-1])
    if step < 0:
        ahead = [i for i in order[:first] if i not in chosen]
        if not ahead:
            return None
        return moving, ahead[-1]
    behind = [i for i in order[last + 1:] if i not in chosen]
    if not behind:
        return None
    after = rest.index(behind[0]) + 1
    return moving, rest[after] if after < len(rest) else None
