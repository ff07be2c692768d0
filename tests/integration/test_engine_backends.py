"""A job is followed only by the server it was sent to, and a dead download host is not retried forever."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import JobState
from getimg_studio.simulator.harness import RunningSimulator, SimulatorConfig, start_simulator

EngineOpener = Any  # the `open_engine` fixture of tests/integration/conftest.py

REQUEST = GenerationRequest(model="sim-fixed-lite", prompt="a lighthouse in fog")


def _gets(sim: RunningSimulator) -> int:
    routes = sim.stats()["requests"]
    return sum(routes.get("retrieve", {}).values())


def test_a_demo_job_waits_for_demo_mode_instead_of_failing(open_engine: EngineOpener,
                                                           sim: RunningSimulator) -> None:
    sim.configure(pending_seconds=3)

    async def scenario() -> None:
        async with open_engine(backend="demo") as engine:
            [job] = await engine.submit(REQUEST)
            [job] = await engine.wait_sent([job.id], timeout=30)
            assert job.state is JobState.PENDING
            assert job.backend == "demo"
            # One more queued in demo mode, never sent in it (as if the demo window closed at once).
            [queued] = engine.store.insert(REQUEST, backend="demo")
        before = _gets(sim)
        created = sim.stats()["total_creations"]
        # A live session with a real key must neither poll the demo job nor fail it, nor send the demo queue.
        async with open_engine(backend="https://api.getimg.ai") as live:
            await asyncio.sleep(0.5)
            assert live.unfinished() == []
            assert live.store.get(job.id).state is JobState.PENDING  # type: ignore[union-attr]
            assert live.queue_status().order == ()
        assert _gets(sim) == before
        assert sim.stats()["total_creations"] == created
        async with open_engine(backend="demo") as demo:
            done, sent = await demo.wait_idle([job.id, queued.id], timeout=30)
            assert done.state is JobState.READY
            assert done.file_path is not None
            assert done.file_path.stat().st_size > 0
            assert sent.state is JobState.READY

    asyncio.run(scenario())


def test_download_survives_the_simulator_coming_back_on_another_port(open_engine: EngineOpener,
                                                                     tmp_path: Path) -> None:
    state = tmp_path / "sim-state"
    first = start_simulator(SimulatorConfig(pending_seconds=0.2, state_dir=state))

    async def make_completed() -> int:
        async with open_engine(backend="demo", base_url=first.base_url, auto_download=False) as engine:
            [job] = await engine.submit(REQUEST)
            for _ in range(200):
                current = engine.store.get(job.id)
                assert current is not None
                if current.completed_at is not None:
                    return job.id
                await asyncio.sleep(0.05)
        raise AssertionError("the generation never completed")

    try:
        job_id = asyncio.run(make_completed())
    finally:
        first.close()
    # The old signed URL points at a port nobody listens on any more.
    with start_simulator(SimulatorConfig(pending_seconds=0.2, state_dir=state)) as second:
        assert second.base_url != first.base_url

        async def resume() -> None:
            async with open_engine(backend="demo", base_url=second.base_url, auto_download=True) as engine:
                [done] = await engine.wait_idle([job_id], timeout=30)
                assert done.state is JobState.READY, (done.state, done.error_message)
                assert done.file_path is not None
                assert done.file_path.read_bytes()[4:8] == b"ftyp"

        asyncio.run(resume())
