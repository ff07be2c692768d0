"""A tab bar that keeps every tab in sight: a tab's short label stands in while the full ones do not fit.

A narrow queue (a laptop, 2x scale on 1080p) had its last view behind scroll arrows; eliding instead
takes a few pixels from every tab, so each reads "Act…", "Fai…". Short labels are chosen for the tabs
that have one (a tooltip keeps the full name), and only while the full labels would not fit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTabBar, QWidget


class FittingTabBar(QTabBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[tuple[str, str]] = []  # (full, short) per tab
        self._short = False
        self.setExpanding(False)
        self.setUsesScrollButtons(False)
        self.setElideMode(Qt.TextElideMode.ElideRight)  # the last resort, below the short labels' width

    def add_tab(self, label: str, short: str | None = None) -> int:
        index = self.addTab(short if self._short and short else label)
        self._labels.append((label, short or label))
        self.setAccessibleTabName(index, label)
        if short:
            self.setTabToolTip(index, label)
        self._fit()
        return index

    def showing_short_labels(self) -> bool:
        return self._short

    def full_width(self) -> int:
        """The width every tab needs with its full label, whichever labels are shown now."""
        metrics = self.fontMetrics()
        shown = sum(self.tabSizeHint(i).width() for i in range(self.count()))
        return shown + sum(metrics.horizontalAdvance(full) - metrics.horizontalAdvance(self.tabText(i))
                           for i, (full, _short) in enumerate(self._labels))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        short = self.width() < self.full_width()
        if short == self._short:
            return
        self._short = short
        for index, (full, brief) in enumerate(self._labels):
            self.setTabText(index, brief if short else full)
