"""The clip full screen, with controls that hide while it plays and come back when the mouse moves.

A window of its own with its own video output (the player switches to it and back), so the panel's
layout is never torn apart. The window's Playback actions are added here too: Space, frame steps, M,
L and the rest work the same; Esc, F and F11 leave. The mouse is watched by position, not by events:
the video surface is a native window that swallows them.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QCursor, QKeySequence
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QVBoxLayout, QWidget

from getimg_studio.ui.player.controls import PlayerControls
from getimg_studio.ui.player.service import PlayerService

HIDE_AFTER_MS = 2500
WATCH_MS = 250


class FullscreenView(QWidget):
    left = Signal()  # the view closed; the player shows in the panel again

    def __init__(self, service: PlayerService, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Player")
        self.setAccessibleName("Fullscreen player")
        self._service = service
        self._previous_output: QVideoWidget | None = None
        self.video = QVideoWidget(self)
        self.video.setAccessibleName("Fullscreen video")
        self.controls = PlayerControls(self, fullscreen=True)
        self.controls.bind(service)
        self.controls.fullscreenRequested.connect(self.leave)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.controls)
        self.addActions(actions)
        for action in actions:
            action.triggered.connect(self.wake)
        self.leave_action = QAction("Leave fullscreen", self)
        self.leave_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_action.triggered.connect(self.leave)
        self.addAction(self.leave_action)
        self._last_pos = QPoint()
        self._idle_ms = 0
        self._watch = QTimer(self, interval=WATCH_MS)
        self._watch.timeout.connect(self._tick)

    @property
    def controls_shown(self) -> bool:
        return not self.controls.isHidden()

    def enter(self, previous: QVideoWidget) -> None:
        self._previous_output = previous
        self._service.set_output(self.video)
        screen = previous.screen()
        if screen is not None:  # without a window manager (kiosk, Xvfb) fullscreen is just this geometry
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.activateWindow()
        self.wake()
        self._watch.start()

    def leave(self) -> None:
        if not self.isVisible():
            return
        self._watch.stop()
        self.unsetCursor()
        if self._previous_output is not None:
            self._service.set_output(self._previous_output)
        self.hide()
        if self._previous_output is not None:  # keys go back to the main window
            self._previous_output.window().activateWindow()
        self.left.emit()

    def wake(self) -> None:
        """Show the controls (a key, a mouse move); they hide again after a while of playing."""
        self._idle_ms = 0
        self.controls.show()
        self.unsetCursor()

    def _tick(self) -> None:
        pos = QCursor.pos()
        if pos != self._last_pos:
            self._last_pos = pos
            self.wake()
            return
        self._idle_ms += WATCH_MS
        if self._idle_ms >= HIDE_AFTER_MS and self._service.playing and not self.controls.underMouse():
            self.controls.hide()
            self.setCursor(Qt.CursorShape.BlankCursor)

    def keyPressEvent(self, event: object) -> None:
        self.wake()
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.leave()
        event.accept()
