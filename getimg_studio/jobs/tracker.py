"""Following one accepted job to the end: poll until the server is done, then save the video.

Every step re-reads the job from the store before acting, so a job stopped or removed while a poll or a
download was in flight is never polled again. The signed URL is kept in the store (never in a `Job`, never
in a log line): after a restart the download resumes without a new GET while the URL is still valid.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import RemoteState, RemoteStatus
from getimg_studio.jobs.files import unique_path, video_name
from getimg_studio.jobs.model import DownloadProgress, Job, JobEvent, JobState
from getimg_studio.jobs.schedule import error_backoff, is_overdue, poll_delay
from getimg_studio.jobs.store import JobStore

if TYPE_CHECKING:
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.download import Downloader

log = logging.getLogger(__name__)

MAX_URL_REFRESHES = 3
MAX_DOWNLOAD_FAILURES = 5  # a broken or bad file this many times in a row: give up until Redownload


class Updater(Protocol):
    def __call__(self, job: Job, **fields: Any) -> Job: ...


class Tracker:
    def __init__(
        self,
        store: JobStore,
        client: GetimgClient,
        downloader: Downloader,
        *,
        update: Updater,
        emit: Callable[[JobEvent], None],
        on_billed: Callable[[Decimal], None],
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]],
        rand: Callable[[], float],
        output_dir: Path,
        auto_download: bool,
        poll_initial: float,
        poll_max: float,
        poll_timeout: float,
        max_polls: int,
        max_downloads: int,
    ) -> None:
        self._store = store
        self._client = client
        self._downloader = downloader
        self._update = update
        self._emit = emit
        self._on_billed = on_billed
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self.output_dir = output_dir
        self.auto_download = auto_download
        self._poll_initial = poll_initial
        self._poll_max = poll_max
        self._poll_timeout = poll_timeout
        self._polls = asyncio.Semaphore(max_polls)
        self._downloads = asyncio.Semaphore(max_downloads)
        self.polls_sent = 0  # for benchmarks and the status bar's diagnostics

    async def run(self, job_id: int, *, once: bool = False) -> Job | None:
        """Drive the job until it ends, waits for a manual download, or (`once`) after one poll."""
        job = self._store.get(job_id)
        while job is not None and job.state.active:
            if job.state is JobState.PENDING and job.completed_at is None:
                job = await self._poll(job, once=once)
                if job is None or (once and job.state is JobState.PENDING and job.completed_at is None):
                    return job
            elif job.state is JobState.PENDING:  # completed on the server, not saved yet
                if not self.auto_download:
                    return job
                job = self._update(job, state=JobState.DOWNLOADING, file_path=await self.target_path(job))
            elif job.state is JobState.DOWNLOADING:
                job = await self._download(job)
            else:  # SUBMITTING: the submit in flight (or recovery) owns it
                return job
        return job

    # Polling -------------------------------------------------------------------------------------

    async def _poll(self, job: Job, *, once: bool) -> Job | None:
        remote_id = job.remote_id
        assert remote_id is not None
        started = job.submitted_at or job.created_at
        failures = 0
        retry_after: float | None = None
        first = True
        while True:
            elapsed = (self._clock() - started).total_seconds()
            if not job.overdue and is_overdue(elapsed, self._poll_timeout):
                job = self._update(job, overdue=True)
            if not (once and first):
                if failures:
                    delay = error_backoff(failures, self._rand, retry_after=retry_after)
                else:
                    delay = poll_delay(elapsed, self._rand, initial=self._poll_initial, maximum=self._poll_max,
                                       retry_after=retry_after)
                await self._sleep(delay)
            first = False
            current = self._still(job, JobState.PENDING)
            if current is None:
                return self._store.get(job.id)
            job = current
            try:
                async with self._polls:
                    self.polls_sent += 1
                    status = await self._client.get_generation(remote_id)
            except GetimgError as exc:
                if exc.kind is ErrorKind.NOT_FOUND:
                    return self._update(job, state=JobState.FAILED, error_code="not_found", error_message=(
                        "getimg does not know this generation any more (it may belong to another account "
                        "or to demo mode)."))
                failures += 1
                retry_after = exc.retry_after
                log.warning("poll of job %d failed (%s, %d in a row)", job.id, exc.kind.value, failures)
                if once:
                    return job
                continue
            failures = 0
            retry_after = status.retry_after
            current = self._still(job, JobState.PENDING)
            if current is None:  # stopped or removed while the answer was on its way
                return self._store.get(job.id)
            job = current
            if status.state is RemoteState.PENDING:
                if once:
                    return job
                continue
            if status.state is RemoteState.FAILED:
                return self._update(job, state=JobState.FAILED, error_code=status.error_code or "failed",
                                    error_message=status.error_message or "The generation failed.")
            return await self._completed(job, status)

    async def _completed(self, job: Job, status: RemoteStatus) -> Job:
        if not status.items:
            return self._update(job, state=JobState.FAILED, error_code="no_result",
                                error_message="getimg reported the generation finished but sent no video.")
        item = status.items[0]
        fields: dict[str, Any] = {
            "completed_at": self._clock(), "width": item.width, "height": item.height, "duration": item.duration,
            "fps": item.fps, "has_sound": item.has_sound, "deletes_at": item.deletes_at, "result_url": item.url,
        }
        if status.usage is not None:
            fields["cost"] = status.usage.total_cost
        if self.auto_download:
            fields["state"] = JobState.DOWNLOADING
            fields["file_path"] = await self.target_path(job)
        job = self._update(job, **fields)
        if status.usage is not None:
            self._on_billed(status.usage.total_cost)
        return job

    # Downloading ---------------------------------------------------------------------------------

    async def target_path(self, job: Job) -> Path:
        name = video_name(job.created_at, job.request.prompt, job.id, job.remote_id or "")
        folder = self.output_dir

        def pick() -> Path:
            folder.mkdir(parents=True, exist_ok=True)
            return unique_path(folder, name)

        try:
            return await asyncio.get_running_loop().run_in_executor(None, pick)
        except OSError as exc:
            raise GetimgError(ErrorKind.DISK, f"The output folder {folder} cannot be used: "
                                              f"{exc.strerror or exc}.") from None

    async def _download(self, job: Job) -> Job | None:
        path = job.file_path or await self.target_path(job)
        refreshes = failures = 0
        while True:
            current = self._still(job, JobState.DOWNLOADING)
            if current is None:
                return self._store.get(job.id)
            job = current
            if job.deletes_at is not None and self._clock() >= job.deletes_at:
                return self._expire(job)
            try:
                url = self._store.result_url(job.id) or await self._fresh_url(job)
                if url is None:
                    return self._store.get(job.id)
                async with self._downloads:
                    size = await self._downloader.download(url, path, progress=self._progress(job.id))
            except GetimgError as exc:
                if exc.kind is ErrorKind.EXPIRED and exc.status == 403 and refreshes < MAX_URL_REFRESHES:
                    refreshes += 1  # the signed URL timed out: ask for a fresh one, not a new video
                    self._store.update(job.id, result_url=None)
                    continue
                if exc.kind in (ErrorKind.EXPIRED, ErrorKind.NOT_FOUND):
                    return self._expire(job)
                if exc.kind is ErrorKind.DISK:
                    return self._update(job, state=JobState.FAILED, error_code="disk", error_message=exc.message)
                failures += 1
                if exc.kind is ErrorKind.OFFLINE:
                    # The host that signed the URL may be gone for good (demo mode's simulator comes back on
                    # a new port after a restart): ask the API for a fresh URL on the next try.
                    self._store.update(job.id, result_url=None)
                elif failures >= MAX_DOWNLOAD_FAILURES:
                    return self._update(job, state=JobState.FAILED, error_code="download", error_message=(
                        f"{exc.message} The video is still on getimg until it expires: use Redownload."))
                log.warning("download of job %d failed (%s); trying again", job.id, exc.kind.value)
                await self._sleep(error_backoff(failures, self._rand, retry_after=exc.retry_after))
                continue
            return self._update(job, state=JobState.READY, file_path=path, bytes_done=size, bytes_total=size)

    async def _fresh_url(self, job: Job) -> str | None:
        assert job.remote_id is not None
        async with self._polls:
            self.polls_sent += 1
            status = await self._client.get_generation(job.remote_id)
        if status.state is not RemoteState.COMPLETED or not status.items:
            self._update(job, state=JobState.FAILED, error_code=status.error_code or "no_result",
                         error_message=status.error_message or "getimg no longer offers this video.")
            return None
        item = status.items[0]
        self._store.update(job.id, result_url=item.url, deletes_at=item.deletes_at)
        return item.url

    def _expire(self, job: Job) -> Job:
        when = f" (it was kept until {job.deletes_at:%Y-%m-%d %H:%M} UTC)" if job.deletes_at else ""
        return self._update(job, state=JobState.EXPIRED, error_code="expired", result_url=None, error_message=(
            f"getimg deleted this video before it was saved{when}. Use Retry to make a new one."))

    def _progress(self, job_id: int) -> Callable[[int, int | None], None]:
        def report(received: int, total: int | None) -> None:
            self._emit(DownloadProgress(job_id, received, total))

        return report

    def _still(self, job: Job, state: JobState) -> Job | None:
        current = self._store.get(job.id)
        return current if current is not None and current.state is state else None
