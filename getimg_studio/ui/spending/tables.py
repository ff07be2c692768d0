"""The Spending view's table of billed generations: a model over a list of ledger entries.

A QAbstractTableModel (not a table of items) so a month of thousands of rows costs one list; cells are
formatted once when the entries arrive, and sorting reads raw values through `SORT_ROLE`.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from getimg_studio.jobs.ledger import LedgerEntry
from getimg_studio.ui.spending.texts import entry_cells, entry_tooltip

HEADERS = ("Billed (your time)", "Model", "Kind", "Billed", "Estimate", "Difference")
MONEY_COLUMNS = frozenset({3, 4, 5})
DIFFERENCE = 5
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
Index = QModelIndex | QPersistentModelIndex


class EntriesModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[LedgerEntry] = []
        self._cells: list[tuple[str, ...]] = []
        self._warn = QColor("#8a5a00")
        self._bold = QFont()
        self._bold.setBold(True)

    def set_entries(self, entries: list[LedgerEntry], tz: tzinfo) -> None:
        self.beginResetModel()
        self._entries = list(reversed(entries))  # newest first, as the queue shows jobs
        self._cells = [entry_cells(e, tz) for e in self._entries]
        self.endResetModel()

    def set_warn_colour(self, colour: QColor) -> None:
        self._warn = colour
        if self._entries:
            self.dataChanged.emit(self.index(0, DIFFERENCE), self.index(len(self._entries) - 1, DIFFERENCE))

    def entry(self, row: int) -> LedgerEntry:
        return self._entries[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's own signature)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            right = section in MONEY_COLUMNS
            return int(Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft) | int(
                Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        entry = self._entries[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry_tooltip(entry)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == DIFFERENCE and entry.differs:
            return self._warn
        if role == Qt.ItemDataRole.FontRole and column == DIFFERENCE and entry.differs:
            return self._bold
        if role == SORT_ROLE:
            return _sort_key(entry, column)
        return None


def _sort_key(entry: LedgerEntry, column: int) -> Any:
    if column == 0:
        return entry.billed_at.timestamp()
    if column == 1:
        return entry.model_name.casefold()
    if column == 2:
        return entry.kind
    if column == 3:
        return float(entry.total)
    if column == 4:
        return float(entry.estimate) if entry.estimate is not None else -1.0
    return float(entry.difference) if entry.difference is not None else 0.0
