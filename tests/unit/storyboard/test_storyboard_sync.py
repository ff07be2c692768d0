from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.jobs.storyboard.plan import plan_run
from getimg_studio.jobs.storyboard.slots import Part, RunState, SlotKey, SlotState, claim, prepare_run
from getimg_studio.jobs.storyboard.sync import JobPhase, JobSnapshot, apply_job, claim_plan, reconcile
from tests.unit.storyboard.builders import T0, board, chained, keyframed, plain

A0 = SlotKey("a", Part.VIDEO, 0)


def test_claim_plan_claims_takes_and_keyframes_with_their_inputs_and_estimates() -> None:
    sb = board(keyframed("a"), plain("b"), chained("c"))
    state = prepare_run(sb, RunState())
    claimed = claim_plan(state, plan_run(sb, state), lambda key: Decimal("0.5") if key.shot_id == "b" else None)
    queued = {s.key: s for s in claimed if s.state is SlotState.QUEUED}
    assert set(queued) == {SlotKey("a", Part.FIRST_FRAME, 0), SlotKey("b", Part.VIDEO, 0)}
    assert queued[SlotKey("b", Part.VIDEO, 0)].estimate == Decimal("0.5")
    assert plan_run(sb, claimed).send_keyframes == ()  # nothing is proposed twice


def test_apply_job_follows_the_job_and_ignores_replays() -> None:
    state = claim(prepare_run(board(plain("a")), RunState()), A0)
    state = apply_job(state, A0, JobSnapshot(3, JobPhase.QUEUED))
    assert (state[A0].state, state[A0].job_id) == (SlotState.QUEUED, 3)
    state = apply_job(state, A0, JobSnapshot(3, JobPhase.SENT))
    assert state[A0].state is SlotState.SENT
    assert apply_job(state, A0, JobSnapshot(3, JobPhase.QUEUED)) == state  # an older snapshot
    ready = apply_job(state, A0, JobSnapshot(3, JobPhase.READY, file=Path("/v.mp4"), at=T0))
    assert (ready[A0].state, ready[A0].file, ready[A0].cost) == (SlotState.READY, Path("/v.mp4"), None)
    billed = apply_job(ready, A0, JobSnapshot(3, JobPhase.READY, file=Path("/v.mp4"), at=T0, cost=Decimal("0.2")))
    assert billed[A0].cost == Decimal("0.2")
    assert apply_job(billed, A0, JobSnapshot(3, JobPhase.FAILED, reason="late")) == billed
    with pytest.raises(ValueError, match="belongs to job 3"):
        apply_job(state, A0, JobSnapshot(4, JobPhase.SENT))
    with pytest.raises(ValueError, match="without a file"):
        apply_job(state, A0, JobSnapshot(3, JobPhase.READY))


def test_a_queued_job_can_finish_or_fail_at_once_and_a_removed_one_fails() -> None:
    state = claim(prepare_run(board(plain("a")), RunState()), A0)
    assert apply_job(state, A0, JobSnapshot(1, JobPhase.READY, file=Path("/v"), at=T0))[A0].state is SlotState.READY
    failed = apply_job(state, A0, JobSnapshot(1, JobPhase.FAILED, reason="Content policy", cost=Decimal(0)))
    assert (failed[A0].state, failed[A0].reason) == (SlotState.FAILED, "Content policy")
    gone = apply_job(state, A0, JobSnapshot(1, JobPhase.GONE))
    assert gone[A0].state is SlotState.FAILED
    assert "removed" in (gone[A0].reason or "")


def test_reconcile_links_found_jobs_and_releases_the_rest() -> None:
    sb = board(plain("a"), plain("b"))
    state = prepare_run(sb, RunState())
    b0 = SlotKey("b", Part.VIDEO, 0)
    state = claim(claim(state, A0), b0)
    found = {A0: JobSnapshot(8, JobPhase.SENT)}
    settled = reconcile(state, found.get)
    assert (settled[A0].state, settled[A0].job_id) == (SlotState.SENT, 8)
    assert settled[b0].state is SlotState.NOT_STARTED
    assert [s.key for s in plan_run(sb, settled).send] == [b0]
    assert reconcile(settled, found.get) == settled
