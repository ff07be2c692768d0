"""Desktop notifications when a job finishes while the creator is looking at another window.

A system tray message where the desktop has a tray, otherwise the taskbar's attention alert. The
creator switches them off in the settings (`Settings.notifications`), read through `enabled` each time.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from getimg_studio.jobs.model import FAILED_STATES, Job, JobState


class Notifier(QObject):
    def __init__(self, window: QWidget, enabled: Callable[[], bool]) -> None:
        super().__init__(window)
        self._window = window
        self._enabled = enabled
        self._tray: QSystemTrayIcon | None = None
        self.sent: list[tuple[str, str]] = []  # what was shown, newest last (for the window and tests)

    def job_changed(self, job: Job, previous: JobState) -> None:
        """Slot for `EngineBridge.jobChanged`: only transitions into ready or a failure notify."""
        if job.state is not previous:
            self.job_finished(job)

    def job_finished(self, job: Job) -> None:
        if job.state is JobState.READY:
            title, body = "Video ready", job.request.prompt
        elif job.state in FAILED_STATES:
            title = f"Video {job.state.label.lower()}"
            body = job.error_message or job.request.prompt
        else:
            return
        if not self._enabled() or self._window.isActiveWindow():
            return
        body = body if len(body) <= 120 else body[:119] + "…"
        self.sent.append((title, body))
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            tray = self._tray_icon()
            tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            QApplication.alert(self._window, 0)

    def _tray_icon(self) -> QSystemTrayIcon:
        if self._tray is None:
            self._tray = QSystemTrayIcon(self._window.windowIcon(), self)
            self._tray.setToolTip(self._window.windowTitle())
            self._tray.messageClicked.connect(self._raise_window)
            self._tray.show()
        return self._tray

    def _raise_window(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def close(self) -> None:
        if self._tray is not None:
            self._tray.hide()
            self._tray = None
