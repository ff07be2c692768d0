"""The Storyboard page on the window's stage, built when first shown (View > Storyboard, Ctrl+B), as the
compare page is: its view, controller and the storyboard engine's modules cost the first paint ~0.2 s.

A run a quit, crash or kill left behind is carried on at start-up whether or not the page is ever opened:
then the page is built at once, so it follows that run's jobs as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStackedWidget

from getimg_studio.jobs.model import Job

if TYPE_CHECKING:
    from getimg_studio.ui.storyboard.controller import StoryboardController
    from getimg_studio.ui.storyboard.ports import StoryboardPorts

OnJob = Callable[[Callable[[Job], None]], None]


class StoryboardPage(QObject):
    def __init__(self, stage: QStackedWidget, action: QAction, ports: Callable[[], StoryboardPorts],
                 on_job: OnJob, running: Callable[[], list[int]]) -> None:
        """`ports` is called once, when the page is built; `running` lists the storyboards the history marks
        running (read at start-up: any there are resumed now)."""
        super().__init__(stage)
        self._stage = stage
        self._ports = ports
        self._on_job = on_job
        self.controller: StoryboardController | None = None
        action.toggled.connect(self._show)
        if running():
            self._made().resume()

    def _show(self, on: bool) -> None:
        if not on:
            self._stage.setCurrentIndex(0)
            return
        controller = self._made()
        controller.refresh_list()
        self._stage.setCurrentWidget(controller.view)

    def _made(self) -> StoryboardController:
        if self.controller is None:
            from getimg_studio.ui.storyboard.controller import StoryboardController
            from getimg_studio.ui.storyboard.view import StoryboardView

            view = StoryboardView()
            self.controller = StoryboardController(view, self._ports(), on_job=self._on_job)
            self._stage.addWidget(view)
        return self.controller

    async def close(self) -> None:
        if self.controller is not None:
            await self.controller.close()

