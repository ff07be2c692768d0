"""`EngineFacade`: the engine as the window and the command line call it, from their own loop and thread.

The engine runs on its own loop in a worker thread (`host.py`). Every method here that does something is a
coroutine that hops onto that loop and back (`await facade.submit(...)` from the Qt/qasync loop); the few
plain setters are posted to it. Reads of the history go through `reader`, a read-only connection of the
caller's own: nothing here commits, fsyncs or waits for the engine on the calling thread.

Observers (`subscribe`) are called on the engine's thread; `ui/bridge.py` turns them into Qt signals
queued to the window's thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.jobs.host import EngineHost
from getimg_studio.jobs.model import Job, JobEvent, QueueChanged, QueueStatus
from getimg_studio.jobs.store import JobReader

if TYPE_CHECKING:
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.image_types import ImageRequest
    from getimg_studio.api.types import Balance, CostEstimate, CostReport, GenerationRequest, ModelInfo
    from getimg_studio.jobs.budget import Budget, BudgetVerdict
    from getimg_studio.jobs.engine import Engine
    from getimg_studio.jobs.imports import Imported
    from getimg_studio.jobs.ledger import LedgerEntry
    from getimg_studio.jobs.spend_guard import SpendFigures
    from getimg_studio.jobs.storyboard.checks import ShotProblem
    from getimg_studio.jobs.storyboard.cost import StoryboardCost
    from getimg_studio.jobs.storyboard.model import Storyboard
    from getimg_studio.jobs.storyboard.regenerate import Regeneration
    from getimg_studio.jobs.storyboard_runner import RunResult, SpendCheck
    from getimg_studio.media.join_plan import JoinOptions


class EngineFacade:
    def __init__(self, host: EngineHost, engine: Engine, reader: JobReader) -> None:
        self._host = host
        self._engine = engine
        self.reader = reader
        self.queue = QueueStatus()  # the latest the engine published (read from any thread)
        self._closed = False
        engine.subscribe(self._remember_queue)

    @classmethod
    async def open(cls, build: Callable[[], Engine]) -> EngineFacade:
        """Start the engine's thread and build the engine there (`build` runs on it)."""
        host = EngineHost()
        host.start()
        try:
            engine = await host.call_sync(build)
            reader = await asyncio.get_running_loop().run_in_executor(None, JobReader, engine.store.path)
        except BaseException:
            await asyncio.get_running_loop().run_in_executor(None, host.stop)
            raise
        return cls(host, engine, reader)

    def _remember_queue(self, event: JobEvent) -> None:
        if isinstance(event, QueueChanged):
            self.queue = event.status

    # What the window reads directly (immutable values, or objects safe to read from any thread) ----------

    @property
    def store(self) -> JobReader:
        """The history, read-only (the queue model's count/page/ids/get/get_many/median_duration)."""
        return self.reader

    @property
    def catalogue(self) -> ModelCatalogue:
        return self._engine.catalogue

    @property
    def session_spent(self) -> Decimal:
        return self._engine.session_spent

    @property
    def output_dir(self) -> Path:
        return self._engine.output_dir

    @property
    def backend(self) -> str | None:
        return self._engine.backend

    def unfinished(self) -> list[Job]:
        return self.reader.unfinished(self._engine.backend)

    def subscribe(self, observer: Callable[[JobEvent], None]) -> Callable[[], None]:
        """`observer` is called on the engine's thread; the returned function unsubscribes."""
        return self._engine.subscribe(observer)

    # Setters, posted to the engine's thread -------------------------------------------------------------

    def set_output_dir(self, path: Path) -> None:
        self._host.call_soon(self._engine.set_output_dir, path)

    def set_auto_download(self, on: bool) -> None:
        self._host.call_soon(self._engine.set_auto_download, on)

    def set_max_in_flight(self, value: int) -> None:
        self._host.call_soon(self._engine.set_max_in_flight, value)

    def set_time_limit(self, seconds: float) -> None:
        self._host.call_soon(self._engine.set_time_limit, seconds)

    # Life cycle -----------------------------------------------------------------------------------------

    async def start(self, *, track: bool = True) -> None:
        await self._host.call(self._engine.start(track=track))

    async def close(self) -> None:
        """Close the engine (jobs stay in the history), then the history, the reader and the thread."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await self._host.call(self._engine.close())
        finally:
            try:
                await self._host.call_sync(self._engine.store.close)
            finally:
                self.reader.close()
                await loop.run_in_executor(None, self._host.stop)

    # Jobs -----------------------------------------------------------------------------------------------

    async def submit(self, request: GenerationRequest, variations: int = 1, *, until_sent: bool = False) -> list[Job]:
        return await self._host.call(self._engine.submit(request, variations, until_sent=until_sent))

    async def retry(self, job_id: int) -> list[Job]:
        return await self._host.call(self._engine.retry(job_id))

    async def remove(self, job_ids: Sequence[int], *, delete_files: bool) -> None:
        await self._host.call(self._engine.remove(job_ids, delete_files=delete_files))

    async def set_favourite(self, job_ids: Sequence[int], favourite: bool) -> None:
        await self._host.call(self._engine.set_favourite(job_ids, favourite))

    async def stop_tracking(self, job_id: int) -> None:
        await self._host.call(self._engine.stop_tracking(job_id))

    async def redownload(self, job_id: int) -> None:
        await self._host.call(self._engine.redownload(job_id))

    async def check_once(self, job_ids: Sequence[int]) -> list[Job]:
        return await self._host.call(self._engine.check_once(job_ids))

    async def wait_idle(self, job_ids: Sequence[int] | None = None, timeout: float | None = None, *,
                        flagged: bool = False) -> list[Job]:
        return await self._host.call(self._engine.wait_idle(job_ids, timeout, flagged=flagged))

    async def wait_sent(self, job_ids: Sequence[int], timeout: float | None = None) -> list[Job]:
        return await self._host.call(self._engine.wait_sent(job_ids, timeout))

    # The queue ------------------------------------------------------------------------------------------

    async def queue_status(self) -> QueueStatus:
        async def status() -> QueueStatus:
            return self._engine.queue_status()

        return await self._host.call(status())

    async def reorder(self, job_ids: Sequence[int], before: int | None = None) -> None:
        await self._host.call(self._engine.reorder(job_ids, before))

    async def pause(self, job_ids: Sequence[int]) -> None:
        await self._host.call(self._engine.pause(job_ids))

    async def resume(self, job_ids: Sequence[int]) -> None:
        await self._host.call(self._engine.resume(job_ids))

    async def pause_queue(self) -> None:
        await self._host.call(self._engine.pause_queue())

    async def resume_queue(self) -> None:
        await self._host.call(self._engine.resume_queue())

    async def remove_queued(self, job_ids: Sequence[int] | None = None) -> list[int]:
        return await self._host.call(self._engine.remove_queued(job_ids))

    async def edit_queued(self, job_id: int, request: GenerationRequest) -> Job:
        return await self._host.call(self._engine.edit_queued(job_id, request))

    async def set_api_key(self, key: str) -> None:
        await self._host.call(self._engine.set_api_key(key))

    # Account and models ---------------------------------------------------------------------------------

    async def refresh_balance(self) -> Balance | None:
        return await self._host.call(self._engine.refresh_balance())

    async def refresh_catalogue(self) -> list[ModelInfo]:
        return await self._host.call(self._engine.refresh_catalogue())

    # Imported files and recipes (issue 14) --------------------------------------------------------------

    async def import_file(self, path: Path, *, title: str | None = None) -> Imported:
        return await self._host.call(self._engine.import_file(path, title=title))
    # Money (issue 15): the budget, the spending figures and the ledger, all on the engine's thread -----------

    def set_budget(self, budget: Budget | None) -> None:
        self._host.call_soon(self._engine.set_budget, budget)

    async def check_spend(self, total: CostEstimate | Decimal | None) -> BudgetVerdict:
        """The budget check for one action of several generations (a storyboard run), with its whole cost,
        before any of it is submitted: raises `BudgetExceeded` (a GetimgError of kind BUDGET whose `verdict`
        has the numbers) when it would pass a budget. Each submit is checked again as it is queued."""
        return await self._host.call_sync(lambda: self._engine.check_spend(total))

    async def check_spend_for(self, estimates: Sequence[CostEstimate]) -> BudgetVerdict:
        """`check_spend` for N generations at once (a storyboard run): the total of their estimates, a missing
        price making the whole unknown. Raises `BudgetExceeded` like `check_spend`."""
        items = tuple(estimates)
        return await self._host.call_sync(lambda: self._engine.check_spend_for(items))

    async def queued_cost(self) -> Decimal:
        """The estimates of the jobs queued and not sent yet, in all (for the queue's status line)."""
        return await self._host.call_sync(self._engine.queued_cost)

    async def spend_figures(self) -> SpendFigures:
        """Spent this local month and day, the estimates of jobs not billed yet, and the budget."""
        return await self._host.call_sync(self._engine.spend_figures)

    async def ledger_entries(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        """This backend's billed generations in [start, end) (aware UTC), oldest first."""
        return await self._host.call_sync(lambda: self._engine.ledger_entries(start, end))

    async def ledger_start(self) -> datetime | None:
        return await self._host.call_sync(self._engine.ledger_start)

    async def billing_costs(self, start: datetime, end: datetime) -> CostReport:
        """getimg's `/v2/billing/costs` for [start, end); raises GetimgError when it cannot be read."""
        return await self._host.call(self._engine.billing_costs(start, end))
    # Images (issue 12) ----------------------------------------------------------------------------------

    async def submit_image(self, request: ImageRequest, variations: int = 1, *,
                           until_sent: bool = False) -> list[Job]:
        """Queue `variations` image jobs (kind `image`, same queue and history as videos); see `Engine.submit`."""
        return await self._host.call(self._engine.submit_image(request, variations, until_sent=until_sent))

    # Storyboards (issue 13) -----------------------------------------------------------------------------

    async def add_storyboard(self, storyboard: Storyboard, source_path: Path | None = None) -> Storyboard:
        return await self._host.call(self._engine.add_storyboard(storyboard, source_path))

    async def save_storyboard(self, storyboard: Storyboard) -> Storyboard:
        return await self._host.call(self._engine.save_storyboard(storyboard))

    async def storyboard_cost(self, storyboard_id: int) -> StoryboardCost:
        """What running the storyboard would still queue, priced (show it before `run_storyboard`)."""
        return await self._host.call_sync(lambda: self._engine.storyboards.cost_to_finish(storyboard_id))

    async def storyboard_problems(self, storyboard: Storyboard) -> list[ShotProblem]:
        return await self._host.call_sync(lambda: self._engine.storyboards.problems(storyboard))

    async def run_storyboard(self, storyboard_id: int, check_spend: SpendCheck | None = None) -> RunResult:
        """Queue the rest of the storyboard and follow it to the end (`check_spend` runs on the engine's
        thread, before anything is claimed)."""
        return await self._host.call(self._engine.run_storyboard(storyboard_id, check_spend))

    async def resume_storyboards(self) -> list[int]:
        return await self._host.call(self._engine.resume_storyboards())

    async def choose_take(self, storyboard_id: int, shot_id: str, take: int | None) -> Storyboard:
        return await self._host.call_sync(lambda: self._engine.storyboards.choose_take(storyboard_id, shot_id, take))

    async def regenerate_shot(self, storyboard_id: int, shot_id: str, *, failed_only: bool = False,
                              with_stale: bool = False) -> Regeneration:
        return await self._host.call(self._engine.storyboards.regenerate(storyboard_id, shot_id,
                                                                         failed_only=failed_only,
                                                                         with_stale=with_stale))

    async def export_storyboard(self, storyboard_id: int, files: Sequence[Path], out: Path, options: JoinOptions,
                                *, progress: Callable[[float], None] | None = None,
                                cancel: Callable[[], bool] | None = None) -> Job:
        """The joined MP4, recorded in the history; `progress` and `cancel` are called from a worker thread."""
        return await self._host.call(self._engine.export_storyboard(storyboard_id, files, out, options,
                                                                    progress=progress, cancel=cancel))
