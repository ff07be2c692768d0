"""Services wiring (demo and live) and the one-shot check `jobs resume` uses without --wait."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import JobState
from getimg_studio.paths import Paths
from getimg_studio.secrets import KeySource, KeyStore
from getimg_studio.services import build_services, close_services
from getimg_studio.settings import Settings
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import LITE

EngineOpener = Any  # the `open_engine` fixture of tests/integration/conftest.py
REQUEST = GenerationRequest(model=LITE, prompt="Leaves in the wind", aspect_ratio="1:1")


def test_no_key_and_no_url_means_demo_mode_with_its_own_simulator(paths: Paths) -> None:
    async def scenario() -> None:
        services = await build_services(paths, Settings(), demo=None, base_url=None,
                                        key_store=KeyStore(paths.key_file, env={}))
        try:
            assert services.mode == "demo"
            assert services.simulator is not None
            assert services.host.startswith("demo simulator (127.0.0.1:")
            assert services.key_source is KeySource.NONE
            # Before the simulator has answered anything, the form has its models: the simulator's own list.
            seeded = services.engine.catalogue
            assert LITE in {m.id for m in seeded.models()}
            assert seeded.image_models()
            assert seeded.fetched_at is None
            assert await services.simulator_ready is None  # it came up
            models = await services.engine.refresh_catalogue()
            assert LITE in {m.id for m in models}
            await services.engine.start()
            [job] = await services.engine.submit(REQUEST)
            [sent] = await services.engine.wait_sent([job.id], timeout=30)
            assert sent.state is JobState.PENDING
            assert sent.backend == "demo"
        finally:
            await close_services(services)
        assert paths.simulator_state.is_dir()  # demo generations survive a restart too
        assert (paths.data / "models-demo.json").exists()
        assert not paths.catalogue_cache.exists()  # the live cache never holds the simulator's models

    asyncio.run(scenario())


def test_live_mode_uses_the_base_url_and_the_key(paths: Paths, sim: RunningSimulator,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        services = await build_services(paths, Settings(), demo=None, base_url=sim.base_url,
                                        key_store=KeyStore(paths.key_file, env={"GETIMG_API_KEY": "test"}))
        try:
            assert services.mode == "live"
            assert services.simulator is None
            assert services.key_source is KeySource.ENV
            assert services.host == sim.base_url.split("//", 1)[1]
            balance = await services.engine.refresh_balance()
            assert balance is not None
        finally:
            await close_services(services)

    asyncio.run(scenario())


def test_check_once_polls_each_job_a_single_time(open_engine: EngineOpener, sim: RunningSimulator) -> None:
    sim.configure(pending_seconds=30)

    async def scenario() -> None:
        async with open_engine() as first:
            jobs = await first.submit(REQUEST, variations=2)
            await first.wait_sent([j.id for j in jobs], timeout=30)
        async with open_engine(start=False) as engine:
            await engine.start(track=False)
            before = sum(sim.stats()["requests"].get("retrieve", {}).values())
            checked = await engine.check_once([j.id for j in jobs])
            assert [j.state for j in checked] == [JobState.PENDING, JobState.PENDING]
            assert sum(sim.stats()["requests"].get("retrieve", {}).values()) == before + 2

    asyncio.run(scenario())
