"""A video dropped onto the window: it joins the history (an imported row, playable and comparable), and
the creator is offered what fits it.

One of ours (its recipe inside or beside it, or its bytes already a job's output): "Remix" loads the
recipe into the form (frames from the history when it still has them, else taken from the file: see
`jobs/imports.py`). Any other video: "Use its last frame as the first frame" or "Use its first frame as a
reference". The frame is taken off the painting thread. Drops of images on the frame slots are theirs:
only a drop no child takes reaches the window.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import FrameRef, GenerationRequest, Role
from getimg_studio.jobs.model import Job
from getimg_studio.tasks import TaskOwner

if TYPE_CHECKING:
    from getimg_studio.jobs.imports import FrameFrom, Imported

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".mkv")


@dataclass(frozen=True)
class DropPorts:
    import_file: Callable[[Path], Awaitable[Imported]]  # the engine's import (history row, recipe read)
    frame_of: Callable[[Path, FrameFrom], Awaitable[Path]]  # a PNG of its first/last picture (worker thread)
    remix: Callable[[GenerationRequest], None]
    use_first_frame: Callable[[Path], None]  # the compose form's "use as first frame"
    draft: Callable[[], GenerationRequest]  # the form as it is (a reference is added to it)
    load_request: Callable[[GenerationRequest], None]
    play: Callable[[Job], None]


def dropped_videos(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in VIDEO_SUFFIXES]


class VideoDrop(QObject):
    statusMessage = Signal(str)
    offered = Signal(object)  # the QMessageBox of choices, once shown (tests answer it)

    def __init__(self, window: QWidget, ports: DropPorts) -> None:
        super().__init__(window)
        self._window = window
        self._ports = ports
        self._tasks = TaskOwner("video-drop")
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and isinstance(event, QDragEnterEvent | QDropEvent):
            videos = dropped_videos(event)
            if not videos:
                return False
            event.acceptProposedAction()
            if event.type() is QEvent.Type.Drop:
                self.import_video(videos[0])
            return True
        return super().eventFilter(watched, event)

    def import_video(self, path: Path) -> None:
        self._tasks.start(self._import(path), name="import-video")

    async def _import(self, path: Path) -> None:
        from getimg_studio.jobs.imports import describe

        self.statusMessage.emit(f"Reading {path.name}…")
        try:
            imported = await self._ports.import_file(path)
        except GetimgError as exc:
            self.statusMessage.emit(f"Could not add {path.name}: {exc.message}")
            return
        job, finding = imported.job, imported.finding
        where = "It already is in the history." if imported.known else "It is in the history now."
        box = QMessageBox(QMessageBox.Icon.Information, "Video added", describe(finding), parent=self._window)
        box.setObjectName("video-drop")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setInformativeText(" ".join((where, *finding.notes)))
        request = job.video_request if job.has_request else None
        if request is not None:
            self._button(box, "Remix", lambda: self._ports.remix(request))
        else:
            self._button(box, "Use its last frame as the first frame", lambda: self._frame(job, path, True))
            self._button(box, "Use its first frame as a reference", lambda: self._frame(job, path, False))
        self._button(box, "Play", lambda: self._ports.play(job))
        box.addButton(QMessageBox.StandardButton.Close)
        box.open()
        self.statusMessage.emit(f"Added {path.name} to the history" if not imported.known else
                                f"{path.name} is job {job.id}")
        self.offered.emit(box)

    def _button(self, box: QMessageBox, text: str, then: Callable[[], None]) -> QPushButton:
        button = box.addButton(text, QMessageBox.ButtonRole.AcceptRole)
        button.setAccessibleName(text)
        button.clicked.connect(then)
        return button

    def _frame(self, job: Job, path: Path, last: bool) -> None:
        self._tasks.start(self._take_frame(job.file_path or path, last), name="dropped-frame")

    async def _take_frame(self, video: Path, last: bool) -> None:
        from getimg_studio.jobs.imports import FrameFrom

        try:
            png = await self._ports.frame_of(video, FrameFrom.LAST if last else FrameFrom.FIRST)
        except (GetimgError, OSError) as exc:
            message = exc.message if isinstance(exc, GetimgError) else str(exc)
            self.statusMessage.emit(f"Could not read the frame: {message}")
            return
        if last:
            self._ports.use_first_frame(png)
            return
        draft = self._ports.draft()
        self._ports.load_request(replace(draft, frames=(*draft.frames, FrameRef(Role.REFERENCE_IMAGE, path=png))))
