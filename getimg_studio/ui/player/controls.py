"""The player's controls: play/pause, seek with times, frame steps, loop, speed, volume, mute, fullscreen.

They are built before the multimedia stack exists (QtMultimedia loads with the first clip, after the
window's first paint) and `bind(service)` connects them; the panel and the fullscreen view each have a
set bound to the same service. Keys live in the window's Playback menu (PlayerPanel.actions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget

from getimg_studio.ui.common.theme import bind_icon
from getimg_studio.ui.queue.format import duration_text

if TYPE_CHECKING:
    from getimg_studio.ui.player.service import PlayerService

SPEEDS = (0.5, 1.0, 2.0)


def speed_combo(parent: QWidget) -> QComboBox:
    """The playback rates of SPEEDS, at 1x: the player's and the compare page's transport alike."""
    combo = QComboBox(parent)
    combo.setAccessibleName("Speed")
    for rate in SPEEDS:
        combo.addItem(f"{rate:g}×", rate)
    combo.setCurrentIndex(SPEEDS.index(1.0))
    return combo
DEFAULT_VOLUME = 0.8


def transport_button(parent: QWidget, icon: str, name: str, tip: str) -> QToolButton:
    """A transport control (play, frame step, loop, mute): the player's and the compare page's."""
    button = QToolButton(parent)
    bind_icon(button, icon)
    button.setText(name)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


class PlayerControls(QWidget):
    fullscreenRequested = Signal()

    def __init__(self, parent: QWidget | None = None, *, fullscreen: bool = False) -> None:
        super().__init__(parent)
        self.service: PlayerService | None = None
        self.play_button = transport_button(self, "play", "Play", "Play or pause (Space)")
        self.back_button = transport_button(self, "frame-back", "Previous frame", "One frame back (,)")
        self.forward_button = transport_button(self, "frame-forward", "Next frame", "One frame forward (.)")
        self.seek = QSlider(Qt.Orientation.Horizontal, self)
        self.seek.setAccessibleName("Seek")
        self.seek.setRange(0, 0)
        self.time = QLabel("0:00 / 0:00", self)
        self.time.setAccessibleName("Time")
        self.loop_button = transport_button(self, "loop", "Loop", "Loop the clip (L)")
        self.loop_button.setCheckable(True)
        self.loop_button.setChecked(True)
        self.speed = speed_combo(self)
        self.speed.setToolTip("Playback speed ([ slower, ] faster)")
        self.mute_button = transport_button(self, "volume", "Mute", "Mute (M)")
        self.mute_button.setCheckable(True)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(round(DEFAULT_VOLUME * 100))
        self.volume.setMaximumWidth(90)
        self.fullscreen_button = transport_button(self, "leave-fullscreen" if fullscreen else "fullscreen",
                                         "Leave fullscreen" if fullscreen else "Fullscreen",
                                         "Leave fullscreen (Esc)" if fullscreen else "Fullscreen (F)")

        row1 = QHBoxLayout()
        row1.setContentsMargins(0, 0, 0, 0)
        row1.addWidget(self.seek, 1)
        row1.addWidget(self.time)
        row2 = QHBoxLayout()
        row2.setContentsMargins(0, 0, 0, 0)
        left: tuple[QWidget, ...] = (self.back_button, self.play_button, self.forward_button, self.loop_button,
                                     self.speed)
        right: tuple[QWidget, ...] = (self.mute_button, self.volume, self.fullscreen_button)
        for widget in left:
            row2.addWidget(widget)
        row2.addStretch(1)
        for widget in right:
            row2.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(row1)
        layout.addLayout(row2)
        self.fullscreen_button.clicked.connect(self.fullscreenRequested)
        self._loaded = fullscreen  # the fullscreen view only ever shows a loaded clip
        self._update_enabled(False)

    def bind(self, service: PlayerService) -> None:
        """Connect to the player (once): from now on the controls drive it and follow it."""
        self.service = service
        player = service.player
        service.set_volume(self.volume.value() / 100)
        service.set_loop(self.loop_button.isChecked())
        self.play_button.clicked.connect(service.toggle)
        self.back_button.clicked.connect(lambda: service.step(-1))
        self.forward_button.clicked.connect(lambda: service.step(1))
        self.loop_button.toggled.connect(service.set_loop)
        service.loopChanged.connect(self.loop_button.setChecked)
        self.speed.currentIndexChanged.connect(lambda i: service.set_speed(float(self.speed.itemData(i))))
        service.speedChanged.connect(self._speed_changed)
        self.volume.valueChanged.connect(lambda v: service.set_volume(v / 100))
        service.audio.volumeChanged.connect(self._volume_changed)
        self.mute_button.toggled.connect(service.set_muted)
        service.audio.mutedChanged.connect(self._muted_changed)
        self.seek.sliderMoved.connect(service.seek)
        self.seek.actionTriggered.connect(self._slider_action)
        player.durationChanged.connect(self._duration_changed)
        player.positionChanged.connect(self._position_changed)
        player.playbackStateChanged.connect(self._state_changed)
        self._duration_changed(player.duration())
        self._state_changed()
        self._muted_changed(service.audio.isMuted())

    def set_loaded(self, loaded: bool) -> None:
        """No clip (nothing chosen, a missing file): the transport says so at once, not when Qt catches up."""
        self._loaded = loaded
        self._update_enabled(loaded and self.seek.maximum() > 0)
        if not loaded:
            self.seek.setValue(0)
            self.time.setText("0:00 / 0:00")

    def _update_enabled(self, loaded: bool) -> None:
        loaded = loaded and self._loaded
        for widget in (self.play_button, self.back_button, self.forward_button, self.seek, self.fullscreen_button):
            widget.setEnabled(loaded)

    def _duration_changed(self, ms: int) -> None:
        assert self.service is not None
        self.seek.setRange(0, max(0, ms))
        self.seek.setSingleStep(max(1, round(self.service.frame_ms())))
        self.seek.setPageStep(max(1, ms // 10))
        self._update_enabled(ms > 0)
        self._position_changed(self.service.player.position())

    def _position_changed(self, ms: int) -> None:
        assert self.service is not None
        if not self.seek.isSliderDown():
            self.seek.blockSignals(True)
            self.seek.setValue(ms)
            self.seek.blockSignals(False)
        total = self.service.player.duration()
        self.time.setText(f"{duration_text(ms / 1000)} / {duration_text(total / 1000)}")

    def _slider_action(self, _action: int) -> None:
        # Clicks on the groove and arrow keys: the slider's new position is only known after the action.
        if self.service is not None:
            self.service.seek(self.seek.sliderPosition())

    def _state_changed(self, *_state: object) -> None:
        playing = self.service is not None and self.service.playing
        bind_icon(self.play_button, "pause" if playing else "play")
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setToolTip("Pause (Space)" if playing else "Play (Space)")

    def _speed_changed(self, rate: float) -> None:
        index = self.speed.findData(rate)
        if index >= 0 and index != self.speed.currentIndex():
            self.speed.setCurrentIndex(index)

    def _volume_changed(self, volume: float) -> None:
        value = round(volume * 100)
        if value != self.volume.value():
            self.volume.blockSignals(True)
            self.volume.setValue(value)
            self.volume.blockSignals(False)

    def _muted_changed(self, muted: bool) -> None:
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(False)
        bind_icon(self.mute_button, "muted" if muted else "volume")
