"""One owner for asyncio tasks: keeps a strong reference to each, logs their failures, cancels by name.

asyncio keeps only weak references to tasks, and qasync's `asyncSlot` keeps none, so a task nobody
holds can vanish mid-flight. Every component that starts tasks owns a `TaskOwner` and closes it on
shutdown. No Qt here: the engine uses it too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskOwner:
    def __init__(self, name: str, on_error: Callable[[BaseException], None] | None = None) -> None:
        self._name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._named: dict[str, asyncio.Task[Any]] = {}
        self._on_error = on_error
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        return len(self._tasks)

    def start(self, coro: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T]:
        """Run `coro` as a kept task. A named task replaces (cancels) the previous one of that name."""
        if self._closed:
            coro.close()
            raise RuntimeError(f"{self._name} is shutting down")
        if name is not None:
            previous = self._named.pop(name, None)
            if previous is not None and not previous.done():
                previous.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()  # never started, so never "never awaited": the caller gets the real error
            raise
        task = loop.create_task(coro, name=f"{self._name}:{name or 'task'}")
        self._tasks.add(task)
        if name is not None:
            self._named[name] = task
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        for key, value in list(self._named.items()):
            if value is task:
                del self._named[key]
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("task %s failed", task.get_name(), exc_info=exc)
            if self._on_error is not None:
                self._on_error(exc)

    async def close(self, timeout: float = 5.0) -> None:
        """Cancel every task and wait for them to unwind (bounded, so quitting never hangs)."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)


def serve_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Run `loop` in the calling thread until it is stopped, then cancel and await whatever is left and close
    it (the body of a thread that owns a loop: the engine's, the in-process simulator's)."""
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
