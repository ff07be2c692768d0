"""Making a shot again, and what that does to the chained shots after it.

Regenerating a shot's takes (or its keyframe) starts a new round of slots and clears the creator's pick, so
the chained shots after it were made from a frame that is no longer the one they continue from: they are
stale (the plan derives that) and `Regeneration` lists them with the slots that making them again would
add, for the "regenerate these too, for $X?" offer. Accepting is `regenerate_shots`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .edits import choose_take
from .model import Shot, Storyboard
from .slots import Part, RunState, SlotKey, SlotState, keyframe_parts, new_round


@dataclass(frozen=True, slots=True)
class Regeneration:
    storyboard: Storyboard  # the pick of each regenerated shot cleared
    state: RunState  # with the new rounds (NOT_STARTED slots): persist both, then plan
    new_slots: tuple[SlotKey, ...]
    stale: tuple[str, ...]  # shots whose takes were made from what this replaces, in order
    stale_slots: tuple[SlotKey, ...]  # what regenerating those would add (price it with storyboard_cost)


def _has_takes(state: RunState, shot: Shot) -> bool:
    return any(s.state in (SlotState.QUEUED, SlotState.SENT, SlotState.READY)
               for s in state.current(shot.id, Part.VIDEO))


def _would_add(state: RunState, shot: Shot) -> tuple[SlotKey, ...]:
    first = state.next_take(shot.id, Part.VIDEO)
    return tuple(SlotKey(shot.id, Part.VIDEO, first + i) for i in range(shot.takes))


def affected_by(storyboard: Storyboard, state: RunState, shot_id: str, part: Part = Part.VIDEO) -> list[Shot]:
    """The shots whose takes remaking `part` of `shot_id` leaves stale: the chained shots after it that
    have takes (and the shot itself when its keyframe is remade)."""
    index = storyboard.index_of(shot_id)
    out: list[Shot] = []
    if part is not Part.VIDEO and _has_takes(state, storyboard.shots[index]):
        out.append(storyboard.shots[index])
    for shot in storyboard.shots[index + 1:]:
        if not shot.chained:
            break
        if _has_takes(state, shot):
            out.append(shot)
    return out


def regenerate(storyboard: Storyboard, state: RunState, shot_id: str, part: Part = Part.VIDEO) -> Regeneration:
    """A new round of the shot's takes (or of one keyframe's image), and the shots it leaves stale."""
    shot = storyboard.shot(shot_id)
    if part is not Part.VIDEO and shot.keyframe(part.role) is None:
        raise ValueError(f"shot {shot_id}: its {part.role.label.lower()} is not a keyframe")
    stale = affected_by(storyboard, state, shot_id, part)
    new_state, keys = new_round(state, shot, part)
    if part is Part.VIDEO:
        storyboard = choose_take(storyboard, shot_id, None)
    return Regeneration(storyboard, new_state, keys, tuple(s.id for s in stale),
                        tuple(k for s in stale for k in _would_add(new_state, s)))


def regenerate_shots(storyboard: Storyboard, state: RunState, shot_ids: Iterable[str]) -> Regeneration:
    """New rounds of several shots' takes at once (accepting the offer for the stale ones)."""
    ids = list(shot_ids)
    keys: list[SlotKey] = []
    for shot_id in ids:
        state, added = new_round(state, storyboard.shot(shot_id), Part.VIDEO)
        storyboard = choose_take(storyboard, shot_id, None)
        keys.extend(added)
    return Regeneration(storyboard, state, tuple(keys), (), ())


def failed_parts(storyboard: Storyboard, state: RunState, shot_id: str) -> list[Part]:
    """The parts of a shot whose current round can no longer give it anything: its failed keyframes, and its
    takes when every one of them failed."""
    shot = storyboard.shot(shot_id)
    parts = [part for part in keyframe_parts(shot)
             if (current := state.current(shot_id, part)) and current[-1].state is SlotState.FAILED]
    takes = state.current(shot_id, Part.VIDEO)
    if takes and all(s.state is SlotState.FAILED for s in takes):
        parts.append(Part.VIDEO)
    return parts


def retry_failed(storyboard: Storyboard, state: RunState, shot_id: str) -> Regeneration:
    """A new round of whatever failed in a shot ("Retry" on the shot where a chain stopped). A keyframe
    made again leaves nothing stale here: no take was made from a keyframe that failed."""
    keys: list[SlotKey] = []
    for part in failed_parts(storyboard, state, shot_id):
        state, added = new_round(state, storyboard.shot(shot_id), part)
        keys.extend(added)
        if part is Part.VIDEO:
            storyboard = choose_take(storyboard, shot_id, None)
    return Regeneration(storyboard, state, tuple(keys), (), ())
