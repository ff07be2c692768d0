"""Random sequences of requests, odd answers, faults and engine restarts: the money and file invariants hold.

- each creation the simulator made is in the history exactly once, or its answer never came back and an
  `uncertain` job without an id stands for it (so nothing was created twice: a second creation for one job
  would leave the first with nobody to stand for it);
- no job is `ready` without every one of its files, complete;
- every job that is not `ready` says why.

Bounded: a handful of examples of a few steps each, polls every 20 ms, against one simulator whose renders are
cached (every job asks for the same clip).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import JobState
from getimg_studio.paths import resolve_paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import LITE

EngineOpener = Any

FAULTS: list[tuple[str, dict[str, Any]]] = [
    ("create", {"status": 429, "retry_after": 0.05}),
    ("create", {"status": 429}),  # the in-flight cap
    ("create", {"status": 500}),
    ("create", {"reset_after_body": True}),
    ("create", {"status": 400}),
    ("create", {"status": 402}),
    ("retrieve", {"status": 502}),
    ("retrieve", {"status": 401}),
    ("retrieve", {"status": 403, "html": True}),
    ("retrieve", {"status_text": "expired"}),
    ("retrieve", {"status_text": "cancelled", "error": True}),
    ("retrieve", {"items": 2}),
    ("retrieve", {"items": 0}),
    ("retrieve", {"deletes_at": "missing"}),
    ("retrieve", {"deletes_at": "unix_ms"}),
    ("retrieve", {"gzip": True}),
    ("download", {"drop_after_bytes": 5000}),
    ("download", {"status": 503}),
]

# Mostly requests and faults; now and then the engine restarts or time passes.
step = st.tuples(st.sampled_from(["submit", "submit", "fault", "fault", "fault", "restart", "pause"]),
                 st.integers(0, len(FAULTS) - 1))


async def _quick(seconds: float) -> None:
    await asyncio.sleep(min(seconds, 0.02))


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=4, max_size=9))
# Always tried as well: a creation whose answer is lost, then a restart; the cap, a lost key, a cut download.
@example(steps=[("fault", 3), ("submit", 0), ("fault", 1), ("submit", 1), ("restart", 0), ("submit", 0)])
@example(steps=[("fault", 7), ("fault", 16), ("submit", 1), ("fault", 11), ("restart", 0), ("fault", 12)])
def test_money_and_files_hold_under_random_answers_and_restarts(open_engine: EngineOpener, sim: RunningSimulator,
                                                                 steps: list[tuple[str, int]]) -> None:
    sim.reset()
    sim.configure(pending_seconds=0.05, max_pending=3)
    before = set(sim.generations())
    with tempfile.TemporaryDirectory() as tmp:
        root = resolve_paths(Path(tmp)).ensure()
        asyncio.run(_play(open_engine, sim, root, steps))
        _check(root, set(sim.generations()) - before)


async def _play(open_engine: EngineOpener, sim: RunningSimulator, root: Any, steps: list[tuple[str, int]]) -> None:
    opened = dict(root=root, poll_initial=0.02, poll_max=0.05, send_backoff=0.05, sleep=_quick, client_sleep=_quick)
    engine_cm = open_engine(**opened)
    engine = await engine_cm.__aenter__()
    try:
        for action, arg in steps:
            if action == "submit":
                await engine.submit(GenerationRequest(LITE, "a property of the queue"), variations=1 + arg % 2)
            elif action == "fault":
                route, spec = FAULTS[arg]
                sim.add_fault(route, **spec)
            elif action == "restart":
                await engine_cm.__aexit__(None, None, None)
                engine_cm = open_engine(**opened)
                engine = await engine_cm.__aenter__()
            else:
                await asyncio.sleep(0.02 * (1 + arg % 3))
        # Let everything settle, acting as the creator would on what waits for them.
        for _ in range(6):
            await engine.wait_idle(timeout=20)
            waiting = [j for j in engine.unfinished() if j.state is JobState.WAITING]
            if not waiting and engine.queue_status().held is None:
                break
            await engine.set_api_key("sk-another-key")
            await engine.resume_queue()
            await engine.resume([j.id for j in waiting])
        await engine.wait_idle(timeout=20)
    finally:
        await engine_cm.__aexit__(None, None, None)


def _check(root: Any, mine: set[str]) -> None:
    from getimg_studio.jobs.store import JobStore

    store = JobStore(root.database)
    try:
        jobs = store.get_many(store.ids())
    finally:
        store.close()
    holders: dict[str, int] = {}
    for job in jobs:
        if job.remote_id is not None:
            holders[job.remote_id] = holders.get(job.remote_id, 0) + 1
    assert set(holders) <= mine, "a job holds an id the simulator never made"
    assert all(n == 1 for n in holders.values()), f"an id is in the history twice: {holders}"
    unheld = mine - set(holders)
    lost = [j for j in jobs if j.state is JobState.UNCERTAIN and j.remote_id is None]
    assert len(unheld) <= len(lost), f"{len(unheld)} creation(s) nobody stands for, {len(lost)} uncertain job(s)"
    for job in jobs:
        if job.state is JobState.READY:
            assert job.outputs
            for output in job.outputs:
                assert output.saved
                assert output.file_path is not None
                data = output.file_path.read_bytes()
                assert len(data) == output.bytes_total
                assert data[4:8] == b"ftyp"
        else:
            assert job.error_message or job.attention, f"job {job.id} is {job.state.value} and says nothing"
