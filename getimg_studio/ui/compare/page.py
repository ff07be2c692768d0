"""The compare page on the window's stage, built when first opened (its video widgets load QtMultimedia),
and the "Compare takes" action (View and Queue menus, the queue's context menu, Ctrl+K).

`ComparePage.open_compare(job_ids, keep=None)` is the one entry: the queue's selection, and the
storyboard's take picker with its own `keep`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStackedWidget

from getimg_studio.jobs.model import Job
from getimg_studio.ui.compare.ports import MAX_TAKES, MIN_TAKES, ComparePorts, KeepFn, comparable

if TYPE_CHECKING:
    from getimg_studio.ui.compare.controller import CompareController

COMPARE_KEY = "Ctrl+K"


class ComparePage(QObject):
    statusMessage = Signal(str)

    def __init__(self, stage: QStackedWidget, ports: ComparePorts, selected: Callable[[], list[Job]],
                 player_keys: Callable[[bool], None]) -> None:
        super().__init__(stage)
        self._stage = stage
        self._ports = ports
        self._selected = selected
        self._player_keys = player_keys
        self.controller: CompareController | None = None
        self.action = QAction("Compare takes", stage)
        self.action.setShortcut(QKeySequence(COMPARE_KEY))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip(f"Play 2 to 4 selected clips side by side, in sync ({COMPARE_KEY})")
        self.action.triggered.connect(self.compare_selected)
        self.update_enabled()

    def update_enabled(self) -> None:
        jobs = [j for j in self._selected() if comparable(j)]
        self.action.setEnabled(MIN_TAKES <= len(jobs) <= MAX_TAKES)

    def compare_selected(self) -> None:
        self.open_compare([j.id for j in self._selected()])

    def open_compare(self, job_ids: Sequence[int], keep: KeepFn | None = None) -> bool:
        return self._made().open_compare(job_ids, keep)

    def close(self) -> None:
        if self.controller is not None and self.controller.showing:
            self.controller.close()

    def _made(self) -> CompareController:
        if self.controller is None:
            from getimg_studio.ui.compare.controller import CompareController
            from getimg_studio.ui.compare.view import CompareView

            view = CompareView()
            self._stage.addWidget(view)
            self.controller = CompareController(view, self._ports, self._player_keys)
            self.controller.statusMessage.connect(self.statusMessage)
            self.controller.shown.connect(lambda: self._stage.setCurrentWidget(view))
            self.controller.closed.connect(lambda: self._stage.setCurrentIndex(0))
        return self.controller
