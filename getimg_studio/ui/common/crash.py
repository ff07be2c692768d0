"""Bugs, wherever they happen, are logged and shown; the app keeps running where it safely can.

`install_crash_handler` replaces `sys.excepthook` (exceptions escaping Qt slots end up there) and the
loop's exception handler (exceptions in asyncio callbacks and tasks nobody awaited). The dialog is
non-modal and reused, so a burst of errors does not stack up windows or block the loop.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.logs import redact

log = logging.getLogger("getimg_studio.crash")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class CrashDialog(QDialog):
    def __init__(self, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setModal(False)
        self.setAccessibleName("Error report")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "getimg Studio hit an unexpected error. Your jobs are safe: they are kept in the history and "
            "resume at the next start. You can keep working; if something misbehaves, restart the app.\n\n"
            f"Details were written to the log:\n{log_file}"
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Error details")
        self.details.setMinimumSize(560, 220)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self._log_file = log_file

    def add_report(self, text: str) -> None:
        current = self.details.toPlainText()
        self.details.setPlainText(f"{current}\n{'-' * 60}\n{text}" if current else text)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(f"Log file: {self._log_file}\n\n{self.details.toPlainText()}")


class CrashHandler:
    """Logs and shows unexpected exceptions. Owns the one crash dialog."""

    def __init__(self, log_file: Path, parent_getter: Callable[[], QWidget | None] = lambda: None) -> None:
        self._log_file = log_file
        self._parent_getter = parent_getter
        self._dialog: CrashDialog | None = None
        self._previous_hook: Callable[..., Any] | None = None
        self._showing = False
        self.reports: list[str] = []  # what was shown, for tests and the self-check

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._previous_hook = sys.excepthook
        sys.excepthook = self.excepthook
        if loop is not None:
            loop.set_exception_handler(self.loop_exception_handler)

    def uninstall(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if self._previous_hook is not None and sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_hook
        if loop is not None:
            loop.set_exception_handler(None)
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            if self._previous_hook is not None:
                self._previous_hook(exc_type, exc, tb)
            return
        self.report((exc_type, exc, tb), "Unexpected error")

    def loop_exception_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = str(context.get("message") or "error in the event loop")
        if isinstance(exc, BaseException):
            self.report((type(exc), exc, exc.__traceback__), message)
        else:
            log.error("%s", redact(f"{message}: {context!r}"))

    def report(self, exc_info: ExcInfo, where: str) -> None:
        text = redact(f"{where}\n" + "".join(traceback.format_exception(*exc_info)))
        log.error("%s", text)
        self.reports.append(text)
        if self._showing:  # an error while showing the dialog must not recurse
            return
        self._showing = True
        try:
            self._show(text)
        except Exception:
            log.exception("could not show the crash dialog")
        finally:
            self._showing = False

    def _show(self, text: str) -> None:
        if QGuiApplication.instance() is None:
            return
        if self._dialog is None:
            self._dialog = CrashDialog(self._log_file, self._parent_getter())
            self._dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._dialog.add_report(text)
        self._dialog.show()
        self._dialog.raise_()

    @property
    def dialog(self) -> CrashDialog | None:
        return self._dialog


def report_exception(exc: BaseException) -> None:
    """Route an exception from a background task to the installed handler (the crash dialog when running)."""
    sys.excepthook(type(exc), exc, exc.__traceback__)
