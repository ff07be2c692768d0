"""The queue and history panel: view tabs, prompt search, the job list, its toolbar and context menu.

The window places it and wires its signals: `playRequested(Job)` to the player, `remixRequested(
GenerationRequest)` to the compose form. It reads the history through `QueuePorts.history` only, and
everything it asks of the engine goes through the ports' callables, run as kept tasks.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.jobs.model import UNSENT_STATES, Job, JobFilter, JobKind, QueueStatus
from getimg_studio.settings import SettingsStore
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.common.fitting_tabs import FittingTabBar
from getimg_studio.ui.common.throttle import Throttle
from getimg_studio.ui.ports import QueuePorts
from getimg_studio.ui.queue.actions import QueueActions
from getimg_studio.ui.queue.delegate import ROW_HEIGHT, QueueDelegate
from getimg_studio.ui.queue.model import JOB_ROLE, REPAINT_INTERVAL, QueueModel
from getimg_studio.ui.queue.outputs import file_label, files_text
from getimg_studio.ui.queue.queued_actions import QueuedActions
from getimg_studio.ui.queue.thumbnails import ThumbnailCache
from getimg_studio.ui.queue.waits import QueuedCosts, queue_line, queue_reason

VIEWS: tuple[tuple[JobFilter, str], ...] = (
    (JobFilter.ACTIVE, "Active"),
    (JobFilter.ALL, "All"),
    (JobFilter.FAVOURITES, "Favourites"),
    (JobFilter.FAILED, "Failed"),
    (JobFilter.QUEUED, "Queued"),
)
# What a tab shows while the full names do not fit (a narrow queue): the star every favourite row wears.
SHORT_VIEWS = {JobFilter.FAVOURITES: "★"}
# Short labels: the combo shares a row with the queue's controls in a narrow queue.
KINDS: tuple[tuple[JobKind | None, str], ...] = ((None, "All kinds"), (JobKind.VIDEO, "Videos"),
                                                (JobKind.IMAGE, "Images"))
MIN_WIDTH = 300
_EMPTY = {
    JobFilter.ACTIVE: "Nothing is generating right now.",
    JobFilter.ALL: "No videos yet. Write a prompt and press Generate.",
    JobFilter.FAVOURITES: "No favourites yet. Mark a clip with ★ (Ctrl+D) to keep it here.",
    JobFilter.FAILED: "No failed jobs.",
    JobFilter.QUEUED: "Nothing queued. Generate puts jobs here, and they are sent in this order as the "
                      "account has room.",
}


class QueuePanel(QWidget):
    playRequested = Signal(object)  # Job
    remixRequested = Signal(object)  # GenerationRequest
    editRequested = Signal(object)  # Job not sent yet: its request into the form, to change it in place
    statusMessage = Signal(str)
    useImageRequested = Signal(object, object)  # Path, Role: an image from the history into a frame slot
    remixImageRequested = Signal(object)  # ImageRequest

    def __init__(self, ports: QueuePorts, bridge: EngineBridge, settings: SettingsStore,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.extra_actions = []
        self.setAccessibleName("Queue panel")
        self.setMinimumWidth(MIN_WIDTH)
        self._tasks = TaskOwner("queue")
        self.model = QueueModel(ports.history, bridge, self)
        self.thumbnails = ThumbnailCache(ports.thumbnails_dir, self)
        self.model.set_decorator(self.thumbnails.pixmap)

        self.tabs = FittingTabBar(self)
        self.tabs.setAccessibleName("Queue view")
        for view, label in VIEWS:
            self.tabs.add_tab(label, SHORT_VIEWS.get(view))
        self.tabs.setCurrentIndex(1)
        self.kinds = QComboBox(self)  # videos and images share the history (issue 12)
        self.kinds.setAccessibleName("Show videos or images")
        self.kinds.setToolTip("Show videos and images, only videos, or only images")
        for _kind, label in KINDS:
            self.kinds.addItem(label)
        self.search = QLineEdit(self)
        self.search.setAccessibleName("History search")
        self.search.setPlaceholderText("Search")
        self.search.setToolTip("Search the prompts of the history (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=250)

        # A one-column table rather than a QListView: a list view lays out every row (asking the model
        # for each index), while a table's fixed-height header only does arithmetic, so 100,000 rows
        # open and scroll as fast as 100.
        self.view = QTableView(self)
        self.view.setAccessibleName("Queue")
        self.view.setItemDelegate(QueueDelegate(self.view, model_name=ports.catalogue.model_name))
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
        self.empty = QLabel(self.view.viewport())
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("Queue empty")
        self.view.viewport().installEventFilter(self)
        self.search.installEventFilter(self)

        self.actions_ = QueueActions(self, ports, settings, self.selected_jobs, self._tasks)
        self.queued_ = QueuedActions(self, ports.queue, self.selected_jobs, lambda: self.model.queue, self._tasks)
        self._costs = QueuedCosts(ports.history.get_many)
        self._control = ports.queue
        # The queue's own line: what is queued, in flight and not yet billed, and why nothing is sent.
        self.queue_line = QLabel(self)
        self.queue_line.setAccessibleName("Queue status")
        self.queue_line.setWordWrap(True)
        self.queue_line.setTextFormat(Qt.TextFormat.PlainText)
        self.queue_bar = QToolBar(self)
        self.queue_bar.setAccessibleName("Queue order")
        self.queue_bar.setIconSize(QSize(16, 16))
        self.queue_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        q = self.queued_
        for action in (q.move_up, q.move_down, q.resume, q.toggle_queue):
            self.queue_bar.addAction(action)
        for action in (q.resume, q.toggle_queue):  # no icon: their words are the control
            button = self.queue_bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar = QToolBar(self)
        self.toolbar.setAccessibleName("Queue actions")
        self.toolbar.setIconSize(QSize(16, 16))
        # Icons only: all eight fit a narrow queue, so none hides behind the overflow arrow.
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        a = self.actions_
        for action in (a.play, a.remix, a.retry, a.favourite, a.stop, a.remove):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (a.reveal, a.save_as):
            self.toolbar.addAction(action)
        # The toolbars are part of the Tab order, between the search and the list, as they are laid out.
        previous: QWidget = self.search
        for bar in (self.toolbar, self.queue_bar):
            for action in bar.actions():
                button = bar.widgetForAction(action)
                if button is not None and not action.isSeparator():
                    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                    button.setAccessibleName(action.text().rstrip("…"))
                    QWidget.setTabOrder(previous, button)
                    previous = button
        QWidget.setTabOrder(previous, self.view)

        # The views on a row of their own; the toolbar shares its row with the search, which takes what
        # is left: a narrow queue (a laptop, 2x scale) still shows every tab, every button and the search.
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.toolbar)
        tools.addWidget(self.search, 1)
        self.search.setMinimumWidth(80)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addLayout(tools)
        # The queue's own controls, then its line, right above the list it describes: each on a row of its
        # own, so a narrow queue (a laptop) neither squeezes the line nor hides a control.
        order_row = QHBoxLayout()
        order_row.setContentsMargins(0, 0, 0, 0)
        order_row.addWidget(self.queue_bar)
        order_row.addStretch(1)
        layout.addLayout(order_row)
        # The kinds filter beside the line, not the controls: at the queue's narrowest the controls' words
        # need the whole row, and the line wraps.
        line_row = QHBoxLayout()
        line_row.setContentsMargins(0, 0, 4, 0)
        self.queue_line.setContentsMargins(6, 0, 6, 2)
        line_row.addWidget(self.queue_line, 1)
        line_row.addWidget(self.kinds, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(line_row)
        layout.addWidget(self.view, 1)

        # The queue's line follows the rows' pace: a draining queue changes it with every job sent.
        self._line = Throttle(self._update_line, REPAINT_INTERVAL, self)
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._repaint_active)
        self._tick.start()

        a.playRequested.connect(self.playRequested)
        a.remixRequested.connect(self.remixRequested)
        a.statusMessage.connect(self.statusMessage)
        q.statusMessage.connect(self.statusMessage)
        q.editRequested.connect(self.editRequested)
        self.model.queueChanged.connect(self._queue_changed)
        self.model.reorderRequested.connect(self._reorder)
        bridge.jobAdded.connect(self._job_seen)
        bridge.jobChanged.connect(self._job_seen)
        bridge.jobsRemoved.connect(self._costs.forget)
        a.useImageRequested.connect(self.useImageRequested)
        a.remixImageRequested.connect(self.remixImageRequested)
        self.kinds.currentIndexChanged.connect(lambda i: self.model.set_kind(KINDS[i][0]))
        self.tabs.currentChanged.connect(self._view_changed)
        self._set_drag_mode()
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._search_timer.timeout.connect(self._apply_search)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_enabled())
        self.model.dataChanged.connect(lambda *_: self._update_enabled())
        self.model.layoutChanged.connect(lambda *_: self._update_enabled())
        # A reset clears the selection without selectionChanged, and removed rows may have been selected: both
        # recheck the actions. An insert selects nothing (200 of them arrive at once when a batch is queued).
        self.model.modelReset.connect(self._update_empty)
        self.model.modelReset.connect(self._update_enabled)
        self.model.rowsInserted.connect(self._update_empty)
        self.model.rowsRemoved.connect(self._update_empty)
        self.model.rowsRemoved.connect(lambda *_: self._update_enabled())
        self.thumbnails.thumbnailReady.connect(self._thumbnail_ready)
        self._update_empty()
        self._update_line()

    # ------------------------------------------------------------------ public
    extra_actions: list[QAction]  # other features' actions on the selection, last in the context menu

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

    def focus_search(self) -> None:
        """Ctrl+F: into the search field, its text selected so typing replaces it."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    async def shutdown(self) -> None:
        self._tick.stop()
        self._line.stop()
        self._search_timer.stop()
        await self._tasks.close()
        await self.thumbnails.close()

    # ------------------------------------------------------------------ internals
    def _view_changed(self, index: int) -> None:
        self.model.set_filter(view=VIEWS[index][0])
        self._set_drag_mode()

    def _set_drag_mode(self) -> None:
        # Only the Queued view lists jobs in the order they are sent: there a drag moves one in line. In the
        # others a saved job's row drags out its file (onto a frame slot, or a file manager).
        ordered = self.model.ordered
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(ordered)
        self.view.setDropIndicatorShown(ordered)
        self.view.setDragDropOverwriteMode(False)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction if ordered else Qt.DropAction.CopyAction)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop if ordered
                                  else QAbstractItemView.DragDropMode.DragOnly)

    def _update_enabled(self) -> None:
        self.actions_.update_enabled()
        self.queued_.update_enabled()

    def _queue_changed(self, _status: QueueStatus) -> None:
        self._line.request()
        self.queued_.update_enabled()

    def _job_seen(self, job: Job, *_previous: object) -> None:
        if job.state in UNSENT_STATES or job.id in self.model.queue.order:
            self._costs.seen(job)
            self._line.request()  # an edited request changes what the queue will cost

    def _update_line(self) -> None:
        status = self.model.queue
        line = queue_line(status, self._costs.total(status.order))
        # Why the head waits for a slot is on its row; the line adds only what stops the whole queue.
        reason = queue_reason(status) if status.paused or status.held is not None else ""
        self.queue_line.setText(f"{line}\n{reason[:1].upper()}{reason[1:]}." if reason else line)

    def _reorder(self, ids: list[int], before: int | None) -> None:
        async def reorder() -> None:
            await self._control.reorder(ids, before)

        self._tasks.start(reorder())

    def _apply_search(self) -> None:
        self.model.set_filter(search=self.search.text())

    def _double_clicked(self, index: QModelIndex) -> None:
        job = index.data(JOB_ROLE)
        if isinstance(job, Job):
            self.view.setCurrentIndex(index)
            self.actions_.do_play()

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu()
        if menu is not None:
            menu.popup(self.view.viewport().mapToGlobal(pos))

    def build_context_menu(self) -> QMenu | None:
        """The selection's menu (None: nothing selected); it deletes itself once closed."""
        self.actions_.update_enabled()
        if not self.selected_jobs():
            return None
        a = self.actions_
        q = self.queued_
        q.update_enabled()
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        images = a.image_uses() if any(j.kind is JobKind.IMAGE for j in self.selected_jobs()) else ()
        for group in ((a.play, a.open_external, a.reveal, a.save_as), images, (a.copy_prompt, a.copy_id),
                      (a.remix, a.retry), (q.edit, q.move_up, q.move_down, q.pause, q.resume),
                      (a.favourite, a.stop, a.remove), tuple(self.extra_actions)):
            for action in group:
                menu.addAction(action)
            if group and group[0] is a.play:
                self._files_menu(menu)
            menu.addSeparator()
        return menu

    def _files_menu(self, menu: QMenu) -> None:
        """A job with several files (every item getimg returned): each opens from its own entry."""
        jobs = self.selected_jobs()
        if len(jobs) != 1 or len(jobs[0].outputs) < 2:
            return
        job = jobs[0]
        files = menu.addMenu(f"Open one of its {files_text(job)}")
        for index, output in enumerate(job.outputs):
            entry = files.addAction(file_label(job, index))
            path = output.file_path
            entry.setEnabled(output.saved and path is not None)
            if path is not None:
                entry.triggered.connect(lambda _checked=False, path=path: self.actions_.open_output(path))

    def _update_empty(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            view = self.model.view
            text = f"Nothing matches “{self.model.search}”." if self.model.search else _EMPTY[view]
            if self.model.kind is JobKind.IMAGE and not self.model.search and view is JobFilter.ALL:
                text = "No images yet. Use “Generate image…” in a frame slot of the form."
            elif self.model.kind is not None and not self.model.search:
                text += f" (Showing {self.kinds.currentText().lower()} only.)"
            self.empty.setText(text)
            self._place_empty()
        if empty != self.empty.isVisibleTo(self.view):
            self.empty.setVisible(empty)

    def _place_empty(self) -> None:
        self.empty.setGeometry(self.view.viewport().rect().adjusted(16, 16, -16, -16))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The viewport gets its size after the panel does: placing the text on the panel's resize (as
        # before) left it at zero size on the first start, when the queue opens empty.
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._place_empty()
        # Ctrl+F, type, then Down or Enter: straight into what was found, as a browser's find bar does.
        if (watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._search_timer.stop()
            self._apply_search()
            self.view.setFocus(Qt.FocusReason.TabFocusReason)
            if self.model.rowCount() and not self.selected_jobs():
                flags = QItemSelectionModel.SelectionFlag
                self.view.selectionModel().setCurrentIndex(self.model.index(0, 0),
                                                           flags.ClearAndSelect | flags.Rows)
            return True
        return super().eventFilter(watched, event)

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
        jobs = (self.model.job_at(row) for row in self._visible_rows())
        # With the model's next batch of changed rows, so the tick and the engine's events share one repaint.
        self.model.repaint([job.id for job in jobs if job is not None and job.state.active])

    def _thumbnail_ready(self, job_id: int) -> None:
        index = self.model.index_of(job_id)
        if index.isValid():
            self.view.update(index)
