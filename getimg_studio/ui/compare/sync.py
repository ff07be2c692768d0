"""One transport for several QMediaPlayers: play, pause, seek, frame steps, loop, speed and one listened-to.

The rule that keeps them together: the longest clip is the master and its clock is the shared timeline.
No player loops by itself (each would restart on its own schedule); when the master ends, the transport
starts them all again from 0 at once (or stops them all, loop off). While playing, a check every
`CHECK_MS` moves a follower that has drifted by more than two frames back onto the master's position; a
shorter clip holds its last frame until the next pass.

Stopping goes through queued calls (see PlayerService.clear): a direct stop from Python can deadlock on
the GIL with QtMultimedia's worker threads.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget

CHECK_MS = 250


class SyncedPlayers(QObject):
    positionChanged = Signal(int)  # the master's position, ms
    durationChanged = Signal(int)  # the longest clip's length, ms
    playingChanged = Signal(bool)
    listeningChanged = Signal(int)  # the one tile heard (-1: all muted)

    def __init__(self, outputs: Sequence[QVideoWidget], fps: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fps = fps if fps > 0 else 24.0
        self.players: list[QMediaPlayer] = []
        self.audio: list[QAudioOutput] = []
        for video in outputs:
            player = QMediaPlayer(self)
            audio = QAudioOutput(self)
            player.setAudioOutput(audio)
            player.setVideoOutput(video)
            player.setLoops(QMediaPlayer.Loops.Once)
            player.durationChanged.connect(self._durations_changed)
            player.mediaStatusChanged.connect(self._status_changed)
            self.players.append(player)
            self.audio.append(audio)
        self.loop = True
        self.listening = 0
        self._master = 0
        self.realigned = 0  # followers put back on the master's clock (drift beyond two frames)
        self._playing = False
        self._check = QTimer(self)
        self._check.setInterval(CHECK_MS)
        self._check.timeout.connect(self._realign)
        self.players[0].positionChanged.connect(self._master_moved)
        self.listen(0)

    def load(self, paths: Sequence[object]) -> None:
        for player, path in zip(self.players, paths, strict=True):
            player.setSource(QUrl.fromLocalFile(str(path)))

    # ------------------------------------------------------------------ state
    @property
    def master(self) -> QMediaPlayer:
        return self.players[self._master]

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def duration(self) -> int:
        return max((p.duration() for p in self.players), default=0)

    def position(self) -> int:
        return self.master.position()

    def frame_ms(self) -> float:
        return 1000.0 / self.fps

    # ------------------------------------------------------------------ transport
    def play(self) -> None:
        if self.master.mediaStatus() is QMediaPlayer.MediaStatus.EndOfMedia:
            self.seek(0)
        target = self.position()
        for player in self.players:
            if player.duration() == 0 or player.duration() > target:  # 0: not loaded yet, it starts at 0
                player.play()
        self._set_playing(True)

    def pause(self) -> None:
        for player in self.players:
            player.pause()
        self._set_playing(False)
        self.seek(self.position())  # each shows the frame of the same moment

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        ms = max(0, min(int(ms), self.duration))
        for player in self.players:
            end = max(0, player.duration() - 1)
            player.setPosition(min(ms, end))
            if self._playing and ms < end and player.playbackState() is not QMediaPlayer.PlaybackState.PlayingState:
                player.play()
        self.positionChanged.emit(ms)

    def step(self, frames: int) -> None:
        if self._playing:
            self.pause()
        frame = self.frame_ms()
        current = round(self.position() / frame)
        last = max(0, int((self.duration - 1) // frame))
        target = max(0, min(current + frames, last))
        self.seek(int(target * frame + frame / 2))  # the middle of the frame: the decoder shows that one

    def set_loop(self, on: bool) -> None:
        self.loop = on

    def set_speed(self, rate: float) -> None:
        for player in self.players:
            player.setPlaybackRate(rate)

    def listen(self, index: int) -> None:
        """Hear tile `index` only (-1: none)."""
        self.listening = index
        for i, audio in enumerate(self.audio):
            audio.setMuted(i != index)
        self.listeningChanged.emit(index)

    def stop(self) -> None:
        self._check.stop()
        self._playing = False
        queued = Qt.ConnectionType.QueuedConnection
        for player in self.players:
            QMetaObject.invokeMethod(player, "stop", queued)
            QMetaObject.invokeMethod(player, "setSource", queued, Q_ARG(QUrl, QUrl()))

    # ------------------------------------------------------------------ internals
    def _set_playing(self, on: bool) -> None:
        if on:
            self._check.start()
        else:
            self._check.stop()
        if on != self._playing:
            self._playing = on
            self.playingChanged.emit(on)

    def _durations_changed(self, _ms: int) -> None:
        longest = max(range(len(self.players)), key=lambda i: self.players[i].duration())
        if longest != self._master:
            self.players[self._master].positionChanged.disconnect(self._master_moved)
            self._master = longest
            self.master.positionChanged.connect(self._master_moved)
        self.durationChanged.emit(self.duration)

    def _master_moved(self, ms: int) -> None:
        self.positionChanged.emit(ms)

    def _status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        if status is not QMediaPlayer.MediaStatus.EndOfMedia or self.sender() is not self.master:
            return
        if self.loop and self._playing:
            for player in self.players:
                player.setPosition(0)
                player.play()
        else:
            self._set_playing(False)

    def _realign(self) -> None:
        target = self.position()
        # Two frames: the players start together and keep time well; a seek to correct less would itself
        # make the follower stutter (measured: half a frame doubled the worst gap).
        tolerance = 2 * self.frame_ms()
        for player in self.players:
            if player is self.master or player.duration() <= target:
                continue
            if abs(player.position() - target) > tolerance:
                self.realigned += 1
                player.setPosition(target)
