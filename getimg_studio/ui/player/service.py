"""A small service around QMediaPlayer: one clip, looping, speed, volume and frame steps.

The controls widget and the panel talk to this object, never to QMediaPlayer directly, so the
player's rules (loop on by default, steps only while paused, volume kept across clips) live here.
Importing this module loads QtMultimedia: the panel does it with the first clip, not at start-up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink
from PySide6.QtMultimediaWidgets import QVideoWidget

from getimg_studio.ui.player.controls import DEFAULT_VOLUME, SPEEDS


class PlayerService(QObject):
    loopChanged = Signal(bool)
    speedChanged = Signal(float)
    failed = Signal(str)  # a message a person can read

    def __init__(self, video: QVideoWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.video = video
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.audio.setVolume(DEFAULT_VOLUME)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(video)
        self._loop = True
        self.fps = 24.0
        self.player.setLoops(QMediaPlayer.Loops.Infinite)
        self.player.errorOccurred.connect(self._error)

    # ------------------------------------------------------------------ source
    @property
    def source(self) -> Path | None:
        url = self.player.source()
        return Path(url.toLocalFile()) if url.isLocalFile() else None

    def load(self, path: Path, fps: float | None = None) -> None:
        self.fps = fps if fps and fps > 0 else 24.0
        self.player.setSource(QUrl.fromLocalFile(str(path)))

    def clear(self) -> None:
        # Queued, so Qt runs these from its event loop, where PySide has released the GIL. Called straight
        # from Python they hold the GIL while QtMultimedia waits for its worker threads, and a worker can be
        # waiting for the GIL itself (PySide looks up Python overrides on our wrapped objects from there):
        # py-spy showed exactly that deadlock in the player tests' teardown.
        queued = Qt.ConnectionType.QueuedConnection
        QMetaObject.invokeMethod(self.player, "stop", queued)
        QMetaObject.invokeMethod(self.player, "setSource", queued, Q_ARG(QUrl, QUrl()))

    def sink(self) -> QVideoSink:
        return self.video.videoSink()

    def set_output(self, video: QVideoWidget) -> None:
        """Show the video in another widget (the fullscreen view and back)."""
        self.video = video
        self.player.setVideoOutput(video)

    # ------------------------------------------------------------------ transport
    @property
    def playing(self) -> bool:
        return self.player.playbackState() is QMediaPlayer.PlaybackState.PlayingState

    def play(self) -> None:
        if self.player.mediaStatus() is QMediaPlayer.MediaStatus.EndOfMedia:
            self.player.setPosition(0)
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        self.player.setPosition(max(0, min(ms, max(0, self.player.duration()))))

    def frame_ms(self) -> float:
        return 1000.0 / self.fps

    def step(self, frames: int) -> None:
        """Moves by whole frames; pauses first, since stepping a running clip means nothing."""
        if self.playing:
            self.pause()
        frame = self.frame_ms()
        current = round(self.player.position() / frame)
        last = max(0, int((self.player.duration() - 1) // frame))
        target = max(0, min(current + frames, last))
        # Aim at the middle of the frame: the decoder shows the frame whose time span holds the position.
        self.player.setPosition(int(target * frame + frame / 2))

    # ------------------------------------------------------------------ settings
    @property
    def loop(self) -> bool:
        return self._loop

    def set_loop(self, on: bool) -> None:
        if on == self._loop:
            return
        self._loop = on
        self.player.setLoops(QMediaPlayer.Loops.Infinite if on else QMediaPlayer.Loops.Once)
        self.loopChanged.emit(on)

    def set_speed(self, rate: float) -> None:
        if rate != self.player.playbackRate():
            self.player.setPlaybackRate(rate)
            self.speedChanged.emit(rate)

    def step_speed(self, direction: int) -> None:
        """[ and ]: the next slower or faster of SPEEDS."""
        current = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.player.playbackRate()))
        self.set_speed(SPEEDS[max(0, min(len(SPEEDS) - 1, current + direction))])

    def jump(self, seconds: float) -> None:
        self.seek(self.player.position() + round(seconds * 1000))

    def set_volume(self, volume: float) -> None:
        self.audio.setVolume(max(0.0, min(1.0, volume)))
        if volume > 0 and self.audio.isMuted():
            self.audio.setMuted(False)

    def set_muted(self, muted: bool) -> None:
        self.audio.setMuted(muted)

    def _error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error is not QMediaPlayer.Error.NoError:
            self.failed.emit(text or "the file cannot be played")
