"""The engine: queue, send, follow, save and manage generations; observers hear about every change.

Money rules first. Generate puts jobs in the local queue (on disk, not sent, not billed); the dispatcher
sends them one at a time while the account has room, and a creation request that may have reached getimg is
never sent again (the job is `uncertain` for the creator to check). Every transition goes through the
lifecycle (`lifecycle.py`), written before the next step starts, so a crash at any point leaves a row that
recovery (`start()`) carries on from.

Auto-download off: a completed job stays `pending` with `completed_at` set (and its signed URLs kept) until
Redownload is asked for; `downloading` only ever means bytes are moving.

This object lives on one asyncio loop (the engine's thread, see `host.py`); `facade.EngineFacade` is how the
window calls it. Observers are called on that loop's thread.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import Balance, CostEstimate
from getimg_studio.jobs import images, intake
from getimg_studio.jobs.budget import action_cost
from getimg_studio.jobs.dispatch import Dispatcher
from getimg_studio.jobs.files import delete_videos
from getimg_studio.jobs.lifecycle import Lifecycle
from getimg_studio.jobs.model import (
    UNSENT_STATES,
    BalanceChanged,
    CatalogueChanged,
    Job,
    JobAdded,
    JobChanged,
    JobEvent,
    JobRequest,
    JobsRemoved,
    JobState,
    QueueStatus,
    WaitReason,
    kind_of,
)
from getimg_studio.jobs.observers import Observers
from getimg_studio.jobs.pacing import Pacer
from getimg_studio.jobs.rows import JobChange
from getimg_studio.jobs.saver import Saver
from getimg_studio.jobs.spend_guard import SpendFigures, SpendGuard
from getimg_studio.jobs.store import JobStore, utcnow
from getimg_studio.jobs.tracker import PollConfig, StatusReader, Tracker
from getimg_studio.jobs.waiting import Waiter, sent_or_stuck, settled
from getimg_studio.localzone import local_zone
from getimg_studio.tasks import TaskOwner

if TYPE_CHECKING:
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.download import Downloader
    from getimg_studio.api.types import CostReport, ModelInfo
    from getimg_studio.jobs.budget import Budget, BudgetVerdict
    from getimg_studio.jobs.imports import Imported
    from getimg_studio.jobs.ledger import LedgerEntry
    from getimg_studio.jobs.storyboard.cost import StoryboardCost
    from getimg_studio.jobs.storyboard.model import Storyboard
    from getimg_studio.jobs.storyboard_runner import RunResult, SpendCheck, StoryboardRunner
    from getimg_studio.media.join_plan import JoinOptions

log = logging.getLogger(__name__)

STOPPED_MESSAGE = "You stopped tracking this job. getimg may still finish it, and bill it."


@dataclass(frozen=True)
class EngineConfig:
    poll_initial: float = 5.0
    poll_max: float = 30.0
    time_limit: float = 1800.0  # seconds a job is followed before it waits for the creator; 0: no limit
    max_concurrent_polls: int = 8
    max_concurrent_downloads: int = 4
    auto_download: bool = True
    max_in_flight: int = 0  # most generations in flight at once; 0: learn the account's cap
    send_backoff: float = 2.0  # seconds before sending again after getimg said "busy" (503, no slot); doubles


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
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.backend = backend  # recorded on each job, so a job is only followed by the server that knows it
        self.catalogue = catalogue
        self.client = client
        self.config = config
        self.frames_dir = frames_dir
        self.session_spent = Decimal(0)  # billed for jobs sent in this session only
        self._sent: set[int] = set()
        self._downloader = downloader
        self._clock = clock
        self._observers = Observers()
        self._tasks = TaskOwner("engine")
        self._job_tasks: dict[int, asyncio.Task[Job | None]] = {}  # the tracker task of each followed job
        self._waiter = Waiter()
        self._accepting = True
        self._dispatching = False
        # Money (issue 15): every new job passes the budget check; every bill is written with its ledger entry.
        self.spend_guard = SpendGuard(store, backend, clock, local_zone())
        self._observers.subscribe(self.spend_guard.observe)
        self.lifecycle = Lifecycle(store, self._emit, clock, admit=self.spend_guard.admit,
                                   model_name=self._model_name)
        reader = StatusReader(lambda: self.client, config.max_concurrent_polls)
        self.saver = Saver(store, self.lifecycle, downloader, reader.fetch, emit=self._emit, clock=clock,
                           sleep=sleep, rand=rand, output_dir=output_dir, max_downloads=config.max_concurrent_downloads)
        self.tracker = Tracker(store, self.lifecycle, reader, self.saver, on_billed=self._billed, clock=clock,
                               sleep=sleep, rand=rand,
                               config=PollConfig(config.poll_initial, config.poll_max, config.time_limit))
        self.tracker.auto_download = config.auto_download
        pacer = Pacer(config.max_in_flight, rand, backoff=config.send_backoff)
        self.dispatcher = Dispatcher(store, self.lifecycle, lambda: self.client, intake.prepare_frames,
                                     backend=backend, pacer=pacer, accepted=self._accepted, emit=self._emit,
                                     clock=clock, now=monotonic,
                                     spawn=lambda coro, name: self._tasks.start(coro, name=name),
                                     image_made=self._image_made)

    # Observers ------------------------------------------------------------------------------------

    def subscribe(self, observer: Callable[[JobEvent], None]) -> Callable[[], None]:
        """`observer` hears every event, on the engine's thread; the returned function unsubscribes."""
        return self._observers.subscribe(observer)

    def _emit(self, event: JobEvent) -> None:
        self._observers.emit(event)
        if isinstance(event, JobAdded | JobChanged | JobsRemoved):
            self.dispatcher.wake()
        self._notify()

    def _notify(self) -> None:
        self._waiter.notify()

    # Life cycle -----------------------------------------------------------------------------------

    async def start(self, *, track: bool = True) -> None:
        """Recovery (see recovery.py), then the queue goes on; `track=False` recovers without following or
        sending anything (one-shot commands)."""
        from getimg_studio.jobs.recovery import recover

        await recover(self, track=track)
        if track and self._accepting and not self._dispatching:
            self._dispatching = True
            self._tasks.start(self.dispatcher.run(), name="dispatcher")

    async def close(self) -> None:
        """Stop accepting work, cancel and gather every task, close the HTTP clients (not the store)."""
        self._accepting = False
        self._dispatching = False
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
        return job_id in self._job_tasks or self.dispatcher.sending == job_id or job_id in self.dispatcher.posting

    async def _run(self, job_id: int, once: bool) -> Job | None:
        try:
            return await self.tracker.run(job_id, once=once)
        except KeyError:  # removed while a step was writing
            return None
        except GetimgError as exc:  # e.g. an unusable output folder: the job waits for Redownload
            job = self.store.get(job_id)
            if job is not None and job.state in (JobState.PENDING, JobState.DOWNLOADING):
                return self.lifecycle.move(job.id, JobState.FAILED, JobChange(error_code=exc.kind.value,
                                                                             error_message=exc.message))
            return job
        finally:
            if self._job_tasks.get(job_id) is asyncio.current_task():
                del self._job_tasks[job_id]
            self._notify()

    def _accepted(self, job: Job) -> None:
        self._sent.add(job.id)
        self.track(job.id)

    # Submitting -----------------------------------------------------------------------------------

    def model(self, model_id: str) -> ModelInfo | None:
        return self.catalogue.get(model_id)

    async def _checked(self, request: JobRequest) -> tuple[JobRequest, CostEstimate]:
        if not self._accepting:
            raise GetimgError(ErrorKind.UNKNOWN, "getimg Studio is shutting down; nothing was queued.")
        if isinstance(request, ImageRequest):
            images.image_client(self.client)  # refused before queueing when this client makes no images
        return await intake.checked(request, self.catalogue, self.frames_dir, self.dispatcher.frames_for)

    async def submit(self, request: JobRequest, variations: int = 1, *, until_sent: bool = False,
                     origin: str | None = None) -> list[Job]:
        """Queue `variations` jobs of `request` (validated first: GetimgError(INVALID, param=field), FRAME).

        A video or an image (`submit_image` says so in its name): one path, one queue, one lifecycle.

        Returns with the queued jobs; the queue sends them in order while the account has room. With
        `until_sent` (the compose form), pressing Generate is also the creator's go for a queue getimg held
        (a refused key, the quota), and it returns once the first job was sent or cannot be sent now; when
        getimg refused it, it raises getimg's answer so the form shows it at the field at fault.

        `origin` (one job: a storyboard's take) is written with the job's row; a job already queued for the
        same origin is returned instead of a second one, so a replayed request is never queued twice.
        """
        if origin is not None and (existing := self.store.by_origin(origin)) is not None:
            return [existing]
        request, estimate = await self._checked(request)
        if origin is not None and (existing := self.store.by_origin(origin)) is not None:
            return [existing]  # queued while this request's frames were being prepared
        import uuid  # not at start-up: it loads `platform`

        jobs = self.lifecycle.add(request, count=variations, estimate=estimate, batch_id=uuid.uuid4().hex[:12],
                                  backend=self.backend, origin=origin)
        if until_sent:  # after `add`: a refused action (the budget) leaves a held queue held
            self.dispatcher.release()
        self.dispatcher.wake()
        if not until_sent or not self._dispatching:
            return jobs
        sent = await self.wait_sent([jobs[0].id])
        if not sent:  # removed meanwhile
            return []
        first = sent[0]
        refusal = self.dispatcher.refusals.pop(first.id, None)
        if first.state is JobState.REJECTED and refusal is not None:
            raise refusal
        if first.state is JobState.QUEUED and self.dispatcher.held_error is not None:
            raise self.dispatcher.held_error
        return self.store.get_many([j.id for j in jobs])

    async def edit_queued(self, job_id: int, request: JobRequest) -> Job:
        """Change the request of a job not sent yet; it keeps its place in the queue."""
        job = self.store.get(job_id)
        if job is None or job.state not in UNSENT_STATES:
            raise GetimgError(ErrorKind.NOT_FOUND, "Only a job that is not sent yet can be changed.")
        if kind_of(request) is not job.kind:
            raise GetimgError(ErrorKind.INVALID, f"This queued job makes {job.kind.value}s: it cannot be changed "
                                                 f"into a {kind_of(request).value} request.", param="model")
        request, estimate = await self._checked(request)
        self.check_spend_change(job.estimate, estimate)
        return self.lifecycle.note(job_id, JobChange(request=request, estimate=estimate))

    # The queue ------------------------------------------------------------------------------------

    def queue_status(self) -> QueueStatus:
        return self.dispatcher.status()

    async def reorder(self, job_ids: Sequence[int], before: int | None = None) -> None:
        """Move queued jobs, in this order, right before job `before` (None: to the end of the queue)."""
        self.dispatcher.reorder(job_ids, before)

    async def pause(self, job_ids: Sequence[int]) -> None:
        for job in self.store.get_many(job_ids):
            if job.state is JobState.QUEUED:
                self.lifecycle.move(job.id, JobState.PAUSED)

    async def resume(self, job_ids: Sequence[int]) -> None:
        """Paused jobs go back to the queue; waiting ones (key, quota, time limit) are followed again."""
        for job in self.store.get_many(job_ids):
            if job.state is JobState.PAUSED:
                self.lifecycle.move(job.id, JobState.QUEUED)
            elif job.state is JobState.WAITING:
                self._follow_again(job, fresh_limit=True)

    def _follow_again(self, job: Job, *, fresh_limit: bool) -> None:
        change = JobChange(error_code=None, error_message=None)
        if fresh_limit:
            change = replace(change, tracking_since=self._clock())
        self.lifecycle.move(job.id, JobState.PENDING, change)
        self.track(job.id)

    async def pause_queue(self) -> None:
        self.dispatcher.set_paused(True)

    async def resume_queue(self) -> None:
        """The queue goes on: the creator's pause and any hold (a refused key, quota, a proxy) are lifted."""
        self.dispatcher.set_paused(False)
        self.dispatcher.release()

    async def remove_queued(self, job_ids: Sequence[int] | None = None) -> list[int]:
        """Remove jobs not sent yet (all of them when `job_ids` is None): nothing was created, nothing is billed."""
        return self.dispatcher.remove_unsent(job_ids)

    async def set_api_key(self, key: str) -> None:
        """A new key: the queue goes on if getimg refused the old one, and so do jobs that waited for it."""
        self.client.set_api_key(key)
        self.dispatcher.release("key")
        for job in self.unfinished():
            if job.state is JobState.WAITING and job.wait_reason is WaitReason.KEY:
                self._follow_again(job, fresh_limit=False)
        self.dispatcher.publish()

    def set_max_in_flight(self, value: int) -> None:
        self.dispatcher.pacer.set_max_in_flight(value)
        self.dispatcher.wake()

    # Operations -----------------------------------------------------------------------------------

    async def stop_tracking(self, job_id: int) -> None:
        job = self.store.get(job_id)
        if job is None or job.state.terminal or job.state in UNSENT_STATES:
            return
        self._cancel(job_id)
        self.lifecycle.move(job.id, JobState.STOPPED, JobChange(error_code="stopped", error_message=STOPPED_MESSAGE))

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
            files = [path for j in jobs if not j.imported for path in j.files]  # an import is the creator's own
            await asyncio.get_running_loop().run_in_executor(None, delete_videos, self.saver.output_dir, files)
        self.lifecycle.remove([j.id for j in jobs])
        self.dispatcher.publish()

    async def set_favourite(self, job_ids: Sequence[int], favourite: bool) -> None:
        self.store.set_favourite(job_ids, favourite, now=self._clock())
        for job in self.store.get_many(job_ids):
            self._emit(JobChanged(job, job.state))

    async def redownload(self, job_id: int) -> None:
        """Save the files again (missing or unreadable, or auto-download off) while getimg keeps them."""
        job = self.store.get(job_id)
        if job is None or job.remote_id is None or job.completed_at is None or not job.outputs:
            raise GetimgError(ErrorKind.NOT_FOUND, "This job has no finished video to download.")
        if job.state in (JobState.DOWNLOADING, JobState.SUBMITTING, JobState.EXPIRED) or self.busy(job.id):
            return
        await self.saver.redownload(job)
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
        """The video models (returned) and the image models, then one `CatalogueChanged` for both."""
        models = await self.catalogue.refresh(self.client)
        await self._refresh_image_models()
        self._emit(CatalogueChanged())
        return models

    def _billed(self, job_id: int, amount: Decimal) -> None:
        if job_id in self._sent:  # a job sent in an earlier session was billed to that session
            self.session_spent += amount
        if self._accepting:
            self._tasks.start(self.refresh_balance(), name="balance")

    @property
    def _queue_moving(self) -> bool:
        return self._dispatching and self.dispatcher.moving

    async def wait_sent(self, job_ids: Sequence[int], timeout: float | None = None) -> list[Job]:
        """The jobs once each was sent or cannot be sent now (`waiting.sent_or_stuck`; `generate` without
        --wait, and the compose form)."""
        ids = list(job_ids)
        return await self._waiter.until(lambda: self.store.get_many(ids), lambda j: sent_or_stuck(
            j, queue_moving=self._queue_moving, blocked=self.dispatcher.blocked), timeout)

    async def wait_idle(self, job_ids: Sequence[int] | None = None, timeout: float | None = None, *,
                        flagged: bool = False) -> list[Job]:
        """The jobs (all unfinished ones when `job_ids` is None) once each is `waiting.settled`."""
        ids = list(job_ids) if job_ids is not None else [j.id for j in self.unfinished()]
        return await self._waiter.until(lambda: self.store.get_many(ids), lambda j: settled(
            j, queue_moving=self._queue_moving, busy=self.busy(j.id), flagged=flagged), timeout)

    def unfinished(self) -> list[Job]:
        """Unfinished jobs this engine's backend can follow (a demo job waits for demo mode, and so on)."""
        return self.store.unfinished(self.backend)

    def set_output_dir(self, path: Path) -> None:
        self.saver.output_dir = path

    def set_time_limit(self, seconds: float) -> None:
        self.tracker.config.time_limit = max(seconds, 0.0)

    def set_auto_download(self, on: bool) -> None:
        self.tracker.auto_download = on
        if on:
            for job in self.unfinished():
                if job.awaiting_download and not self.busy(job.id):
                    self.track(job.id)

    @property
    def output_dir(self) -> Path:
        return self.saver.output_dir

    def _cancel(self, job_id: int) -> None:
        task = self._job_tasks.pop(job_id, None)
        if task is not None:
            task.cancel()

    # Imported files and recipes (issue 14: the logic is jobs/imports.py) ------------------------------------

    async def import_file(self, path: Path, *, title: str | None = None) -> Imported:
        """Add a video file to the history as a ready row (or find the job it already is), with the recipe it
        carries. `MediaError` when it is not a video this build can read. `title` names the row (a
        storyboard's export: "Storyboard “Trip”"); by default the file's name."""
        from getimg_studio.jobs import imports

        finding = await asyncio.get_running_loop().run_in_executor(None, imports.inspect_file, path,
                                                                   self.frames_dir)
        return imports.record(self.store, self.lifecycle, finding, title=title)
    # Money (issue 15): the budget, the spending figures and the ledger ------------------------------------

    def set_budget(self, budget: Budget | None) -> None:
        """The creator's budget (Settings, `getimg-studio budget`); None or unset: no limit."""
        self.spend_guard.budget = budget

    def check_spend(self, total: CostEstimate | Decimal | None) -> BudgetVerdict:
        """Whether an action costing `total` in all (None: no listed price) fits the budget, before any of it is
        queued; raises `spend_guard.BudgetExceeded` (ErrorKind.BUDGET, with the verdict) when it does not."""
        return self.spend_guard.check(total)

    def check_spend_change(self, old: CostEstimate | None, new: CostEstimate) -> None:
        """A queued job changed: only what it now costs more is checked (None: no listed price any more)."""
        if new.amount is None:
            self.spend_guard.check(None)
        elif old is not None and old.amount is not None and new.amount > old.amount:
            self.spend_guard.check(new.amount - old.amount)
        elif old is None or old.amount is None:
            self.spend_guard.check(new.amount)

    def check_spend_for(self, estimates: Sequence[CostEstimate]) -> BudgetVerdict:
        """`check_spend` for N generations at once (a storyboard run, several variations): their total."""
        return self.check_spend(action_cost(estimates))

    def queued_cost(self) -> Decimal:
        """What the jobs queued and not sent yet will cost at their estimates (the queue's status line)."""
        return self.store.queued_estimates(self.backend, currency=self.spend_guard.currency)

    def spend_figures(self) -> SpendFigures:
        return self.spend_guard.figures()

    def ledger_entries(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        return self.store.ledger_entries(start, end, backend=self.backend)

    def ledger_start(self) -> datetime | None:
        return self.store.ledger_start(backend=self.backend)

    async def billing_costs(self, start: datetime, end: datetime) -> CostReport:
        """getimg's own `/v2/billing/costs` for [start, end) (aware datetimes): the Spending window's other side."""
        return await self.client.costs(start, end)

    def _model_name(self, model_id: str) -> str:
        model = self.catalogue.get(model_id) or self.catalogue.get_image(model_id)
        return model.name if model is not None else model_id
    # Images (issue 12) ------------------------------------------------------------------------------------
    # An image job is queued, sent, saved and billed as a video is (same intake, queue, lifecycle and
    # history); only its POST differs (dispatch.py's image block, jobs/images.py).

    async def submit_image(self, request: ImageRequest, variations: int = 1, *,
                           until_sent: bool = False) -> list[Job]:
        """Queue `variations` image jobs (one image each: the API has no count). As `submit`; `until_sent`
        returns once the first image was made or refused (an image's POST answers with the image)."""
        return await self.submit(request, variations, until_sent=until_sent)

    def _image_made(self, job: Job) -> None:
        """getimg answered with the image: it is made and billed; save it now (tracker -> saver)."""
        self._sent.add(job.id)
        if job.cost is not None:
            self._billed(job.id, job.cost)
        self.track(job.id)

    async def _refresh_image_models(self) -> None:
        try:
            await self.catalogue.refresh_images(images.image_client(self.client))
        except GetimgError as exc:  # the video models are fresh; the image ones stay as they were
            log.info("image models not refreshed (%s)", exc.kind.value)

    # Storyboards (issue 13): the runner lives in jobs/storyboard_runner.py ---------------------------

    @property
    def storyboards(self) -> StoryboardRunner:
        """The storyboard runner, made on first use (its tasks are the engine's, cancelled by `close`)."""
        runner: StoryboardRunner | None = getattr(self, "_storyboard_runner", None)
        if runner is None:
            from getimg_studio.jobs.storyboard_runner import StoryboardRunner

            async def submit_one(request: JobRequest, origin: str) -> Job:
                return (await self.submit(request, origin=origin))[0]

            runner = StoryboardRunner(self.store, submit_one, self.subscribe,
                                      lambda: {m.id: m for m in (*self.catalogue.models(),
                                                                 *self.catalogue.image_models())},
                                      self.frames_dir,
                                      clock=self._clock, spawn=lambda coro, name: self._tasks.start(coro, name=name))
            self._storyboard_runner = runner
        return runner

    async def add_storyboard(self, storyboard: Storyboard, source_path: Path | None = None) -> Storyboard:
        """Store a storyboard; one read from a file the history already holds replaces that one's edits."""
        existing = self.store.storyboard_from_source(source_path) if source_path is not None else None
        if existing is not None:
            kept = self.store.storyboard(existing)
            if kept is not None and replace(storyboard, id=existing, created_at=kept.created_at,
                                            updated_at=kept.updated_at) == kept:
                return kept
            return self.store.save_storyboard(replace(storyboard, id=existing), now=self._clock())
        return self.store.add_storyboard(storyboard, now=self._clock(), source_path=source_path)

    async def save_storyboard(self, storyboard: Storyboard) -> Storyboard:
        """The creator's edits (a running chain follows them: the plan is made again)."""
        saved = self.store.save_storyboard(storyboard, now=self._clock())
        if saved.id is not None:
            self.storyboards.edited(saved.id)
        return saved

    async def run_storyboard(self, storyboard_id: int, check_spend: SpendCheck | None = None) -> RunResult:
        """The creator's budget is checked here for every run, whoever starts it (the window, the command
        line): the whole rest of the run at its estimate, before any shot is claimed or sent; `check_spend`
        is any further check the caller wants (raise to refuse). A run carried on after a restart
        (`resume_storyboards`) was checked when it started; each take is still admitted as it is queued."""

        def budget(cost: StoryboardCost) -> None:
            self.check_spend(None if cost.unpriced else cost.total)  # BudgetExceeded: nothing is queued
            if check_spend is not None:
                check_spend(cost)

        return await self.storyboards.run(storyboard_id, budget)

    async def resume_storyboards(self) -> list[int]:
        return self.storyboards.resume()

    async def export_storyboard(self, storyboard_id: int, files: Sequence[Path], out: Path, options: JoinOptions,
                                *, progress: Callable[[float], None] | None = None,
                                cancel: Callable[[], bool] | None = None) -> Job:
        """Join `files` (the chosen takes, from `storyboard_export.plan_storyboard_export`) into `out` off
        this loop, then add the file to the history as a ready job that was never sent."""
        import uuid

        from getimg_studio.jobs.storyboard_export import export_request, join_takes
        from getimg_studio.media.probe import probe

        storyboard = self.store.storyboard(storyboard_id)
        if storyboard is None:
            raise GetimgError(ErrorKind.NOT_FOUND, f"There is no storyboard {storyboard_id}.")
        path = await asyncio.to_thread(join_takes, storyboard, tuple(files), out, options, progress=progress,
                                       cancel=cancel)
        info = await asyncio.to_thread(probe, path)
        return self.store.insert_file_job(
            export_request(storyboard), path, origin=f"export:{storyboard_id}:{uuid.uuid4().hex[:12]}",
            now=self._clock(), width=info.width, height=info.height, duration=info.duration,
            fps=float(info.fps or 0), has_sound=info.has_audio, size=info.size_bytes)
