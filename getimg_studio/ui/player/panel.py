"""The embedded player panel: the video, its controls, the clip's details and what to do with its frames.

`load_job(job)` plays a finished job's file. A missing or unreadable file is said in words, with a
"Download again" button while the server still keeps the video (`PlayerPorts.redownload`). "Use last
frame" writes the clip's final frame as a PNG and emits `useAsFirstFrame(Path)`; the window hands it to
the compose form, which decides whether the chosen model can start from it.

The multimedia stack (QtMultimedia's FFmpeg backend, a video surface) is created by `prepare()`, at the
first clip or once the window has painted, never before the first paint. `actions` are the Playback
menu's keys; they act wherever focus is in the window (text fields keep their own keys).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import format_money
from getimg_studio.jobs.model import Job, JobKind, JobState
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.player.controls import PlayerControls
from getimg_studio.ui.player.frames import ClipInfo, probe_clip, save_last_frame
from getimg_studio.ui.player.picture import PictureView, read_picture
from getimg_studio.ui.ports import PlayerPorts
from getimg_studio.ui.queue.format import remaining_text

if TYPE_CHECKING:
    from PySide6.QtMultimediaWidgets import QVideoWidget

    from getimg_studio.ui.player.fullscreen import FullscreenView
    from getimg_studio.ui.player.service import PlayerService

log = logging.getLogger(__name__)
JUMP_SECONDS = 5.0
EMPTY_TEXT = "Double-click a finished clip in the queue (or select it and press Enter) to play it here."


class _Unwound:
    """`shutdown()`'s result: the work is already cancelled; awaiting it waits for the tasks to unwind."""

    def __init__(self, tasks: list[asyncio.Task[Any]]) -> None:
        self._tasks = tasks

    def __await__(self) -> Generator[Any, None, None]:
        if self._tasks:
            yield from asyncio.wait(self._tasks, timeout=5).__await__()


class PlayerPanel(QWidget):
    useAsFirstFrame = Signal(object)  # Path of a PNG of the clip's last frame
    statusMessage = Signal(str)

    def __init__(self, ports: PlayerPorts, bridge: EngineBridge, parent: QWidget | None = None, *,
                 model_name: Callable[[str], str] = lambda model_id: model_id) -> None:
        super().__init__(parent)
        self.setAccessibleName("Player")
        self.setMinimumWidth(260)
        self._ports = ports
        self._model_name = model_name
        self._tasks = TaskOwner("player")
        self._running: set[asyncio.Task[Any]] = set()
        self.job: Job | None = None
        self.clip: ClipInfo | None = None
        self.video: QVideoWidget | None = None
        self.service: PlayerService | None = None
        self.fullscreen: FullscreenView | None = None
        self.picture: PictureView | None = None  # made when the first image job is shown

        self.message = QLabel(self)
        self.message.setAccessibleName("Player message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.download_again = QPushButton("Download again", self)
        self.download_again.setAccessibleName("Download again")
        self.download_again.setAutoDefault(True)
        self.problem = QWidget(self)
        problem_layout = QVBoxLayout(self.problem)
        problem_layout.addStretch(1)
        problem_layout.addWidget(self.message)
        problem_layout.addWidget(self.download_again, 0, Qt.AlignmentFlag.AlignHCenter)
        problem_layout.addStretch(1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.problem)
        self.stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.controls = PlayerControls(self)
        self.details = QLabel(self)
        self.details.setAccessibleName("Clip details")
        self.details.setWordWrap(True)
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_frame = QPushButton("Save frame…", self)
        self.save_frame.setAccessibleName("Save this frame as PNG")
        self.save_frame.setToolTip("Save the frame on screen as a PNG (Ctrl+Shift+S)")
        self.use_last = QPushButton("Use last frame", self)
        self.use_last.setAccessibleName("Use last frame as first frame")
        self.use_last.setToolTip("Start the next clip from this clip's final frame (Ctrl+L)")
        for button in (self.save_frame, self.use_last):
            button.setAutoDefault(True)
        buttons = QHBoxLayout()
        self.buttons = buttons  # the row of what to do with the clip; other features add theirs (export)
        buttons.addWidget(self.save_frame)
        buttons.addWidget(self.use_last)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.controls)
        layout.addWidget(self.details)
        layout.addLayout(buttons)

        self.actions_ = self._make_actions()
        self.controls.fullscreenRequested.connect(self.toggle_fullscreen)
        self.download_again.clicked.connect(self._download_again)
        self.save_frame.clicked.connect(self._save_frame)
        self.use_last.clicked.connect(self._use_last_frame)
        bridge.jobChanged.connect(self._job_changed)
        bridge.jobsRemoved.connect(self._jobs_removed)
        self._show_empty()

    # ------------------------------------------------------------------ keys
    def _make_actions(self) -> dict[str, QAction]:
        def make(name: str, text: str, keys: tuple[str, ...], handler: Callable[[], None]) -> QAction:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(handler)
            self.addAction(action)
            made[name] = action
            return action

        made: dict[str, QAction] = {}
        make("play", "Play / pause", ("Space",), self._space)
        make("frame_back", "Previous frame", (",",), lambda: self._with_service(lambda s: s.step(-1)))
        make("frame_forward", "Next frame", (".",), lambda: self._with_service(lambda s: s.step(1)))
        make("back", f"Back {JUMP_SECONDS:g} s", ("Shift+Left",),
             lambda: self._with_service(lambda s: s.jump(-JUMP_SECONDS)))
        make("forward", f"Forward {JUMP_SECONDS:g} s", ("Shift+Right",),
             lambda: self._with_service(lambda s: s.jump(JUMP_SECONDS)))
        make("slower", "Slower", ("[",), lambda: self._with_service(lambda s: s.step_speed(-1)))
        make("faster", "Faster", ("]",), lambda: self._with_service(lambda s: s.step_speed(1)))
        make("loop", "Loop", ("L",), self.controls.loop_button.toggle)
        make("mute", "Mute", ("M",), lambda: self._with_service(lambda s: s.set_muted(not s.audio.isMuted())))
        make("fullscreen", "Fullscreen", ("F", "F11"), self.toggle_fullscreen)
        make("save_frame", "Save this frame as PNG…", ("Ctrl+Shift+S",), self._save_frame)
        make("use_last", "Use last frame as first frame", ("Ctrl+L",), self._use_last_frame)
        made["loop"].setCheckable(True)
        made["loop"].setChecked(True)
        self.controls.loop_button.toggled.connect(made["loop"].setChecked)
        return made

    def _space(self) -> None:
        # A focused check box or radio button keeps Space (it has no other key); elsewhere it plays/pauses.
        focus = QApplication.focusWidget()
        if isinstance(focus, QCheckBox | QRadioButton) and focus.isEnabled():
            focus.click()
            return
        self._with_service(lambda s: s.toggle())

    def _with_service(self, act: Callable[[PlayerService], None]) -> None:
        if self.service is not None and self.clip is not None:
            act(self.service)

    # ------------------------------------------------------------------ public
    def prepare(self) -> None:
        """Create the multimedia stack now (idempotent): the first clip, or idle time after the first paint."""
        if self.service is not None:
            return
        from PySide6.QtMultimediaWidgets import QVideoWidget

        from getimg_studio.ui.player.service import PlayerService

        self.video = QVideoWidget(self)
        self.video.setAccessibleName("Video")
        self.video.setMinimumSize(240, 135)
        self.video.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.stack.addWidget(self.video)
        self.service = PlayerService(self.video, self)
        self.controls.bind(self.service)
        self.service.failed.connect(self._playback_failed)

    def load_job(self, job: Job) -> None:
        self._show_clip_controls(job.kind is not JobKind.IMAGE)
        if job.kind is JobKind.IMAGE:
            self._load_picture(job)
            return
        self.prepare()
        assert self.service is not None
        self.job = job
        self.clip = None
        self.service.clear()
        self._show_details(job)
        self._start(self._open(job), name="open")

    def toggle_fullscreen(self) -> None:
        if self.fullscreen is not None and self.fullscreen.isVisible():
            self.fullscreen.leave()
            return
        if self.service is None or self.video is None or self.stack.currentWidget() is not self.video:
            return
        if self.fullscreen is None:
            from getimg_studio.ui.player.fullscreen import FullscreenView

            self.fullscreen = FullscreenView(self.service, list(self.actions_.values()), self)
        self.fullscreen.enter(self.video)

    @property
    def is_fullscreen(self) -> bool:
        return self.fullscreen is not None and self.fullscreen.isVisible()

    def shutdown(self) -> _Unwound:
        """Stops playback and cancels the panel's work now; `await panel.shutdown()` also waits for it."""
        if self.fullscreen is not None:
            self.fullscreen.leave()
        if self.service is not None:
            self.service.clear()
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
        if self.job is not job or self.service is None or self.video is None:
            return
        self.clip = clip
        self._show_details(job)
        self.stack.setCurrentWidget(self.video)
        self._set_clip_actions(True)
        self.service.load(path, clip.fps)
        self.service.play()

    def _show_empty(self) -> None:
        self.message.setText(EMPTY_TEXT)
        self.download_again.hide()
        self.stack.setCurrentWidget(self.problem)
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
        if self.fullscreen is not None:
            self.fullscreen.leave()
        self.stack.setCurrentWidget(self.problem)
        self._set_clip_actions(False)

    @staticmethod
    def _can_redownload(job: Job) -> bool:
        return (job.remote_id is not None and job.deletes_at is not None
                and job.deletes_at > datetime.now(UTC) and job.state in (JobState.READY, JobState.DOWNLOADING))

    def _set_clip_actions(self, on: bool) -> None:
        self.controls.set_loaded(on)
        self.save_frame.setEnabled(on)
        self.use_last.setEnabled(on)
        for action in self.actions_.values():
            action.setEnabled(on)

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
        parts.append(self._model_name(job.request.model))
        if job.cost is not None:
            parts.append(format_money(job.cost, job.currency))
        prompt = job.request.prompt if len(job.request.prompt) <= 400 else job.request.prompt[:399] + "…"
        self.details.setText(" · ".join(parts) + "\n" + prompt)
        self.details.setToolTip(job.request.prompt)

    def _playback_failed(self, text: str) -> None:
        if self.job is not None:
            self._show_problem(self.job, f"This clip cannot be played: {text}")

    # ------------------------------------------------------------------ an image job (issue 12)
    def _load_picture(self, job: Job) -> None:
        if self.service is not None:
            self.service.clear()
        if self.picture is None:
            self.picture = PictureView(self)
            self.stack.addWidget(self.picture)
        self.job, self.clip = job, None
        self._set_clip_actions(False)  # nothing to play, no frames to save: it is a picture
        self._show_details(job)
        self._start(self._open_picture(job, self.picture), name="open")

    def _show_clip_controls(self, on: bool) -> None:
        """A picture has nothing to play and no frames to save: its page shows no such controls."""
        for widget in (self.controls, self.save_frame, self.use_last):
            widget.setVisible(on)

    async def _open_picture(self, job: Job, view: PictureView) -> None:
        path = job.file_path
        if job.state is not JobState.READY or path is None:
            self._show_problem(job, "This image has not been saved yet.")
            return
        try:
            image = await asyncio.get_running_loop().run_in_executor(None, read_picture, path)
        except OSError as exc:
            log.info("cannot read %s: %s", path, exc)
            self._show_problem(job, f"The image file is missing or cannot be read:\n{path}")
            return
        if self.job is job:
            view.set_image(image)
            self.stack.setCurrentWidget(view)

    # ------------------------------------------------------------------ engine events
    def _job_changed(self, job: Job, previous: JobState) -> None:
        if self.job is None or job.id != self.job.id:
            return
        showing_problem = self.stack.currentWidget() is self.problem
        if job.state is JobState.READY and (previous is not JobState.READY or showing_problem):
            self.load_job(job)  # downloaded again, or finished while shown
        else:
            self.job = job
            self._show_details(job)

    def _jobs_removed(self, ids: tuple[int, ...]) -> None:
        if self.job is not None and self.job.id in ids:
            self.job = None
            self.clip = None
            if self.service is not None:
                self.service.clear()
            if self.fullscreen is not None:
                self.fullscreen.leave()
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
            await self._ports.redownload(job.id)
        except GetimgError as exc:
            self._show_problem(job, f"Could not download it again: {exc.message}")

    # ------------------------------------------------------------------ frames
    def _save_frame(self) -> None:
        if self.service is None or self.job is None:
            return
        if not self.service.sink().videoFrame().isValid():
            self.statusMessage.emit("No frame to save yet")
            return
        job = self.job
        seconds = self.service.player.position() / 1000
        name = f"{self.job.file_path.stem if self.job.file_path else 'frame'}-{seconds:06.2f}s.png"
        dialog = QFileDialog(self.window(), "Save this frame as PNG", str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("PNG image (*.png)")
        dialog.setDefaultSuffix("png")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda chosen: self._start(self._write_frame(job, seconds, Path(chosen))))
        dialog.open()

    async def _write_frame(self, job: Job, seconds: float, dest: Path) -> None:
        # Decoded again from the file at that time, as an export is: the PNG carries the clip's recipe.
        try:
            await self._ports.save_frame(job, dest, seconds)
        except Exception as exc:  # OSError or the media package's MediaError
            log.info("save frame of job %s: %s", job.id, exc)
            self.statusMessage.emit(f"Could not write {dest}: {getattr(exc, 'message', exc)}")
            return
        self.statusMessage.emit(f"Saved {dest} (with the clip's recipe)")

    def _use_last_frame(self) -> None:
        if self.job is not None and self.job.file_path is not None and self.clip is not None:
            self._start(self._chain(self.job.file_path), name="last-frame")

    async def _chain(self, video: Path) -> None:
        loop = asyncio.get_running_loop()
        self.use_last.setEnabled(False)
        try:
            png = await loop.run_in_executor(None, save_last_frame, video, self._ports.frames_dir)
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
