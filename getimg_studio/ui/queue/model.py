"""The queue and history as a Qt list model: one row per job, newest first, loaded lazily.

The model keeps only the ids of the current view (`store.ids`, one integer per row) and fetches the
jobs themselves in blocks with `store.page` as the view asks for rows, holding a bounded cache. So a
history of 100,000 jobs opens in a few tens of milliseconds and costs a few megabytes, and scrolling
loads one block of rows at a time. The id list is what makes live updates exact and cheap: the store
orders every view by id (newest first), so a job's row is a binary search away whether or not its
block is loaded, and the engine's events become precise inserts, removals and `dataChanged` without
asking the store anything.

The Queued view is the exception: its rows are the jobs not sent yet in the order the engine will send
them (`QueueStatus.order`), so the list reads as the queue and a drag or Alt+Up/Down moves a row there.
Each published order rearranges those rows in place (selection kept); other views show a queued job's
place in its status line instead.

Repaints are throttled (`ui/common/throttle.py`): a change to a row that is already there is announced
(`dataChanged`) at once when the rows have been quiet for `REPAINT_INTERVAL`, else with the next batch.
Inserts and removals are never delayed, and `job_at` always answers with the newest copy of the job.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)

from getimg_studio.jobs.model import UNSENT_STATES, Job, JobFilter, JobKind, JobState, QueueStatus
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.common.throttle import Throttle
from getimg_studio.ui.queue.outputs import files_text
from getimg_studio.ui.queue.waits import row_status

if TYPE_CHECKING:
    from getimg_studio.ui.ports import HistoryReader

JOB_ROLE = Qt.ItemDataRole.UserRole + 1  # the Job
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2  # (received, total | None) while downloading, else None
ETA_ROLE = Qt.ItemDataRole.UserRole + 3  # seconds left by the model's median, or None
ID_ROLE = Qt.ItemDataRole.UserRole + 4
TAKE_ROLE = Qt.ItemDataRole.UserRole + 5  # (n, of) among the variations of one request in this view, or None
QUEUE_MIME = "application/x-getimg-studio-queued-ids"  # a drag of queued rows: their ids, comma-separated

AnyIndex = QModelIndex | QPersistentModelIndex
_PAGE_DEPTH = 2000  # rows beyond which a block is fetched by id rather than by OFFSET
REPAINT_INTERVAL = 0.5  # seconds: at most two batches of changed rows a second (see the module's docstring)


def matches(job: Job, view: JobFilter, search: str, kind: JobKind | None = None) -> bool:
    """The store's own rule for a view, for jobs the engine just told us about."""
    if kind is not None and job.kind is not kind:
        return False
    if search and search.casefold() not in job.request.prompt.casefold():
        return False
    return view.admits(job)


def _desc(value: int) -> int:
    return -value


class QueueModel(QAbstractListModel):
    """Rows of the current view; `set_filter` switches view or search, the bridge keeps it live."""

    filterChanged = Signal()
    queueChanged = Signal(object)  # QueueStatus, after the rows show it
    reorderRequested = Signal(object, object)  # ids in queue order, the id they go before (None: the end)

    def __init__(self, store: HistoryReader, bridge: EngineBridge, parent: QObject | None = None, *,
                 block_size: int = 50, cache_size: int = 3000,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(parent)
        self._store = store
        self._block = block_size
        self._cache_size = max(cache_size, block_size * 2)
        self._clock = clock
        self._view = JobFilter.ALL
        self._search = ""
        self._kind: JobKind | None = None  # only videos or only images; None: both
        self._ids: list[int] = []  # descending, exactly the rows
        self._jobs: OrderedDict[int, Job] = OrderedDict()  # LRU of loaded rows
        self._progress: dict[int, tuple[int, int | None]] = {}
        self._medians: dict[str, float | None] = {}
        self._decorate: Callable[[Job], Any] | None = None
        self._queue = QueueStatus(order=tuple(store.queued_ids()))
        self._rows: dict[int, int] | None = None  # the Queued view: id -> row (its rows are not by id)
        self._dirty: set[int] = set()  # ids of rows changed since the last announced batch
        self._batch = Throttle(self._announce, REPAINT_INTERVAL, self)
        bridge.jobAdded.connect(self._on_added)
        bridge.jobChanged.connect(self._on_changed)
        bridge.jobsRemoved.connect(self._on_removed)
        bridge.downloadProgress.connect(self._on_progress)
        bridge.queueChanged.connect(self._on_queue)
        self._load()

    # ------------------------------------------------------------------ filter
    @property
    def view(self) -> JobFilter:
        return self._view

    @property
    def search(self) -> str:
        return self._search

    def set_filter(self, view: JobFilter | None = None, search: str | None = None) -> None:
        view = self._view if view is None else view
        search = self._search if search is None else search.strip()
        if (view, search) == (self._view, self._search):
            return
        self._view, self._search = view, search
        self.beginResetModel()
        self._load()
        self.endResetModel()
        self.filterChanged.emit()

    @property
    def kind(self) -> JobKind | None:
        return self._kind

    def set_kind(self, kind: JobKind | None) -> None:
        """Show only videos, only images, or (None) both; within the view and search."""
        if kind is self._kind:
            return
        self._kind = kind
        self.beginResetModel()
        self._load()
        self.endResetModel()
        self.filterChanged.emit()

    def set_decorator(self, decorate: Callable[[Job], Any] | None) -> None:
        """What DecorationRole returns for a job (the thumbnail cache's pixmap)."""
        self._decorate = decorate

    @property
    def ordered(self) -> bool:
        """Rows in queue order (the Queued view) rather than newest first."""
        return self._view is JobFilter.QUEUED

    @property
    def queue(self) -> QueueStatus:
        """The latest the engine published: positions and why the next job waits."""
        return self._queue

    def _load(self) -> None:
        self._ids = self._store.ids(self._view, self._search, self._kind)
        self._jobs.clear()
        self._dirty.clear()  # a reset repaints every row anyway
        self._rows = None
        if self.ordered:
            self._ids = self._queue_order(self._ids)
            self._index_rows()

    def _queue_order(self, ids: list[int]) -> list[int]:
        """`ids` in the published queue order; any the order does not hold yet (just added) at the end."""
        present = set(ids)
        ordered = [i for i in self._queue.order if i in present]
        placed = set(ordered)
        return ordered + sorted(i for i in ids if i not in placed)

    def _index_rows(self) -> None:
        self._rows = {job_id: row for row, job_id in enumerate(self._ids)}

    # ------------------------------------------------------------------ rows
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._ids):
            return None
        job = self.job_at(index.row())
        if job is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return job.request.prompt
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(job)
        if role == Qt.ItemDataRole.AccessibleTextRole:  # what a screen reader says: the queue's words too
            status = " · ".join(p for p in (row_status(job, self._queue) or job.state.label, files_text(job)) if p)
            return f"{job.request.prompt}, {job.request.model}, {status}"
        if role == JOB_ROLE:
            return job
        if role == ID_ROLE:
            return job.id
        if role == PROGRESS_ROLE:
            return self.progress(job)
        if role == ETA_ROLE:
            return self.eta(job)
        if role == TAKE_ROLE:
            return self.take(index.row(), job)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.decoration(job)
        return None

    # The roles' answers as plain methods too: the delegate asks for them while painting, without going
    # through Qt for each (see delegate.py).
    def progress(self, job: Job) -> tuple[int, int | None] | None:
        """(received, total | None) while the job downloads, else None."""
        return self._progress.get(job.id) if job.state is JobState.DOWNLOADING else None

    def decoration(self, job: Job) -> Any:
        """The row's thumbnail (the decorator's pixmap), or None."""
        return self._decorate(job) if self._decorate is not None else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.ordered else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.ordered:
            flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        else:
            job = self.job_at(index.row())
            if job is not None and job.state is JobState.READY and job.file_path is not None:
                flags |= Qt.ItemFlag.ItemIsDragEnabled  # its file, onto a frame slot (an image) or another app
        return flags

    # ------------------------------------------------------------------ drag to reorder (the Queued view)
    # Elsewhere a drag carries the saved files (file URLs: a frame slot and a file manager take them).
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction if self.ordered else Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [QUEUE_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(QUEUE_MIME, QByteArray(",".join(str(self._ids[r]) for r in rows).encode()))
        jobs = [self.job_at(r) for r in rows]
        data.setUrls([QUrl.fromLocalFile(str(j.file_path)) for j in jobs if j is not None and j.file_path])
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: AnyIndex) -> bool:
        return self.ordered and action == Qt.DropAction.MoveAction and data.hasFormat(QUEUE_MIME)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: AnyIndex) -> bool:
        """Ask the engine to move the dragged jobs; the rows move when it publishes the new order."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        ids = [int(part) for part in bytes(data.data(QUEUE_MIME).data()).decode().split(",") if part]
        if parent.isValid():  # dropped onto a row: before it
            row = parent.row()
        moving = set(ids)
        before = next((i for i in self._ids[row:] if i not in moving), None) if 0 <= row < len(self._ids) else None
        ids = [i for i in self._queue.order if i in moving] or ids
        self.reorderRequested.emit(ids, before)
        return False  # nothing for the view to remove: the engine's order moves the rows

    def job_at(self, row: int) -> Job | None:
        if not 0 <= row < len(self._ids):
            return None
        job_id = self._ids[row]
        job = self._jobs.get(job_id)
        if job is not None:
            self._jobs.move_to_end(job_id)
            return job
        self._fetch_block(row)
        return self._jobs.get(job_id)

    def row_of(self, job_id: int) -> int | None:
        if self._rows is not None:
            return self._rows.get(job_id)
        pos = bisect.bisect_left(self._ids, _desc(job_id), key=_desc)
        return pos if pos < len(self._ids) and self._ids[pos] == job_id else None

    def index_of(self, job_id: int) -> QModelIndex:
        row = self.row_of(job_id)
        return QModelIndex() if row is None else self.index(row, 0)

    def job(self, job_id: int) -> Job | None:
        row = self.row_of(job_id)
        return None if row is None else self.job_at(row)

    def _fetch_block(self, row: int) -> None:
        start = row - row % self._block
        wanted = self._ids[start:start + self._block]
        # SQLite walks past every skipped row of an OFFSET: near the top a page is cheapest, deep in a
        # long history fetching the block's own ids by primary key is (2 ms instead of 10 at row 90,000).
        page = (self._store.page(self._view, self._search, start, len(wanted), self._kind)
                if start < _PAGE_DEPTH and not self.ordered else self._store.get_many(wanted))
        for job in page:
            self._remember(job)
        # The store may hold changes whose events have not reached us yet, shifting its pages: fetch
        # any row the page missed by id, so a row always shows the job it stands for.
        for job_id in wanted:
            if job_id not in self._jobs:
                missing = self._store.get(job_id)
                if missing is not None:
                    self._remember(missing)

    def _remember(self, job: Job) -> None:
        self._jobs[job.id] = job
        self._jobs.move_to_end(job.id)
        while len(self._jobs) > self._cache_size:
            self._jobs.popitem(last=False)

    def take(self, row: int, job: Job) -> tuple[int, int] | None:
        """Which of its request's variations a job is: they share a batch and sit next to each other."""
        if job.batch_id is None:
            return None
        members = [job.id]
        for step in (-1, 1):
            other = row + step
            while (neighbour := self.job_at(other)) is not None and neighbour.batch_id == job.batch_id:
                members.append(neighbour.id)
                other += step
        if len(members) < 2:
            return None
        return sorted(members).index(job.id) + 1, len(members)

    # ------------------------------------------------------------------ timing
    def eta(self, job: Job) -> float | None:
        """Seconds until the job is likely done, from the median of past jobs of its model."""
        if job.state is not JobState.PENDING or job.submitted_at is None:
            return None
        model = job.request.model
        if model not in self._medians:
            self._medians[model] = self._store.median_duration(model)
        median = self._medians[model]
        if median is None:
            return None
        return median - (self._clock() - job.submitted_at).total_seconds()

    def now(self) -> datetime:
        return self._clock()

    def _tooltip(self, job: Job) -> str:
        lines = [job.request.prompt]
        waits = row_status(job, self._queue)
        if waits:
            lines.append(waits)
        if job.state in UNSENT_STATES and self._queue.held:  # the note is short: the full answer here
            lines.append(self._queue.held)
        if job.error_message:
            lines.append(f"{job.state.label}: {job.error_message}")
        if job.file_path is not None:
            lines.append(str(job.file_path))
        return "\n\n".join(lines)

    # ------------------------------------------------------------------ live updates
    def _on_added(self, job: Job) -> None:
        self._place(job, self.row_of(job.id))

    def _on_changed(self, job: Job, previous: JobState) -> None:
        if job.state is not previous and job.state in (JobState.READY, JobState.DOWNLOADING):
            self._medians.pop(job.request.model, None)  # one more finished job moves the median
        if job.state is not JobState.DOWNLOADING:
            self._progress.pop(job.id, None)
        self._place(job, self.row_of(job.id))

    def _place(self, job: Job, row: int | None) -> None:
        wanted = matches(job, self._view, self._search, self._kind)
        if row is not None and wanted:
            self._remember(job)
            self.repaint([job.id])
        elif row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self._jobs.pop(job.id, None)
            if self._rows is not None:
                self._index_rows()
            self.endRemoveRows()
        elif wanted:
            if self._rows is not None:  # at its place in the published order, else last (just queued)
                pos = len(self._ids)
                if job.id in self._queue.order:
                    after = self._queue.order[self._queue.order.index(job.id) + 1:]
                    pos = min((self._rows[i] for i in after if i in self._rows), default=pos)
            else:
                pos = bisect.bisect_left(self._ids, _desc(job.id), key=_desc)
            self.beginInsertRows(QModelIndex(), pos, pos)
            self._ids.insert(pos, job.id)
            self._remember(job)
            if self._rows is not None:
                self._index_rows()
            self.endInsertRows()

    def _on_removed(self, ids: tuple[int, ...]) -> None:
        rows = sorted((r for r in (self.row_of(i) for i in ids) if r is not None), reverse=True)
        # Contiguous runs in one begin/end pair each: removing 1,000 selected rows stays quick.
        while rows:
            last = first = rows.pop(0)
            while rows and rows[0] == first - 1:
                first = rows.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            for job_id in self._ids[first:last + 1]:
                self._jobs.pop(job_id, None)
                self._progress.pop(job_id, None)
            del self._ids[first:last + 1]
            if self._rows is not None:
                self._index_rows()
            self.endRemoveRows()

    def _on_progress(self, job_id: int, received: int, total: int | None) -> None:
        self._progress[job_id] = (received, total)
        if self.row_of(job_id) is not None:
            self.repaint([job_id])

    def _on_queue(self, status: QueueStatus) -> None:
        """Positions and reasons change on rows not sent yet: repaint those; in the Queued view, rearrange."""
        old = self._queue
        self._queue = status
        if self._rows is not None:
            order = self._queue_order(self._ids)
            if order != self._ids:
                self._rearrange(order)
        self.repaint(set(old.order) | set(status.order))
        self.queueChanged.emit(status)

    def repaint(self, ids: Iterable[int]) -> None:
        """Rows whose words changed (their job, or time alone: elapsed, time left): announced now if the rows
        have been quiet, else with the next batch."""
        self._dirty.update(ids)
        self._batch.request()

    def _announce(self) -> None:
        """One `dataChanged` over the changed rows (jobs removed meanwhile have no row any more)."""
        rows = [r for r in map(self.row_of, self._dirty) if r is not None]
        self._dirty.clear()
        if rows:  # rows between them that did not change repaint from the delegate's cache
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), 0))

    def _rearrange(self, order: list[int]) -> None:
        """The same rows in a new order; selection and current row follow their jobs."""
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._ids = order
        self._index_rows()
        rows = self._rows or {}
        persistent = self.persistentIndexList()
        moved = [self.index(rows[old_ids[p.row()]], 0) if 0 <= p.row() < len(old_ids) else QModelIndex()
                 for p in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
