"""Learning the account's limits from getimg's answers. Plain logic, exact with an injected random."""

from __future__ import annotations

from getimg_studio.jobs.pacing import PROBE_AFTER, Pacer


def test_the_cap_is_learnt_from_a_429_and_a_slot_frees_it() -> None:
    pacer = Pacer(rand=lambda: 0.5)
    assert pacer.room(0.0, 5).ok  # nothing known yet: send
    pacer.refused_cap(0.0, 2)
    assert pacer.cap == 2
    room = pacer.room(1.0, 2)
    assert not room.ok
    assert room.reason == "waiting for a free slot: 2 of 2 in use"
    assert pacer.room(2.0, 1).ok  # one of ours finished


def test_a_learnt_cap_is_probed_after_a_quiet_while_and_grows() -> None:
    pacer = Pacer(rand=lambda: 0.5)
    pacer.refused_cap(0.0, 2)
    assert not pacer.room(1.0, 2).ok
    assert pacer.room(1.0 + PROBE_AFTER, 2).ok  # one more try: other apps may have left
    pacer.accepted(1.0 + PROBE_AFTER, 3, None, None)
    assert pacer.cap == 3


def test_the_setting_is_a_ceiling_and_is_never_probed() -> None:
    pacer = Pacer(max_in_flight=2, rand=lambda: 0.5)
    assert pacer.cap == 2
    assert not pacer.room(0.0, 2).ok
    assert not pacer.room(10 * PROBE_AFTER, 2).ok
    pacer.refused_cap(0.0, 1)
    assert pacer.cap == 1  # the account is smaller than the setting
    pacer.set_max_in_flight(0)
    assert pacer.cap == 1


def test_the_per_minute_window_from_headers_and_from_retry_after() -> None:
    pacer = Pacer(rand=lambda: 0.5)
    pacer.accepted(0.0, 1, remaining=0, reset_in=12.0)
    room = pacer.room(1.0, 1)
    assert not room.ok
    assert room.wait == 11.0
    assert "per-minute limit" in room.reason
    assert pacer.room(12.0, 1).ok
    pacer.refused_window(20.0, 600)  # never more than a minute for a per-minute window
    assert pacer.room(80.0, 1).ok


def test_busy_answers_back_off_growing() -> None:
    pacer = Pacer(rand=lambda: 1.0)
    pacer.refused_later(0.0, None, "getimg is busy (HTTP 503)")
    first = pacer.room(0.0, 0)
    pacer.refused_later(0.0, None, "getimg is busy (HTTP 503)")
    second = pacer.room(0.0, 0)
    assert first.wait is not None
    assert second.wait is not None
    assert second.wait > first.wait
    assert second.reason.startswith("getimg is busy (HTTP 503): next try in")
    pacer.accepted(100.0, 1, None, None)
    assert pacer.room(100.0, 0).ok
