"""The engine's own loop in a worker thread: calls from another loop, cancellation across, orderly stop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from getimg_studio.jobs.host import EngineHost


def test_calls_run_on_the_engine_thread_and_cancel_across() -> None:
    host = EngineHost()
    host.start()
    started = threading.Event()
    cancelled = threading.Event()

    async def where() -> int:
        return threading.get_ident()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def caller() -> None:
        assert await host.call(where()) != threading.get_ident()
        assert await host.call_sync(lambda: 41 + 1) == 42
        task = asyncio.ensure_future(host.call(forever()))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.get_running_loop().run_in_executor(None, cancelled.wait, 5)
        seen: list[int] = []
        host.call_soon(lambda: seen.append(threading.get_ident()))
        await host.call(asyncio.sleep(0))
        assert seen
        assert seen[0] != threading.get_ident()

    try:
        asyncio.run(caller())
    finally:
        host.stop()
    assert not host.running
    with pytest.raises(RuntimeError):
        host.run(where()).result(1)
