"""Waiting for jobs to reach a condition, woken by every change the engine makes (no polling of the store)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from getimg_studio.jobs.model import Job, JobState


def settled(job: Job, *, queue_moving: bool, busy: bool, flagged: bool = False) -> bool:
    """Nothing happens to the job unless the creator (or getimg) does something: it finished, waits on the
    creator, is paused or queued behind a queue that does not move, or (`flagged`) is still followed but
    carries a note the creator must read."""
    if job.state.terminal or job.state in (JobState.WAITING, JobState.PAUSED):
        return True
    if job.state is JobState.QUEUED:
        return not queue_moving
    if flagged and job.attention is not None:
        return True
    return not busy


def sent_or_stuck(job: Job, *, queue_moving: bool, blocked: bool) -> bool:
    """Left the queue (accepted or refused), or queued while the queue cannot send now (no room, held)."""
    if job.state is JobState.SUBMITTING:
        return False
    if job.state is JobState.QUEUED:
        return not queue_moving or blocked
    return True


class Waiter:
    def __init__(self) -> None:
        self._changed: asyncio.Event | None = None

    def notify(self) -> None:
        """Something changed: every waiter looks again."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def until(self, read: Callable[[], list[Job]], done: Callable[[Job], bool],
                    timeout: float | None) -> list[Job]:
        """`read()` once `done` holds for each job it returns, or when `timeout` seconds have passed."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            jobs = read()
            if all(done(j) for j in jobs):
                return jobs
            if self._changed is None:
                self._changed = asyncio.Event()
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return jobs
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return read()
