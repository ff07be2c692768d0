"""The run plan under random completions, failures, crashes, regenerations and picks (hypothesis).

A small world plays the runner's protocol (`sync`) against a fake engine keyed by the slots' tokens, with a
"disk" that holds only what was committed. A crash can strike between any two writes; a restart reloads
the disk, reconciles claims and replays the engine's jobs. Checked throughout: the engine never gets the
same slot twice; a chained take is created only from the exact last frame of the chosen, ready take of the
shot before, and never while the chain before it is failed or blocked; a failed shot blocks every chained
shot after it; and with the faults over, every run ends with each shot made, failed or blocked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from getimg_studio.api.types import GenerationRequest, Role
from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.model import FrameSource, Keyframe, Shot, Storyboard
from getimg_studio.jobs.storyboard.plan import Plan, ShotStatus, chosen_take, plan_run
from getimg_studio.jobs.storyboard.regenerate import regenerate, regenerate_shots
from getimg_studio.jobs.storyboard.slots import (
    Part,
    RunState,
    SlotKey,
    SlotState,
    prepare_run,
    record_last_frame,
)
from getimg_studio.jobs.storyboard.sync import JobPhase, JobSnapshot, apply_job, claim_plan, reconcile
from tests.unit.storyboard.builders import T0, board

STORYBOARD_ID = 1


class Crash(Exception):
    """The process died here: whatever was not committed is lost."""


@dataclass
class FakeJob:
    id: int
    key: SlotKey
    request: GenerationRequest | None
    phase: JobPhase = JobPhase.QUEUED
    file: Path | None = None
    reason: str | None = None
    minute: int = 0

    def snapshot(self) -> JobSnapshot:
        at = T0 + timedelta(minutes=self.minute) if self.phase is JobPhase.READY else None
        return JobSnapshot(self.id, self.phase, self.file, Decimal("0.25") if self.file else None, self.reason, at)


@dataclass
class World:
    storyboard: Storyboard  # what is committed
    state: RunState  # what is committed
    jobs: dict[str, FakeJob] = field(default_factory=dict)  # by token: the engine's history
    created: Counter[str] = field(default_factory=Counter)
    budget: int | None = None  # writes left before the crash
    clock: int = 0

    # the process ---------------------------------------------------------------------------------

    def step(self) -> None:
        """A point where the process can die."""
        if self.budget is not None:
            if self.budget == 0:
                raise Crash
            self.budget -= 1

    def commit(self, state: RunState, storyboard: Storyboard | None = None) -> None:
        self.step()
        self.state = state
        if storyboard is not None:
            self.storyboard = storyboard

    def plan(self) -> Plan:
        return plan_run(self.storyboard, self.state)

    # the engine ----------------------------------------------------------------------------------

    def create(self, key: SlotKey, request: GenerationRequest | None) -> FakeJob:
        token = key.token(STORYBOARD_ID)
        self.created[token] += 1
        assert self.created[token] == 1, f"{key} was given to the engine twice"
        if key.part is Part.VIDEO:
            self.check_chained_creation(key, request)
        job = FakeJob(len(self.jobs) + 1, key, request)
        self.jobs[token] = job
        return job

    def check_chained_creation(self, key: SlotKey, request: GenerationRequest | None) -> None:
        shot = self.storyboard.shot(key.shot_id)
        if not shot.chained:
            return
        before = self.storyboard.previous(shot.id)
        assert before is not None
        take = chosen_take(before, self.state)
        assert take is not None, f"{key} created before {before.id} had a ready take"
        assert take.state is SlotState.READY
        assert take.last_frame is not None
        assert request is not None
        assert request.frames_with(Role.FIRST_FRAME)[0].path == take.last_frame  # that exact frame
        statuses = {v.shot_id: v.status for v in self.plan().shots}
        i = self.storyboard.index_of(shot.id)
        while i > 0 and self.storyboard.shots[i].chained:
            i -= 1
            assert statuses[self.storyboard.shots[i].id] not in (ShotStatus.FAILED, ShotStatus.BLOCKED)

    def advance(self, pick: int, succeed: bool) -> None:
        moving = [j for j in self.jobs.values() if j.phase in (JobPhase.QUEUED, JobPhase.SENT)]
        if not moving:
            return
        job = moving[pick % len(moving)]
        self.clock += 1
        if job.phase is JobPhase.QUEUED:
            job.phase = JobPhase.SENT
        elif succeed:
            job.phase, job.file, job.minute = JobPhase.READY, Path(f"/out/{job.key.token(1)}"), self.clock
        else:
            job.phase, job.reason = JobPhase.FAILED, "the server said no"
        self.deliver(job)

    def deliver(self, job: FakeJob) -> None:
        """The runner hears of a job event (a job it has not linked yet waits for the restart)."""
        slot = self.state.get(job.key)
        if slot is not None and slot.job_id == job.id:
            self.commit(apply_job(self.state, job.key, job.snapshot()))

    # the runner ----------------------------------------------------------------------------------

    def tick(self) -> None:
        plan = self.plan()
        self.check_plan(plan)
        requests: dict[SlotKey, GenerationRequest | None] = {s.key: s.request for s in plan.send}
        requests.update((k.key, None) for k in plan.send_keyframes)
        self.commit(claim_plan(self.state, plan))
        for key in sorted(requests):
            self.step()
            job = self.create(key, requests[key])
            self.commit(apply_job(self.state, key, job.snapshot()))
        for extract in plan.extract:
            self.step()  # the frame is extracted (media/), then recorded
            self.commit(record_last_frame(self.state, extract.key, Path(f"/frames/{extract.key.token(1)}.png")))

    def restart(self) -> None:
        self.budget = None
        state = reconcile(self.state, lambda key: self.job_of(key))
        for slot in list(state):
            if slot.job_id is not None:
                state = apply_job(state, slot.key, self.jobs[slot.key.token(STORYBOARD_ID)].snapshot())
        self.commit(state)

    def job_of(self, key: SlotKey) -> JobSnapshot | None:
        job = self.jobs.get(key.token(STORYBOARD_ID))
        return job.snapshot() if job is not None else None

    def check_plan(self, plan: Plan) -> None:
        sent_before = {s.key for s in self.state if s.state is not SlotState.NOT_STARTED}
        assert not sent_before & {s.key for s in plan.send}
        assert not sent_before & {k.key for k in plan.send_keyframes}
        statuses = {v.shot_id: v.status for v in plan.shots}
        for index, shot in enumerate(self.storyboard.shots):
            if statuses[shot.id] in (ShotStatus.FAILED, ShotStatus.BLOCKED):
                for after in self.storyboard.shots[index + 1:]:
                    if not after.chained:
                        break
                    assert statuses[after.id] is ShotStatus.BLOCKED
                    assert after.id not in {s.key.shot_id for s in plan.send}
        for stop in plan.stops:
            assert statuses[stop.shot_id] is ShotStatus.FAILED
            assert all(statuses[b] is ShotStatus.BLOCKED for b in stop.blocked)


@st.composite
def storyboards(draw: st.DrawFn) -> Storyboard:
    shots: list[Shot] = []
    for i in range(draw(st.integers(1, 5))):
        is_chained = i > 0 and draw(st.integers(0, 2)) > 0  # chains are where the rules bite
        first = (FrameSource.chained() if is_chained else
                 FrameSource.from_keyframe(Keyframe(f"kf {i}")) if draw(st.booleans()) else FrameSource())
        last = FrameSource.from_keyframe(Keyframe(f"end {i}")) if draw(st.integers(0, 4)) == 0 else FrameSource()
        shots.append(Shot(id=f"s{i}", prompt=f"shot {i}", takes=draw(st.integers(1, 3)), first_frame=first,
                          last_frame=last))
    return board(*shots)


actions = st.lists(st.one_of(
    st.tuples(st.just("tick"), st.integers(0, 12)),
    st.tuples(st.just("advance"), st.integers(0, 20), st.integers(0, 3)),  # 1 in 4 fails
    st.tuples(st.just("crash"), st.integers(0, 6)),
    st.tuples(st.just("regenerate"), st.integers(0, 4), st.booleans()),
    st.tuples(st.just("regenerate"), st.integers(0, 4), st.booleans()),
    st.tuples(st.just("choose"), st.integers(0, 4), st.integers(0, 9)),
), max_size=60)


def play(world: World, action: tuple) -> None:
    kind = action[0]
    if kind == "tick":
        world.tick()
    elif kind == "advance":
        world.advance(action[1], succeed=action[2] != 0)
    elif kind == "crash":
        world.budget = action[1]  # the next writes are the last ones
    elif kind == "regenerate":
        shot = world.storyboard.shots[action[1] % len(world.storyboard.shots)]
        regen = regenerate(world.storyboard, world.state, shot.id)
        if action[2] and regen.stale:
            regen = regenerate_shots(regen.storyboard, regen.state, regen.stale)
        world.commit(regen.state, regen.storyboard)
    elif kind == "choose":
        shot = world.storyboard.shots[action[1] % len(world.storyboard.shots)]
        ready = [s for s in world.state.all_of(shot.id, Part.VIDEO) if s.state is SlotState.READY]
        if ready:
            picked = edits.choose_take(world.storyboard, shot.id, ready[action[2] % len(ready)].key.take)
            world.commit(world.state, picked)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(storyboards(), actions)
def test_random_runs_send_each_slot_once_and_respect_the_chain(sb: Storyboard, steps: list[tuple]) -> None:
    world = World(sb, prepare_run(sb, RunState()))
    for action in steps:
        try:
            play(world, action)
        except Crash:
            world.restart()
    if world.budget is not None:
        world.restart()
    # the faults are over: the run must come to its end, every job succeeding from now on
    for _ in range(200):
        world.tick()
        while any(j.phase in (JobPhase.QUEUED, JobPhase.SENT) for j in world.jobs.values()):
            world.advance(0, succeed=True)
        if world.plan().idle:
            break
    plan = world.plan()
    assert plan.idle
    statuses = {v.shot_id: v.status for v in plan.shots}
    for index, shot in enumerate(world.storyboard.shots):
        status = statuses[shot.id]
        if status is ShotStatus.BLOCKED:
            assert shot.chained
            assert statuses[world.storyboard.shots[index - 1].id] in (ShotStatus.FAILED, ShotStatus.BLOCKED)
        elif status is ShotStatus.FAILED:
            assert any(s.state is SlotState.FAILED for s in world.state if s.key.shot_id == shot.id)
        else:
            assert status in (ShotStatus.READY, ShotStatus.STALE), (shot.id, status)
    # every job the engine made is the one job of its slot
    for token, job in world.jobs.items():
        assert world.created[token] == 1
        assert world.state[job.key].job_id == job.id
    assert all(s.state is not SlotState.QUEUED or s.job_id is not None for s in world.state)
