"""Following one accepted job to the end: poll until getimg is done, then hand it to the saver.

Every step re-reads the job from the store before acting, so a job stopped or removed while a poll was in
flight is never polled again. What an answer means is decided in `answers.py`; this module only schedules
the polls (`schedule.py`), applies the per-job time limit and performs the transitions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import RemoteState, RemoteStatus, Usage
from getimg_studio.jobs import answers
from getimg_studio.jobs.answers import PollVerdict
from getimg_studio.jobs.lifecycle import Lifecycle
from getimg_studio.jobs.model import Job, JobState, WaitReason
from getimg_studio.jobs.rows import KEEP, JobChange, NewOutput
from getimg_studio.jobs.schedule import error_backoff, poll_delay
from getimg_studio.jobs.store import JobStore

if TYPE_CHECKING:
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.jobs.saver import Saver

log = logging.getLogger(__name__)


@dataclass
class PollConfig:
    initial: float = 5.0
    maximum: float = 30.0
    time_limit: float = 1800.0  # seconds a job is followed before it waits for the creator; 0: no limit


def new_outputs(status: RemoteStatus) -> list[NewOutput]:
    return [NewOutput(index=n, url=i.url, mime_type=i.mime_type, deletes_at=i.deletes_at, width=i.width,
                      height=i.height, duration=i.duration, fps=i.fps, has_sound=i.has_sound)
            for n, i in enumerate(status.items)]


class StatusReader:
    """Status requests, counted and within the limit of polls in flight (the tracker's and the saver's)."""

    def __init__(self, client: Callable[[], GetimgClient], max_polls: int) -> None:
        self._client = client
        self._polls = asyncio.Semaphore(max_polls)
        self.sent = 0  # for benchmarks and diagnostics

    async def fetch(self, job: Job) -> RemoteStatus | GetimgError:
        assert job.remote_id is not None
        async with self._polls:
            self.sent += 1
            try:
                return await self._client().get_generation(job.remote_id)
            except GetimgError as exc:
                return exc


class Tracker:
    def __init__(
        self,
        store: JobStore,
        lifecycle: Lifecycle,
        reader: StatusReader,
        saver: Saver,
        *,
        on_billed: Callable[[int, Decimal], None],
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]],
        rand: Callable[[], float],
        config: PollConfig,
    ) -> None:
        self._store = store
        self._life = lifecycle
        self._reader = reader
        self._saver = saver
        self._on_billed = on_billed
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self.config = config
        self.auto_download = True

    @property
    def polls_sent(self) -> int:
        return self._reader.sent

    async def run(self, job_id: int, *, once: bool = False) -> Job | None:
        """Drive the job until it ends, waits (for a manual download or the creator), or (`once`) one poll."""
        job = self._store.get(job_id)
        while job is not None:
            if job.state is JobState.PENDING and job.completed_at is None:
                job = await self._poll(job, once=once)
                if job is None or (once and job.state is JobState.PENDING and job.completed_at is None):
                    return job
            elif job.state is JobState.PENDING:  # completed on the server, not saved yet
                if not self.auto_download:
                    return job
                job = await self._saver.start(job)
            elif job.state is JobState.DOWNLOADING:
                job = await self._saver.save(job)
            else:  # terminal, waiting, or not sent yet: nothing to follow
                return job
        return job

    async def _poll(self, job: Job, *, once: bool) -> Job | None:
        started = job.submitted_at or job.created_at
        failures = 0
        retry_after: float | None = None
        first = True
        planned: float | None = None  # when (seconds after acceptance) the schedule wants the next poll
        while True:
            if self._past_time_limit(job):
                return self._life.move(job.id, JobState.WAITING, JobChange(
                    wait_reason=WaitReason.TIME_LIMIT, error_code="time_limit",
                    error_message=answers.time_limit(self.config.time_limit / 60)))
            if not (once and first):
                elapsed = (self._clock() - started).total_seconds()
                if failures:
                    delay = error_backoff(failures, self._rand, cap=max(self.config.maximum, 60.0),
                                          retry_after=retry_after)
                    planned = None
                else:
                    # Kept to the schedule's own times, so slow answers do not push every later poll back.
                    base = planned if planned is not None and planned <= elapsed else elapsed
                    planned = base + poll_delay(base, self._rand, initial=self.config.initial,
                                                maximum=self.config.maximum, retry_after=retry_after)
                    delay = planned - elapsed
                    if retry_after is not None and delay < retry_after:  # the server's pace, counted from now
                        delay, planned = retry_after, elapsed + retry_after
                await self._sleep(max(delay, 0.0))
            first = False
            current = self._still(job)
            if current is None:
                return self._store.get(job.id)
            job = current
            answer = await self._reader.fetch(job)
            current = self._still(job)
            if current is None:  # stopped or removed while the answer was on its way
                return self._store.get(job.id)
            job = current
            outcome = answers.after_poll(answer)
            retry_after = outcome.retry_after
            usage = self._billed_usage(job, answer)
            cost = usage.total_cost if usage is not None else None
            if outcome.verdict is PollVerdict.COMPLETED:
                assert isinstance(answer, RemoteStatus)
                return await self._completed(job, answer, usage)
            if outcome.verdict is PollVerdict.FAIL:
                return self._life.move(job.id, JobState.FAILED, JobChange(
                    error_code=outcome.code, error_message=outcome.message, attention=None,
                    cost=cost if cost is not None else KEEP), usage=usage)
            if outcome.verdict is PollVerdict.WAIT:
                log.info("job %d waits on the creator (%s)", job.id, outcome.code)
                return self._life.move(job.id, JobState.WAITING, JobChange(
                    wait_reason=outcome.wait_reason, error_code=outcome.code, error_message=outcome.message))
            if outcome.verdict is PollVerdict.RETRY:
                failures += 1
                if isinstance(answer, GetimgError):
                    log.warning("poll of job %d failed (%s, %d in a row)", job.id, answer.kind.value, failures)
                note = outcome.message if outcome.message is not None else job.attention
                if note != job.attention or usage is not None:
                    job = self._note(job, note, usage)
            else:
                failures = 0
                if job.attention is not None:
                    job = self._note(job, None, None)
            if once:
                return job

    def _note(self, job: Job, attention: str | None, usage: Usage | None) -> Job:
        cost = usage.total_cost if usage is not None else KEEP
        job = self._life.note(job.id, JobChange(attention=attention, cost=cost), usage=usage)
        if usage is not None:
            self._on_billed(job.id, usage.total_cost)
        return job

    def _billed_usage(self, job: Job, answer: RemoteStatus | GetimgError) -> Usage | None:
        """The usage a completed answer reports, the first time it does (a job is billed once)."""
        if isinstance(answer, GetimgError) or answer.usage is None or job.cost is not None:
            return None
        if answer.state is not RemoteState.COMPLETED:
            return None
        return answer.usage

    async def _completed(self, job: Job, status: RemoteStatus, usage: Usage | None) -> Job:
        change = JobChange(completed_at=self._clock(), attention=None, error_code=None, error_message=None,
                           cost=usage.total_cost if usage is not None else KEEP)
        if self.auto_download:
            job = self._life.move(job.id, JobState.DOWNLOADING, change, items=new_outputs(status), usage=usage)
            job = await self._saver.choose_paths(job)
        else:
            job = self._life.note(job.id, change, items=new_outputs(status), usage=usage)
        if usage is not None:
            self._on_billed(job.id, usage.total_cost)
        return job

    def _past_time_limit(self, job: Job) -> bool:
        limit = self.config.time_limit
        if limit <= 0:
            return False
        since = job.tracking_since or job.submitted_at or job.created_at
        return (self._clock() - since).total_seconds() >= limit

    def _still(self, job: Job) -> Job | None:
        """The job, if it is still pending and not completed (stopped, removed or resumed elsewhere: None).

        Only the state is read again: the tracker itself writes every other field it uses, through the
        lifecycle, which hands back the new job.
        """
        if self._store.state_of(job.id) != (JobState.PENDING, False):
            return None
        return job
