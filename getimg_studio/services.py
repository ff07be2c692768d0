"""What the window and the command line both run on: the key, the API (or the demo simulator), the engine.

Demo mode is chosen on purpose (`--demo`, the setting) or falls out of having neither a key nor a base
URL: the simulator then runs in a child process, with its state under the data folder so demo jobs
survive a restart like real ones. Demo and live keep separate model caches, so an offline start in live
mode never offers the simulator's models.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol
from urllib.parse import urlsplit

from getimg_studio.instance_lock import InstanceLock
from getimg_studio.jobs.budget import Budget, budget_from_text
from getimg_studio.jobs.engine import Engine, EngineConfig
from getimg_studio.jobs.facade import EngineFacade
from getimg_studio.logs import register_secret
from getimg_studio.paths import Paths
from getimg_studio.secrets import KeySource, KeyStatus, KeyStore
from getimg_studio.settings import Settings

if TYPE_CHECKING:
    from getimg_studio.jobs.store import JobStore

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.getimg.ai"
DEMO_KEY = "demo"


class SimulatorHandle(Protocol):
    base_url: str

    def stop(self, timeout: float = 10.0) -> int: ...


@dataclass
class Services:
    paths: Paths
    settings: Settings
    engine: EngineFacade  # the engine on its own thread; the window and the command line call it through this
    mode: Literal["demo", "live"]
    base_url: str
    host: str  # for the status bar: "api.getimg.ai" or "demo simulator (127.0.0.1:port)"
    key_status: KeyStatus | None  # None in demo mode chosen outright: nothing needs the keyring to start
    key_store: KeyStore
    simulator: SimulatorHandle | None = None
    lock: InstanceLock | None = None

    @property
    def key_source(self) -> KeySource | None:
        return self.key_status.source if self.key_status is not None else None

    @property
    def demo(self) -> bool:
        return self.mode == "demo"


def engine_config(settings: Settings) -> EngineConfig:
    # `extra.poll_initial` / `extra.poll_max` (seconds) are for tests and the impatient: no UI sets them.
    defaults = EngineConfig()
    return EngineConfig(
        poll_initial=_seconds(settings.extra.get("poll_initial"), defaults.poll_initial),
        poll_max=_seconds(settings.extra.get("poll_max"), defaults.poll_max),
        time_limit=max(settings.poll_timeout_minutes, 0) * 60.0,
        max_concurrent_polls=max(settings.max_concurrent_polls, 1),
        max_concurrent_downloads=max(settings.max_concurrent_downloads, 1),
        auto_download=settings.auto_download,
        max_in_flight=max(settings.max_in_flight, 0),
    )


def settings_budget(settings: Settings) -> Budget | None:
    """The spending budget the settings hold (the engine enforces it; Settings and `budget set` change it)."""
    return budget_from_text(settings.budget_monthly, settings.budget_daily)


def _seconds(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if value > 0 else default


def output_dir(paths: Paths, settings: Settings) -> Path:
    return Path(settings.output_dir).expanduser() if settings.output_dir else paths.output


async def build_services(
    paths: Paths,
    settings: Settings,
    *,
    demo: bool | None,
    base_url: str | None,
    key_store: KeyStore | None = None,
    key_status: KeyStatus | None = None,
) -> Services:
    """Everything wired; close it with `close_services`.

    `key_status` is the key store's status when the caller has already read it (the window reads it first
    when the key decides between demo and live, so that no two threads import at once).

    Raises GetimgError when the history is unusable or another window or command is already working on it.
    """
    lock = InstanceLock(paths.data / "engine.lock")
    lock.acquire()  # before anything else: the simulator's state and the history are this process's alone
    try:
        return await _build(paths, settings, demo=demo, base_url=base_url, key_store=key_store,
                            key_status=key_status, lock=lock)
    except BaseException:
        lock.release()
        raise


def demo_chosen(settings: Settings, demo: bool | None) -> bool | None:
    """Demo mode when it is chosen outright (`--demo`, the setting); None when the key decides."""
    if demo is not None:
        return demo
    return True if settings.demo_mode else None


def history_backend(settings: Settings, demo: bool | None, base_url: str | None, has_key: Callable[[], bool]) -> str:
    """The backend whose jobs and bills the history keys a session's by: "demo" or the API's base URL.

    The same choice `build_services` makes, for commands that read the history without starting an engine
    (`spend`, `budget`); `has_key` is asked only when the key decides.
    """
    explicit_url = base_url or os.environ.get("GETIMG_AI_BASE_URL") or None
    chosen = demo_chosen(settings, demo)
    if chosen is None:
        chosen = explicit_url is None and not has_key()
    return "demo" if chosen else (explicit_url or DEFAULT_BASE_URL).rstrip("/")


async def _build(paths: Paths, settings: Settings, *, demo: bool | None, base_url: str | None,
                 key_store: KeyStore | None, key_status: KeyStatus | None, lock: InstanceLock) -> Services:
    # Order matters for start-up time: the demo simulator boots in its own process, so it is started as soon
    # as demo mode is known, and this process's own work (the HTTP stack's imports, the history, the
    # keyring) happens while it boots. Only one thread imports at a time: the executor jobs below import
    # nothing new while this thread imports.
    from getimg_studio.simulator.process import spawn_simulator

    key_store = key_store or KeyStore(paths.key_file)
    explicit_url = base_url or os.environ.get("GETIMG_AI_BASE_URL") or None
    loop = asyncio.get_running_loop()
    chosen = demo_chosen(settings, demo)
    status = key_status
    if chosen is None:
        status = status or await key_store.aload()
        # Nothing to talk to: show the workflow on the simulator rather than an error.
        use_demo = status.key is None and explicit_url is None
    else:
        use_demo = chosen
    spawning = loop.run_in_executor(None, _spawn_demo, paths, spawn_simulator) if use_demo else None
    simulator: SimulatorHandle | None = None
    store: JobStore | None = None
    try:
        from getimg_studio.api.catalogue import ModelCatalogue
        from getimg_studio.api.download import Downloader
        from getimg_studio.api.image_client import ImageClient
        from getimg_studio.jobs.store import JobStore

        store = await loop.run_in_executor(None, JobStore, paths.database)
        if not use_demo:
            status = status or await key_store.aload()  # the key to send; demo mode needs none to start
        if spawning is not None:
            simulator = await spawning
            url, key = simulator.base_url, DEMO_KEY
            host = f"demo simulator ({urlsplit(url).netloc})"
            cache = paths.data / "models-demo.json"
        else:
            assert status is not None
            url = (explicit_url or DEFAULT_BASE_URL).rstrip("/")
            key = status.key or ""
            host = urlsplit(url).netloc or url
            cache = paths.catalogue_cache
        register_secret(key)
        opened: JobStore = store
        config = engine_config(settings)

        def build() -> Engine:  # on the engine's thread: its HTTP clients belong to its loop
            # Without a key the client refuses to exist; a placeholder makes every call a clear 401 instead.
            # Its pool: the polls in flight, a creation and a read (a larger pool costs CPU on every request).
            # An ImageClient: the video client plus image generation (issue 12).
            client = ImageClient(url, key or "missing-key", max_connections=config.max_concurrent_polls + 2)
            engine = Engine(opened, client, Downloader(), ModelCatalogue(cache), frames_dir=paths.frames,
                            output_dir=output_dir(paths, settings), config=config,
                            backend="demo" if use_demo else url)
            engine.set_budget(settings_budget(settings))  # money (issue 15): enforced from the first job on
            return engine

        engine = await EngineFacade.open(build)
    except BaseException:
        if store is not None:
            store.close()
        if simulator is None and spawning is not None:
            try:  # a simulator that did come up must not outlive the failure
                simulator = await spawning
            except BaseException:
                simulator = None
        if simulator is not None:
            await loop.run_in_executor(None, simulator.stop)
        raise
    return Services(paths=paths, settings=settings, engine=engine, mode="demo" if use_demo else "live",
                    base_url=url, host=host, key_status=status, key_store=key_store, simulator=simulator,
                    lock=lock)


async def close_services(services: Services) -> None:
    """Stop the engine (jobs stay pending in the history), close the history, stop the simulator."""
    try:
        await services.engine.close()  # the engine, its thread and the history
    finally:
        try:
            if services.simulator is not None:
                await asyncio.get_running_loop().run_in_executor(None, services.simulator.stop)
        finally:
            if services.lock is not None:
                services.lock.release()


def _spawn_demo(paths: Paths, spawn: Callable[..., SimulatorHandle]) -> SimulatorHandle:
    paths.simulator_state.mkdir(parents=True, exist_ok=True)
    return spawn(["--state-dir", str(paths.simulator_state)], background=True)
