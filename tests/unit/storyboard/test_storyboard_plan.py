from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.api.types import ModelInfo, Role
from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.model import FrameSource, Keyframe, Storyboard
from getimg_studio.jobs.storyboard.plan import ChainStop, ExtractLastFrame, Plan, ShotStatus, plan_run
from getimg_studio.jobs.storyboard.regenerate import failed_parts, regenerate, regenerate_shots, retry_failed
from getimg_studio.jobs.storyboard.slots import (
    Part,
    RunState,
    SlotKey,
    claim,
    link_job,
    mark_failed,
    mark_ready,
    mark_sent,
    prepare_run,
    record_last_frame,
)
from tests.unit.storyboard.builders import T0, board, chained, finish, frame, keyframed, plain, video

Models = dict[str, ModelInfo]


def v(shot: str, take: int = 0) -> SlotKey:
    return SlotKey(shot, Part.VIDEO, take)


def kf(shot: str, take: int = 0, part: Part = Part.FIRST_FRAME) -> SlotKey:
    return SlotKey(shot, part, take)


def statuses(plan: Plan) -> dict[str, ShotStatus]:
    return {view.shot_id: view.status for view in plan.shots}


def sends(plan: Plan) -> list[SlotKey]:
    return [s.key for s in plan.send]


def start(sb: Storyboard) -> RunState:
    return prepare_run(sb, RunState())


def finish_as_planned(sb: Storyboard, state: RunState, key: SlotKey, minutes: int = 0) -> RunState:
    """Finish `key` the way the plan asked for it (with the inputs the plan gave)."""
    planned = {s.key: s for s in plan_run(sb, state).send}
    return finish(state, key, inputs=planned[key].inputs, minutes=minutes)


def test_independent_shots_go_together_and_a_chained_one_waits() -> None:
    sb = board(plain("a", takes=2), chained("b"), plain("c"))
    plan = plan_run(sb, start(sb))
    assert sends(plan) == [v("a", 0), v("a", 1), v("c")]
    assert statuses(plan) == {"a": ShotStatus.NOT_STARTED, "b": ShotStatus.WAITING, "c": ShotStatus.NOT_STARTED}
    assert plan.remaining == (v("a", 0), v("a", 1), v("b"), v("c"))
    assert not plan.idle
    assert not plan.complete


def test_a_chained_shot_goes_once_the_chosen_takes_last_frame_is_extracted() -> None:
    sb = board(plain("a"), chained("b"))
    state = start(sb)
    state = mark_ready(mark_sent(claim(state, v("a")), v("a")), v("a"), video(v("a")), at=T0)
    plan = plan_run(sb, state)
    assert plan.extract == (ExtractLastFrame(v("a"), video(v("a"))),)
    assert sends(plan) == []
    assert statuses(plan)["b"] is ShotStatus.WAITING
    state = record_last_frame(state, v("a"), frame(v("a")))
    plan = plan_run(sb, state)
    assert plan.extract == ()
    assert sends(plan) == [v("b")]
    send = plan.send[0]
    assert send.request.frames_with(Role.FIRST_FRAME)[0].path == frame(v("a"))
    assert send.inputs == (v("a"),)


def test_a_chained_shot_waits_for_nothing_but_the_chosen_take() -> None:
    sb = board(plain("a", takes=3), chained("b"))
    state = start(sb)
    state = finish_as_planned(sb, state, v("a", 2), minutes=1)
    state = mark_sent(claim(state, v("a", 0)), v("a", 0))  # still generating
    plan = plan_run(sb, state)
    assert plan.view("a").chosen is not None
    assert plan.view("a").chosen.key == v("a", 2)
    assert sends(plan) == [v("a", 1), v("b")]
    assert plan.send[1].inputs == (v("a", 2),)


def test_the_first_take_to_be_ready_is_chosen_and_stays_chosen() -> None:
    sb = board(plain("a", takes=2), chained("b"))
    state = start(sb)
    state = finish_as_planned(sb, state, v("a", 1), minutes=1)
    state = finish_as_planned(sb, state, v("b"), minutes=2)
    state = finish_as_planned(sb, state, v("a", 0), minutes=3)  # a lower number, but later
    plan = plan_run(sb, state)
    assert plan.view("a").chosen.key == v("a", 1)
    assert statuses(plan) == {"a": ShotStatus.READY, "b": ShotStatus.READY}
    assert plan.complete
    assert plan.idle
    assert plan.chosen_files() == (video(v("a", 1)), video(v("b")))
    with pytest.raises(ValueError, match="without a chosen take: b"):
        plan_run(sb, start(sb).with_slot(state[v("a", 1)])).chosen_files()


def test_the_creators_pick_wins_and_makes_the_chained_shot_after_it_stale() -> None:
    sb = board(plain("a", takes=2), chained("b"), chained("c"), plain("d"))
    state = start(sb)
    for key, minute in ((v("a", 0), 1), (v("a", 1), 2), (v("b"), 3), (v("c"), 4), (v("d"), 5)):
        state = finish_as_planned(sb, state, key, minute)
    assert all(s is ShotStatus.READY for s in statuses(plan_run(sb, state)).values())
    picked = edits.choose_take(sb, "a", 1)
    plan = plan_run(picked, state)
    assert plan.view("a").chosen.key == v("a", 1)
    # b was made from take 0's last frame; c from b's (stale) take: both stale, d untouched
    assert statuses(plan) == {"a": ShotStatus.READY, "b": ShotStatus.STALE, "c": ShotStatus.STALE,
                              "d": ShotStatus.READY}
    assert [t.stale for t in plan.view("b").takes] == [True]
    assert sends(plan) == []
    assert plan.complete
    # a pick that is not ready falls back to the first ready take
    assert plan_run(edits.choose_take(sb, "a", 7), state).view("a").chosen.key == v("a", 0)


def test_a_failed_take_stops_the_chain_at_its_shot() -> None:
    sb = board(plain("a", duration=5.0), chained("b"), chained("c"), plain("d"), chained("e"))
    state = start(sb)
    state = mark_failed(mark_sent(claim(state, v("a"), estimate=Decimal("0.25")), v("a")), v("a"),
                        "Content policy: the prompt was refused.")
    state = mark_ready(mark_sent(claim(state, v("d"), estimate=Decimal("0.25")), v("d")), v("d"), video(v("d")),
                       at=T0, cost=Decimal("0.24"))
    plan = plan_run(sb, state)
    assert statuses(plan) == {"a": ShotStatus.FAILED, "b": ShotStatus.BLOCKED, "c": ShotStatus.BLOCKED,
                              "d": ShotStatus.READY, "e": ShotStatus.WAITING}
    assert plan.stops == (ChainStop("a", "Its take failed: Content policy: the prompt was refused.", ("b", "c"),
                                    Decimal("0.24")),)
    assert plan.view("b").blocked_by == "a"
    assert plan.view("c").reason == "Not made: the chain it continues stopped at shot 1, which failed."
    assert v("b") not in sends(plan)
    assert v("b") not in plan.remaining
    assert plan.extract == (ExtractLastFrame(v("d"), video(v("d"))),)  # the other chain goes on


def test_a_sibling_take_keeps_the_chain_going_and_all_failing_stops_it() -> None:
    sb = board(plain("a", takes=2), chained("b"))
    state = start(sb)
    state = mark_failed(mark_sent(claim(state, v("a", 0)), v("a", 0)), v("a", 0), "server error")
    plan = plan_run(sb, state)
    assert statuses(plan)["a"] is ShotStatus.NOT_STARTED
    assert sends(plan) == [v("a", 1)]
    rescued = finish_as_planned(sb, state, v("a", 1))
    assert sends(plan_run(sb, rescued)) == [v("b")]
    both = mark_failed(mark_sent(claim(state, v("a", 1)), v("a", 1)), v("a", 1), "expired")
    plan = plan_run(sb, both)
    assert plan.view("a").reason == "All 2 takes failed; the first: server error"
    assert statuses(plan)["b"] is ShotStatus.BLOCKED
    assert plan.idle


def test_queued_and_running_and_a_replay_never_proposes_a_claimed_slot() -> None:
    sb = board(plain("a", takes=2), plain("b"))
    state = start(sb)
    state = link_job(claim(state, v("a", 0)), v("a", 0), 1)
    state = claim(state, v("b"))
    plan = plan_run(sb, state)
    assert statuses(plan) == {"a": ShotStatus.QUEUED, "b": ShotStatus.QUEUED}
    assert sends(plan) == [v("a", 1)]
    plan = plan_run(sb, mark_sent(state, v("a", 0)))
    assert statuses(plan)["a"] is ShotStatus.RUNNING
    assert plan.in_flight
    assert not plan.idle


def test_regenerating_a_shot_lists_the_chained_shots_it_leaves_stale(models: Models) -> None:
    sb = board(plain("a", duration=5.0), chained("b", takes=2), chained("c"), plain("d"), chained("e"))
    state = start(sb)
    for key, minute in ((v("a"), 1), (v("b", 0), 2), (v("b", 1), 3), (v("c"), 4), (v("d"), 5), (v("e"), 6)):
        state = finish_as_planned(sb, state, key, minute)
    sb = edits.choose_take(sb, "a", 0)
    regen = regenerate(sb, state, "a")
    assert regen.storyboard.shot("a").chosen_take is None
    assert regen.new_slots == (v("a", 1),)
    assert regen.stale == ("b", "c")
    assert regen.stale_slots == (v("b", 2), v("b", 3), v("c", 1))
    plan = plan_run(regen.storyboard, regen.state)
    assert statuses(plan) == {"a": ShotStatus.NOT_STARTED, "b": ShotStatus.STALE, "c": ShotStatus.STALE,
                              "d": ShotStatus.READY, "e": ShotStatus.READY}
    assert sends(plan) == [v("a", 1)]  # the stale ones wait for the creator's answer
    # accepting the offer: b and c are made again, each after the shot before
    accepted = regenerate_shots(regen.storyboard, regen.state, regen.stale)
    sb, state = accepted.storyboard, accepted.state
    assert sends(plan_run(sb, state)) == [v("a", 1)]
    state = finish_as_planned(sb, state, v("a", 1), 10)
    assert sends(plan_run(sb, state)) == [v("b", 2), v("b", 3)]
    state = finish_as_planned(sb, state, v("b", 3), 11)
    plan = plan_run(sb, state)
    assert sends(plan) == [v("b", 2), v("c", 1)]
    assert plan.send[1].inputs == (v("b", 3),)
    state = finish_as_planned(sb, state, v("c", 1), 12)
    state = finish_as_planned(sb, state, v("b", 2), 13)
    plan = plan_run(sb, state)
    assert all(s is ShotStatus.READY for s in statuses(plan).values())
    assert plan.idle


def test_regenerating_a_middle_shot_leaves_only_those_after_it_stale() -> None:
    sb = board(plain("a"), chained("b"), chained("c"))
    state = start(sb)
    for key, minute in ((v("a"), 1), (v("b"), 2), (v("c"), 3)):
        state = finish_as_planned(sb, state, key, minute)
    regen = regenerate(sb, state, "b")
    assert regen.stale == ("c",)
    plan = plan_run(regen.storyboard, regen.state)
    assert statuses(plan) == {"a": ShotStatus.READY, "b": ShotStatus.NOT_STARTED, "c": ShotStatus.STALE}
    assert sends(plan) == [v("b", 1)]  # a's last frame is extracted already: b goes at once


def test_keyframes_go_at_once_and_their_shot_waits_for_them(models: Models) -> None:
    end = FrameSource.from_keyframe(Keyframe("the end"))
    sb = board(keyframed("a"), chained("b", last_frame=end))
    state = start(sb)
    plan = plan_run(sb, state, models)
    assert [k.key for k in plan.send_keyframes] == [kf("a"), kf("b", part=Part.LAST_FRAME)]
    assert plan.send_keyframes[0].request.aspect_ratio == "16:9"
    assert sends(plan) == []
    assert statuses(plan) == {"a": ShotStatus.WAITING, "b": ShotStatus.WAITING}
    state = finish(state, kf("a"))
    plan = plan_run(sb, state)
    assert sends(plan) == [v("a")]
    assert plan.send[0].request.frames_with(Role.FIRST_FRAME)[0].path == video(kf("a"))
    assert plan.send[0].inputs == (kf("a"),)
    state = finish_as_planned(sb, state, v("a"), 1)
    state = finish(state, kf("b", part=Part.LAST_FRAME))
    plan = plan_run(sb, state)
    assert sends(plan) == [v("b")]
    assert plan.send[0].inputs == (v("a"), kf("b", part=Part.LAST_FRAME))
    assert plan.send[0].request.frames_with(Role.LAST_FRAME)[0].path == video(kf("b", part=Part.LAST_FRAME))


def test_a_failed_keyframe_fails_its_shot_and_stops_the_chain() -> None:
    sb = board(keyframed("a"), chained("b"))
    state = mark_failed(mark_sent(claim(start(sb), kf("a")), kf("a")), kf("a"), "the image model refused it")
    plan = plan_run(sb, state)
    assert statuses(plan) == {"a": ShotStatus.FAILED, "b": ShotStatus.BLOCKED}
    assert plan.view("a").reason == "Its first frame keyframe could not be made: the image model refused it"
    assert plan.stops[0].blocked == ("b",)
    assert sends(plan) == []
    assert plan.send_keyframes == ()


def test_remaking_a_keyframe_leaves_its_own_shot_stale() -> None:
    sb = board(keyframed("a"), chained("b"))
    state = finish(start(sb), kf("a"))
    state = finish_as_planned(sb, state, v("a"), 1)
    state = finish_as_planned(sb, state, v("b"), 2)
    regen = regenerate(sb, state, "a", Part.FIRST_FRAME)
    assert regen.new_slots == (kf("a", 1),)
    assert regen.stale == ("a", "b")
    plan = plan_run(regen.storyboard, regen.state)
    assert statuses(plan) == {"a": ShotStatus.STALE, "b": ShotStatus.STALE}
    assert [k.key for k in plan.send_keyframes] == [kf("a", 1)]
    with pytest.raises(ValueError, match="not a keyframe"):
        regenerate(sb, state, "b", Part.FIRST_FRAME)


def test_changing_how_shots_chain_makes_their_takes_stale() -> None:
    sb = board(plain("a"), chained("b"), chained("c"))
    state = start(sb)
    for key, minute in ((v("a"), 1), (v("b"), 2), (v("c"), 3)):
        state = finish_as_planned(sb, state, key, minute)
    unchained = edits.update_shot(sb, "b", first_frame=FrameSource.file(Path("/x.png")))
    assert statuses(plan_run(unchained, state)) == {"a": ShotStatus.READY, "b": ShotStatus.STALE,
                                                   "c": ShotStatus.STALE}
    reordered = edits.move_shot(sb, "c", 1)  # c now continues from a, not from b
    assert statuses(plan_run(reordered, state))["c"] is ShotStatus.STALE
    deleted = edits.delete_shot(sb, "b")
    assert statuses(plan_run(deleted, state)) == {"a": ShotStatus.READY, "c": ShotStatus.STALE}


def test_a_chained_first_shot_fails_without_sending() -> None:
    sb = board(chained("a"), chained("b"))
    plan = plan_run(sb, start(sb))
    assert statuses(plan) == {"a": ShotStatus.FAILED, "b": ShotStatus.BLOCKED}
    assert sends(plan) == []
    assert plan.remaining == ()


def test_fewer_takes_than_prepared_sends_only_what_the_shot_asks() -> None:
    sb = board(plain("a", takes=3))
    state = claim(start(sb), v("a", 0))
    fewer = edits.update_shot(sb, "a", takes=2)
    assert sends(plan_run(fewer, state)) == [v("a", 1)]
    assert [t.slot.key for t in plan_run(fewer, state).view("a").takes] == [v("a", 0), v("a", 1)]


def test_spent_counts_bills_and_the_estimates_of_what_is_on_the_wire() -> None:
    sb = board(plain("a"), plain("b"), plain("c"), plain("d"))
    state = start(sb)
    state = mark_ready(mark_sent(claim(state, v("a"), estimate=Decimal("0.25")), v("a")), v("a"), video(v("a")),
                       at=T0, cost=Decimal("0.20"))
    state = mark_sent(claim(state, v("b"), estimate=Decimal("0.50")), v("b"))
    state = claim(state, v("c"), estimate=Decimal("1.00"))  # queued locally: nothing spent
    state = mark_failed(mark_sent(claim(state, v("d"), estimate=Decimal("2.00")), v("d")), v("d"), "failed")
    assert plan_run(sb, state).spent == Decimal("0.70")


def test_an_empty_storyboard_is_idle_and_not_complete() -> None:
    plan = plan_run(board(), RunState())
    assert plan.idle
    assert not plan.complete
    assert plan.shots == ()


def test_a_storyboard_never_prepared_sends_nothing() -> None:
    sb = board(plain("a"), keyframed("k"))
    plan = plan_run(sb, RunState())
    assert sends(plan) == []
    assert plan.send_keyframes == ()
    assert plan.idle
    assert statuses(plan) == {"a": ShotStatus.NOT_STARTED, "k": ShotStatus.NOT_STARTED}


def test_a_failed_remake_blocks_the_chain_even_where_older_takes_are_ready() -> None:
    sb = board(plain("a"), chained("b"), chained("c"))
    state = start(sb)
    for key, minute in ((v("a"), 1), (v("b"), 2), (v("c"), 3)):
        state = finish_as_planned(sb, state, key, minute)
    regen = regenerate(sb, state, "a")  # the offer to remake b and c is declined...
    regen = regenerate(regen.storyboard, regen.state, "c")  # ...but c alone is remade
    sb, state = regen.storyboard, regen.state
    state = mark_failed(mark_sent(claim(state, v("a", 1)), v("a", 1)), v("a", 1), "refused")
    plan = plan_run(sb, state)
    # b still has its old (stale) take, yet the chain stops at a: c is not made from b's old frame
    assert statuses(plan) == {"a": ShotStatus.FAILED, "b": ShotStatus.BLOCKED, "c": ShotStatus.BLOCKED}
    assert sends(plan) == []
    assert plan.stops[0].blocked == ("b", "c")


def test_retrying_a_failed_shot_remakes_what_failed_and_the_chain_carries_on() -> None:
    sb = board(keyframed("a", takes=2), chained("b"))
    state = start(sb)
    state = mark_failed(mark_sent(claim(state, kf("a")), kf("a")), kf("a"), "refused")
    assert failed_parts(sb, state, "a") == [Part.FIRST_FRAME]
    retry = retry_failed(sb, state, "a")
    assert retry.new_slots == (kf("a", 1),)
    plan = plan_run(retry.storyboard, retry.state)
    assert statuses(plan)["b"] is ShotStatus.WAITING
    assert [k.key for k in plan.send_keyframes] == [kf("a", 1)]
    state = finish(retry.state, kf("a", 1))
    for take in (0, 1):
        state = mark_failed(mark_sent(claim(state, v("a", take)), v("a", take)), v("a", take), "server error")
    assert failed_parts(sb, state, "a") == [Part.VIDEO]
    retry = retry_failed(sb, state, "a")
    assert retry.new_slots == (v("a", 2), v("a", 3))
    assert sends(plan_run(retry.storyboard, retry.state)) == [v("a", 2), v("a", 3)]
    assert failed_parts(sb, start(sb), "a") == []
