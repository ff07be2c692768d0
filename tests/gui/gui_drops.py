"""Real drag-and-drop for tests: what a file manager or a browser sends to a widget."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication


def send_drop(widget: Any, mime: Any) -> bool:
    """A drag-enter, then the drop. False when the enter is refused; else whether the drop was accepted."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.LinkAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Qt 6's drag-enter takes an integer point, the drop a float one.
    enter = QDragEnterEvent(QPoint(20, 20), actions, mime, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(QPointF(20, 20), actions, mime, buttons, modifiers)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()
