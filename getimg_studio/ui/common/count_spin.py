"""A spin box that says what it counts: "1 video", "3 videos at once", never "video(s)"."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox, QWidget


class CountSpinBox(QSpinBox):
    """ "1 video", "3 videos": a count with its noun, never "video(s)"."""

    def __init__(self, one: str, many: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._one, self._many = one, many

    def textFromValue(self, value: int) -> str:
        return f"{value} {self._one if value == 1 else self._many}"

    def valueFromText(self, text: str) -> int:
        digits = "".join(ch for ch in text if ch.isdigit())
        return int(digits) if digits else self.minimum()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        digits = "".join(ch for ch in text if ch.isdigit())
        if not digits:
            return QValidator.State.Intermediate, text, pos
        value = int(digits)
        state = QValidator.State.Acceptable if self.minimum() <= value <= self.maximum() else \
            QValidator.State.Invalid
        return state, text, pos
