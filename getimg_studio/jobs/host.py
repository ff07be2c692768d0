"""`EngineHost`: the engine's own asyncio loop, in a worker thread. No Qt.

Why a thread of its own (docs/ARCHITECTURE.md has the measurements): following hundreds of jobs is CPU
work (each status poll costs a millisecond or two in the SDK and httpx, plus the store's commits), and on
the window's loop that work delays painting. On its own loop it only competes for the GIL, which Python
hands over every few milliseconds.

Everything the engine owns (store writer, HTTP clients, tasks) is created, used and closed on this loop;
other threads reach it only through `run` / `call` / `call_soon`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from getimg_studio.tasks import serve_loop

log = logging.getLogger(__name__)
T = TypeVar("T")
SWITCH_INTERVAL = 0.0002


class EngineHost:
    def __init__(self, name: str = "getimg-engine") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the engine's loop is not running")
        return self._loop

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None:
            return
        # The painting thread gets the GIL back from this one within 0.2 ms instead of Python's 5: each Qt
        # signal it handles and each queue row it paints takes the GIL again (bench/bench_loop_stall.py, with
        # rows painted from cached pictures: p99 11-19 ms at 1 ms, 9.3-9.5 ms at 0.2 ms, on a loaded machine).
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
        self._thread.start()
        self._ready.wait()

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._ready.set()
        serve_loop(loop)  # after an orderly close nothing is left for it to cancel

    def run(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule `coro` on the engine's loop, from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed() or not self.running:
            coro.close()  # never started, so never "never awaited": the caller gets the real error
            raise RuntimeError("the engine's loop is not running")
        return asyncio.run_coroutine_threadsafe(coro, loop)

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await `coro` running on the engine's loop, from a coroutine on another loop (the window's).

        Cancelling the caller cancels the work on the engine's loop too.
        """
        return await asyncio.wrap_future(self.run(coro))

    async def call_sync(self, fn: Callable[[], T]) -> T:
        """Run a plain function on the engine's thread (to build what must live there) and await its result."""

        async def wrapped() -> T:
            return fn()

        return await self.call(wrapped())

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Fire and forget `fn(*args)` on the engine's thread (setters that must not race the engine)."""
        self.loop.call_soon_threadsafe(fn, *args)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop and join the thread (after the engine was closed on it). Blocking: call it off the
        painting thread, or when nothing is left to wait for."""
        if self._thread is None:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("the engine's thread did not stop within %.0f s", timeout)
        self._thread = None
        self._loop = None
