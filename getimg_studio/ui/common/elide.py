"""A one-line label that shortens its text with "…" to the width it is given, never asking for more.

File names, model names and hosts can be arbitrarily long (a history copy is named by its 64-character
SHA-256): a plain QLabel asks for their full width and pushes every control beside it off its panel.
The full text is in the tooltip and the accessible name's description.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None, *,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        super().setText(text)
        self.setToolTip(text if text else "")
        self.setAccessibleDescription(text)
        self.update()

    def full_text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        return self.fontMetrics().elidedText(self._full, self._mode, max(0, self.contentsRect().width()))

    def minimumSizeHint(self) -> QSize:
        return QSize(16, self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        return QSize(min(240, self.fontMetrics().horizontalAdvance(self._full)), self.fontMetrics().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
                         self.shown_text())
