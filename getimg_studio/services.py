"""What the window and the command line both run on: the key, the API (or the demo simulator), the engine.

Demo mode is chosen on purpose (`--demo`, the setting) or falls out of having neither a key nor a base
URL: the simulator then runs in a child process, with its state under the data folder so demo jobs
survive a restart like real ones. Demo and live keep separate model caches, so an offline start in live
mode never offers the simulator's models.

Nothing here waits for the simulator to boot (half a second or more): it serves on a socket this process
binds first, so its address is known at once and the first requests wait in the socket's backlog. A first
demo start offers the simulator's own model list (`demo_models`) until the simulator has answered.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol
from urllib.parse import urlsplit

from getimg_studio.instance_lock import InstanceLock
from getimg_studio.logs import register_secret
from getimg_studio.paths import Paths
from getimg_studio.secrets import KeySource, KeyStatus, KeyStore
from getimg_studio.settings import Settings

if TYPE_CHECKING:
    from getimg_studio.api.types import ModelInfo
    from getimg_studio.jobs.budget import Budget
    from getimg_studio.jobs.engine import Engine, EngineConfig
    from getimg_studio.jobs.facade import EngineFacade
    from getimg_studio.jobs.store import JobStore

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.getimg.ai"
DEMO_KEY = "demo"


class SimulatorHandle(Protocol):
    base_url: str  # known before the simulator listens: requests sent meanwhile wait for it

    def wait_listening(self, timeout: float = 20) -> None: ...

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
    # Demo mode: resolves once the simulator listens, to None, or to why it did not start (then every request fails).
    simulator_ready: asyncio.Future[str | None] | None = None
    # What the engine's first request waits for, if anything (the window sets it once it has painted).
    first_request_gate: concurrent.futures.Future[None] | None = None

    @property
    def key_source(self) -> KeySource | None:
        return self.key_status.source if self.key_status is not None else None

    @property
    def demo(self) -> bool:
        return self.mode == "demo"


def engine_config(settings: Settings) -> EngineConfig:
    from getimg_studio.jobs.engine import EngineConfig

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
    from getimg_studio.jobs.budget import budget_from_text

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
    first_request_gate: concurrent.futures.Future[None] | None = None,
) -> Services:
    """Everything wired; close it with `close_services`.

    `key_status` is the key store's status when the caller has already read it (the window reads it first
    when the key decides between demo and live, so that no two threads import at once).
    `first_request_gate`: the engine's first request (which imports the getimg SDK) waits until it is set.

    Raises GetimgError when the history is unusable or another window or command is already working on it.
    """
    lock = InstanceLock(paths.data / "engine.lock")
    lock.acquire()  # before anything else: the simulator's state and the history are this process's alone
    try:
        return await _build(paths, settings, demo=demo, base_url=base_url, key_store=key_store,
                            key_status=key_status, lock=lock, gate=first_request_gate)
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
                 key_store: KeyStore | None, key_status: KeyStatus | None, lock: InstanceLock,
                 gate: concurrent.futures.Future[None] | None) -> Services:
    # Order matters for start-up time: the demo simulator boots in its own process, so it is started as soon
    # as demo mode is known, and this process's own work (the engine's imports, the history, the keyring)
    # happens while it boots; nothing waits for it. Only one thread imports at a time: the executor jobs
    # below import nothing new while this thread imports.
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
    spawning: asyncio.Future[SimulatorHandle] | None = None
    if use_demo:
        from getimg_studio.simulator.process import spawn_simulator

        spawning = loop.run_in_executor(None, _spawn_demo, paths, spawn_simulator)
    simulator: SimulatorHandle | None = None
    ready: asyncio.Future[str | None] | None = None
    store: JobStore | None = None
    try:
        from getimg_studio.api.catalogue import ModelCatalogue
        from getimg_studio.api.download import Downloader
        from getimg_studio.api.image_client import ImageClient
        from getimg_studio.jobs.engine import Engine
        from getimg_studio.jobs.facade import EngineFacade
        from getimg_studio.jobs.store import JobStore

        seed = demo_models() if use_demo else []
        store = await loop.run_in_executor(None, JobStore, paths.database)
        if not use_demo:
            status = status or await key_store.aload()  # the key to send; demo mode needs none to start
        if spawning is not None:
            simulator = await spawning
            ready = loop.run_in_executor(None, _listening, simulator)
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
            client = ImageClient(url, key or "missing-key", max_connections=config.max_concurrent_polls + 2,
                                 before_first_request=(lambda: asyncio.wrap_future(gate)) if gate else None)
            catalogue = ModelCatalogue(cache)
            # The form opens with the models at once: the cache, or on a first demo start the simulator's own
            # list (the engine's recovery reads the cache again and fetches the list in the background).
            if not catalogue.load_cache() and seed:
                catalogue.seed(seed)
            engine = Engine(opened, client, Downloader(), catalogue, frames_dir=paths.frames,
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
                    lock=lock, simulator_ready=ready, first_request_gate=gate)


def demo_models() -> list[ModelInfo]:
    """The simulator's catalogue as its `/v2/models` lists it: what a first demo start offers before it answers."""
    from getimg_studio.api.catalogue import parse_models
    from getimg_studio.simulator.catalog import MODELS

    return parse_models([m.to_json() for m in MODELS])


async def close_services(services: Services) -> None:
    """Stop the engine (jobs stay pending in the history), close the history, stop the simulator."""
    try:
        await services.engine.close()  # the engine, its thread and the history
    finally:
        try:
            if services.simulator is not None:
                if services.simulator_ready is not None:
                    await services.simulator_ready  # one still booting comes up first: then it stops cleanly
                await asyncio.get_running_loop().run_in_executor(None, services.simulator.stop)
        finally:
            if services.lock is not None:
                services.lock.release()


def _spawn_demo(paths: Paths, spawn: Callable[..., SimulatorHandle]) -> SimulatorHandle:
    from getimg_studio.simulator.process import listening_socket

    paths.simulator_state.mkdir(parents=True, exist_ok=True)
    listen = listening_socket() if os.name == "posix" else None  # elsewhere: wait for it to say where it listens
    try:
        return spawn(["--state-dir", str(paths.simulator_state)], background=True, listen=listen)
    finally:
        if listen is not None:
            listen.close()  # the child has its own copy (spawn closed ours already, unless it failed first)


def _listening(simulator: SimulatorHandle) -> str | None:
    """Blocks until the demo simulator listens; why it did not, if it did not (the log says so too)."""
    try:
        simulator.wait_listening()
    except (RuntimeError, OSError, ValueError) as exc:  # SimulatorStartError; a pipe closed by `stop`
        log.error("the demo simulator did not start: %s", exc)
        return str(exc)
    return None
