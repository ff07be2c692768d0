"""One image input of the form (first frame, last frame or a reference image) that takes drops and pastes.

A slot accepts a file from the file manager, image data or an https URL from a browser, Ctrl+V while it
has focus, and a Browse button. Reading and checking the image (api.frames.inspect_frame) and making the
thumbnail run in an executor: a 40-megapixel photo must not freeze the window.

A slot the chosen model cannot use keeps its image, dimmed and not sent, so that switching to a model
that can use it again loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, QMimeData, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import FrameRef, Role
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common.elide import ElidedLabel
from getimg_studio.ui.common.theme import bind_icon, set_hint
from getimg_studio.ui.compose.frame_io import (
    THUMB,
    human_size,
    image_bytes_from_mime,
    import_bytes,
    inspect_file,
    small_frame_warning,
    unreadable,
)

if TYPE_CHECKING:
    from getimg_studio.api.frames import FrameInfo

log = logging.getLogger(__name__)

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff *.heic *.avif);;All files (*)"
_IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "application/x-qt-image")
_EMPTY_TEXT = "Drop an image\nor paste (Ctrl+V)"


def _owns_key(event: QKeyEvent) -> bool:
    """Keys a focused slot handles itself, ahead of the window's shortcuts (Delete removes queue jobs)."""
    return (event.matches(QKeySequence.StandardKey.Paste) or event.matches(QKeySequence.StandardKey.Delete)
            or event.key() == Qt.Key.Key_Backspace)


class FrameSlot(QFrame):
    """A drop target for one image. `changed` fires when its frame is set, cleared or failed to load."""

    changed = Signal()
    generateRequested = Signal()  # "Generate image…": shown once `offer_generate(True)` (a window wires it)

    def __init__(self, role: Role, title: str, frames_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.title = title
        self._frames_dir = frames_dir
        self._ref: FrameRef | None = None
        self._info: FrameInfo | None = None
        self._name = ""
        self._tasks = TaskOwner(f"slot-{title}")
        self._load: asyncio.Task[None] | None = None
        self._dialog: QFileDialog | None = None
        self._unsupported = ""
        self.setObjectName("frameSlot")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(title)
        self.setAccessibleDescription(f"Drop or paste an image for the {title.lower()}, or use Browse")

        self.heading = QLabel(title)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)  # "Reference image" beside the picture must not widen a narrow form
        self.thumb = QLabel(_EMPTY_TEXT)
        self.thumb.setFixedSize(THUMB)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setWordWrap(True)
        set_hint(self.thumb, "muted")
        self.name_label = ElidedLabel("")
        self.name_label.setAccessibleName(f"{title} file name")
        self.name_label.hide()
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setAccessibleName(f"{title} details")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(f"{title} message")
        self.message.hide()
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setAccessibleName(f"Browse for {title.lower()}")
        self.browse_button.setAutoDefault(True)
        self.browse_button.clicked.connect(self.browse)
        # An icon at the heading's end: three labelled buttons in a row made the form wider than its panel
        # at 2x on a 1080p screen (and at 1280x720), clipping every field.
        self.clear_button = QToolButton()
        self.clear_button.setAutoRaise(True)
        bind_icon(self.clear_button, "remove")
        self.clear_button.setAccessibleName(f"Clear {title.lower()}")
        self.clear_button.setToolTip(f"Clear the {title.lower()} (Delete)")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setEnabled(False)
        self.generate_button = QPushButton("Generate image…")
        self.generate_button.setAccessibleName(f"Generate an image for the {title.lower()}")
        self.generate_button.setToolTip("Make this image from a prompt with an image model")
        self.generate_button.setAutoDefault(True)
        self.generate_button.clicked.connect(self.generateRequested)
        self.generate_button.hide()

        text = QVBoxLayout()
        text.setSpacing(2)
        heading = QHBoxLayout()
        heading.addWidget(self.heading, 1)
        heading.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        text.addLayout(heading)
        text.addWidget(self.name_label)
        text.addWidget(self.details)
        text.addWidget(self.message)
        text.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.browse_button)
        buttons.addWidget(self.generate_button)
        buttons.addStretch(1)
        # The buttons get the slot's whole width, under the picture, for the same reason.
        row = QHBoxLayout()
        row.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(4)
        column.addLayout(row)
        column.addLayout(buttons)
        self.setTabOrder(self, self.browse_button)
        self.setTabOrder(self.browse_button, self.clear_button)
        self.setTabOrder(self.clear_button, self.generate_button)

    # What the form reads -------------------------------------------------------------------------------

    @property
    def frame(self) -> FrameRef | None:
        """The image held, whether or not the chosen model can use it."""
        return self._ref

    @property
    def active_frame(self) -> FrameRef | None:
        """The image to send: None when empty or when the chosen model cannot take this role."""
        return None if self._unsupported else self._ref

    @property
    def unsupported(self) -> bool:
        return bool(self._unsupported)

    @property
    def info(self) -> FrameInfo | None:
        return self._info

    @property
    def shown_name(self) -> str:
        return self._name

    @property
    def loading(self) -> bool:
        return self._load is not None and not self._load.done()

    async def settled(self) -> None:
        """Wait until the image being read (if any) is shown: for tests and for submitting."""
        while self._load is not None and not self._load.done():
            await asyncio.wait({self._load})

    # Setting the image -----------------------------------------------------------------------------------

    def set_path(self, path: Path) -> None:
        if self._unsupported:
            return
        path = Path(path)
        if path.is_dir():
            self._fail(f"“{path.name}” is a folder. Drop an image file (PNG, JPEG or WebP).")
            return
        if not path.exists():
            self._fail(f"“{path.name}” was not found.")
            return
        self._start(self._load_file(path))

    def offer_generate(self, on: bool) -> None:
        """Show "Generate image…" (only where something answers `generateRequested`)."""
        self.generate_button.setVisible(on)

    def set_url(self, url: str) -> None:
        if self._unsupported:
            return
        parts = urlsplit(url.strip())
        if parts.scheme != "https" or not parts.netloc:
            self._fail("Only https image URLs can be used; download the image and drop the file instead.")
            return
        self._cancel_load()
        self._ref, self._info = FrameRef(self.role, url=url.strip()), None
        self.thumb.setPixmap(QPixmap())
        self.thumb.setText("Web image")
        self._name = parts.path.rsplit("/", 1)[-1] or parts.netloc
        self._show_name(self._name)
        self.details.setText(f"from {parts.netloc}\nThe server fetches it when you generate.")
        self.details.setToolTip(url)
        self._show_message("")
        self.clear_button.setEnabled(True)
        self.changed.emit()

    def set_image_bytes(self, data: bytes, name: str = "pasted-image.png") -> None:
        if self._unsupported:
            return
        self._start(self._load_bytes(data, name))

    def accept_mime(self, mime: QMimeData) -> bool:
        """Take a drop or paste; False (with a message) when it holds nothing usable."""
        if mime.hasUrls() and mime.urls():
            url = mime.urls()[0]
            if url.isLocalFile():
                self.set_path(Path(url.toLocalFile()))
                return True
        data = image_bytes_from_mime(mime)
        if data is not None:
            self.set_image_bytes(data)
            return True
        candidates = [u.toString() for u in mime.urls()] if mime.hasUrls() else []
        if mime.hasText():
            candidates += [line.strip() for line in mime.text().splitlines() if line.strip()]
        for text in candidates:
            url = QUrl(text)
            if url.isLocalFile():
                self.set_path(Path(url.toLocalFile()))
                return True
            if url.scheme() in ("https", "http"):
                self.set_url(text)
                return True
        self._fail("That is not an image: drop an image file, an image from a browser, or an https URL.")
        return False

    def clear(self) -> None:
        self._cancel_load()
        self._ref, self._info, self._name = None, None, ""
        self._reset_view()
        self._show_message(self._unsupported, "muted" if self._unsupported else "")
        self.changed.emit()

    def set_unsupported(self, reason: str) -> None:
        """The chosen model cannot take this role: say why, keep any image (not sent). "" enables it again."""
        if reason == self._unsupported:
            return
        self._unsupported = reason
        self.setProperty("unsupported", "true" if reason else "false")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setToolTip(reason)
        self.setAcceptDrops(not reason)
        self.browse_button.setEnabled(not reason)
        self.generate_button.setEnabled(not reason)
        self.thumb.setEnabled(not reason)
        self.details.setEnabled(not reason)
        if reason:
            kept = " Its image is kept for a model that takes one." if self._ref is not None else ""
            self._show_message(reason + kept, "muted")
        else:
            self._show_message(self._note(), "warning" if self._small() else ("muted" if self._note() else ""))

    def set_rule_note(self, text: str) -> None:
        """A role rule that concerns this slot right now (e.g. a last frame without a first frame)."""
        if self._unsupported:
            return
        if text:
            self._show_message(text, "warning")
        elif self.message.property("hint") == "warning" and not self._small():
            note = self._note()
            self._show_message(note, "muted" if note else "")

    def browse(self) -> None:
        # open(), not a static getOpenFileName: the latter spins a nested loop that stalls every task.
        if self._dialog is None:
            self._dialog = QFileDialog(self, f"Choose the {self.title.lower()}")
            self._dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            self._dialog.setNameFilter(IMAGE_FILTER)
            self._dialog.fileSelected.connect(lambda name: self.set_path(Path(name)))
        self._dialog.open()

    async def shutdown(self) -> None:
        await self._tasks.close()

    # Qt events ---------------------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and _owns_key(event):
            event.accept()
            return True
        return super().event(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if not self._unsupported and (mime.hasUrls() or mime.hasImage() or mime.hasText()
                                      or any(mime.hasFormat(f) for f in _IMAGE_MIME_TYPES)):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._set_drag_over(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drag_over(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drag_over(False)
        if self._unsupported:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.accept_mime(event.mimeData())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            mime = QGuiApplication.clipboard().mimeData()
            if mime is not None and not self._unsupported:
                self.accept_mime(mime)
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            if self._ref is not None:
                self.clear()
            event.accept()
            return
        super().keyPressEvent(event)

    # Internals ---------------------------------------------------------------------------------------------

    def _start(self, coro: object) -> None:
        self._show_message("Reading the image…", "muted")
        self._load = self._tasks.start(coro, name="load")  # type: ignore[arg-type]

    def _cancel_load(self) -> None:
        """Forget the image being read; a load finishing now (the current task) is just let go."""
        task, self._load = self._load, None
        if task is None or task.done():
            return
        try:
            current = asyncio.current_task()
        except RuntimeError:  # no running loop: surely not called from the task itself
            current = None
        if task is not current:
            task.cancel()

    async def _load_file(self, path: Path) -> None:
        loop = asyncio.get_running_loop()
        try:
            info, thumb, name = await loop.run_in_executor(None, inspect_file, path)
        except GetimgError as exc:
            self._fail(exc.message)
            return
        except OSError as exc:
            self._fail(unreadable(path, exc))
            return
        self._loaded(FrameRef(self.role, path=path), info, thumb, name)

    async def _load_bytes(self, data: bytes, name: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            path, info, thumb, shown = await loop.run_in_executor(None, import_bytes, data, self._frames_dir, name)
        except GetimgError as exc:
            self._fail(exc.message)
            return
        except OSError as exc:
            self._fail(f"The image could not be saved: {exc.strerror or exc}.")
            return
        self._loaded(FrameRef(self.role, path=path), info, thumb, shown)

    def _loaded(self, ref: FrameRef, info: FrameInfo, thumb: QImage, name: str) -> None:
        self._cancel_load()
        self._ref, self._info, self._name = ref, info, name
        if thumb.isNull():
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText(info.format.upper())
        else:
            self.thumb.setPixmap(QPixmap.fromImage(thumb))
        self._show_name(name)
        self.details.setText(f"{info.width} × {info.height} px · {info.format.upper()} · "
                             f"{human_size(info.file_size)}")
        self.details.setToolTip(str(ref.path or ""))
        small = self._small()
        self._show_message(self._note(), "warning" if small else ("muted" if info.note else ""))
        self.clear_button.setEnabled(True)
        self.changed.emit()

    def _small(self) -> bool:
        return self._info is not None and bool(small_frame_warning(self._info.width, self._info.height))

    def _note(self) -> str:
        if self._info is None:
            return ""
        parts = [small_frame_warning(self._info.width, self._info.height), self._info.note]
        return " ".join(p for p in parts if p)

    def _fail(self, message: str) -> None:
        self._cancel_load()
        if self._ref is not None:
            # A bad drop onto a filled slot must not cost the creator the good image already there.
            self._show_message(f"{message} The previous image is kept.", "error")
            self.changed.emit()
            return
        self._ref, self._info, self._name = None, None, ""
        self._reset_view()
        self._show_message(message, "error")
        self.changed.emit()

    def _show_name(self, name: str) -> None:
        self.name_label.setText(name)
        self.name_label.setVisible(bool(name))

    def _reset_view(self) -> None:
        self.thumb.setPixmap(QPixmap())
        self.thumb.setText(_EMPTY_TEXT)
        self._show_name("")
        self.details.setText("")
        self.details.setToolTip("")
        self.clear_button.setEnabled(False)

    def _show_message(self, text: str, hint: str = "") -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        set_hint(self.message, hint)

    def _set_drag_over(self, on: bool) -> None:
        self.setProperty("dragOver", "true" if on else "false")
        self.style().unpolish(self)
        self.style().polish(self)
