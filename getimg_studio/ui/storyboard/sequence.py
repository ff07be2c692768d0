"""The whole storyboard played as one sequence, in a window of its own, with a strip of shots to jump to.

Gapless by construction: it plays one joined file (`media.make_preview`, made off the painting thread by the
controller), since QMediaPlayer has no gapless playlist; the strip's marks are the preview's `starts`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from getimg_studio.media.preview import Preview


class SequencePlayer(QWidget):
    def __init__(self, preview: Preview, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"{name}: the whole storyboard")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(960, 600)
        self.preview = preview
        self.video = QVideoWidget()
        self.audio = QAudioOutput(self)
        self.player = QMediaPlayer(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(self.video)
        self.play_button = QPushButton("Pause")
        self.play_button.setAccessibleName("Play or pause")
        self.play_button.clicked.connect(self.toggle)
        self.time = QLabel()
        self.time.setAccessibleName("Position")
        self.strip: list[QPushButton] = []
        strip = QHBoxLayout()
        strip.setSpacing(2)
        for index, length in enumerate(preview.lengths):
            button = QPushButton(f"{index + 1} · {length:.1f} s")
            button.setCheckable(True)
            button.setAccessibleName(f"Jump to shot {index + 1}")
            button.clicked.connect(lambda _checked=False, i=index: self.jump(i))
            strip.addWidget(button, max(1, round(length * 10)))
            self.strip.append(button)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.time, 1)
        column = QVBoxLayout(self)
        column.addWidget(self.video, 1)
        column.addLayout(strip)
        column.addLayout(controls)
        self.player.positionChanged.connect(self._moved)
        self.player.setSource(QUrl.fromLocalFile(str(preview.path)))
        self.player.play()
        self._moved(0)

    def jump(self, index: int) -> None:
        self.player.setPosition(round(self.preview.starts[index] * 1000))
        self._moved(round(self.preview.starts[index] * 1000))

    def toggle(self) -> None:
        if self.player.playbackState() is QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
            self.play_button.setText("Play")
        else:
            self.player.play()
            self.play_button.setText("Pause")

    def current_shot(self, position_ms: int | None = None) -> int:
        return self.preview.shot_at((self.player.position() if position_ms is None else position_ms) / 1000)

    def _moved(self, position_ms: int) -> None:
        current = self.current_shot(position_ms)
        for index, button in enumerate(self.strip):
            button.setChecked(index == current)
        self.time.setText(f"Shot {current + 1} of {len(self.strip)} · {position_ms / 1000:.1f} s of "
                          f"{self.preview.duration:.1f} s")

    def closeEvent(self, event: object) -> None:
        # Stopped through the event queue: a direct stop while the decoder thread holds the GIL deadlocks.
        QTimer.singleShot(0, self.player.stop)
        super().closeEvent(event)  # type: ignore[arg-type]
