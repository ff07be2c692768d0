"""Helpers for engine and command-line tests: an engine wired to the test simulator, fast polling."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

import pytest

from getimg_studio.paths import Paths

if TYPE_CHECKING:
    from getimg_studio.jobs.engine import Engine
    from getimg_studio.jobs.model import JobEvent
    from getimg_studio.simulator.harness import RunningSimulator

FAST = {"poll_initial": 0.1, "poll_max": 0.3}

EngineOpener = Callable[..., AbstractAsyncContextManager["Engine"]]
Until = Callable[..., Awaitable[None]]


async def _until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "the condition") -> None:
    """Wait for `condition` in a bounded loop that fails loudly (never a fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"{what} not reached in {timeout} s"
        await asyncio.sleep(0.02)


@pytest.fixture
def until() -> Until:
    """`await until(lambda: ..., timeout=30, what="...")` inside a test's coroutine."""
    return _until


def run_engine(opener: Callable[..., Any], body: Callable[[Engine], Awaitable[None]], **overrides: Any) -> None:
    """Open an engine with `opener(**overrides)` (a test file's fast `open_engine`), run `body` on it, close it."""

    async def scenario() -> None:
        async with opener(**overrides) as engine:
            await body(engine)

    asyncio.run(scenario())


def made(sim: RunningSimulator) -> int:
    """The generations the simulator created (what a creator may be billed for)."""
    return int(sim.stats()["total_creations"])


@pytest.fixture
def sim_counts(sim: RunningSimulator) -> Callable[[str], int]:
    """`sim_counts("creations")`: generations the simulator made; `sim_counts("create")`: POSTs it answered."""

    def count(what: str) -> int:
        stats = sim.stats()
        if what == "creations":
            return made(sim)
        return sum(stats["requests"].get(what, {}).values())

    return count


@pytest.fixture
def open_engine(sim: RunningSimulator, paths: Paths) -> EngineOpener:
    """`async with open_engine(**EngineConfig overrides) as engine:` started, models (video and image) loaded,
    closed after."""

    # Imported here so that other integration tests collect even while a module is being written.
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.download import Downloader
    from getimg_studio.api.image_client import ImageClient
    from getimg_studio.jobs.engine import Engine, EngineConfig
    from getimg_studio.jobs.store import JobStore

    @asynccontextmanager
    async def opener(*, events: list[JobEvent] | None = None, start: bool = True,
                     client_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                     sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, backend: str | None = None,
                     base_url: str | None = None, root: Paths | None = None, image_timeout: float = 180.0,
                     **overrides: Any) -> AsyncIterator[Engine]:
        where = root or paths
        store = JobStore(where.database)
        client = ImageClient(base_url or sim.base_url, "test", sleep=client_sleep, image_timeout=image_timeout)
        engine = Engine(store, client, Downloader(), ModelCatalogue(where.catalogue_cache),
                        frames_dir=where.frames, output_dir=where.output,
                        config=EngineConfig(**{**FAST, **overrides}), sleep=sleep, backend=backend)
        if events is not None:
            engine.subscribe(events.append)
        try:
            if start:
                await engine.start()
            await engine.refresh_catalogue()
            yield engine
        finally:
            await engine.close()
            store.close()

    return opener


@pytest.fixture
def fast_cli_settings(paths: Paths) -> Paths:
    """Settings that make the command line poll every 0.1 s (the default 5 s would make tests slow)."""
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"extra": {"poll_initial": "0.1", "poll_max": "0.3"}}))
    return paths


CliRunner = Callable[..., Any]  # returns the finished subprocess.CompletedProcess[str]


@pytest.fixture
def cli(sim: RunningSimulator) -> CliRunner:
    """`cli(paths, "budget", "set", "5")`: the command line as a creator runs it (a subprocess), on `sim`,
    with a test key and never the developer's keyring."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "GETIMG_AI_BASE_URL"}
    env["GETIMG_API_KEY"] = "test"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo), env.get("PYTHONPATH")]))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    def run(paths: Paths, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "getimg_studio", "--data-dir", str(paths.data.parent), "--base-url",
               sim.base_url, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)

    return run
