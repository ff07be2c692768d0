"""What a creator can do with the selected jobs, as QActions shared by the toolbar, the menus and the keys.

Engine calls run as kept tasks; questions (retry several, stop tracking, remove, save as) are non-modal
dialogs opened with `open()`, whose answer starts the work, so nothing ever spins a nested event loop.

Keys: actions with a modifier (Ctrl+R retry, Ctrl+D favourite...) work from anywhere in the window, on
the queue's selection; Enter, Delete and Ctrl+C only while the queue has focus, where they cannot be
confused with typing or with a frame slot's own Delete and paste.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import Role
from getimg_studio.jobs.model import Job, JobKind, JobState
from getimg_studio.settings import SettingsStore
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common import file_actions
from getimg_studio.ui.common.confirm import ask, confirm_generations, plural, total_cost
from getimg_studio.ui.common.theme import bind_icon
from getimg_studio.ui.ports import QueuePorts

log = logging.getLogger(__name__)

_STOPPABLE = (JobState.PENDING, JobState.DOWNLOADING)


def _playable(job: Job) -> bool:
    return job.state is JobState.READY


def _has_file(job: Job) -> bool:
    return job.file_path is not None


def _usable_image(job: Job) -> bool:
    return job.kind is JobKind.IMAGE and job.state is JobState.READY and job.file_path is not None


class QueueActions(QObject):
    playRequested = Signal(object)  # Job
    remixRequested = Signal(object)  # GenerationRequest
    statusMessage = Signal(str)
    # Images (issue 12)
    useImageRequested = Signal(object, object)  # a ready image job's file (Path), the frame Role to fill
    remixImageRequested = Signal(object)  # ImageRequest: into the image form

    def __init__(self, panel: QWidget, ports: QueuePorts, settings: SettingsStore,
                 selected: Callable[[], list[Job]], tasks: TaskOwner) -> None:
        super().__init__(panel)
        self._widget = panel
        self._ports = ports
        self._settings = settings
        self._selected = selected
        self._tasks = tasks

        def make(text: str, handler: Callable[[], None], keys: tuple[QKeySequence | str, ...] = (),
                 tip: str = "", icon: str = "", queue_only: bool = False) -> QAction:
            action = QAction(text, panel)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut if queue_only
                                      else Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{tip or text} ({action.shortcut().toString()})" if keys else (tip or text))
            action.triggered.connect(handler)
            if icon:
                bind_icon(action, icon)
            panel.addAction(action)
            return action

        self.play = make("Play", self.do_play, ("Return", "Enter"), "Play in the player", "play", queue_only=True)
        self.reveal = make("Show in folder", self.do_reveal, ("Ctrl+Shift+O",), "Show the file in the file manager",
                           "folder")
        self.open_external = make("Open in system player", self.do_open_external, ("Ctrl+O",))
        self.save_as = make("Save a copy as…", self.do_save_as, ("Ctrl+S",), "Save a copy of the video", "save")
        self.copy_prompt = make("Copy prompt", self.do_copy_prompt, (QKeySequence.StandardKey.Copy,),  # type: ignore[arg-type]
                                queue_only=True)
        self.copy_id = make("Copy job ID", self.do_copy_id, ("Ctrl+Shift+C",))
        self.remix = make("Remix", self.do_remix, ("Ctrl+E",), "Load this request into the form", "remix")
        self.retry = make("Retry", self.do_retry, ("Ctrl+R",), "Submit the same request again (billed again)",
                          "retry")
        self.favourite = make("Favourite", self.do_favourite, ("Ctrl+D",), "Mark or unmark as favourite", "star")
        self.stop = make("Stop tracking", self.do_stop, ("Ctrl+T",), "Stop polling; the server may still bill it",
                         "stop")
        self.remove = make("Remove", self.do_remove, ("Delete",), "Remove from the history", "remove",
                           queue_only=True)
        self.favourite.setCheckable(True)
        # Images (issue 12): a ready image from the history into one of the form's frame slots.
        self.use_first = make("Use as first frame", lambda: self._use_image(Role.FIRST_FRAME))
        self.use_last = make("Use as last frame", lambda: self._use_image(Role.LAST_FRAME))
        self.use_reference = make("Use as reference image", lambda: self._use_image(Role.REFERENCE_IMAGE))
        self.update_enabled()

    def all(self) -> list[QAction]:
        return [self.play, self.reveal, self.open_external, self.save_as, self.copy_prompt, self.copy_id,
                self.remix, self.retry, self.favourite, self.stop, self.remove]

    def update_enabled(self) -> None:
        jobs = self._selected()
        one = jobs[0] if len(jobs) == 1 else None
        self.play.setEnabled(one is not None and _playable(one))
        for action in (self.reveal, self.open_external, self.save_as):
            action.setEnabled(one is not None and _has_file(one))
        for action in (self.copy_prompt, self.copy_id, self.remix):
            action.setEnabled(one is not None)
        self.retry.setEnabled(bool(jobs) and all(j.state.terminal for j in jobs))
        self.stop.setEnabled(bool(jobs) and all(j.state in _STOPPABLE for j in jobs))
        self.remove.setEnabled(bool(jobs))
        self.favourite.setEnabled(bool(jobs))
        self.favourite.setChecked(bool(jobs) and all(j.favourite for j in jobs))
        for action in self.image_uses():
            action.setEnabled(one is not None and _usable_image(one))

    def image_uses(self) -> tuple[QAction, QAction, QAction]:
        return self.use_first, self.use_last, self.use_reference

    def _use_image(self, role: Role) -> None:
        job = self._one()
        if job is not None and _usable_image(job) and job.file_path is not None:
            self.useImageRequested.emit(job.file_path, role)

    # ------------------------------------------------------------------ single-job actions
    def _one(self) -> Job | None:
        jobs = self._selected()
        return jobs[0] if len(jobs) == 1 else None

    def do_play(self) -> None:
        job = self._one()
        if job is not None and _playable(job):
            self.playRequested.emit(job)

    def do_reveal(self) -> None:
        job = self._one()
        if job is not None and job.file_path is not None and not file_actions.reveal_in_file_manager(job.file_path):
            self._no_desktop_app("No file manager could be opened", job.file_path)

    def do_open_external(self) -> None:
        job = self._one()
        if job is not None and job.file_path is not None and not file_actions.open_in_system_player(job.file_path):
            self._no_desktop_app("No video player could be opened", job.file_path)

    def do_copy_prompt(self) -> None:
        job = self._one()
        if job is not None:
            file_actions.copy_to_clipboard(job.request.prompt)
            self.statusMessage.emit("Prompt copied")

    def do_copy_id(self) -> None:
        """The server's id when there is one: it is what getimg support and the API know the job by."""
        job = self._one()
        if job is not None:
            file_actions.copy_to_clipboard(job.remote_id or str(job.id))
            self.statusMessage.emit("Job ID copied")

    def do_remix(self) -> None:
        job = self._one()
        if job is not None and job.kind is JobKind.IMAGE:
            self.remixImageRequested.emit(job.request)
        elif job is not None:
            self.remixRequested.emit(job.request)

    def do_save_as(self) -> None:
        job = self._one()
        if job is None or job.file_path is None:
            return
        source = job.file_path
        dialog = QFileDialog(self._widget, "Save a copy as", str(Path.home() / source.name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        suffix = source.suffix.lstrip(".") or "mp4"
        dialog.setNameFilter(f"Image (*.{suffix})" if job.kind is JobKind.IMAGE else "MP4 video (*.mp4)")
        dialog.setDefaultSuffix(suffix)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda chosen: self._run(self._copy(source, Path(chosen)), "Saving a copy"))
        dialog.open()

    async def _copy(self, source: Path, dest: Path) -> None:
        try:
            await file_actions.copy_file(source, dest)
        except OSError as exc:
            self._warn("Could not save the copy", f"{dest}: {exc.strerror or exc}")
            return
        self.statusMessage.emit(f"Saved a copy as {dest}")

    # ------------------------------------------------------------------ multi-job actions
    def do_retry(self) -> None:
        jobs = [j for j in self._selected() if j.state.terminal]
        if not jobs:
            return
        total = total_cost([self._ports.catalogue.estimate(j.request) for j in jobs])
        answer = confirm_generations(self._widget.window(), len(jobs), total,
                                     self._settings.current.confirm_batch_over, what="Retry")
        ids = [j.id for j in jobs]

        def answered(future: Any) -> None:
            if not future.result():
                self.statusMessage.emit("Nothing was retried.")
                return
            for job_id in ids:
                self._run(self._ports.retry(job_id), "Retrying")

        answer.add_done_callback(answered)

    def do_favourite(self) -> None:
        jobs = self._selected()
        if jobs:
            on = not all(j.favourite for j in jobs)
            self._run(self._ports.set_favourite([j.id for j in jobs], on), "Favourite")

    def do_stop(self) -> None:
        jobs = [j for j in self._selected() if j.state in _STOPPABLE]
        if not jobs:
            return
        ids = [j.id for j in jobs]
        _box, answer = ask(self._widget.window(), "Stop tracking", f"Stop tracking {plural(len(jobs), 'job')}?",
                           "getimg has no cancel: the server may still finish the video and bill it. "
                           "It will not be downloaded.", "Stop tracking", destructive=True)

        def answered(future: Any) -> None:
            if future.result()[0]:
                for job_id in ids:
                    self._run(self._ports.stop_tracking(job_id), "Stop tracking")

        answer.add_done_callback(answered)

    def do_remove(self) -> None:
        jobs = self._selected()
        if not jobs:
            return
        ids = [j.id for j in jobs]
        n = len(jobs)
        box = QMessageBox(QMessageBox.Icon.Question, "Remove from history",
                          f"Remove {plural(n, 'job')} from the history?", parent=self._widget.window())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        with_files = sum(1 for j in jobs if j.file_path is not None)
        delete = keep = None
        if with_files:
            box.setInformativeText("It has a saved video." if n == 1 else
                                   f"{with_files} of them ha{'s' if with_files == 1 else 've'} a saved video.")
            delete = box.addButton("Remove and delete files", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("Remove, keep files", QMessageBox.ButtonRole.AcceptRole)
        else:
            keep = box.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is not None and clicked in (delete, keep):
                self._run(self._ports.remove(ids, clicked is delete), "Removing")

        box.finished.connect(answered)
        box.open()

    # ------------------------------------------------------------------ plumbing
    def _run(self, coro: Awaitable[Any], what: str) -> None:
        async def guarded() -> None:
            try:
                await coro
            except GetimgError as exc:
                self._warn(f"{what} failed", str(exc))

        self._tasks.start(guarded())

    def _no_desktop_app(self, title: str, path: Path) -> None:
        self._warn(title, f"This desktop has no application for it. The file is here:\n{path}")

    def _warn(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self._widget.window())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        self.statusMessage.emit(f"{title}: {text}")
