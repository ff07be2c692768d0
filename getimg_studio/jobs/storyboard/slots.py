"""The takes of a run: one slot per generation, with the only transitions that can keep money safe.

A slot is one generation a run makes for a shot: a take of its video (`Part.VIDEO`) or the image of a
keyframe (`Part.FIRST_FRAME` / `Part.LAST_FRAME`). Its key (shot id, part, take number) is never reused:
regenerating adds a new round of slots with new numbers. A slot is *claimed* (written as `QUEUED`) before
the engine is asked for the job, so "sent once" is a check on one row: `claim` refuses anything but a
`NOT_STARTED` slot, and the only way back is `release`, allowed only while no job exists for it.

Staleness is not a state here: it is derived by `plan` from what each take was made from (`inputs`), so it
can never disagree with the storyboard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from getimg_studio.api.types import Role

from .model import Shot, Storyboard


class Part(StrEnum):
    VIDEO = "video"  # a take of the shot
    FIRST_FRAME = "first_frame"  # the image of the shot's first-frame keyframe
    LAST_FRAME = "last_frame"  # the image of its last-frame keyframe

    @property
    def role(self) -> Role:
        return Role(self.value)

    @classmethod
    def of(cls, role: Role) -> Part:
        return cls(role.value)


KEYFRAME_PARTS = (Part.FIRST_FRAME, Part.LAST_FRAME)


class SlotState(StrEnum):
    NOT_STARTED = "not_started"  # nothing asked of the engine
    QUEUED = "queued"  # claimed: the engine has (or is being given) a job for it, not yet on the wire
    SENT = "sent"  # the job left the engine's local queue: it may be billed
    READY = "ready"  # its file is saved (for a take that feeds a chained shot: its last frame extracted later)
    FAILED = "failed"  # failed, rejected, expired, uncertain or unusable: `reason` says which

    @property
    def in_flight(self) -> bool:
        return self in (SlotState.QUEUED, SlotState.SENT)


# The one table of allowed moves (staying in a state, to update its fields, is always allowed).
_NEXT: Mapping[SlotState, frozenset[SlotState]] = {
    SlotState.NOT_STARTED: frozenset({SlotState.QUEUED}),
    SlotState.QUEUED: frozenset({SlotState.SENT, SlotState.READY, SlotState.FAILED, SlotState.NOT_STARTED}),
    SlotState.SENT: frozenset({SlotState.READY, SlotState.FAILED}),
    SlotState.READY: frozenset({SlotState.FAILED}),  # its file turned out unreadable (no last frame)
    SlotState.FAILED: frozenset(),
}


@dataclass(frozen=True, slots=True, order=True)
class SlotKey:
    shot_id: str
    part: Part
    take: int  # numbered per shot and part from 0, never reused

    def token(self, storyboard_id: int) -> str:
        """The tag the engine stores on the slot's job, so a restart finds the job a claim led to."""
        return f"storyboard:{storyboard_id}:{self.shot_id}:{self.part.value}:{self.take}"


@dataclass(frozen=True, slots=True)
class Slot:
    key: SlotKey
    round: int = 0  # which batch of the shot's part it belongs to; the highest round is the current one
    state: SlotState = SlotState.NOT_STARTED
    job_id: int | None = None
    file: Path | None = None  # READY: the saved video or image
    last_frame: Path | None = None  # a video take's exact last frame, once extracted
    reason: str | None = None  # FAILED: why, in words for the creator
    estimate: Decimal | None = None  # what it was expected to cost when claimed
    cost: Decimal | None = None  # what was billed, once known
    ready_at: datetime | None = None  # when it became READY: the first ready take is the default pick
    inputs: tuple[SlotKey, ...] = ()  # the slots whose images it was made from (chain, keyframes)


class SlotTransitionError(ValueError):
    """A move the state table does not allow: the caller's bookkeeping is wrong (a bug, never retried)."""


@dataclass(frozen=True)
class RunState:
    """Every slot of one storyboard's runs, by key. Treat as immutable: the functions return new states."""

    slots: Mapping[SlotKey, Slot] = field(default_factory=dict)
    # slots by shot and part, by take number: the plan asks for these for every shot after every event
    _by_part: Mapping[tuple[str, Part], list[Slot]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_part: dict[tuple[str, Part], list[Slot]] = {}
        for key in sorted(self.slots):
            by_part.setdefault((key.shot_id, key.part), []).append(self.slots[key])
        object.__setattr__(self, "_by_part", by_part)

    @classmethod
    def of(cls, slots: Iterable[Slot]) -> RunState:
        return cls({s.key: s for s in slots})

    def get(self, key: SlotKey) -> Slot | None:
        return self.slots.get(key)

    def __getitem__(self, key: SlotKey) -> Slot:
        return self.slots[key]

    def __iter__(self) -> Iterator[Slot]:
        return iter(sorted(self.slots.values(), key=lambda s: s.key))

    def all_of(self, shot_id: str, part: Part) -> list[Slot]:
        return list(self._by_part.get((shot_id, part), ()))

    def current_round(self, shot_id: str, part: Part) -> int | None:
        rounds = [s.round for s in self.all_of(shot_id, part)]
        return max(rounds) if rounds else None

    def current(self, shot_id: str, part: Part) -> list[Slot]:
        """The slots of the latest round of a shot's part, by take number."""
        slots = self.all_of(shot_id, part)
        if not slots:
            return []
        latest = max(s.round for s in slots)
        return [s for s in slots if s.round == latest]

    def next_take(self, shot_id: str, part: Part) -> int:
        slots = self.all_of(shot_id, part)
        return slots[-1].key.take + 1 if slots else 0

    def with_slots(self, slots: Iterable[Slot]) -> RunState:
        merged = dict(self.slots)
        merged.update((s.key, s) for s in slots)
        return RunState(merged)

    def with_slot(self, slot: Slot) -> RunState:
        return self.with_slots((slot,))

    def job_slot(self, job_id: int) -> Slot | None:
        return next((s for s in self.slots.values() if s.job_id == job_id), None)


def changed(old: RunState, new: RunState) -> list[Slot]:
    """The slots `new` adds or alters: what the history has to write."""
    return [s for k, s in sorted(new.slots.items()) if old.slots.get(k) != s]


def _move(state: RunState, key: SlotKey, to: SlotState, **changes: Any) -> RunState:
    slot = state.slots.get(key)
    if slot is None:
        raise SlotTransitionError(f"no slot {key}")
    if to is not slot.state and to not in _NEXT[slot.state]:
        raise SlotTransitionError(f"slot {key}: {slot.state.value} cannot become {to.value}")
    return state.with_slot(dataclasses.replace(slot, state=to, **changes))


def claim(state: RunState, key: SlotKey, inputs: tuple[SlotKey, ...] = (),
          estimate: Decimal | None = None) -> RunState:
    """NOT_STARTED -> QUEUED, recording what it is made from. Persist this before asking the engine."""
    slot = state.slots.get(key)
    if slot is None or slot.state is not SlotState.NOT_STARTED:
        found = slot.state.value if slot is not None else "missing"
        raise SlotTransitionError(f"slot {key} is {found}: only a slot not started can be claimed")
    return _move(state, key, SlotState.QUEUED, inputs=inputs, estimate=estimate)


def link_job(state: RunState, key: SlotKey, job_id: int) -> RunState:
    slot = state[key]
    if slot.job_id is not None and slot.job_id != job_id:
        raise SlotTransitionError(f"slot {key} already has job {slot.job_id}")
    if slot.state is SlotState.NOT_STARTED:
        raise SlotTransitionError(f"slot {key} is not claimed")
    return state.with_slot(dataclasses.replace(slot, job_id=job_id))


def release(state: RunState, key: SlotKey) -> RunState:
    """QUEUED -> NOT_STARTED, only for a claim that never became a job (a crash between the two writes)."""
    slot = state[key]
    if slot.state is not SlotState.QUEUED or slot.job_id is not None:
        raise SlotTransitionError(f"slot {key} has a job or is past queued: it cannot be released")
    return _move(state, key, SlotState.NOT_STARTED, inputs=(), estimate=None)


def mark_sent(state: RunState, key: SlotKey) -> RunState:
    return _move(state, key, SlotState.SENT)


def mark_ready(state: RunState, key: SlotKey, file: Path, *, at: datetime,
               cost: Decimal | None = None) -> RunState:
    slot = state[key]
    if slot.state is SlotState.READY:  # a replayed event: keep the first time it became ready
        at = slot.ready_at or at
    return _move(state, key, SlotState.READY, file=file, ready_at=at,
                 cost=cost if cost is not None else slot.cost)


def mark_failed(state: RunState, key: SlotKey, reason: str, *, cost: Decimal | None = None) -> RunState:
    slot = state[key]
    return _move(state, key, SlotState.FAILED, reason=reason, cost=cost if cost is not None else slot.cost)


def record_last_frame(state: RunState, key: SlotKey, path: Path) -> RunState:
    slot = state[key]
    if slot.state is not SlotState.READY or slot.key.part is not Part.VIDEO:
        raise SlotTransitionError(f"slot {key}: only a ready take has a last frame")
    return state.with_slot(dataclasses.replace(slot, last_frame=path))


def unlinked(state: RunState) -> list[SlotKey]:
    """Claims with no job recorded: after a crash, each either has a job (find it by token) or is released."""
    return [s.key for s in state if s.state is SlotState.QUEUED and s.job_id is None]


# Preparing a run --------------------------------------------------------------------------------------

def keyframe_parts(shot: Shot) -> list[Part]:
    """The keyframe parts that are generated during a run (a keyframe with its own image is not)."""
    return [part for part in KEYFRAME_PARTS
            if (kf := shot.keyframe(part.role)) is not None and kf.image is None]


def _top_up(state: RunState, shot_id: str, part: Part, count: int) -> list[Slot]:
    current = state.current(shot_id, part)
    missing = count - len(current)
    if missing <= 0:
        return []
    round_ = current[0].round if current else 0
    first = state.next_take(shot_id, part)
    return [Slot(SlotKey(shot_id, part, first + i), round=round_) for i in range(missing)]


def prepare_run(storyboard: Storyboard, state: RunState) -> RunState:
    """Slots for everything a run makes that has none yet: each shot's takes (topped up to `takes` in its
    current round) and its keyframes. Slots already there are kept as they are."""
    added: list[Slot] = []
    for shot in storyboard.shots:
        added.extend(_top_up(state, shot.id, Part.VIDEO, shot.takes))
        for part in keyframe_parts(shot):
            added.extend(_top_up(state, shot.id, part, 1))
    return state.with_slots(added)


def new_round(state: RunState, shot: Shot, part: Part = Part.VIDEO) -> tuple[RunState, tuple[SlotKey, ...]]:
    """A fresh round of the shot's part (its takes, or its keyframe image) with new take numbers."""
    current = state.current_round(shot.id, part)
    round_ = 0 if current is None else current + 1
    first = state.next_take(shot.id, part)
    count = shot.takes if part is Part.VIDEO else 1
    slots = [Slot(SlotKey(shot.id, part, first + i), round=round_) for i in range(count)]
    return state.with_slots(slots), tuple(s.key for s in slots)
