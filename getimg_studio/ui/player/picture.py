"""The player's page for an image job: the picture, scaled to fit as the panel resizes (issue 12)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def read_picture(path: Path) -> QImage:
    """Blocking (run it in an executor): the image, upright; OSError when it cannot be read."""
    if not path.is_file():
        raise FileNotFoundError(path)
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise OSError(f"{path.name}: {reader.errorString()}")
    return image


class PictureView(QLabel):
    """Shows one image at the largest size that fits, never enlarged past its own pixels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Picture")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(240, 135)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._image = QImage()

    @property
    def image(self) -> QImage:
        return self._image

    def set_image(self, image: QImage) -> None:
        self._image = image
        self._rescale()

    def clear_image(self) -> None:
        self._image = QImage()
        self.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image.isNull():
            self.clear()
            return
        size = self._image.size().boundedTo(self.size()) if not self.size().isEmpty() else QSize(1, 1)
        scaled = self._image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)
        self.setPixmap(QPixmap.fromImage(scaled))
