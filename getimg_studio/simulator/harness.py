"""Run the simulator in-process for tests and tools: ``with start_simulator(config) as sim: ... sim.base_url``.

The server gets its own asyncio loop in a daemon thread; the methods here hop onto that loop thread-safely, so
they may be called from any thread (pytest's, Qt's, another loop's).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from getimg_studio.tasks import serve_loop

from .config import SimulatorConfig
from .server import SimulatorServer

__all__ = ["RunningSimulator", "SimulatorConfig", "start_simulator"]

T = TypeVar("T")
_CALL_TIMEOUT = 30.0


class RunningSimulator:
    def __init__(self, server: SimulatorServer, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        self.server = server
        self.base_url: str = server.base_url
        self._loop = loop
        self._thread = thread
        self._closed = False
        self._lock = threading.Lock()

    @property
    def config(self) -> SimulatorConfig:
        return self.server.config

    def _call(self, fn: Callable[[], T]) -> T:
        if self._closed:
            raise RuntimeError("the simulator is closed")

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(_CALL_TIMEOUT)

    def stats(self) -> dict[str, Any]:
        """Same as ``GET /_sim/stats``."""
        return self._call(self.server.stats)

    def add_fault(self, route: str, **kwargs: Any) -> None:
        """Same as ``POST /_sim/faults`` with ``{"route": route, **kwargs}`` (schema in :mod:`.faults`)."""
        spec = {"route": route, **kwargs}
        self._call(lambda: self.server.add_fault(spec))

    def configure(self, **kwargs: Any) -> None:
        """Same as ``POST /_sim/config``: pending_seconds, fail_rate, max_pending, rpm, retention_seconds,
        balance."""
        self._call(lambda: self.server.configure(**kwargs))

    def advance_clock(self, seconds: float) -> float:
        """Same as ``POST /_sim/clock`` with ``{"advance": seconds}``: the simulator's new time."""

        def move() -> float:
            now = self.server.clock.advance(seconds)
            self.server.engine.settle_all(now)
            return now

        return self._call(move)

    def reset(self, balance: Any = None) -> None:
        """Clear faults, stats and the RPM window; optionally set the balance."""
        self._call(lambda: self.server.reset(balance))

    def generations(self) -> dict[str, str]:
        """Every generation the server made: id -> prompt."""
        return self._call(lambda: {g.id: g.prompt for g in self.server.state.generations.values()})

    def balance(self) -> str:
        return self._call(lambda: str(self.server.state.balance))

    def close(self) -> None:
        """Stop the server and its render workers, remove the temp dir. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(_CALL_TIMEOUT)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_CALL_TIMEOUT)

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def start_simulator(config: SimulatorConfig | None = None, host: str = "127.0.0.1",
                    port: int = 0) -> RunningSimulator:
    """Runs the server on its own asyncio loop in a daemon thread; returns when it is listening."""
    server = SimulatorServer(config or SimulatorConfig())
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=serve_loop, args=(loop,), name="getimg-simulator", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(server.start(host, port), loop).result(_CALL_TIMEOUT)
    except BaseException:
        try:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(_CALL_TIMEOUT)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_CALL_TIMEOUT)
        raise
    return RunningSimulator(server, loop, thread)
