"""The spending chart: stacked bars per model over days, weeks or months (QtCharts).

Imported only when the Spending view is first shown: QtCharts costs start-up time the window does not need.
It draws a `ChartData` and nothing else; every number it shows was computed (and tested) before it.
"""

from __future__ import annotations

import time
from decimal import Decimal

from PySide6.QtCharts import QBarSet, QCategoryAxis, QChart, QChartView, QStackedBarSeries, QValueAxis
from PySide6.QtCore import QEvent, QMargins, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QLabel, QStackedLayout, QToolTip, QWidget

from getimg_studio.ui.spending.chart_data import ChartData
from getimg_studio.ui.spending.colours import is_dark, series_colours
from getimg_studio.ui.spending.texts import money


class _TimedChartView(QChartView):
    """A chart view that reports how long its first paint after new data took."""

    painted = Signal(float)  # milliseconds from new data to the end of its first paint

    def __init__(self, chart: QChart, parent: QWidget | None = None) -> None:
        super().__init__(chart, parent)
        self._since: float | None = None

    def mark(self) -> float:
        self._since = time.perf_counter()
        return self._since

    def unmark(self) -> None:
        self._since = None

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._since is not None:
            elapsed = (time.perf_counter() - self._since) * 1000
            self._since = None
            self.painted.emit(elapsed)


class SpendChart(QWidget):
    drawn = Signal(float)  # ms from `show_data` to the chart on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Spending chart")
        self._data: ChartData | None = None
        self._chart = QChart()
        self._chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # numbers, not a show
        self._chart.setBackgroundRoundness(0)
        self._chart.setMargins(QMargins(4, 4, 4, 4))
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = _TimedChartView(self._chart, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAccessibleName("Spending chart")
        self.view.painted.connect(self.drawn)
        self.empty_label = QLabel("Nothing was billed in this range.", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("hint", "muted")
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.empty_label)
        self._sets: list[QBarSet] = []

    @property
    def chart(self) -> QChart:
        return self._chart

    @property
    def bar_sets(self) -> list[QBarSet]:
        return list(self._sets)

    def show_data(self, data: ChartData) -> None:
        self._data = data
        started = self.view.mark()
        self._rebuild()
        self._stack.setCurrentWidget(self.empty_label if data.empty else self.view)
        self.setAccessibleDescription(self._describe(data))
        if data.empty:  # the chart view is hidden: no paint of it will come
            self.view.unmark()
            self.drawn.emit((time.perf_counter() - started) * 1000)

    @staticmethod
    def _describe(data: ChartData) -> str:
        if data.empty:
            return "Nothing was billed in this range."
        parts = [f"{s.name} {money(s.total, data.currency)}" for s in data.series]
        return f"Spending per {data.period.value}, by model: " + ", ".join(parts)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._apply_palette()

    # ------------------------------------------------------------------------------------------ building
    def _rebuild(self) -> None:
        chart = self._chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self._sets = []
        data = self._data
        if data is None:
            return
        series = QStackedBarSeries()
        series.setBarWidth(0.72)
        for s in data.series:
            bar_set = QBarSet(s.name)
            bar_set.append([float(v) for v in s.values])
            bar_set.hovered.connect(lambda on, i, s=s: self._hovered(on, i, s.name, s.values))
            series.append(bar_set)
            self._sets.append(bar_set)
        chart.addSeries(series)
        x_axis = QCategoryAxis()
        x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for label in data.axis_labels:
            x_axis.append(label.text, label.index)
        x_axis.setRange(-0.5, max(0.5, len(data.buckets) - 0.5))
        x_axis.setGridLineVisible(False)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x_axis)
        y_axis = QValueAxis()
        top = float(data.maximum) if data.maximum > 0 else 1.0
        y_axis.setRange(0.0, top)
        y_axis.applyNiceNumbers()
        symbol = "$" if data.currency == "USD" else f"{data.currency} "
        y_axis.setLabelFormat(f"{symbol}%.0f" if y_axis.max() >= 10 else f"{symbol}%.2f")
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y_axis)
        chart.legend().setVisible(len(data.series) > 0)
        self._apply_palette()

    def _hovered(self, on: bool, index: int, name: str, values: tuple[Decimal, ...]) -> None:
        data = self._data
        if not on or data is None or not 0 <= index < len(data.buckets):
            QToolTip.hideText()
            return
        QToolTip.showText(QCursor.pos(), f"{data.buckets[index]}\n{name}: {money(values[index], data.currency)}\n"
                                         f"All models: {money(data.totals[index], data.currency)}", self)

    def _apply_palette(self) -> None:
        palette = self.palette()
        dark = is_dark(palette)
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = QColor(text)
        muted.setAlpha(150)
        grid = QColor(text)
        grid.setAlpha(40)
        background = palette.color(QPalette.ColorRole.Base)
        chart = self._chart
        chart.setBackgroundBrush(QBrush(background))
        chart.setPlotAreaBackgroundVisible(False)
        chart.legend().setLabelColor(text)
        font = QFont(self.font())
        chart.legend().setFont(font)
        for axis in chart.axes():
            axis.setLabelsColor(muted)
            axis.setLabelsFont(font)
            axis.setLinePen(QPen(grid))
            axis.setGridLinePen(QPen(grid, 1))
        if self._data is not None:
            keys = tuple(s.key for s in self._data.series)
            for bar_set, colour in zip(self._sets, series_colours(len(keys), keys, dark), strict=True):
                bar_set.setColor(colour)
                bar_set.setBorderColor(colour)
        self.view.setBackgroundBrush(QBrush(background))
