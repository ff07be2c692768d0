"""Saving a completed job's outputs: one file per item of `data`, each resumable, before getimg deletes it.

The signed URLs live in the store (never in a `Job`, never in a log line): after a restart a download resumes
without a new status request while its URL is still valid. A job is `ready` only once every output is saved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.image_types import EXTENSIONS as IMAGE_EXTENSIONS
from getimg_studio.api.types import RemoteState, RemoteStatus
from getimg_studio.jobs import answers
from getimg_studio.jobs.answers import PollVerdict
from getimg_studio.jobs.files import is_inside, unique_path, video_name
from getimg_studio.jobs.lifecycle import Lifecycle
from getimg_studio.jobs.model import DownloadProgress, Job, JobEvent, JobKind, JobState, Output
from getimg_studio.jobs.rows import JobChange, NewOutput, OutputChange
from getimg_studio.jobs.schedule import error_backoff
from getimg_studio.jobs.store import JobStore

if TYPE_CHECKING:
    from getimg_studio.api.download import Downloader

log = logging.getLogger(__name__)

MAX_URL_REFRESHES = 3
MAX_DOWNLOAD_FAILURES = 5  # a broken or bad file this many times in a row: give up until Redownload
_EXTENSIONS = {"video/mp4": ".mp4", **IMAGE_EXTENSIONS}


@dataclass(frozen=True, slots=True)
class _Gone:
    """The job left `downloading` (stopped, removed, expired, waiting): stop saving it."""

    job: Job | None


class Saver:
    def __init__(
        self,
        store: JobStore,
        lifecycle: Lifecycle,
        downloader: Downloader,
        fetch: Callable[[Job], Awaitable[RemoteStatus | GetimgError]],
        *,
        emit: Callable[[JobEvent], None],
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]],
        rand: Callable[[], float],
        output_dir: Path,
        max_downloads: int,
    ) -> None:
        self._store = store
        self._life = lifecycle
        self._downloader = downloader
        self._fetch = fetch
        self._emit = emit
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self.output_dir = output_dir
        self._downloads = asyncio.Semaphore(max_downloads)

    async def start(self, job: Job) -> Job:
        """From pending-and-completed (auto-download off), or again after a failure: save the files now."""
        job = self._life.move(job.id, JobState.DOWNLOADING, JobChange(error_code=None, error_message=None))
        return await self.choose_paths(job)

    async def redownload(self, job: Job) -> Job:
        """Save again the outputs whose file is missing (all of them when none is: the file was unreadable)."""
        folder = self.output_dir
        outputs = job.outputs

        def missing() -> list[int]:
            return [o.index for o in outputs
                    if o.file_path is None or not o.file_path.exists() or not is_inside(folder, o.file_path)]

        again = await asyncio.get_running_loop().run_in_executor(None, missing) or [o.index for o in outputs]
        job = self._life.move(job.id, JobState.DOWNLOADING, JobChange(error_code=None, error_message=None))
        for index in again:
            output = job.outputs[index]
            keep = output.file_path is not None and is_inside(folder, output.file_path)
            job = self._life.note(job.id, output=(index, OutputChange(
                saved=False, bytes_done=0, file_path=output.file_path if keep else None)))
        return await self.choose_paths(job)

    async def choose_paths(self, job: Job) -> Job:
        for output in job.outputs:
            if output.file_path is None:
                path = await self._target_path(job, output)
                job = self._life.note(job.id, output=(output.index, OutputChange(file_path=path)))
        return job

    async def save(self, job: Job) -> Job | None:
        job = await self.choose_paths(job)  # an image comes here straight from its answer
        for output in job.outputs:
            if output.saved:
                continue
            result = await self._save_output(job, output.index)
            if isinstance(result, _Gone):
                return result.job
            job = result
        if not job.outputs:  # completed without a usable item: nothing can be saved (answers.py retries)
            return self._life.move(job.id, JobState.FAILED, JobChange(
                error_code="no_file", error_message="getimg sent no file to save. Use Retry to make a new one."))
        return self._life.move(job.id, JobState.READY)

    async def _target_path(self, job: Job, output: Output) -> Path:
        ids: tuple[object, ...] = (job.id, job.remote_id or "") + ((output.index,) if output.index else ())
        name = video_name(job.created_at, job.request.prompt, *ids, ext=_EXTENSIONS.get(output.mime_type, ".mp4"))
        folder = self.output_dir

        def pick() -> Path:
            folder.mkdir(parents=True, exist_ok=True)
            return unique_path(folder, name)

        try:
            return await asyncio.get_running_loop().run_in_executor(None, pick)
        except OSError as exc:
            raise GetimgError(ErrorKind.DISK, f"The output folder {folder} cannot be used: "
                                              f"{exc.strerror or exc}.") from None

    async def _save_output(self, job: Job, index: int) -> Job | _Gone:
        refreshes = failures = 0
        while True:
            current = self._store.get(job.id)
            if current is None or current.state is not JobState.DOWNLOADING or index >= len(current.outputs):
                return _Gone(current)
            job = current
            output = job.outputs[index]
            if output.deletes_at is not None and self._clock() >= output.deletes_at:
                return _Gone(self._expire(job, index))
            path = output.file_path or await self._target_path(job, output)
            try:
                url = self._store.output_url(job.id, index) or await self._fresh_url(job, index)
                if isinstance(url, _Gone):
                    return url
                async with self._downloads:
                    size = await self._downloader.download(url, path, progress=self._progress(job.id, index),
                                                           mime_type=output.mime_type)
            except GetimgError as exc:
                if exc.kind is ErrorKind.EXPIRED and exc.status == 403 and refreshes < MAX_URL_REFRESHES:
                    refreshes += 1  # the signed URL timed out: ask for a fresh one, not a new video
                    self._life.note(job.id, output=(index, OutputChange(url=None)))
                    continue
                if exc.kind in (ErrorKind.EXPIRED, ErrorKind.NOT_FOUND):
                    return _Gone(self._expire(job, index))
                if exc.kind is ErrorKind.DISK:
                    return _Gone(self._life.move(job.id, JobState.FAILED, JobChange(
                        error_code="disk", error_message=exc.message)))
                failures += 1
                if exc.kind is ErrorKind.OFFLINE and job.kind is JobKind.VIDEO:
                    # The host that signed the URL may be gone for good (demo mode's simulator comes back on
                    # a new port after a restart): ask the API for a fresh URL on the next try.
                    self._life.note(job.id, output=(index, OutputChange(url=None)))
                elif failures >= MAX_DOWNLOAD_FAILURES:
                    return _Gone(self._life.move(job.id, JobState.FAILED, JobChange(
                        error_code="download",
                        error_message=f"{exc.message} The {_noun(job)} is still on getimg until it expires: "
                                      "use Redownload.")))
                log.warning("download of job %d failed (%s); trying again", job.id, exc.kind.value)
                await self._sleep(error_backoff(failures, self._rand, retry_after=exc.retry_after))
                continue
            return self._life.note(job.id, output=(index, OutputChange(
                saved=True, file_path=path, bytes_done=size, bytes_total=size)))

    async def _fresh_url(self, job: Job, index: int) -> str | _Gone:
        if job.kind is JobKind.IMAGE:  # an image's address comes once, with its answer: there is no other
            return _Gone(self._expire(job, index))
        answer = await self._fetch(job)
        current = self._store.get(job.id)
        if current is None or current.state is not JobState.DOWNLOADING:
            return _Gone(current)
        if isinstance(answer, GetimgError):
            outcome = answers.after_poll(answer)
            if outcome.verdict is PollVerdict.WAIT:
                return _Gone(self._life.move(job.id, JobState.WAITING, JobChange(
                    wait_reason=outcome.wait_reason, error_code=outcome.code, error_message=outcome.message)))
            if outcome.verdict is not PollVerdict.FAIL:
                raise answer  # passing trouble: the download loop backs off and tries again
        elif answer.state is RemoteState.COMPLETED and index < len(answer.items):
            item = answer.items[index]
            self._life.note(job.id, items=[NewOutput(index=index, url=item.url, mime_type=item.mime_type,
                                                     deletes_at=item.deletes_at)])
            return item.url
        return _Gone(self._life.move(job.id, JobState.FAILED, JobChange(
            error_code="no_result", error_message=f"getimg no longer offers this {_noun(job)}.")))

    def _expire(self, job: Job, index: int) -> Job:
        deletes_at = job.outputs[index].deletes_at
        when = f" (it was kept until {deletes_at:%Y-%m-%d %H:%M} UTC)" if deletes_at else ""
        return self._life.move(job.id, JobState.EXPIRED, JobChange(error_code="expired", error_message=(
            f"getimg deleted this {_noun(job)} before it was saved{when}. Use Retry to make a new one.")),
            output=(index, OutputChange(url=None, gone=True)))

    def _progress(self, job_id: int, index: int) -> Callable[[int, int | None], None]:
        def report(received: int, total: int | None) -> None:
            self._emit(DownloadProgress(job_id, received, total, index))

        return report


def _noun(job: Job) -> str:
    return "image" if job.kind is JobKind.IMAGE else "video"
