"""Reading dropped or pasted images for the frame slots: encoded bytes from MIME data, checks, thumbnails.

The functions that touch files run in an executor (called from FrameSlot); QImage, unlike QPixmap, may be
used off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap

if TYPE_CHECKING:  # Pillow loads with api.frames: only when the first image is read, not before the first paint
    from getimg_studio.api.frames import FrameInfo

THUMB = QSize(96, 60)
MIN_GOOD_SIDE = 480  # a frame whose short side is smaller looks soft even in a 480p video


def small_frame_warning(width: int, height: int) -> str:
    """What to say about an image too small to make a good frame ("" when it is big enough)."""
    if min(width, height) >= MIN_GOOD_SIDE:
        return ""
    return (f"Only {width} × {height}: the video will look soft. An image at least {MIN_GOOD_SIDE} px "
            "on its short side makes a sharper frame.")


def unreadable(path: Path, exc: OSError) -> str:
    """A picture the system would not read (gone, no permission), in the words every frame slot uses."""
    return f"“{path.name}” cannot be read: {exc.strerror or exc}."


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def thumbnail(path: Path, size: QSize = THUMB) -> QImage:
    """Runs in an executor: QImage (unlike QPixmap) may be used off the GUI thread. Upright, fitted to `size`."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        return image
    return image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def inspect_file(path: Path) -> tuple[FrameInfo, QImage, str]:
    """The image's facts, its thumbnail and the name to show for it (a history copy shows its first name)."""
    from getimg_studio.api.frames import inspect_frame, original_name

    name = original_name(path)
    info = inspect_frame(path, name=name)
    return info, thumbnail(path), name


def import_bytes(data: bytes, frames_dir: Path, name: str) -> tuple[Path, FrameInfo, QImage, str]:
    from getimg_studio.api.frames import import_frame, inspect_frame

    info = inspect_frame(data, name=name)  # unusable data gets its message before anything is written
    path = import_frame(data, frames_dir, name=name)
    return path, info, thumbnail(path), name


def image_bytes_from_mime(mime: QMimeData) -> bytes | None:
    """Encoded image bytes from a browser drag or the clipboard, or None when there are none."""
    for fmt in ("image/png", "image/jpeg", "image/webp"):
        if mime.hasFormat(fmt):
            data = bytes(mime.data(fmt).data())
            if data:
                return data
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QPixmap):
            image = image.toImage()
        if isinstance(image, QImage) and not image.isNull():
            array = QByteArray()
            buffer = QBuffer(array)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; PySide wants str
            buffer.close()
            return bytes(array.data())
    return None
