from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.model import FrameSource, Keyframe
from getimg_studio.jobs.storyboard.slots import (
    Part,
    RunState,
    Slot,
    SlotKey,
    SlotState,
    SlotTransitionError,
    changed,
    claim,
    link_job,
    mark_failed,
    mark_ready,
    mark_sent,
    new_round,
    prepare_run,
    record_last_frame,
    release,
    unlinked,
)
from tests.unit.storyboard.builders import T0, board, chained, keyframed, plain

A0 = SlotKey("a", Part.VIDEO, 0)


def started() -> RunState:
    return RunState.of([Slot(A0)])


def test_claim_is_the_sent_once_check() -> None:
    state = claim(started(), A0, inputs=(SlotKey("x", Part.VIDEO, 3),), estimate=Decimal("0.25"))
    assert state[A0].state is SlotState.QUEUED
    assert state[A0].estimate == Decimal("0.25")
    assert state[A0].inputs == (SlotKey("x", Part.VIDEO, 3),)
    for again in (state, mark_sent(state, A0), mark_ready(mark_sent(state, A0), A0, Path("/v.mp4"), at=T0)):
        with pytest.raises(SlotTransitionError, match="only a slot not started"):
            claim(again, A0)
    with pytest.raises(SlotTransitionError, match="missing"):
        claim(state, SlotKey("zzz", Part.VIDEO, 0))


def test_the_lifecycle_and_its_refusals() -> None:
    state = link_job(claim(started(), A0), A0, 41)
    state = mark_sent(state, A0)
    with pytest.raises(SlotTransitionError, match="cannot become"):
        mark_sent(mark_failed(state, A0, "no"), A0)  # failed is final
    ready = mark_ready(state, A0, Path("/v.mp4"), at=T0, cost=Decimal("0.25"))
    assert (ready[A0].state, ready[A0].file, ready[A0].cost, ready[A0].ready_at) == (
        SlotState.READY, Path("/v.mp4"), Decimal("0.25"), T0)
    # a replayed event keeps the first time it became ready (the default pick depends on it)
    replayed = mark_ready(ready, A0, Path("/v.mp4"), at=T0.replace(hour=20))
    assert replayed[A0].ready_at == T0
    assert replayed[A0].cost == Decimal("0.25")
    framed = record_last_frame(ready, A0, Path("/f.png"))
    assert framed[A0].last_frame == Path("/f.png")
    unreadable = mark_failed(framed, A0, "its last frame could not be read")
    assert unreadable[A0].state is SlotState.FAILED
    assert unreadable[A0].cost == Decimal("0.25")
    with pytest.raises(SlotTransitionError, match="cannot become"):
        mark_ready(unreadable, A0, Path("/v.mp4"), at=T0)
    with pytest.raises(SlotTransitionError, match="last frame"):
        record_last_frame(state, A0, Path("/f.png"))
    with pytest.raises(SlotTransitionError, match="already has job"):
        link_job(state, A0, 42)
    with pytest.raises(SlotTransitionError, match="not claimed"):
        link_job(started(), A0, 1)


def test_release_only_a_claim_that_never_became_a_job() -> None:
    claimed = claim(started(), A0, inputs=(SlotKey("x", Part.VIDEO, 0),))
    assert unlinked(claimed) == [A0]
    released = release(claimed, A0)
    assert released[A0] == Slot(A0)
    with pytest.raises(SlotTransitionError, match="cannot be released"):
        release(link_job(claimed, A0, 5), A0)
    with pytest.raises(SlotTransitionError, match="cannot be released"):
        release(mark_sent(claimed, A0), A0)
    assert unlinked(link_job(claimed, A0, 5)) == []


def test_tokens_name_the_storyboard_and_slot() -> None:
    assert SlotKey("harbour", Part.FIRST_FRAME, 2).token(7) == "storyboard:7:harbour:first_frame:2"


def test_prepare_run_adds_what_is_missing_and_keeps_the_rest() -> None:
    sb = board(plain("a", takes=2), keyframed("k"),
               plain("f", first_frame=FrameSource.from_keyframe(Keyframe("x", image=Path("/own.png")))))
    state = prepare_run(sb, RunState())
    assert sorted(state.slots) == [SlotKey("a", Part.VIDEO, 0), SlotKey("a", Part.VIDEO, 1),
                                   SlotKey("f", Part.VIDEO, 0),
                                   SlotKey("k", Part.FIRST_FRAME, 0), SlotKey("k", Part.VIDEO, 0)]
    assert prepare_run(sb, state) == state  # idempotent
    progressed = claim(state, A0)
    more = edits.update_shot(sb, "a", takes=4)
    topped = prepare_run(more, progressed)
    assert topped[A0].state is SlotState.QUEUED
    assert [s.key.take for s in topped.current("a", Part.VIDEO)] == [0, 1, 2, 3]
    assert changed(progressed, topped) == [Slot(SlotKey("a", Part.VIDEO, 2)), Slot(SlotKey("a", Part.VIDEO, 3))]


def test_new_rounds_number_on_and_become_current() -> None:
    sb = board(plain("a", takes=2), keyframed("k"))
    state = prepare_run(sb, RunState())
    state, keys = new_round(state, sb.shot("a"))
    assert keys == (SlotKey("a", Part.VIDEO, 2), SlotKey("a", Part.VIDEO, 3))
    assert state.current_round("a", Part.VIDEO) == 1
    assert [s.key.take for s in state.current("a", Part.VIDEO)] == [2, 3]
    assert state.next_take("a", Part.VIDEO) == 4
    state, keys = new_round(state, sb.shot("k"), Part.FIRST_FRAME)
    assert keys == (SlotKey("k", Part.FIRST_FRAME, 1),)
    state, keys = new_round(RunState(), chained("z", takes=3))
    assert [k.take for k in keys] == [0, 1, 2]
    assert state.current_round("z", Part.VIDEO) == 0


def test_job_slot_finds_the_slot_of_a_job() -> None:
    state = link_job(claim(started(), A0), A0, 9)
    assert state.job_slot(9) == state[A0]
    assert state.job_slot(10) is None
