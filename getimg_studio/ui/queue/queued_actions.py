"""What a creator can do with the local queue: move jobs in line, hold them back, resume, edit, pause it all.

Shared by the queue's own bar, the Queue menu, the context menu and the keys, like `QueueActions`. What
a move does is worked out by `waits.moved` from the engine's published order; the rows move when the
engine publishes the new one. The keys are `waits`' constants, so the rows' notes name them truly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from getimg_studio.api.errors import GetimgError
from getimg_studio.jobs.model import Job, JobKind, JobState, QueueStatus
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.ports import QueueControl
from getimg_studio.ui.queue.actions import make_action
from getimg_studio.ui.queue.waits import EDIT_KEY, PAUSE_KEY, QUEUE_KEY, RESUME_KEY, moved, resumable


def _editable(job: Job) -> bool:
    """Open in form: a video not sent yet (the compose form is a video's; an image has its own form)."""
    return job.kind is JobKind.VIDEO and job.state in (JobState.QUEUED, JobState.PAUSED)


class QueuedActions(QObject):
    editRequested = Signal(object)  # Job: open its request in the form, to change it in place
    statusMessage = Signal(str)

    def __init__(self, panel: QWidget, control: QueueControl, selected: Callable[[], list[Job]],
                 queue: Callable[[], QueueStatus], tasks: TaskOwner) -> None:
        super().__init__(panel)
        self._control = control
        self._selected = selected
        self._queue = queue
        self._tasks = tasks
        self.move_up = make_action(panel, "Move up in the queue", lambda: self.do_move(-1), ("Alt+Up",),
                                   "Send the selected queued jobs one place earlier", "up", queue_only=True)
        self.move_down = make_action(panel, "Move down in the queue", lambda: self.do_move(1), ("Alt+Down",),
                                     "Send the selected queued jobs one place later", "down", queue_only=True)
        self.pause = make_action(panel, "Pause job", self.do_pause, (PAUSE_KEY,),
                                 "Keep the selected queued jobs from being sent until you resume them")
        self.resume = make_action(panel, "Resume", self.do_resume, (RESUME_KEY,),
                                  "Put held-back jobs back in line; check jobs that wait on you again")
        self.edit = make_action(panel, "Open in form", self.do_edit, (EDIT_KEY,),
                                "Change this queued job's request; it keeps its place in line")
        self.toggle_queue = make_action(panel, "Pause the queue", self.do_toggle_queue, (QUEUE_KEY,),
                                        "Stop sending queued jobs (nothing in flight is affected)")
        self.update_enabled()

    def all(self) -> list[Any]:
        return [self.move_up, self.move_down, self.pause, self.resume, self.edit, self.toggle_queue]

    def update_enabled(self) -> None:
        jobs = self._selected()
        order = self._queue().order
        ids = [j.id for j in jobs]
        self.move_up.setEnabled(moved(order, ids, -1) is not None)
        self.move_down.setEnabled(moved(order, ids, 1) is not None)
        self.pause.setEnabled(any(j.state is JobState.QUEUED for j in jobs))
        self.resume.setEnabled(any(resumable(j, self._queue()) for j in jobs))
        self.edit.setEnabled(len(jobs) == 1 and _editable(jobs[0]))
        status = self._queue()
        stopped = status.paused or status.held is not None
        self.toggle_queue.setText("Resume the queue" if stopped else "Pause the queue")
        self.toggle_queue.setToolTip(
            f"Send queued jobs again ({QUEUE_KEY})" if stopped else
             f"Stop sending queued jobs; nothing in flight is affected ({QUEUE_KEY})")

    def do_move(self, step: int) -> None:
        ids = [j.id for j in self._selected()]
        target = moved(self._queue().order, ids, step)
        if target is None:
            return
        moving, before = target
        self._run(self._control.reorder(moving, before), "Moving in the queue")

    def do_pause(self) -> None:
        ids = [j.id for j in self._selected() if j.state is JobState.QUEUED]
        if ids:
            self._run(self._control.pause(ids), "Pausing")

    def do_resume(self) -> None:
        status = self._queue()
        jobs = [j for j in self._selected() if resumable(j, status)]
        ids = [j.id for j in jobs if j.state is not JobState.QUEUED]
        if ids:
            self._run(self._control.resume(ids), "Resuming")
        if any(j.state is JobState.QUEUED for j in jobs):  # it waits on the whole queue: that goes on
            self._run(self._control.resume_queue(), "Resuming the queue")
            self.statusMessage.emit("The queue goes on.")

    def do_edit(self) -> None:
        jobs = self._selected()
        if len(jobs) == 1 and _editable(jobs[0]):
            self.editRequested.emit(jobs[0])

    def do_toggle_queue(self) -> None:
        status = self._queue()
        if status.paused or status.held is not None:
            self._run(self._control.resume_queue(), "Resuming the queue")
            self.statusMessage.emit("The queue goes on.")
        else:
            self._run(self._control.pause_queue(), "Pausing the queue")
            self.statusMessage.emit("The queue is paused: nothing more is sent until you resume it.")

    def _run(self, coro: Awaitable[Any], what: str) -> None:
        async def guarded() -> None:
            try:
                await coro
            except GetimgError as exc:
                self.statusMessage.emit(f"{what} failed: {exc}")

        self._tasks.start(guarded())
