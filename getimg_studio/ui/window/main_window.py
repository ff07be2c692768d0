"""The window a creator lives in, as layout: compose (left), the stage (middle), queue and history (right).

The stage is a stack whose one page today is the player; the views later issues add (storyboard,
compare, spending) become further pages, switched from the View menu, so the compose form and the
queue stay where they are. Panels are shown, hidden and resized from the View menu and the splitter.
What the window does (closing, remembering, reacting to the engine) is `WindowController`'s; the
widgets and controllers are made and wired in `builder.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from getimg_studio import APP_NAME
from getimg_studio.ui.window.banner import DemoBanner
from getimg_studio.ui.window.status_bar import StudioStatusBar

if TYPE_CHECKING:
    from getimg_studio.services import Services
    from getimg_studio.ui.compare.page import ComparePage
    from getimg_studio.ui.compose.controller import ComposeController
    from getimg_studio.ui.keyframes.controller import KeyframeController
    from getimg_studio.ui.player.panel import PlayerPanel
    from getimg_studio.ui.queue.panel import QueuePanel
    from getimg_studio.ui.storyboard.page import StoryboardPage
    from getimg_studio.ui.window.controller import WindowController


class MainWindow(QMainWindow):
    closing = Signal()  # closing for good: the launcher shuts everything down
    painted = Signal()  # once, when it is first painted: what the first paint does not need starts then
    # Set before `closing` when the creator asked to leave demo mode: the launcher then opens a live window.
    switch_to_live = False
    # Set by the builder, for the launcher, the self-check and tests; the window itself never uses them.
    controller: WindowController
    services: Services
    compose: ComposeController
    player: PlayerPanel
    queue: QueuePanel
    compare: ComparePage  # the stage's compare page (issue 14): open_compare(job_ids, keep)
    keyframes: KeyframeController
    storyboard: StoryboardPage  # the stage's storyboard page (issue 13): `.controller` once first shown

    def __init__(self, compose: QWidget, player: QWidget, queue: QWidget, *, demo: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Qt adds " — getimg Studio" (the application's display name) to any other title by itself.
        self.setWindowTitle("Demo mode" if demo else APP_NAME)
        self.setAccessibleName(APP_NAME)
        self.may_close: Callable[[], bool] = lambda: True  # the controller's say on a close request
        self.on_shutdown: Callable[[], Awaitable[None]] | None = None
        self._forced = False
        self._painted = False

        self.banner = DemoBanner()
        self.stage = QStackedWidget()
        self.stage.setAccessibleName("Stage")
        self.stage.addWidget(player)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("workspace")
        self.splitter.setChildrenCollapsible(False)
        for panel in (compose, self.stage, queue):
            self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(1, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(8, 6, 8, 0)
        column.setSpacing(6)
        column.addWidget(self.banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status = StudioStatusBar()
        self.setStatusBar(self.status)

    @property
    def panels(self) -> tuple[QWidget, QWidget, QWidget]:
        """Compose, stage, queue: the splitter's children, in order."""
        widgets = [self.splitter.widget(i) for i in range(3)]
        assert all(w is not None for w in widgets)
        return widgets[0], widgets[1], widgets[2]  # type: ignore[return-value]

    def close_now(self) -> None:
        """Close without asking (a signal, the demo-to-live switch, the creator already answered)."""
        self._forced = True
        self.close()

    async def shutdown(self) -> None:
        """Stop taking work, close the parts and the services (see WindowController.shutdown)."""
        if self.on_shutdown is not None:
            await self.on_shutdown()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._forced or self.may_close():
            event.accept()
            self.closing.emit()
        else:
            event.ignore()
