"""The embedded player panel: the video, its controls, the clip's details and what to do with its frames.

`load_job(job)` plays a finished job's file. A missing or unreadable file is said in words, with a
"Download again" button while the server still keeps the video (`engine.redownload`). "Use last frame"
writes the clip's final frame as a PNG and emits `useAsFirstFrame(Path)`, which the window hands to
the compose form's first-frame slot to chain clips into longer sequences.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Coroutine, Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import format_money
from getimg_studio.fsutil import write_atomic
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.player_controls import PlayerControls
from getimg_studio.ui.player_frames import ClipInfo, probe_clip, save_last_frame
from getimg_studio.ui.player_service import PlayerService
from getimg_studio.ui.queue_format import remaining_text

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade as Engine  # the engine on its own thread

log = logging.getLogger(__name__)


class _Unwound:
    """`shutdown()`'s result: the work is already cancelled; awaiting it waits for the tasks to unwind."""

    def __init__(self, tasks: list[asyncio.Task[Any]]) -> None:
        self._tasks = tasks

    def __await__(self) -> Generator[Any, None, None]:
        if self._tasks:
            yield from asyncio.wait(self._tasks, timeout=5).__await__()


def _save_png(image: QImage, dest: Path) -> bool:
    """Blocking: writes through a temporary name, so the chosen name never holds half a PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    png: Any = "PNG"  # the stubs say bytes; PySide6 accepts only str here
    if not image.save(buffer, png):
        return False
    try:
        write_atomic(dest, bytes(data.data()))
    except OSError:
        return False
    return True


class _Video(QVideoWidget):
    """Leaves fullscreen on Esc or F as well as QVideoWidget's own double-click."""

    def keyPressEvent(self, event: Any) -> None:
        if self.isFullScreen() and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F):
            self.setFullScreen(False)
            event.accept()
            return
        super().keyPressEvent(event)


class PlayerPanel(QWidget):
    useAsFirstFrame = Signal(object)  # Path of a PNG of the clip's last frame
    statusMessage = Signal(str)

    def __init__(self, engine: Engine, bridge: EngineBridge, parent: QWidget | None = None, *,
                 frames_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Player")
        self._engine = engine
        self._frames_dir = frames_dir or Path(tempfile.gettempdir()) / "getimg-studio-frames"
        self._tasks = TaskOwner("player")
        self._running: set[asyncio.Task[Any]] = set()
        self.job: Job | None = None
        self.clip: ClipInfo | None = None

        self.video = _Video(self)
        self.video.setAccessibleName("Video")
        self.video.setMinimumSize(320, 180)
        self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.service = PlayerService(self.video, self)
        self.message = QLabel(self)
        self.message.setAccessibleName("Player message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.download_again = QPushButton("Download again", self)
        self.download_again.setAccessibleName("Download again")
        problem = QWidget(self)
        problem_layout = QVBoxLayout(problem)
        problem_layout.addStretch(1)
        problem_layout.addWidget(self.message)
        problem_layout.addWidget(self.download_again, 0, Qt.AlignmentFlag.AlignHCenter)
        problem_layout.addStretch(1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.video)
        self.stack.addWidget(problem)

        self.controls = PlayerControls(self.service, self, self)
        self.details = QLabel(self)
        self.details.setAccessibleName("Clip details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_frame = QPushButton("Save this frame as PNG…", self)
        self.save_frame.setAccessibleName("Save this frame as PNG")
        self.use_last = QPushButton("Use last frame as first frame", self)
        self.use_last.setAccessibleName("Use last frame as first frame")
        self.use_last.setToolTip("Start a new job from this clip's final frame, to chain clips")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_frame)
        buttons.addWidget(self.use_last)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.controls)
        layout.addWidget(self.details)
        layout.addLayout(buttons)

        self.controls.fullscreenRequested.connect(self.toggle_fullscreen)
        self.download_again.clicked.connect(self._download_again)
        self.save_frame.clicked.connect(self._save_frame)
        self.use_last.clicked.connect(self._use_last_frame)
        self.service.failed.connect(self._playback_failed)
        bridge.jobChanged.connect(self._job_changed)
        bridge.jobsRemoved.connect(self._jobs_removed)
        self._show_empty()

    # ------------------------------------------------------------------ public
    def load_job(self, job: Job) -> None:
        self.job = job
        self.clip = None
        self.service.clear()
        self._show_details(job)
        self._start(self._open(job), name="open")

    def toggle_fullscreen(self) -> None:
        if self.stack.currentWidget() is self.video:
            self.video.setFullScreen(not self.video.isFullScreen())

    def shutdown(self) -> _Unwound:
        """Stops playback and cancels the panel's work now; `await panel.shutdown()` also waits for it."""
        self.service.clear()
        if self.video.isFullScreen():
            self.video.setFullScreen(False)
        tasks = [t for t in self._running if not t.done()]
        for task in tasks:
            task.cancel()
        return _Unwound(tasks)

    # ------------------------------------------------------------------ loading
    async def _open(self, job: Job) -> None:
        path = job.file_path
        if job.state is not JobState.READY or path is None:
            self._show_problem(job, "This clip has not been saved yet.")
            return
        loop = asyncio.get_running_loop()
        try:
            clip = await loop.run_in_executor(None, probe_clip, path)
        except FileNotFoundError:
            self._show_problem(job, f"The video file is missing:\n{path}")
            return
        except Exception as exc:  # OSError, or PyAV's errors for a damaged file
            log.info("cannot read %s: %s", path, exc)
            self._show_problem(job, f"The video file cannot be read:\n{path}")
            return
        if self.job is not job:
            return
        self.clip = clip
        self._show_details(job)
        self.stack.setCurrentWidget(self.video)
        self._set_clip_actions(True)
        self.service.load(path, clip.fps)
        self.service.play()

    def _show_empty(self) -> None:
        self.message.setText("Double-click a finished clip in the queue to play it here.")
        self.download_again.hide()
        self.stack.setCurrentIndex(1)
        self._set_clip_actions(False)
        self.details.setText("")

    def _show_problem(self, job: Job, text: str) -> None:
        can_fetch = self._can_redownload(job)
        if can_fetch and job.deletes_at is not None:
            left = job.deletes_at - datetime.now(UTC)
            text += f"\n\ngetimg keeps it for {remaining_text(left.total_seconds())} more."
        elif job.state is JobState.READY:
            text += "\n\nThe server no longer keeps it, so it cannot be downloaded again."
        self.message.setText(text)
        self.download_again.setVisible(can_fetch)
        self.download_again.setEnabled(can_fetch)
        self.stack.setCurrentIndex(1)
        self._set_clip_actions(False)

    @staticmethod
    def _can_redownload(job: Job) -> bool:
        return (job.remote_id is not None and job.deletes_at is not None
                and job.deletes_at > datetime.now(UTC) and job.state in (JobState.READY, JobState.DOWNLOADING))

    def _set_clip_actions(self, on: bool) -> None:
        self.save_frame.setEnabled(on)
        self.use_last.setEnabled(on)

    def _show_details(self, job: Job) -> None:
        clip = self.clip
        width = clip.width if clip else job.width
        height = clip.height if clip else job.height
        fps = clip.fps if clip else job.fps
        duration = clip.duration if clip else job.duration
        sound = clip.has_sound if clip else job.has_sound
        parts = []
        if width and height:
            parts.append(f"{width}×{height}")
        if fps:
            parts.append(f"{fps:g} fps")
        if duration:
            parts.append(f"{duration:g} s")
        if sound is not None:
            parts.append("sound" if sound else "no sound")
        parts.append(job.request.model)
        if job.cost is not None:
            parts.append(format_money(job.cost, job.currency))
        prompt = job.request.prompt if len(job.request.prompt) <= 400 else job.request.prompt[:399] + "…"
        self.details.setText(" · ".join(parts) + "\n" + prompt)
        self.details.setToolTip(job.request.prompt)

    def _playback_failed(self, text: str) -> None:
        if self.job is not None:
            self._show_problem(self.job, f"This clip cannot be played: {text}")

    # ------------------------------------------------------------------ engine events
    def _job_changed(self, job: Job, previous: JobState) -> None:
        if self.job is None or job.id != self.job.id:
            return
        if job.state is JobState.READY and (previous is not JobState.READY or self.stack.currentIndex() == 1):
            self.load_job(job)  # downloaded again, or finished while shown
        else:
            self.job = job
            self._show_details(job)

    def _jobs_removed(self, ids: tuple[int, ...]) -> None:
        if self.job is not None and self.job.id in ids:
            self.job = None
            self.service.clear()
            self._show_empty()

    def _download_again(self) -> None:
        job = self.job
        if job is None:
            return
        self.download_again.setEnabled(False)
        self.message.setText("Downloading the clip again…")
        self._start(self._redownload(job), name="redownload")

    async def _redownload(self, job: Job) -> None:
        try:
            await self._engine.redownload(job.id)
        except GetimgError as exc:
            self._show_problem(job, f"Could not download it again: {exc.message}")

    # ------------------------------------------------------------------ frames
    def _save_frame(self) -> None:
        frame = self.service.sink().videoFrame()
        if not frame.isValid() or self.job is None:
            self.statusMessage.emit("No frame to save yet")
            return
        image = frame.toImage().copy()
        seconds = self.service.player.position() / 1000
        name = f"{self.job.file_path.stem if self.job.file_path else 'frame'}-{seconds:06.2f}s.png"
        dialog = QFileDialog(self, "Save this frame as PNG", str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("PNG image (*.png)")
        dialog.setDefaultSuffix("png")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda chosen: self._start(self._write_image(image, Path(chosen))))
        dialog.open()

    async def _write_image(self, image: QImage, dest: Path) -> None:
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(None, _save_png, image, dest)
        self.statusMessage.emit(f"Saved {dest}" if ok else f"Could not write {dest}")

    def _use_last_frame(self) -> None:
        if self.job is not None and self.job.file_path is not None:
            self._start(self._chain(self.job.file_path), name="last-frame")

    async def _chain(self, video: Path) -> None:
        loop = asyncio.get_running_loop()
        self.use_last.setEnabled(False)
        try:
            png = await loop.run_in_executor(None, save_last_frame, video, self._frames_dir)
        except Exception as exc:  # OSError or PyAV's errors
            log.info("last frame of %s: %s", video, exc)
            self.statusMessage.emit(f"Could not read the last frame: {exc}")
            return
        finally:
            self.use_last.setEnabled(self.clip is not None)
        self.useAsFirstFrame.emit(png)

    def _start(self, coro: Coroutine[Any, Any, None], name: str | None = None) -> None:
        task = self._tasks.start(coro, name=name)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
