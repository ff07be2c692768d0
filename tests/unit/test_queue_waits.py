"""The queue's words and moves (ui/queue/waits.py): plain logic, no Qt."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from getimg_studio.api.types import CostEstimate, GenerationRequest
from getimg_studio.jobs import answers
from getimg_studio.jobs.model import Job, JobState, QueueStatus, WaitReason
from getimg_studio.ui.queue.outputs import file_label, files_text
from getimg_studio.ui.queue.waits import (
    QUEUE_KEY,
    RESUME_KEY,
    QueuedCosts,
    attention_text,
    moved,
    queue_line,
    queue_reason,
    row_status,
    unsent_text,
)

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def job(job_id: int, state: JobState = JobState.QUEUED, amount: str | None = "0.25", **fields: object) -> Job:
    estimate = CostEstimate(Decimal(amount) if amount is not None else None)
    return Job(id=job_id, state=state, request=GenerationRequest("m", f"prompt {job_id}"), created_at=T0,
               updated_at=T0, estimate=estimate, **fields)  # type: ignore[arg-type]


CAP = QueueStatus(order=(3, 4, 5, 6), reason="waiting for a free slot: 2 of 2 in use", in_flight=2, cap=2)


def test_queued_rows_say_their_place_and_why_they_wait() -> None:
    assert unsent_text(job(3), CAP) == "Queued #1 · slots full (2 of 2 in use)"
    assert unsent_text(job(5), CAP) == "Queued #3 · slots full (2 of 2 in use)"
    minute = QueueStatus(order=(3, 4), reason="getimg's per-minute limit is reached: next in 12 s", in_flight=1)
    assert unsent_text(job(4), minute) == "Queued #2 · getimg's per-minute limit is reached: next in 12 s"


def test_while_sending_the_head_says_so_and_the_rest_count_who_is_ahead() -> None:
    sending = QueueStatus(order=(3, 4, 5), reason="sending", in_flight=1, cap=4)
    assert unsent_text(job(3), sending) == "Sending now"
    assert unsent_text(job(4), sending) == "Queued #2 · after 1 earlier job"
    assert unsent_text(job(5), sending) == "Queued #3 · after 2 earlier jobs"


def test_a_paused_queue_and_a_held_queue_say_what_to_do() -> None:
    paused = QueueStatus(order=(3, 4), reason="the queue is paused", paused=True)
    assert unsent_text(job(4), paused) == (f"Queued #2 · the queue is paused: Resume the queue ({QUEUE_KEY})"
                                           " to send")
    held = QueueStatus(order=(3,), reason=answers.KEY_HOLD, held=answers.KEY_HOLD)
    assert "fix it in Settings (Ctrl+,)" in unsent_text(job(3), held)
    quota = QueueStatus(order=(3,), reason=answers.QUOTA_HOLD, held=answers.QUOTA_HOLD)
    assert queue_reason(quota) == f"quota used up: top up, then Resume the queue ({QUEUE_KEY})"
    proxy = QueueStatus(order=(3,), held="A proxy answered HTTP 403. The queue goes on when you resume it.")
    assert queue_reason(proxy).startswith("held: A proxy answered HTTP 403")


def test_a_job_paused_by_the_creator_says_how_to_send_it() -> None:
    assert unsent_text(job(4, JobState.PAUSED), CAP) == f"Paused by you · #2 · Resume ({RESUME_KEY}) to send it"


def test_rows_waiting_on_the_creator_name_the_action() -> None:
    assert "fix the key in Settings" in attention_text(job(1, JobState.WAITING, wait_reason=WaitReason.KEY))
    assert f"Resume ({RESUME_KEY})" in attention_text(job(1, JobState.WAITING, wait_reason=WaitReason.QUOTA))
    overdue = attention_text(job(1, JobState.WAITING, wait_reason=WaitReason.TIME_LIMIT))
    assert "checks again, or Stop tracking" in overdue
    assert "check your getimg dashboard" in attention_text(job(1, JobState.UNCERTAIN))
    assert row_status(job(1, JobState.PENDING), CAP) is None  # the usual state words say it all
    assert row_status(job(1, JobState.READY), CAP) is None


def test_the_status_line_counts_and_prices_what_is_not_sent() -> None:
    costs = QueuedCosts(lambda ids: [job(i) for i in ids])
    assert queue_line(CAP, costs.total(CAP.order)) == "4 queued · 2 in flight of 2 · $1.00 queued (not yet billed)"
    empty = QueueStatus(in_flight=1)
    assert queue_line(empty, costs.total(())) == "Nothing queued · 1 in flight"
    assert queue_line(QueueStatus(cap=2), costs.total(())) == "Nothing queued or in flight"


def test_queued_costs_follow_events_and_read_only_what_they_have_not_seen() -> None:
    reads: list[list[int]] = []

    def fetch(ids: list[int]) -> list[Job]:
        reads.append(list(ids))
        return [job(i) for i in ids]

    costs = QueuedCosts(fetch)  # type: ignore[arg-type]
    assert costs.total((1, 2)).amount == Decimal("0.50")
    assert costs.total((1, 2)).amount == Decimal("0.50")
    assert reads == [[1, 2]]
    costs.seen(job(2, amount="1.10"))  # edited in the form: a dearer request
    assert costs.total((1, 2)).amount == Decimal("1.35")
    costs.seen(job(1, JobState.PENDING))  # sent: no longer counted
    assert costs.total((2,)).amount == Decimal("1.10")
    costs.seen(job(3, amount=None))  # a model without a listed price
    assert costs.total((2, 3)).amount is None
    assert "not known" in queue_line(QueueStatus(order=(2, 3)), costs.total((2, 3)))


def test_moves_go_one_place_as_a_block_and_stop_at_the_ends() -> None:
    order = [1, 2, 3, 4, 5]
    assert moved(order, [3], -1) == ([3], 2)
    assert moved(order, [3], 1) == ([3], 5)
    assert moved(order, [4], 1) == ([4], None)  # to the end
    assert moved(order, [1], -1) is None
    assert moved(order, [5], 1) is None
    assert moved(order, [4, 2], -1) == ([2, 4], 1)
    assert moved(order, [2, 3], 1) == ([2, 3], 5)
    assert moved(order, [9], 1) is None  # not queued (sent meanwhile)


def apply(order: list[int], ids: list[int], before: int | None) -> list[int]:
    """What the engine's reorder does with the arguments."""
    rest = [i for i in order if i not in ids]
    at = rest.index(before) if before in rest else len(rest)
    return [*rest[:at], *ids, *rest[at:]]


def test_a_move_up_then_down_puts_a_job_back() -> None:
    order = [1, 2, 3, 4, 5]
    for job_id in order:
        for first, second in ((-1, 1), (1, -1)):
            step = moved(order, [job_id], first)
            if step is None:
                continue
            there = apply(order, *step)
            back = moved(there, [job_id], second)
            assert back is not None
            assert apply(there, *back) == order


def test_several_outputs_are_counted_and_named() -> None:
    from pathlib import Path

    from getimg_studio.jobs.model import Output

    outputs = tuple(Output(i, file_path=Path(f"/v/clip-{i}.mp4"), saved=True) for i in range(3))
    many = job(1, JobState.READY, outputs=outputs)
    assert files_text(many) == "3 files"
    assert files_text(job(2, JobState.READY, outputs=outputs[:1])) == ""
    assert file_label(many, 1) == "File 2 of 3 · clip-1.mp4"
