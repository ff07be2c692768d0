"""Running a storyboard through the engine's local queue (no Qt; on the engine's loop and thread).

The decisions are `jobs/storyboard/` (pure): `plan_run` says what to send, extract and wait for; `sync` keeps
the slots in step with the jobs. This module does the I/O in the order that makes a run safe to kill at any
point: a slot's claim is committed before the engine is asked for its job, the job carries the slot's token
(`jobs.origin`, unique), and a restart (`resume`) links every claim to its job or releases it. So a take is
queued once, and the engine's queue sends it once.

A chained shot's first frame is the chosen take's exact last frame, decoded from its file (`media.frames`)
in a worker thread and saved as PNG under `frames_dir/storyboards/` before the shot is queued.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import CostEstimate, ModelInfo
from getimg_studio.jobs.model import Job, JobChanged, JobEvent, JobRequest, JobsRemoved, JobState
from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.checks import ShotProblem, blocking, check_storyboard, problem_path
from getimg_studio.jobs.storyboard.cost import StoryboardCost, storyboard_cost
from getimg_studio.jobs.storyboard.model import Storyboard
from getimg_studio.jobs.storyboard.plan import Plan, plan_run
from getimg_studio.jobs.storyboard.regenerate import Regeneration, regenerate, regenerate_shots, retry_failed
from getimg_studio.jobs.storyboard.resolve import KeyframeRequest
from getimg_studio.jobs.storyboard.slots import (
    RunState,
    Slot,
    SlotKey,
    changed,
    mark_failed,
    prepare_run,
    record_last_frame,
)
from getimg_studio.jobs.storyboard.sync import JobPhase, JobSnapshot, apply_job, claim_plan, reconcile

log = logging.getLogger(__name__)

# The budget rule (branch money2) plugs in here: called with what a run is about to queue (`.count`
# generations costing `.total`) before anything is claimed or sent; it raises GetimgError to refuse.
SpendCheck = Callable[[StoryboardCost], None]

_SENT_STATES = frozenset({JobState.SUBMITTING, JobState.PENDING, JobState.WAITING, JobState.DOWNLOADING})
_QUEUED_STATES = frozenset({JobState.QUEUED, JobState.PAUSED})


class RunnerStore(Protocol):
    """What the runner reads and writes in the history (`JobStore`)."""

    def storyboard(self, storyboard_id: int) -> Storyboard | None: ...
    def run_state(self, storyboard_id: int) -> RunState: ...
    def running_storyboards(self) -> list[int]: ...
    def save_slots(self, storyboard_id: int, slots: Iterable[Slot]) -> None: ...
    def save_storyboard(self, storyboard: Storyboard, *, now: datetime, slots: Iterable[Slot] = ()) -> Storyboard: ...
    def set_storyboard_running(self, storyboard_id: int, running: bool) -> None: ...
    def by_origin(self, origin: str) -> Job | None: ...
    def get(self, job_id: int) -> Job | None: ...


Submit = Callable[[JobRequest, str], Awaitable[Job]]  # (a video or an image request, origin) -> the queued job
Subscribe = Callable[[Callable[[JobEvent], None]], Callable[[], None]]
Spawn = Callable[[Coroutine[Any, Any, "RunResult"], str], "asyncio.Task[RunResult]"]  # the engine's task owner


def _spawn(coro: Coroutine[Any, Any, RunResult], name: str) -> asyncio.Task[RunResult]:
    return asyncio.ensure_future(coro)


class StoryboardRefused(GetimgError):
    """The storyboard cannot run as it is: every blocking problem, each naming its shot and field."""

    def __init__(self, storyboard: Storyboard, problems: list[ShotProblem]) -> None:
        lines = [f"{problem_path(storyboard, p)}: {p.message}" for p in problems]
        super().__init__(ErrorKind.INVALID, "The storyboard cannot run: " + "; ".join(lines),
                         param=problem_path(storyboard, problems[0]))
        self.problems = problems


@dataclass(frozen=True)
class RunResult:
    storyboard: Storyboard
    state: RunState
    plan: Plan

    @property
    def complete(self) -> bool:
        return self.plan.complete

    @property
    def spent(self) -> Decimal:
        """Billed, plus estimates of what is still on the wire."""
        return self.plan.spent


def snapshot(job: Job | None, job_id: int) -> JobSnapshot:
    """What the runner needs of a job: its phase, and (ready) the file, the bill and when it finished."""
    if job is None:
        return JobSnapshot(job_id, JobPhase.GONE)
    if job.state in _QUEUED_STATES:
        return JobSnapshot(job.id, JobPhase.QUEUED)
    if job.state in _SENT_STATES:
        return JobSnapshot(job.id, JobPhase.SENT, cost=job.cost)
    if job.state is JobState.READY and job.file_path is not None:
        return JobSnapshot(job.id, JobPhase.READY, job.file_path, job.cost, at=job.finished_at or job.updated_at)
    reason = job.error_message or f"The generation ended {job.state.value}."
    return JobSnapshot(job.id, JobPhase.FAILED, cost=job.cost, reason=reason)


def image_request(keyframe: KeyframeRequest) -> ImageRequest:
    """A keyframe as the image job that makes it (PNG: a frame is never compressed twice)."""
    return ImageRequest(keyframe.model, keyframe.prompt, aspect_ratio=keyframe.aspect_ratio,
                        resolution=keyframe.resolution, output_format="png", references=keyframe.references)


def image_cost(models: Mapping[str, ModelInfo]) -> Callable[[KeyframeRequest], CostEstimate]:
    """Prices a keyframe's image by the image model's listed rates (unknown when the model is not listed)."""
    from getimg_studio.api.image_pricing import estimate_image_cost

    def price(keyframe: KeyframeRequest) -> CostEstimate:
        model = models.get(keyframe.model)
        return estimate_image_cost(image_request(keyframe), model) if model is not None else CostEstimate(None)

    return price


def priced(storyboard: Storyboard, models: Mapping[str, ModelInfo],
           slots: Iterable[SlotKey] | None = None) -> StoryboardCost:
    """`storyboard_cost` with keyframes priced too."""
    return storyboard_cost(storyboard, models, image_cost=image_cost(models), slots=slots)


def extract_last_frame(video: Path, out: Path) -> Path:
    """Blocking (PyAV, Pillow): the exact last picture of `video`, saved as PNG."""
    from getimg_studio.media.frames import last_frame, save_png

    save_png(last_frame(video), out)
    return out


class StoryboardRunner:
    """Runs storyboards on the engine's loop; one run task per storyboard."""

    def __init__(self, store: RunnerStore, submit: Submit, subscribe: Subscribe,
                 models: Callable[[], Mapping[str, ModelInfo]], frames_dir: Path, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 extract: Callable[[Path, Path], Path] = extract_last_frame, spawn: Spawn = _spawn) -> None:
        self._store = store
        self._submit = submit
        self._subscribe = subscribe
        self._models = models
        self._frames_dir = frames_dir / "storyboards"
        self._clock = clock
        self._extract = extract
        self._spawn = spawn
        self._runs: dict[int, asyncio.Task[RunResult]] = {}
        self._moved: dict[int, asyncio.Event] = {}

    # what the creator asks for --------------------------------------------------------------------

    def problems(self, storyboard: Storyboard) -> list[ShotProblem]:
        return blocking(check_storyboard(storyboard, self._models()))

    def cost_to_finish(self, storyboard_id: int) -> StoryboardCost:
        """What a run would still queue (every slot not sent yet), priced."""
        storyboard, state = self._load(storyboard_id)
        state = prepare_run(storyboard, state)
        return priced(storyboard, self._models(), plan_run(storyboard, state).remaining)

    def price(self, storyboard_id: int, slots: Iterable[SlotKey]) -> StoryboardCost:
        """What these slots would cost (a regeneration's `stale_slots`: the offer to remake the chain)."""
        storyboard, _ = self._load(storyboard_id)
        return priced(storyboard, self._models(), slots)

    async def run(self, storyboard_id: int, check_spend: SpendCheck | None = None) -> RunResult:
        """Queue what is left of the storyboard and follow it until nothing more can happen.

        Refuses (StoryboardRefused) a storyboard with a blocking problem before anything is written; then
        `check_spend` sees what will be queued. Returns when every shot is made, failed or blocked."""
        running = self._runs.get(storyboard_id)
        if running is not None and not running.done():
            return await asyncio.shield(running)
        storyboard, state = self._load(storyboard_id)
        problems = self.problems(storyboard)
        if problems:
            raise StoryboardRefused(storyboard, problems)
        prepared = prepare_run(storyboard, state)
        plan = plan_run(storyboard, prepared, self._models())
        if check_spend is not None and plan.remaining:
            check_spend(priced(storyboard, self._models(), plan.remaining))
        self._store.save_slots(storyboard_id, changed(state, prepared))
        self._store.set_storyboard_running(storyboard_id, True)
        return await self._start(storyboard_id)

    def resume(self) -> list[int]:
        """After a restart: carry on every run the history marks running (nothing sent is sent again)."""
        ids = [i for i in self._store.running_storyboards() if i not in self._runs]
        for storyboard_id in ids:
            self._runs[storyboard_id] = self._spawn(self._follow(storyboard_id), f"storyboard:{storyboard_id}")
        return ids

    async def wait(self, storyboard_id: int) -> RunResult | None:
        task = self._runs.get(storyboard_id)
        return await asyncio.shield(task) if task is not None else None

    async def regenerate(self, storyboard_id: int, shot_id: str, *, failed_only: bool = False,
                         with_stale: bool = False) -> Regeneration:
        """A new round of takes for one shot (saved, not sent): `.stale` names the chained shots after it
        that it leaves stale and `.stale_slots` what remaking them would add (`price` it before offering);
        `with_stale` takes the offer: those shots get a new round too."""
        storyboard, state = self._load(storyboard_id)
        if with_stale:
            first = regenerate(storyboard, state, shot_id)
            regen = regenerate_shots(storyboard, state, (shot_id, *first.stale))
        else:
            regen = (retry_failed if failed_only else regenerate)(storyboard, state, shot_id)
        self._store.save_storyboard(regen.storyboard, now=self._clock(), slots=changed(state, regen.state))
        self._poke(storyboard_id)
        return regen

    def choose_take(self, storyboard_id: int, shot_id: str, take: int | None) -> Storyboard:
        """The creator's pick for a shot (None: the first ready take again); a running chain follows it."""
        storyboard, _ = self._load(storyboard_id)
        saved = self._store.save_storyboard(edits.choose_take(storyboard, shot_id, take), now=self._clock())
        self._poke(storyboard_id)
        return saved

    def edited(self, storyboard_id: int) -> None:
        """The storyboard was saved: a run following it plans again."""
        self._poke(storyboard_id)

    def _poke(self, storyboard_id: int) -> None:
        event = self._moved.get(storyboard_id)
        if event is not None:
            event.set()

    # the run ------------------------------------------------------------------------------------------

    def _load(self, storyboard_id: int) -> tuple[Storyboard, RunState]:
        storyboard = self._store.storyboard(storyboard_id)
        if storyboard is None:
            raise GetimgError(ErrorKind.NOT_FOUND, f"There is no storyboard {storyboard_id}.")
        return storyboard, self._store.run_state(storyboard_id)

    async def _start(self, storyboard_id: int) -> RunResult:
        task = self._spawn(self._follow(storyboard_id), f"storyboard:{storyboard_id}")
        self._runs[storyboard_id] = task
        return await asyncio.shield(task)

    def _commit(self, storyboard_id: int, old: RunState, new: RunState) -> RunState:
        self._store.save_slots(storyboard_id, changed(old, new))
        return new

    async def _follow(self, storyboard_id: int) -> RunResult:
        moved = self._moved.setdefault(storyboard_id, asyncio.Event())
        watched: set[int] = set()

        def on_event(event: JobEvent) -> None:
            ids = (event.job.id,) if isinstance(event, JobChanged) else (
                event.ids if isinstance(event, JobsRemoved) else ())
            if any(i in watched for i in ids):
                moved.set()

        unsubscribe = self._subscribe(on_event)
        try:
            storyboard, state = self._load(storyboard_id)
            state = self._commit(storyboard_id, state, reconcile(
                state, lambda key: self._find(storyboard_id, key)))
            while True:
                moved.clear()
                state = self._catch_up(storyboard_id, state)
                watched.update(s.job_id for s in state if s.job_id is not None)
                plan = plan_run(storyboard, state, self._models())
                if plan.send or plan.send_keyframes or plan.extract:
                    state = await self._step(storyboard, state, plan)
                    continue
                if plan.idle:
                    self._store.set_storyboard_running(storyboard_id, False)
                    return RunResult(storyboard, state, plan)
                await moved.wait()
                storyboard, _ = self._load(storyboard_id)  # a pick or an edit may have come meanwhile
        finally:
            unsubscribe()

    def _find(self, storyboard_id: int, key: SlotKey) -> JobSnapshot | None:
        job = self._store.by_origin(key.token(storyboard_id))
        return snapshot(job, job.id) if job is not None else None

    def _catch_up(self, storyboard_id: int, state: RunState) -> RunState:
        """Every linked slot still moving, set to where its job is now (events only say "look again")."""
        new = state
        for slot in state:
            if slot.job_id is not None and slot.state.in_flight:
                new = apply_job(new, slot.key, snapshot(self._store.get(slot.job_id), slot.job_id))
        return self._commit(storyboard_id, state, new) if new is not state else state

    async def _step(self, storyboard: Storyboard, state: RunState, plan: Plan) -> RunState:
        assert storyboard.id is not None
        storyboard_id = storyboard.id
        cost = priced(storyboard, self._models(), [*(s.key for s in plan.send), *(k.key for k in plan.send_keyframes)])
        estimates = {line.key: line.estimate.amount for shot in cost.shots for line in shot.lines}
        state = self._commit(storyboard_id, state, claim_plan(
            state, Plan(plan.shots, send=plan.send, send_keyframes=plan.send_keyframes), estimates.get))
        requests: list[tuple[SlotKey, JobRequest]] = [
            *((k.key, image_request(k.request)) for k in plan.send_keyframes), *((s.key, s.request) for s in plan.send)]
        for key, request in requests:
            try:
                job = await self._submit(request, key.token(storyboard_id))
            except GetimgError as exc:  # refused before queueing: nothing was created
                state = self._commit(storyboard_id, state, mark_failed(state, key, exc.message))
                continue
            state = self._commit(storyboard_id, state, apply_job(state, key, snapshot(job, job.id)))
        for extract in plan.extract:
            out = self._frames_dir / f"{storyboard_id}-{extract.key.shot_id}-{extract.key.take}-last.png"
            try:
                await asyncio.to_thread(self._extract, extract.video, out)
            except GetimgError as exc:
                log.warning("no last frame from %s: %s", extract.video, exc.message)
                state = self._commit(storyboard_id, state, mark_failed(
                    state, extract.key, f"Its last frame cannot be read: {exc.message}"))
                continue
            state = self._commit(storyboard_id, state, record_last_frame(state, extract.key, out))
        return state
