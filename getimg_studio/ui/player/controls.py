"""The player's controls: play/pause, seek with times, frame steps, loop, speed, volume, mute, fullscreen.

Keys (while the player has focus): Space play/pause, comma/period one frame back/forward (pauses),
F fullscreen (Esc leaves), M mute.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.ui.player.service import SPEEDS, PlayerService
from getimg_studio.ui.queue.format import duration_text


def _icon(widget: QWidget, pixmap: QStyle.StandardPixmap) -> QIcon:
    return widget.style().standardIcon(pixmap)


def _button(parent: QWidget, icon: QStyle.StandardPixmap, name: str, tip: str) -> QToolButton:
    # The style's own media icons: symbol characters (⏮, 🔊) are missing from many desktop fonts.
    button = QToolButton(parent)
    button.setIcon(_icon(parent, icon))
    button.setText(name)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button


class PlayerControls(QWidget):
    fullscreenRequested = Signal()

    def __init__(self, service: PlayerService, shortcut_host: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        player = service.player
        sp = QStyle.StandardPixmap
        self.play_button = _button(self, sp.SP_MediaPlay, "Play", "Play or pause (Space)")
        self.back_button = _button(self, sp.SP_MediaSeekBackward, "Previous frame", "One frame back (,)")
        self.forward_button = _button(self, sp.SP_MediaSeekForward, "Next frame", "One frame forward (.)")
        self.seek = QSlider(Qt.Orientation.Horizontal, self)
        self.seek.setAccessibleName("Seek")
        self.seek.setRange(0, 0)
        self.time = QLabel("0:00 / 0:00", self)
        self.time.setAccessibleName("Time")
        self.loop_button = _button(self, sp.SP_BrowserReload, "Loop", "Loop the clip")
        self.loop_button.setCheckable(True)
        self.loop_button.setChecked(service.loop)
        self.speed = QComboBox(self)
        self.speed.setAccessibleName("Speed")
        for rate in SPEEDS:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.mute_button = _button(self, sp.SP_MediaVolume, "Mute", "Mute (M)")
        self.mute_button.setCheckable(True)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(round(service.audio.volume() * 100))
        self.volume.setMaximumWidth(90)
        self.fullscreen_button = _button(self, sp.SP_TitleBarMaxButton, "Fullscreen", "Fullscreen (F, Esc leaves)")

        row1 = QHBoxLayout()
        row1.setContentsMargins(0, 0, 0, 0)
        row1.addWidget(self.seek, 1)
        row1.addWidget(self.time)
        row2 = QHBoxLayout()
        row2.setContentsMargins(0, 0, 0, 0)
        left: tuple[QWidget, ...] = (self.back_button, self.play_button, self.forward_button,
                                     self.loop_button, self.speed)
        for widget in left:
            row2.addWidget(widget)
        row2.addStretch(1)
        right: tuple[QWidget, ...] = (self.mute_button, self.volume, self.fullscreen_button)
        for widget in right:
            row2.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(row1)
        layout.addLayout(row2)

        self.play_button.clicked.connect(service.toggle)
        self.back_button.clicked.connect(lambda: service.step(-1))
        self.forward_button.clicked.connect(lambda: service.step(1))
        self.loop_button.toggled.connect(service.set_loop)
        service.loopChanged.connect(self.loop_button.setChecked)
        self.speed.currentIndexChanged.connect(lambda i: service.set_speed(float(self.speed.itemData(i))))
        self.volume.valueChanged.connect(lambda v: service.set_volume(v / 100))
        self.mute_button.toggled.connect(service.set_muted)
        service.audio.mutedChanged.connect(self._muted_changed)
        self.fullscreen_button.clicked.connect(self.fullscreenRequested)
        self.seek.sliderMoved.connect(service.seek)
        self.seek.actionTriggered.connect(self._slider_action)
        player.durationChanged.connect(self._duration_changed)
        player.positionChanged.connect(self._position_changed)
        player.playbackStateChanged.connect(self._state_changed)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in ((Qt.Key.Key_Space, service.toggle), (Qt.Key.Key_Comma, lambda: service.step(-1)),
                          (Qt.Key.Key_Period, lambda: service.step(1)), (Qt.Key.Key_F, self.fullscreenRequested),
                          (Qt.Key.Key_M, self.mute_button.toggle)):
            shortcut = QShortcut(QKeySequence(key), shortcut_host)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        self._update_enabled(False)

    def _update_enabled(self, loaded: bool) -> None:
        for widget in (self.play_button, self.back_button, self.forward_button, self.seek):
            widget.setEnabled(loaded)

    def _duration_changed(self, ms: int) -> None:
        self.seek.setRange(0, max(0, ms))
        self.seek.setSingleStep(max(1, round(self.service.frame_ms())))
        self.seek.setPageStep(max(1, ms // 10))
        self._update_enabled(ms > 0)
        self._position_changed(self.service.player.position())

    def _position_changed(self, ms: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.blockSignals(True)
            self.seek.setValue(ms)
            self.seek.blockSignals(False)
        total = self.service.player.duration()
        self.time.setText(f"{duration_text(ms / 1000)} / {duration_text(total / 1000)}")

    def _slider_action(self, _action: int) -> None:
        # Clicks on the groove and arrow keys: the slider's new position is only known after the action.
        self.service.seek(self.seek.sliderPosition())

    def _state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state is QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setIcon(_icon(self, QStyle.StandardPixmap.SP_MediaPause if playing
                                       else QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip("Pause (Space)" if playing else "Play (Space)")

    def _muted_changed(self, muted: bool) -> None:
        self.mute_button.setChecked(muted)
        self.mute_button.setIcon(_icon(self, QStyle.StandardPixmap.SP_MediaVolumeMuted if muted
                                       else QStyle.StandardPixmap.SP_MediaVolume))
