"""The engine: submit, follow, save and manage generations; observers hear about every change.

Money rules first. A creation request is sent once: the client retries it only when nothing can have
been created, and anything else leaves the job `uncertain` for the creator to check, never resubmitted.
Each transition is written to the store before the next step starts, so a crash at any point leaves a
row that recovery (`start()`) can carry on from.

Auto-download off: a completed job stays `pending` with `completed_at` set (and its signed URL kept)
until Redownload is asked for; `downloading` only ever means bytes are moving. No new state was added.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import Balance, FrameRef, GenerationRequest
from getimg_studio.jobs.files import delete_videos, is_inside
from getimg_studio.jobs.model import (
    BalanceChanged,
    CatalogueChanged,
    Job,
    JobAdded,
    JobChanged,
    JobEvent,
    JobsRemoved,
    JobState,
)
from getimg_studio.jobs.store import JobStore, utcnow
from getimg_studio.jobs.tracker import Tracker
from getimg_studio.tasks import TaskOwner

if TYPE_CHECKING:
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.download import Downloader
    from getimg_studio.api.frames import PreparedFrame
    from getimg_studio.api.types import ModelInfo

log = logging.getLogger(__name__)

UNCERTAIN_MESSAGE = (
    "The request may have reached getimg, but no answer came back. It was not sent again, so you are not "
    "billed twice. Check your getimg dashboard; use Retry to submit a new one."
)
NOT_SENT_MESSAGE = "Not sent: submitting was interrupted. Nothing was created or billed; use Retry."
STOPPED_MESSAGE = "You stopped tracking this job. getimg may still finish it, and bill it."


@dataclass(frozen=True)
class EngineConfig:
    poll_initial: float = 5.0
    poll_max: float = 30.0
    poll_timeout: float = 1800.0
    max_concurrent_polls: int = 8
    max_concurrent_downloads: int = 4
    auto_download: bool = True


class Engine:
    def __init__(
        self,
        store: JobStore,
        client: GetimgClient,
        downloader: Downloader,
        catalogue: ModelCatalogue,
        *,
        frames_dir: Path,
        output_dir: Path,
        config: EngineConfig = EngineConfig(),  # frozen: sharing the default is safe
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        backend: str | None = None,
    ) -> None:
        self.store = store
        self.backend = backend  # recorded on each job, so a job is only followed by the server that knows it
        self.catalogue = catalogue
        self.client = client
        self.config = config
        self.frames_dir = frames_dir
        self.session_spent = Decimal(0)
        self._downloader = downloader
        self._clock = clock
        self._observers: list[Callable[[JobEvent], None]] = []
        self._tasks = TaskOwner("engine")
        self._submitting: set[int] = set()  # rows whose POST a running submit() is sending
        self._job_tasks: dict[int, asyncio.Task[Job | None]] = {}  # the tracker task of each followed job
        self._changed: asyncio.Event | None = None
        self._accepting = True
        self.tracker = Tracker(
            store, client, downloader, update=self._update, emit=self._emit, on_billed=self._billed,
            clock=clock, sleep=sleep, rand=rand, output_dir=output_dir, auto_download=config.auto_download,
            poll_initial=config.poll_initial, poll_max=config.poll_max, poll_timeout=config.poll_timeout,
            max_polls=config.max_concurrent_polls, max_downloads=config.max_concurrent_downloads,
        )

    # Observers ------------------------------------------------------------------------------------

    def subscribe(self, observer: Callable[[JobEvent], None]) -> Callable[[], None]:
        self._observers.append(observer)

        def unsubscribe() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return unsubscribe

    def _emit(self, event: JobEvent) -> None:
        for observer in list(self._observers):
            try:
                observer(event)
            except Exception:  # one broken observer must not stop the engine or the others
                log.exception("an engine observer failed on %s", type(event).__name__)
        self._notify()

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def _update(self, job: Job, **fields: Any) -> Job:
        state = fields.get("state")
        if isinstance(state, JobState) and state.terminal and "finished_at" not in fields:
            fields["finished_at"] = self._clock()
        new = self.store.update(job.id, now=self._clock(), **fields)
        self._emit(JobChanged(new, job.state))
        return new

    # Life cycle -----------------------------------------------------------------------------------

    async def start(self, *, track: bool = True) -> None:
        """Recovery (see recovery.py); `track=False` recovers without following jobs (one-shot commands)."""
        from getimg_studio.jobs.recovery import recover

        await recover(self, track=track)

    async def close(self) -> None:
        """Stop accepting work, cancel and gather every task, close the HTTP clients (not the store)."""
        self._accepting = False
        await self._tasks.close()
        self._job_tasks.clear()
        self._notify()
        await self.client.aclose()
        await self._downloader.aclose()

    def start_task(self, coro: Any, *, name: str | None = None) -> asyncio.Task[Any]:
        return self._tasks.start(coro, name=name)

    def track(self, job_id: int, *, once: bool = False) -> asyncio.Task[Job | None] | None:
        if not self._accepting:
            return None
        task = self._tasks.start(self._run(job_id, once), name=f"job:{job_id}")  # replaces an older one
        self._job_tasks[job_id] = task
        return task

    def busy(self, job_id: int) -> bool:
        return job_id in self._job_tasks or job_id in self._submitting

    async def _run(self, job_id: int, once: bool) -> Job | None:
        try:
            return await self.tracker.run(job_id, once=once)
        except KeyError:  # removed while a step was writing
            return None
        except GetimgError as exc:  # e.g. an unusable output folder: the job waits for Redownload
            job = self.store.get(job_id)
            if job is not None and job.state.active:
                return self._update(job, state=JobState.FAILED, error_code=exc.kind.value, error_message=exc.message)
            return job
        finally:
            if self._job_tasks.get(job_id) is asyncio.current_task():
                del self._job_tasks[job_id]
            self._notify()

    # Submitting -----------------------------------------------------------------------------------

    def model(self, model_id: str) -> ModelInfo | None:
        return self.catalogue.get(model_id)

    async def submit(self, request: GenerationRequest, variations: int = 1) -> list[Job]:
        from getimg_studio.api.pricing import estimate_cost
        from getimg_studio.api.validation import validate

        if not self._accepting:
            raise GetimgError(ErrorKind.UNKNOWN, "getimg Studio is shutting down; nothing was sent.")
        model = self.catalogue.get(request.model)
        issues = validate(request, model)
        if issues:
            raise GetimgError(ErrorKind.INVALID, issues[0].message, param=issues[0].field)
        assert model is not None
        estimate = estimate_cost(request, model)
        request = await self._import_frames(request)
        prepared = await asyncio.get_running_loop().run_in_executor(None, _prepare_frames, request.frames)
        jobs = self.store.insert(request, count=variations, estimate=estimate, batch_id=uuid.uuid4().hex[:12],
                                 now=self._clock(), backend=self.backend)
        self._submitting.update(j.id for j in jobs)
        for job in jobs:
            self._emit(JobAdded(job))
        results: list[Job] = []
        try:
            for index, job in enumerate(jobs):
                done, rejection = await self._create(job, prepared)
                results.append(done)
                if rejection is not None and index == 0:
                    # Same request, same answer: the others are not sent and carry the same reason.
                    for other in jobs[1:]:
                        results.append(self._reject(other, rejection))
                    raise rejection
        except asyncio.CancelledError:
            # Interrupted (quit, Ctrl+C): rows never sent are surely not created; say so now rather than
            # leave them `submitting` for recovery to call uncertain.
            for job in jobs[len(results) + 1:]:
                self._reject(job, GetimgError(ErrorKind.OFFLINE, NOT_SENT_MESSAGE, code="not_sent"))
            raise
        finally:
            self._submitting.difference_update(j.id for j in jobs)
            self._notify()
        return results

    async def _import_frames(self, request: GenerationRequest) -> GenerationRequest:
        from getimg_studio.api.frames import import_frame

        loop = asyncio.get_running_loop()
        frames: list[FrameRef] = []
        for frame in request.frames:
            if frame.path is None:
                frames.append(frame)
                continue
            copy = await loop.run_in_executor(None, import_frame, frame.path, self.frames_dir)
            frames.append(FrameRef(frame.role, path=copy))
        return replace(request, frames=tuple(frames))

    async def _create(self, job: Job, prepared: Sequence[PreparedFrame]) -> tuple[Job, GetimgError | None]:
        try:
            created = await self.client.create_generation(job.request, prepared)
        except GetimgError as exc:
            if exc.surely_not_created:
                return self._after_post(job, state=JobState.REJECTED, error_code=exc.code or exc.kind.value,
                                        error_message=exc.message), exc
            log.warning("creation of job %d is uncertain (%s)", job.id, exc.kind.value)
            return self._after_post(job, state=JobState.UNCERTAIN, error_code="uncertain",
                                    error_message=UNCERTAIN_MESSAGE), None
        except (Exception, asyncio.CancelledError):
            # Interrupted mid-request, a bug, or an unexpected library error: the POST may have gone out.
            self._after_post(job, state=JobState.UNCERTAIN, error_code="uncertain", error_message=UNCERTAIN_MESSAGE)
            raise
        job = self._after_post(job, state=JobState.PENDING, remote_id=created.id, submitted_at=self._clock())
        if job.state is JobState.PENDING:
            self.track(job.id)
        return job, None

    def _after_post(self, job: Job, **fields: Any) -> Job:
        """Write the POST's outcome, unless the creator stopped or removed the row meanwhile."""
        current = self.store.get(job.id)
        if current is None:
            log.warning("job %d was removed while it was being submitted (remote id %s)", job.id,
                        fields.get("remote_id"))
            return job
        if current.state is not JobState.SUBMITTING:  # stopped: keep the id so the dashboard can be matched
            kept = {k: v for k, v in fields.items() if k in ("remote_id", "submitted_at")}
            return self._update(current, **kept) if kept else current
        return self._update(current, **fields)

    def _reject(self, job: Job, exc: GetimgError) -> Job:
        return self._update(job, state=JobState.REJECTED, error_code=exc.code or exc.kind.value,
                            error_message=exc.message)

    # Operations -----------------------------------------------------------------------------------

    async def stop_tracking(self, job_id: int) -> None:
        job = self.store.get(job_id)
        if job is None or job.state.terminal:
            return
        self._cancel(job_id)
        self._update(job, state=JobState.STOPPED, error_code="stopped", error_message=STOPPED_MESSAGE)

    async def retry(self, job_id: int) -> list[Job]:
        job = self.store.get(job_id)
        if job is None:
            raise GetimgError(ErrorKind.NOT_FOUND, f"Job {job_id} is not in the history.")
        return await self.submit(job.request, 1)

    async def remove(self, job_ids: Sequence[int], *, delete_files: bool) -> None:
        jobs = self.store.get_many(job_ids)
        for job in jobs:
            self._cancel(job.id)
        if delete_files:
            files = [j.file_path for j in jobs if j.file_path is not None]
            await asyncio.get_running_loop().run_in_executor(None, delete_videos, self.tracker.output_dir, files)
        self.store.delete([j.id for j in jobs])
        if jobs:
            self._emit(JobsRemoved(tuple(j.id for j in jobs)))

    async def set_favourite(self, job_ids: Sequence[int], favourite: bool) -> None:
        self.store.set_favourite(job_ids, favourite, now=self._clock())
        for job in self.store.get_many(job_ids):
            self._emit(JobChanged(job, job.state))

    async def redownload(self, job_id: int) -> None:
        """Save the video again (missing or unreadable file, or auto-download off) while getimg keeps it."""
        job = self.store.get(job_id)
        if job is None or job.remote_id is None or job.completed_at is None:
            raise GetimgError(ErrorKind.NOT_FOUND, "This job has no finished video to download.")
        if job.state in (JobState.DOWNLOADING, JobState.SUBMITTING) or self.busy(job.id):
            return
        keep = job.file_path is not None and is_inside(self.tracker.output_dir, job.file_path)
        path = job.file_path if keep else await self.tracker.target_path(job)
        self._update(job, state=JobState.DOWNLOADING, file_path=path, error_code=None, error_message=None,
                     finished_at=None)
        self.track(job.id)

    async def check_once(self, job_ids: Sequence[int]) -> list[Job]:
        """One poll for each job (and the downloads that follow); for `jobs resume` without --wait."""
        tasks = [t for t in (self.track(i, once=True) for i in job_ids) if t is not None]
        if tasks:
            await asyncio.wait(tasks)
        return self.store.get_many(job_ids)

    async def refresh_balance(self) -> Balance | None:
        try:
            balance = await self.client.balance()
        except GetimgError as exc:
            log.info("balance unavailable: %s", exc.kind.value)
            self._emit(BalanceChanged(None))
            return None
        self._emit(BalanceChanged(balance.amount, balance.currency))
        return balance

    async def refresh_catalogue(self) -> list[ModelInfo]:
        models = await self.catalogue.refresh(self.client)
        self._emit(CatalogueChanged())
        return models

    def _billed(self, amount: Decimal) -> None:
        self.session_spent += amount
        if self._accepting:
            self._tasks.start(self.refresh_balance(), name="balance")

    async def wait_idle(self, job_ids: Sequence[int] | None = None, timeout: float | None = None) -> list[Job]:
        """The jobs once none is being worked on (all unfinished ones when `job_ids` is None)."""
        ids = list(job_ids) if job_ids is not None else [j.id for j in self.unfinished()]
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            jobs = self.store.get_many(ids)
            if all(j.state.terminal or not self.busy(j.id) for j in jobs):
                return jobs
            if self._changed is None:
                self._changed = asyncio.Event()
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return jobs
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return self.store.get_many(ids)

    def unfinished(self) -> list[Job]:
        """Unfinished jobs this engine's backend can follow (a demo job waits for demo mode, and so on)."""
        return self.store.unfinished(self.backend)

    def set_output_dir(self, path: Path) -> None:
        self.tracker.output_dir = path

    def set_auto_download(self, on: bool) -> None:
        self.tracker.auto_download = on
        if on:
            for job in self.unfinished():
                if job.state is JobState.PENDING and job.completed_at is not None and not self.busy(job.id):
                    self.track(job.id)

    @property
    def output_dir(self) -> Path:
        return self.tracker.output_dir

    def _cancel(self, job_id: int) -> None:
        task = self._job_tasks.pop(job_id, None)
        if task is not None:
            task.cancel()


def _prepare_frames(frames: Sequence[FrameRef]) -> list[PreparedFrame]:
    from getimg_studio.api.frames import check_body_size, prepare_frame

    prepared = [prepare_frame(f) for f in frames]
    check_body_size(prepared)
    return prepared
