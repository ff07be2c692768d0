"""Keeping a run's slots in step with the engine's jobs: the runner's protocol as pure functions.

The runner (with the engine) does, for each plan:
1. `claim_plan`: every slot the plan sends becomes QUEUED; commit that before anything else;
2. for each claimed slot, `engine.submit(request, origin=key.token(storyboard_id))`, then `apply_job` with the
   new job's snapshot (this links the job id) and commit;
3. on every job event of a linked slot, `apply_job` and commit; then plan again.
After a crash, `reconcile` settles the claims whose job id was never written: the engine holds a job with the
slot's token (link it) or it never got one (release the slot, which the next plan proposes again). The
engine's queue is local and written in the same history, so "no job with this token" means nothing was sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from .plan import Plan
from .slots import RunState, SlotKey, SlotState, claim, link_job, mark_failed, mark_ready, mark_sent, release, unlinked


class JobPhase(StrEnum):
    """What the runner needs to know of a job's state (the engine's states map onto these)."""

    QUEUED = "queued"  # in the engine's local queue: not on the wire
    SENT = "sent"  # submitting, pending or downloading: it may be billed
    READY = "ready"  # the file is saved
    FAILED = "failed"  # failed, rejected, expired, uncertain or stopped: it will not be ready
    GONE = "gone"  # removed from the history


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    job_id: int
    phase: JobPhase
    file: Path | None = None  # READY: the output this slot uses
    cost: Decimal | None = None  # billed, once known
    reason: str | None = None  # FAILED: the message the creator sees
    at: datetime | None = None  # READY: when it finished


def claim_plan(state: RunState, plan: Plan,
               estimate: Callable[[SlotKey], Decimal | None] = lambda _key: None) -> RunState:
    """Claim every slot `plan` sends (takes and keyframes), with what each is made from."""
    for send in plan.send:
        state = claim(state, send.key, send.inputs, estimate(send.key))
    for keyframe in plan.send_keyframes:
        state = claim(state, keyframe.key, (), estimate(keyframe.key))
    return state


def apply_job(state: RunState, key: SlotKey, job: JobSnapshot) -> RunState:
    """The slot after its job reached `job.phase`; replaying an older or the same snapshot changes nothing."""
    slot = state[key]
    if slot.job_id is None:
        state = link_job(state, key, job.job_id)
        slot = state[key]
    elif slot.job_id != job.job_id:
        raise ValueError(f"slot {key} belongs to job {slot.job_id}, not {job.job_id}")
    if slot.state in (SlotState.READY, SlotState.FAILED):
        if slot.cost is None and job.cost is not None:  # the bill can come after the file
            return state.with_slot(dataclasses.replace(slot, cost=job.cost))
        return state  # settled: a job event cannot undo it
    if job.phase is JobPhase.SENT and slot.state is SlotState.QUEUED:
        return mark_sent(state, key)
    if job.phase is JobPhase.READY:
        if job.file is None or job.at is None:
            raise ValueError(f"job {job.job_id} is ready without a file or a time")
        return mark_ready(state, key, job.file, at=job.at, cost=job.cost)
    if job.phase is JobPhase.FAILED:
        return mark_failed(state, key, job.reason or "The generation failed.", cost=job.cost)
    if job.phase is JobPhase.GONE:
        return mark_failed(state, key, "Its job was removed from the history before it was ready.")
    return state


def reconcile(state: RunState, find_job: Callable[[SlotKey], JobSnapshot | None]) -> RunState:
    """After a restart: link each claim with no job id to the job carrying its token, or release it."""
    for key in unlinked(state):
        job = find_job(key)
        state = release(state, key) if job is None else apply_job(state, key, job)
    return state
