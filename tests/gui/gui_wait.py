"""Waiting inside a GUI test's coroutine: on a condition, bounded, failing loudly (never a fixed sleep).

A module of its own (like gui_drops) so tests import it by a name no other folder uses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def until(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """Inside a test's coroutine: wait for `predicate()` to be truthy, failing loudly after `timeout`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := predicate()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
    return value
