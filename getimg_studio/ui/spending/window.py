"""The Spending view as its own window, opened from the main window's menu: one instance, refreshed on opening."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from getimg_studio.ui.spending.controller import SpendingController
from getimg_studio.ui.spending.services import SpendingServices
from getimg_studio.ui.spending.view import SpendingView

DEFAULT_SIZE = (1180, 680)  # fits a 1280x720 screen with its panels


class SpendingWindow:
    def __init__(self, services: SpendingServices, parent: QWidget | None = None) -> None:
        self.view = SpendingView(parent)
        self.view.setWindowFlag(Qt.WindowType.Window)
        self.view.setWindowTitle("Spending")
        self.view.resize(*DEFAULT_SIZE)
        self.controller = SpendingController(self.view, services)

    def open(self) -> asyncio.Task[None]:
        """Show (or raise) the window with fresh figures: what was billed since it was last open."""
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.controller.refresh()

    async def close(self) -> None:
        await self.controller.close()
        self.view.close()
