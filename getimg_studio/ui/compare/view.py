"""The compare page's widgets, laid out: a grid of tiles (video, its parameters and cost, Keep, Remix,
Listen) and one transport under them. Nothing here decides: `CompareController` fills and drives it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.ui.common.theme import bind_icon
from getimg_studio.ui.player.controls import speed_combo, transport_button


class CompareTile(QFrame):
    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"Take {number}")
        self.video = QVideoWidget(self)
        self.video.setAccessibleName(f"Take {number} video")
        self.video.setMinimumSize(160, 90)
        self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.title = QLabel(self)
        self.title.setAccessibleName(f"Take {number} parameters")
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.prompt = QLabel(self)
        self.prompt.setAccessibleName(f"Take {number} prompt")
        self.prompt.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.listen = QRadioButton("Listen", self)
        self.listen.setAccessibleName(f"Listen to take {number}")
        self.listen.setToolTip("Hear this take (the others are muted)")
        self.keep = QPushButton("Keep this one", self)
        self.keep.setAccessibleName(f"Keep take {number}")
        bind_icon(self.keep, "star")
        self.remix = QPushButton("Remix", self)
        self.remix.setAccessibleName(f"Remix take {number}")
        bind_icon(self.remix, "remix")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.listen)
        row.addStretch(1)
        row.addWidget(self.keep)
        row.addWidget(self.remix)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.title)
        layout.addWidget(self.prompt)
        layout.addLayout(row)


class CompareView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Compare")
        self.heading = QLabel(self)
        self.heading.setAccessibleName("Compare heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.close_button = QPushButton("Back to the player", self)
        self.close_button.setAccessibleName("Close compare")
        self.close_button.setToolTip("Back to the player (Esc)")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.close_button)
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        self.tiles: list[CompareTile] = []

        self.play_button = transport_button(self, "play", "Play", "Play or pause all (Space)")
        self.back_button = transport_button(self, "frame-back", "Previous frame", "One frame back (,)")
        self.forward_button = transport_button(self, "frame-forward", "Next frame", "One frame forward (.)")
        self.seek = QSlider(Qt.Orientation.Horizontal, self)
        self.seek.setAccessibleName("Seek all")
        self.time = QLabel("0:00.00 / 0:00.00", self)
        self.time.setAccessibleName("Time")
        self.loop_button = transport_button(self, "loop", "Loop", "Loop all (L)")
        self.loop_button.setCheckable(True)
        self.loop_button.setChecked(True)
        self.speed = speed_combo(self)
        self.mute_all = transport_button(self, "muted", "Mute all", "Hear none of them (M)")
        self.mute_all.setCheckable(True)
        transport = QHBoxLayout()
        for widget in (self.back_button, self.play_button, self.forward_button):
            transport.addWidget(widget)
        transport.addWidget(self.seek, 1)
        for after in (self.time, self.loop_button, self.speed, self.mute_all):
            transport.addWidget(after)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(self.grid, 1)
        layout.addLayout(transport)

    def set_tiles(self, count: int) -> list[CompareTile]:
        """`count` fresh tiles: side by side for two, two by two for three or four."""
        for tile in self.tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = [CompareTile(i + 1, self) for i in range(count)]
        columns = 2
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // columns, i % columns)
        for column in range(columns):
            self.grid.setColumnStretch(column, 1)
        return self.tiles
