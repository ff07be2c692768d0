"""What a storyboard run does next, decided from the storyboard and its slots alone (pure, replayable).

`plan_run` is called after every change (a slot's job moved, a last frame was extracted, the creator edited,
picked a take, regenerated, or the app restarted) and says:
- which slots to send now (`send`, `send_keyframes`): every shot that depends on nothing goes at once; a
  chained shot only once the shot before has a chosen ready take whose exact last frame is extracted;
- which last frames to extract (`extract`) so a chained shot can go;
- where a failure stops a chain (`stops`): a shot none of whose takes can be ready any more blocks every
  chained shot after it (nothing after it is sent), with the reason and what the run has cost so far;
- each shot's status and chosen take (the creator's pick, else the first take to become ready).

It only ever proposes NOT_STARTED slots, and `slots.claim` refuses any other, so replaying it after a crash
from the stored slots never sends a slot twice. A take is stale when what it was made from (its `inputs`)
is no longer what the shot would be made from now: the chained shot before picked or made another take, a
keyframe was made again, the shot's frames were changed. A take made from a stale take is stale too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from getimg_studio.api.types import GenerationRequest, ModelInfo, Role

from .model import Shot, Storyboard
from .resolve import FRAME_ROLES, KeyframeRequest, effective_request, keyframe_request
from .slots import Part, RunState, Slot, SlotKey, SlotState


class ShotStatus(StrEnum):
    NOT_STARTED = "not_started"  # nothing of its current round is sent (it may be sent now)
    WAITING = "waiting"  # its takes wait for the shot before or for its keyframes
    QUEUED = "queued"  # claimed, in the engine's local queue
    RUNNING = "running"  # on the wire: being generated or saved
    READY = "ready"  # it has a chosen take, made from what the shot is made from now
    STALE = "stale"  # its chosen take was made from an image that is no longer the one it would use
    FAILED = "failed"  # no take can be ready: the chain stops here
    BLOCKED = "blocked"  # a chained shot after a failed one: nothing is sent for it

    @property
    def done(self) -> bool:
        return self in (ShotStatus.READY, ShotStatus.STALE)


@dataclass(frozen=True, slots=True)
class TakeView:
    slot: Slot
    stale: bool
    chosen: bool


@dataclass(frozen=True, slots=True)
class ShotView:
    shot_id: str
    status: ShotStatus
    chosen: Slot | None
    takes: tuple[TakeView, ...]  # the current round's takes, and the chosen one if it is older
    keyframes: tuple[Slot, ...]  # the current slot of each keyframe made during the run
    reason: str | None = None  # FAILED / BLOCKED: why, in words
    blocked_by: str | None = None  # BLOCKED: the failed shot that stops it
    in_flight: bool = False  # some take or keyframe of it is queued or on the wire


@dataclass(frozen=True, slots=True)
class SendTake:
    key: SlotKey
    request: GenerationRequest
    inputs: tuple[SlotKey, ...]  # record with `claim`: what makes it stale later


@dataclass(frozen=True, slots=True)
class SendKeyframe:
    key: SlotKey
    request: KeyframeRequest


@dataclass(frozen=True, slots=True)
class ExtractLastFrame:
    key: SlotKey  # the chosen take of a shot a chained shot continues from
    video: Path


@dataclass(frozen=True, slots=True)
class ChainStop:
    shot_id: str  # the shot that failed
    reason: str
    blocked: tuple[str, ...]  # the chained shots after it, in order: none of them is sent
    spent: Decimal  # what the whole run has cost so far (billed, or estimated while unbilled)


@dataclass(frozen=True, slots=True)
class Plan:
    shots: tuple[ShotView, ...]
    send: tuple[SendTake, ...] = ()
    send_keyframes: tuple[SendKeyframe, ...] = ()
    extract: tuple[ExtractLastFrame, ...] = ()
    stops: tuple[ChainStop, ...] = ()
    remaining: tuple[SlotKey, ...] = ()  # every slot still to send, now or later (what Generate will spend)
    spent: Decimal = Decimal(0)
    _by_id: Mapping[str, ShotView] = field(default_factory=dict, repr=False, compare=False)

    def view(self, shot_id: str) -> ShotView:
        return self._by_id[shot_id]

    @property
    def in_flight(self) -> bool:
        return any(v.in_flight for v in self.shots)

    @property
    def idle(self) -> bool:
        """Nothing to send or extract and nothing in flight: the run is over (finished or stopped)."""
        return not (self.send or self.send_keyframes or self.extract or self.in_flight)

    @property
    def complete(self) -> bool:
        """Every shot has a chosen take: the storyboard can be played and exported."""
        return bool(self.shots) and all(v.status.done for v in self.shots)

    def chosen_files(self) -> tuple[Path, ...]:
        """The chosen take of every shot, in order: what plays and what is exported (`media.join`)."""
        if not self.complete:
            missing = [v.shot_id for v in self.shots if not v.status.done]
            raise ValueError(f"shots without a chosen take: {', '.join(missing) or 'there are no shots'}")
        return tuple(v.chosen.file for v in self.shots if v.chosen is not None and v.chosen.file is not None)


def chosen_take(shot: Shot, state: RunState) -> Slot | None:
    """The creator's pick when it is ready, else the current round's first take to become ready."""
    if shot.chosen_take is not None:
        picked = state.get(SlotKey(shot.id, Part.VIDEO, shot.chosen_take))
        if picked is not None and picked.state is SlotState.READY:
            return picked
    ready = [s for s in state.current(shot.id, Part.VIDEO) if s.state is SlotState.READY]
    return min(ready, key=_ready_order, default=None)


def _ready_order(slot: Slot) -> tuple[bool, float, int]:
    # A stable order: a take that becomes ready later never displaces the one a chained shot already used.
    return (slot.ready_at is None, slot.ready_at.timestamp() if slot.ready_at else 0.0, slot.key.take)


def spent(state: RunState) -> Decimal:
    """Billed costs, plus the estimate of what is sent and not yet billed (a failed take without a bill: 0)."""
    total = Decimal(0)
    for slot in state.slots.values():
        if slot.cost is not None:
            total += slot.cost
        elif slot.state in (SlotState.SENT, SlotState.READY) and slot.estimate is not None:
            total += slot.estimate
    return total


@dataclass
class _Before:
    """What the next shot needs to know of the one before it."""

    status: ShotStatus
    chosen: Slot | None
    chosen_stale: bool
    root: str | None  # the failed shot that stops this chain, if any


@dataclass
class _Builder:
    storyboard: Storyboard
    state: RunState
    models: Mapping[str, ModelInfo]
    views: list[ShotView] = field(default_factory=list)
    send: list[SendTake] = field(default_factory=list)
    send_keyframes: list[SendKeyframe] = field(default_factory=list)
    extract: list[ExtractLastFrame] = field(default_factory=list)
    remaining: list[SlotKey] = field(default_factory=list)
    stops: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # failed shot -> reason, blocked

    def shot(self, shot: Shot, before: _Before | None) -> _Before:
        keyframes = _Keyframes.of(self.storyboard, shot, self.state, self.models)
        chain = _Chain.of(shot, before)
        current = self.state.current(shot.id, Part.VIDEO)
        started = [s for s in current if s.state is not SlotState.NOT_STARTED]
        to_send = [s for s in current if s.state is SlotState.NOT_STARTED][: max(0, shot.takes - len(started))]
        expected = frozenset(k for k in (chain.key, *keyframes.keys) if k is not None)

        def stale(slot: Slot) -> bool:
            made_from = frozenset(slot.inputs)
            return made_from != expected or (chain.key in made_from and before is not None and before.chosen_stale)

        chosen = chosen_take(shot, self.state)
        if chain.blocked_by is None and chain.error is None and keyframes.failed is None:
            self.send_keyframes.extend(keyframes.to_send)
            self.remaining.extend(k.key for k in keyframes.to_send)
            self.remaining.extend(s.key for s in to_send)
            if to_send and not (keyframes.waiting or chain.waiting):
                request = effective_request(self.storyboard, shot, chain.frame,
                                            first_keyframe=keyframes.files.get(Role.FIRST_FRAME),
                                            last_keyframe=keyframes.files.get(Role.LAST_FRAME))
                self.send.extend(SendTake(s.key, request, tuple(sorted(expected))) for s in to_send)
            if to_send and chain.extract is not None:
                self.extract.append(chain.extract)
        in_flight = any(s.state.in_flight for s in current) or keyframes.in_flight
        status, reason = _status(chosen, stale, in_flight, current, to_send, chain, keyframes)
        root: str | None = None
        if status is ShotStatus.BLOCKED:
            root = chain.blocked_by
            assert root is not None
            self.stops[root][1].append(shot.id)
            position = self.storyboard.index_of(root) + 1
            reason = f"Not made: the chain it continues stopped at shot {position}, which failed."
        elif status is ShotStatus.FAILED:
            root = shot.id
            self.stops[shot.id] = (reason or "It failed.", [])
        shown = [s for s in current if s.state is not SlotState.NOT_STARTED or s in to_send]
        if chosen is not None and chosen not in shown:
            shown.insert(0, chosen)
        self.views.append(ShotView(
            shot.id, status, chosen,
            tuple(TakeView(s, s.state is SlotState.READY and stale(s), s == chosen) for s in shown),
            keyframes.slots, reason, root if status is ShotStatus.BLOCKED else None, in_flight,
        ))
        return _Before(status, chosen, chosen is not None and stale(chosen), root)

    def build(self) -> Plan:
        before: _Before | None = None
        for shot in self.storyboard.shots:
            before = self.shot(shot, before)
        so_far = spent(self.state)
        stops = tuple(ChainStop(shot_id, reason, tuple(blocked), so_far)
                      for shot_id, (reason, blocked) in self.stops.items())
        return Plan(tuple(self.views), tuple(self.send), tuple(self.send_keyframes), tuple(self.extract), stops,
                    tuple(self.remaining), so_far, {v.shot_id: v for v in self.views})


def _status(chosen: Slot | None, stale: Callable[[Slot], bool], in_flight: bool, current: list[Slot],
            to_send: list[Slot], chain: _Chain, keyframes: _Keyframes) -> tuple[ShotStatus, str | None]:
    if chain.blocked_by is not None:
        return ShotStatus.BLOCKED, None
    if chosen is not None:
        return (ShotStatus.STALE if stale(chosen) else ShotStatus.READY), None
    if in_flight:
        sent = any(s.state is SlotState.SENT for s in (*current, *keyframes.slots))
        return (ShotStatus.RUNNING if sent else ShotStatus.QUEUED), None
    if chain.error is not None:
        return ShotStatus.FAILED, chain.error
    if keyframes.failed is not None:
        return ShotStatus.FAILED, keyframes.failed
    if to_send or keyframes.to_send:
        return (ShotStatus.WAITING if chain.waiting or keyframes.waiting else ShotStatus.NOT_STARTED), None
    failed = [s for s in current if s.state is SlotState.FAILED]
    if failed:
        return ShotStatus.FAILED, _take_failure(failed)
    return ShotStatus.NOT_STARTED, None


def _take_failure(failed: list[Slot]) -> str:
    first = failed[0].reason or "it failed"
    if len(failed) == 1:
        return f"Its take failed: {first}"
    return f"All {len(failed)} takes failed; the first: {first}"


@dataclass
class _Chain:
    """The chained frame a shot needs from the shot before, and whether it can have it yet."""

    key: SlotKey | None = None  # the take it continues from (the shot before's chosen one)
    frame: Path | None = None  # that take's extracted last frame
    waiting: bool = False
    extract: ExtractLastFrame | None = None
    blocked_by: str | None = None
    error: str | None = None

    @classmethod
    def of(cls, shot: Shot, before: _Before | None) -> _Chain:
        if not shot.chained:
            return cls()
        if before is None:
            return cls(waiting=True, error="The first shot has no shot before it to continue from.")
        if before.status in (ShotStatus.FAILED, ShotStatus.BLOCKED):
            return cls(waiting=True, blocked_by=before.root)
        take = before.chosen
        if take is None:
            return cls(waiting=True)
        if take.last_frame is None:
            assert take.file is not None
            return cls(key=take.key, waiting=True, extract=ExtractLastFrame(take.key, take.file))
        return cls(key=take.key, frame=take.last_frame)


@dataclass
class _Keyframes:
    """The shot's keyframes made during the run: their current slots, files, and what is left to do."""

    slots: tuple[Slot, ...] = ()
    keys: tuple[SlotKey, ...] = ()
    files: dict[Role, Path] = field(default_factory=dict)
    to_send: list[SendKeyframe] = field(default_factory=list)
    waiting: bool = False
    in_flight: bool = False
    failed: str | None = None

    @classmethod
    def of(cls, storyboard: Storyboard, shot: Shot, state: RunState, models: Mapping[str, ModelInfo]) -> _Keyframes:
        out = cls()
        slots: list[Slot] = []
        for role in FRAME_ROLES:
            keyframe = shot.keyframe(role)
            if keyframe is None:
                continue
            if keyframe.image is not None:
                out.files[role] = keyframe.image
                continue
            current = state.current(shot.id, Part.of(role))
            if not current:  # not prepared for a run yet
                out.waiting = True
                continue
            slot = current[-1]
            slots.append(slot)
            if slot.state is SlotState.READY and slot.file is not None:
                out.files[role] = slot.file
            elif slot.state is SlotState.FAILED:
                out.failed = f"Its {role.label.lower()} keyframe could not be made: {slot.reason or 'it failed'}"
            else:
                out.waiting = True
                out.in_flight = out.in_flight or slot.state.in_flight
                if slot.state is SlotState.NOT_STARTED:
                    out.to_send.append(SendKeyframe(slot.key, keyframe_request(storyboard, shot, role, models)))
        out.slots = tuple(slots)
        out.keys = tuple(s.key for s in slots)
        return out


def plan_run(storyboard: Storyboard, state: RunState, models: Mapping[str, ModelInfo] | None = None) -> Plan:
    """The next steps of a run; `models` (by id) only fills keyframes' unset aspect ratios."""
    return _Builder(storyboard, state, models or {}).build()
