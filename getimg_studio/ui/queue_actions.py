"""What a creator can do with the selected jobs, as QActions shared by the toolbar, the menu and the keys.

Engine calls run as kept tasks; questions (stop tracking, remove, save as) are non-modal dialogs
opened with `open()`, whose answer starts the work, so nothing ever spins a nested event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from getimg_studio.api.errors import GetimgError
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui import file_actions

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade as Engine  # the engine on its own thread

log = logging.getLogger(__name__)


def _playable(job: Job) -> bool:
    return job.state is JobState.READY


def _has_file(job: Job) -> bool:
    return job.file_path is not None


class QueueActions(QObject):
    playRequested = Signal(object)  # Job
    remixRequested = Signal(object)  # GenerationRequest
    retryRequested = Signal(int)  # the retried job's id, after engine.retry was called
    statusMessage = Signal(str)

    def __init__(self, parent: QWidget, engine: Engine, selected: Callable[[], list[Job]],
                 tasks: TaskOwner) -> None:
        super().__init__(parent)
        self._widget = parent
        self._engine = engine
        self._selected = selected
        self._tasks = tasks
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut

        def make(text: str, handler: Callable[[], None], keys: tuple[QKeySequence | str, ...] = (),
                 tip: str = "") -> QAction:
            action = QAction(text, parent)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(ctx)
            action.setToolTip(f"{tip or text} ({action.shortcut().toString()})" if keys else (tip or text))
            action.triggered.connect(handler)
            parent.addAction(action)
            return action

        self.play = make("Play", self.do_play, ("Return", "Enter"), "Play in the player")
        self.reveal = make("Show in folder", self.do_reveal, ("Ctrl+Shift+O",), "Show the file in the file manager")
        self.open_external = make("Open in system player", self.do_open_external, ("Ctrl+O",))
        self.save_as = make("Save a copy as…", self.do_save_as, ("Ctrl+S",))
        self.copy_prompt = make("Copy prompt", self.do_copy_prompt, (QKeySequence.StandardKey.Copy,))  # type: ignore[arg-type]
        self.copy_id = make("Copy job ID", self.do_copy_id, ("Ctrl+Shift+C",))
        self.remix = make("Remix", self.do_remix, ("Ctrl+E",), "Load this request into the form")
        self.retry = make("Retry", self.do_retry, ("Ctrl+R",), "Submit the same request again (billed again)")
        self.favourite = make("Favourite", self.do_favourite, ("Ctrl+D",), "Mark or unmark as favourite")
        self.stop = make("Stop tracking", self.do_stop, (), "Stop polling; the server may still bill it")
        self.remove = make("Remove", self.do_remove, ("Delete",), "Remove from the history")
        self.favourite.setCheckable(True)
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
        self.stop.setEnabled(bool(jobs) and all(j.state in (JobState.PENDING, JobState.DOWNLOADING)
                                                for j in jobs))
        self.remove.setEnabled(bool(jobs))
        self.favourite.setEnabled(bool(jobs))
        self.favourite.setChecked(bool(jobs) and all(j.favourite for j in jobs))

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
        if job is not None and job.file_path is not None:
            file_actions.reveal_in_file_manager(job.file_path)

    def do_open_external(self) -> None:
        job = self._one()
        if job is not None and job.file_path is not None:
            file_actions.open_in_system_player(job.file_path)

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
        if job is not None:
            self.remixRequested.emit(job.request)

    def do_save_as(self) -> None:
        job = self._one()
        if job is None or job.file_path is None:
            return
        source = job.file_path
        dialog = QFileDialog(self._widget, "Save a copy as", str(Path.home() / source.name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter("MP4 video (*.mp4)")
        dialog.setDefaultSuffix("mp4")
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
        for job in self._selected():
            if job.state.terminal:
                self._run(self._engine.retry(job.id), "Retrying")
                self.retryRequested.emit(job.id)

    def do_favourite(self) -> None:
        jobs = self._selected()
        if jobs:
            on = not all(j.favourite for j in jobs)
            self._run(self._engine.set_favourite([j.id for j in jobs], on), "Favourite")

    def do_stop(self) -> None:
        jobs = [j for j in self._selected() if j.state in (JobState.PENDING, JobState.DOWNLOADING)]
        if not jobs:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Stop tracking",
                          f"Stop tracking {len(jobs)} job{'s' if len(jobs) > 1 else ''}?", parent=self._widget)
        box.setInformativeText("getimg has no cancel: the server may still finish the video and bill it. "
                               "It will not be downloaded.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Stop tracking")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ids = [j.id for j in jobs]

        def answered(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                for job_id in ids:
                    self._run(self._engine.stop_tracking(job_id), "Stop tracking")

        box.finished.connect(answered)
        box.open()

    def do_remove(self) -> None:
        jobs = self._selected()
        if not jobs:
            return
        ids = [j.id for j in jobs]
        n = len(jobs)
        box = QMessageBox(QMessageBox.Icon.Question, "Remove from history",
                          f"Remove {n} job{'s' if n > 1 else ''} from the history?", parent=self._widget)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        with_files = sum(1 for j in jobs if j.file_path is not None)
        delete = keep = None
        if with_files:
            box.setInformativeText(f"{with_files} of them ha{'s' if with_files == 1 else 've'} a saved video.")
            delete = box.addButton("Remove and delete files", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("Remove, keep files", QMessageBox.ButtonRole.AcceptRole)
        else:
            keep = box.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is not None and clicked in (delete, keep):
                self._run(self._engine.remove(ids, delete_files=clicked is delete), "Removing")

        box.finished.connect(answered)
        box.open()

    # ------------------------------------------------------------------ plumbing
    def _run(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        async def guarded() -> None:
            try:
                await coro
            except GetimgError as exc:
                self._warn(f"{what} failed", str(exc))

        self._tasks.start(guarded())

    def _warn(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self._widget)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.statusMessage.emit(f"{title}: {text}")
