"""The queue and history panel: view tabs, prompt search, the job list, its toolbar and context menu.

The window places it and wires its signals: `playRequested(Job)` to the player, `remixRequested(
GenerationRequest)` to the compose form. Everything the panel asks of the engine runs as a kept task.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.jobs.model import Job, JobFilter
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.queue_actions import QueueActions
from getimg_studio.ui.queue_delegate import ROW_HEIGHT, QueueDelegate
from getimg_studio.ui.queue_model import JOB_ROLE, QueueModel
from getimg_studio.ui.thumbnails import ThumbnailCache

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade as Engine  # the engine on its own thread

VIEWS: tuple[tuple[JobFilter, str], ...] = (
    (JobFilter.ACTIVE, "Active"),
    (JobFilter.ALL, "All"),
    (JobFilter.FAVOURITES, "Favourites"),
    (JobFilter.FAILED, "Failed"),
)
_EMPTY = {
    JobFilter.ACTIVE: "Nothing is generating right now.",
    JobFilter.ALL: "No videos yet. Write a prompt and press Generate.",
    JobFilter.FAVOURITES: "No favourites yet. Mark a clip with ★ (Ctrl+D) to keep it here.",
    JobFilter.FAILED: "No failed jobs.",
}


class QueuePanel(QWidget):
    playRequested = Signal(object)  # Job
    remixRequested = Signal(object)  # GenerationRequest
    retryRequested = Signal(int)  # informational: the panel has already called engine.retry
    statusMessage = Signal(str)

    def __init__(self, engine: Engine, bridge: EngineBridge, thumbnails_dir: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Queue panel")
        self._engine = engine
        self._tasks = TaskOwner("queue")
        self.model = QueueModel(engine.store, bridge, self)
        self.thumbnails = ThumbnailCache(thumbnails_dir, self)
        self.model.set_decorator(self.thumbnails.pixmap)

        self.tabs = QTabBar(self)
        self.tabs.setAccessibleName("Queue view")
        self.tabs.setExpanding(False)
        for _view, label in VIEWS:
            self.tabs.addTab(label)
        self.tabs.setCurrentIndex(1)
        self.search = QLineEdit(self)
        self.search.setAccessibleName("History search")
        self.search.setPlaceholderText("Search prompts")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=250)

        # A one-column table rather than a QListView: a list view lays out every row (asking the model
        # for each index), while a table's fixed-height header only does arithmetic, so 100,000 rows
        # open and scroll as fast as 100.
        self.view = QTableView(self)
        self.view.setAccessibleName("Queue")
        self.view.setItemDelegate(QueueDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.horizontalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        self.view.setModel(self.model)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setMouseTracking(True)
        self.view.setMinimumWidth(360)
        self.empty = QLabel(self.view.viewport())
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("Queue empty")

        self.actions_ = QueueActions(self, engine, self.selected_jobs, self._tasks)
        self.toolbar = QToolBar(self)
        self.toolbar.setAccessibleName("Queue actions")
        self.toolbar.setIconSize(QSize(16, 16))
        a = self.actions_
        for action in (a.play, a.remix, a.retry, a.favourite, a.stop, a.remove):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (a.reveal, a.save_as):
            self.toolbar.addAction(action)

        top = QHBoxLayout()
        top.addWidget(self.tabs)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)

        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._repaint_active)
        self._tick.start()

        a.playRequested.connect(self.playRequested)
        a.remixRequested.connect(self.remixRequested)
        a.retryRequested.connect(self.retryRequested)
        a.statusMessage.connect(self.statusMessage)
        self.tabs.currentChanged.connect(self._view_changed)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self._apply_search)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: a.update_enabled())
        self.model.dataChanged.connect(lambda *_: a.update_enabled())
        self.model.modelReset.connect(self._update_empty)
        self.model.rowsInserted.connect(self._update_empty)
        self.model.rowsRemoved.connect(self._update_empty)
        self.thumbnails.thumbnailReady.connect(self._thumbnail_ready)
        self._update_empty()

    # ------------------------------------------------------------------ public
    def selected_jobs(self) -> list[Job]:
        selection = self.view.selectionModel()
        if selection is None:
            return []
        rows = sorted(index.row() for index in selection.selectedRows())
        jobs = [self.model.job_at(row) for row in rows]
        return [job for job in jobs if job is not None]

    def select_job(self, job_id: int) -> bool:
        index = self.model.index_of(job_id)
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def set_view(self, view: JobFilter) -> None:
        self.tabs.setCurrentIndex([v for v, _ in VIEWS].index(view))

    async def shutdown(self) -> None:
        self._tick.stop()
        self._search_timer.stop()
        await self._tasks.close()
        await self.thumbnails.close()

    # ------------------------------------------------------------------ internals
    def _view_changed(self, index: int) -> None:
        self.model.set_filter(view=VIEWS[index][0])

    def _apply_search(self) -> None:
        self.model.set_filter(search=self.search.text())

    def _double_clicked(self, index: QModelIndex) -> None:
        job = index.data(JOB_ROLE)
        if isinstance(job, Job):
            self.view.setCurrentIndex(index)
            self.actions_.do_play()

    def _context_menu(self, pos: QPoint) -> None:
        self.actions_.update_enabled()
        if not self.selected_jobs():
            return
        a = self.actions_
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for group in ((a.play, a.open_external, a.reveal, a.save_as), (a.copy_prompt, a.copy_id),
                      (a.remix, a.retry), (a.favourite, a.stop, a.remove)):
            for action in group:
                menu.addAction(action)
            menu.addSeparator()
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _update_empty(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            view = self.model.view
            text = f"Nothing matches “{self.model.search}”." if self.model.search else _EMPTY[view]
            self.empty.setText(text)
            self.empty.setGeometry(self.view.viewport().rect().adjusted(16, 16, -16, -16))
        self.empty.setVisible(empty)
        self.actions_.update_enabled()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.empty.setGeometry(self.view.viewport().rect().adjusted(16, 16, -16, -16))

    def _visible_rows(self) -> range:
        viewport = self.view.viewport().rect()
        first = self.view.indexAt(viewport.topLeft())
        if not first.isValid():
            return range(0)
        last = self.view.indexAt(viewport.bottomLeft())
        end = last.row() if last.isValid() else min(self.model.rowCount() - 1,
                                                     first.row() + viewport.height() // ROW_HEIGHT + 1)
        return range(first.row(), end + 1)

    def _repaint_active(self) -> None:
        """Elapsed times tick: repaint the visible rows whose job is still under way, nothing else."""
        if not self.isVisible():
            return
        for row in self._visible_rows():
            job = self.model.job_at(row)
            if job is not None and job.state.active:
                self.view.update(self.model.index(row, 0))

    def _thumbnail_ready(self, job_id: int) -> None:
        index = self.model.index_of(job_id)
        if index.isValid():
            self.view.update(index)
