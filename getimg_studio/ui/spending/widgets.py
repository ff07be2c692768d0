"""Small widgets of the Spending view: a figure card, a read-only table, table items, swatches, headings."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.ui.spending.texts import Card

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CARD_STYLE = ("QFrame#spendingCard { background: palette(base); border: 1px solid palette(mid); "
               "border-radius: 6px; }")


class CardWidget(QFrame):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spendingCard")
        self.setStyleSheet(_CARD_STYLE)
        self.key = key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(1)
        self.caption = QLabel(self)
        self.caption.setProperty("hint", "muted")
        self.value = QLabel(self)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel(self)
        self.detail.setProperty("hint", "muted")
        for label in (self.caption, self.value, self.detail):
            layout.addWidget(label)

    def show_card(self, card: Card) -> None:
        self.caption.setText(card.caption)
        self.value.setText(card.value)
        self.detail.setText(card.detail)
        self.setAccessibleName(f"{card.caption}: {card.value}")
        self.setToolTip(card.tip or card.detail)


def small_table(headers: tuple[str, ...], name: str, parent: QWidget, stretch: int = 0) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    for column in range(len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return table


def item(text: str, *, right: bool = False, colour: QColor | None = None, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(_RIGHT)
    if colour is not None:
        item.setForeground(colour)
    if tip:
        item.setToolTip(tip)
    return item


def heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)
