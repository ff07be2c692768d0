"""The Spending view's layout: range and grouping, figures, chart, breakdowns, entries, getimg's bill.

It lays out and shows what it is given; `SpendingController` decides what that is. The chart module (QtCharts)
is imported the first time the view is shown, not when it is built.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.jobs.ledger import LedgerEntry
from getimg_studio.jobs.reconcile import Reconciliation
from getimg_studio.jobs.spend import DateRange, Period, RangeChoice, Share, SpendReport
from getimg_studio.ui.spending.chart_data import OTHER_KEY, ChartData
from getimg_studio.ui.spending.colours import is_dark, series_colours, warn_colour
from getimg_studio.ui.spending.tables import SORT_ROLE, EntriesModel
from getimg_studio.ui.spending.texts import Card, money, share_words, signed
from getimg_studio.ui.spending.widgets import CardWidget, heading, item, py_date, small_table, swatch

if TYPE_CHECKING:
    from getimg_studio.ui.spending.chart import SpendChart

RANGES = ((RangeChoice.THIS_MONTH, "This month"), (RangeChoice.LAST_30_DAYS, "Last 30 days"),
          (RangeChoice.LAST_90_DAYS, "Last 90 days"), (RangeChoice.CUSTOM, "Custom range"))
PERIODS = ((Period.DAY, "Day"), (Period.WEEK, "Week"), (Period.MONTH, "Month"))


class SpendingView(QWidget):
    refresh_requested = Signal()  # the range, the custom dates or the grouping changed
    export_requested = Signal()
    export_path_chosen = Signal(str)
    chart_drawn = Signal(float)  # ms the chart took from new data to its first paint

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Spending")
        self.setAccessibleName("Spending")
        self._chart: SpendChart | None = None  # built on first show
        self._pending_chart: ChartData | None = None
        self._report: SpendReport | None = None
        self._build_toolbar()
        self._build_cards()
        self._build_middle()
        self._build_tabs()
        self.status = QLabel(self)
        self.status.setAccessibleName("Spending status")
        self.status.setProperty("hint", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(self._toolbar)
        layout.addLayout(self._cards_row)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._middle)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._show_custom(False)

    # ------------------------------------------------------------------------------------------ layout
    def _build_toolbar(self) -> None:
        self.range_combo = QComboBox(self)
        self.range_combo.setAccessibleName("Range")
        for choice, text in RANGES:
            self.range_combo.addItem(text, choice.value)
        self.from_edit = QDateEdit(self)
        self.to_edit = QDateEdit(self)
        for edit, name in ((self.from_edit, "From"), (self.to_edit, "To")):
            edit.setAccessibleName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._custom_changed)
        self.from_label = QLabel("from", self)
        self.to_label = QLabel("to", self)
        self.period_combo = QComboBox(self)
        self.period_combo.setAccessibleName("Group by")
        for period, text in PERIODS:
            self.period_combo.addItem(text, period.value)
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setAccessibleName("Export CSV")
        self.export_button.setToolTip("Save every billed generation of this range as a spreadsheet file")
        self.export_button.setEnabled(False)  # until there is something billed to export
        self.export_button.clicked.connect(self.export_requested)
        self.range_combo.currentIndexChanged.connect(self._range_changed)
        self.period_combo.currentIndexChanged.connect(lambda _i: self.refresh_requested.emit())
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(QLabel("Show", self))
        row.addWidget(self.range_combo)
        for w in (self.from_label, self.from_edit, self.to_label, self.to_edit):
            row.addWidget(w)
        row.addSpacing(16)
        row.addWidget(QLabel("per", self))
        row.addWidget(self.period_combo)
        row.addStretch(1)
        row.addWidget(self.export_button)
        self._toolbar = row

    def _build_cards(self) -> None:
        self._cards_row = QHBoxLayout()
        self._cards_row.setSpacing(8)
        self.cards: dict[str, CardWidget] = {}

    def _build_middle(self) -> None:
        self._middle = QSplitter(Qt.Orientation.Horizontal, self)
        self._middle.setChildrenCollapsible(False)
        self.chart_host = QWidget(self._middle)
        self.chart_host.setMinimumSize(420, 220)
        host = QVBoxLayout(self.chart_host)
        host.setContentsMargins(0, 0, 0, 0)
        host.setSpacing(4)
        self.chart_heading = heading("Spent per day, by model", self.chart_host)
        host.addWidget(self.chart_heading)
        self._chart_layout = host
        self.chart_placeholder = QLabel("Drawing the chart…", self.chart_host)
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_placeholder.setProperty("hint", "muted")
        host.addWidget(self.chart_placeholder, 1)
        side = QWidget(self._middle)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(4)
        self.models_table = small_table(("Model", "Jobs", "Spent", "Share"), "Spending by model", side)
        self.kinds_table = small_table(("Kind", "Jobs", "Spent", "Share"), "Spending by kind", side)
        self.kinds_table.setMaximumHeight(96)
        for title, table in (("By model", self.models_table), ("By kind", self.kinds_table)):
            side_layout.addWidget(heading(title, side))
            side_layout.addWidget(table, 1 if table is self.models_table else 0)
        side.setMinimumWidth(300)
        self._middle.addWidget(self.chart_host)
        self._middle.addWidget(side)
        self._middle.setStretchFactor(0, 3)
        self._middle.setStretchFactor(1, 1)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Spending details")
        self.entries_model = EntriesModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.entries_model)
        proxy.setSortRole(SORT_ROLE)
        self.entries_proxy = proxy
        self.entries_table = QTableView(self)
        self.entries_table.setAccessibleName("Billed generations")
        self.entries_table.setModel(proxy)
        self.entries_table.setSortingEnabled(True)
        self.entries_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.entries_table.verticalHeader().setVisible(False)
        self.entries_table.setAlternatingRowColors(True)
        self.entries_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries_table.setShowGrid(False)
        header = self.entries_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 150), (2, 70), (3, 110), (4, 120), (5, 100)):
            self.entries_table.setColumnWidth(column, width)
        self.tabs.addTab(self.entries_table, "Generations")

        compare = QWidget(self)
        compare_layout = QVBoxLayout(compare)
        compare_layout.setContentsMargins(8, 8, 8, 8)
        self.server_summary = QLabel(compare)
        self.server_summary.setWordWrap(True)
        self.server_summary.setAccessibleName("Comparison with getimg")
        self.server_note = QLabel(compare)
        self.server_note.setWordWrap(True)
        self.server_note.setProperty("hint", "muted")
        self.server_table = small_table(("Day (UTC)", "This app", "getimg", "Difference", "Why"),
                                         "Days compared with getimg", compare, stretch=4)
        compare_layout.addWidget(self.server_summary)
        compare_layout.addWidget(self.server_note)
        compare_layout.addWidget(self.server_table, 1)
        self.tabs.addTab(compare, "Compared with getimg")

    # ------------------------------------------------------------------------------------------ reading
    def range_choice(self) -> RangeChoice:
        return RangeChoice(self.range_combo.currentData())

    def period(self) -> Period:
        return Period(self.period_combo.currentData())

    def custom_range(self) -> DateRange:
        first, last = py_date(self.from_edit.date()), py_date(self.to_edit.date())
        return DateRange(min(first, last), max(first, last))

    def set_custom_range(self, days: DateRange) -> None:
        for edit, day in ((self.from_edit, days.first), (self.to_edit, days.last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _range_changed(self) -> None:
        self._show_custom(self.range_choice() is RangeChoice.CUSTOM)
        self.refresh_requested.emit()

    def _custom_changed(self) -> None:
        if self.range_choice() is RangeChoice.CUSTOM:
            self.refresh_requested.emit()

    def _show_custom(self, on: bool) -> None:
        for w in (self.from_label, self.from_edit, self.to_label, self.to_edit):
            w.setVisible(on)

    # ------------------------------------------------------------------------------------------ showing
    def show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("hint", "error" if error else "muted")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def show_cards(self, cards: tuple[Card, ...]) -> None:
        wanted = [c.key for c in cards]
        for key, widget in list(self.cards.items()):
            if key not in wanted:
                widget.hide()
        for card in cards:
            if card.key not in self.cards:
                self.cards[card.key] = CardWidget(card.key, self)
                self._cards_row.addWidget(self.cards[card.key], 1)
            widget = self.cards[card.key]
            widget.show_card(card)
            widget.show()

    def show_report(self, report: SpendReport, chart: ChartData, entries: list[LedgerEntry], tz: tzinfo) -> None:
        self._report = report
        self._fill_shares(self.models_table, report.by_model, chart)
        self._fill_shares(self.kinds_table, report.by_kind, None)
        self.entries_model.set_entries(entries, tz)
        self.entries_model.set_warn_colour(warn_colour(self.palette()))
        self.tabs.setTabText(0, f"Generations ({report.count:,})")
        self.chart_heading.setText(f"Spent per {report.period.value}, by model")
        self.export_button.setEnabled(report.count > 0)
        self._show_chart(chart)

    def _fill_shares(self, table: QTableWidget, shares: tuple[Share, ...], chart: ChartData | None) -> None:
        currency = self._report.currency if self._report is not None else "USD"
        colours: dict[str, QColor] = {}
        other: QColor | None = None
        if chart is not None:
            keys = tuple(s.key for s in chart.series)
            colours = dict(zip(keys, series_colours(len(keys), keys, is_dark(self.palette())), strict=True))
            other = colours.get(OTHER_KEY)
        table.setRowCount(len(shares))
        for row, share in enumerate(shares):
            name = item(share.name, tip=share.key)
            colour = colours.get(share.key, other)
            if colour is not None:
                name.setIcon(swatch(colour))
            table.setItem(row, 0, name)
            table.setItem(row, 1, item(f"{share.count:,}", right=True))
            table.setItem(row, 2, item(money(share.total, currency), right=True))
            table.setItem(row, 3, item(share_words(share.fraction), right=True))

    def show_server(self, rec: Reconciliation | None, note: str) -> None:
        """getimg's figures beside the ledger's, or `note` saying why there are none."""
        if rec is None:
            self.server_summary.setText(note)
            self.server_note.setText("")
            self.server_table.setRowCount(0)
            return
        self.server_summary.setText(rec.summary)
        self.server_note.setText(rec.tz_note + (" " + note if note else ""))
        warn = warn_colour(self.palette())
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        days = sorted(rec.days, key=lambda d: (d.matches, -d.day.toordinal()))  # differences first
        self.server_table.setRowCount(len(days))
        for row, d in enumerate(days):
            self.server_table.setItem(row, 0, item(d.day.isoformat()))
            self.server_table.setItem(row, 1, item(money(d.local, rec.currency), right=True))
            self.server_table.setItem(row, 2, item(money(d.server, rec.currency), right=True))
            self.server_table.setItem(row, 3, item(signed(d.difference, rec.currency) if not d.matches else "",
                                                    right=True))
            self.server_table.setItem(row, 4, item(d.explanation, colour=muted if d.matches else warn,
                                                    tip=d.explanation))

    def _show_chart(self, data: ChartData) -> None:
        if self._chart is None:
            self._pending_chart = data  # drawn when the view is first shown
            return
        self._chart.show_data(data)

    @property
    def chart(self) -> SpendChart | None:
        """The chart widget once the view has been shown (None before)."""
        return self._chart

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._chart is None:
            from getimg_studio.ui.spending.chart import SpendChart  # QtCharts: loaded now, not at start-up

            chart = SpendChart(self.chart_host)
            chart.drawn.connect(self.chart_drawn)
            self.chart_placeholder.hide()
            self._chart_layout.addWidget(chart, 1)
            self._chart = chart
            if self._pending_chart is not None:
                chart.show_data(self._pending_chart)
                self._pending_chart = None

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.PaletteChange:
            self.entries_model.set_warn_colour(warn_colour(self.palette()))

    # ------------------------------------------------------------------------------------------ export
    def ask_export_path(self, suggested: Path) -> QFileDialog:
        """A save dialog, opened without a nested event loop; its choice arrives as `export_path_chosen`."""
        dialog = QFileDialog(self, "Export spending as CSV", str(suggested), "CSV files (*.csv)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(str(suggested))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.export_path_chosen)
        dialog.open()
        return dialog
