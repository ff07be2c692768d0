"""The status bar's money: what this month cost so far and what the budget leaves, kept fresh.

It reads the engine's `SpendFigures` (a port, on the engine's thread) when a job is added, changes or goes,
at most once per `DELAY_MS` (a burst of poll answers reads once), and when the budget changes in Settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from getimg_studio.api.types import format_money
from getimg_studio.jobs.spend_guard import SpendFigures
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.common.crash import report_exception
from getimg_studio.ui.common.theme import set_hint

DELAY_MS = 300


class BudgetLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("This month: …", parent)
        self.setAccessibleName("Spending this month")
        self.setContentsMargins(8, 0, 8, 0)

    def show_figures(self, figures: SpendFigures, *, demo: bool) -> None:
        text = figures.status_text
        self.setText(text.replace("This month:", "This month (demo):", 1) if demo else text)
        left = figures.budget_left
        set_hint(self, "error" if left is not None and left < 0 else "")
        cur = figures.currency
        lines = [f"Billed this month: {format_money(figures.spent_this_month, cur)}; today: "
                 f"{format_money(figures.spent_today, cur)}."]
        if figures.unbilled:
            lines.append(f"Queued or generating, not billed yet: {format_money(figures.unbilled, cur)} "
                         "(counted against the budget).")
        if figures.budget is None:
            lines.append("No budget is set: Settings (Jobs and money) sets one.")
        lines.append("The Spending window (View menu) shows where it went.")
        self.setToolTip("\n".join(lines))


class BudgetStatus(QObject):
    def __init__(self, label: BudgetLabel, figures: Callable[[], Awaitable[SpendFigures]], bridge: EngineBridge,
                 *, demo: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self._figures = figures
        self._demo = demo
        self._tasks = TaskOwner("budget-status", on_error=report_exception)
        self.last: SpendFigures | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._refresh_later)
        bridge.jobAdded.connect(self.schedule)
        bridge.jobChanged.connect(self.schedule)
        bridge.jobsRemoved.connect(self.schedule)

    def schedule(self, *_args: object) -> None:
        if not self._tasks.closed:
            self._timer.start()

    def _refresh_later(self) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            # Qt ran the timer with no asyncio loop running: only outside the app's qasync loop (a shutdown's
            # last events, a test between its phases). The next job event schedules the refresh again.
            return
        self.refresh()

    def refresh(self) -> asyncio.Task[None]:
        return self._tasks.start(self._load(), name="figures")

    def unbilled(self) -> Decimal:
        """The last figures' estimates of jobs not billed yet (the Spending window's budget card)."""
        return self.last.unbilled if self.last is not None else Decimal(0)

    async def _load(self) -> None:
        figures = await self._figures()
        self.last = figures
        self.label.show_figures(figures, demo=self._demo)

    async def close(self) -> None:
        self._timer.stop()
        await self._tasks.close()
