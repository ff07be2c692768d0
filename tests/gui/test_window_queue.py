"""The local queue in the whole window: the Queue menu's operations, and Open in form through to the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import JobState
from getimg_studio.ui.window.help import shortcut_rows

LITE = "sim-fixed-lite"


def test_open_in_form_changes_a_queued_job_in_place(sim: Any, open_window: Callable[..., Any],
                                                    run: Callable[..., Any]) -> None:
    sim.configure(pending_seconds=60, max_pending=1)

    async def scenario() -> None:
        window = await open_window(sim.base_url)
        engine = window.services.engine
        jobs = [(await engine.submit(GenerationRequest(LITE, f"take {n} of a lighthouse")))[0] for n in (1, 2, 3)]
        await until(lambda: engine.queue.cap == 1 and len(engine.queue.order) == 2, what="two in line")
        second, third = jobs[1].id, jobs[2].id
        assert list(engine.queue.order) == [second, third]

        # Every queue operation is in the Queue menu, with its key in the shortcuts list.
        menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Queue")
        texts = [a.text() for a in menu.actions()]
        for name in ("Open in form", "Move up in the queue", "Move down in the queue", "Pause job", "Resume",
                     "Pause the queue"):
            assert name in texts
        keys = {(what, key) for _where, what, key in shortcut_rows(window.menuBar())}
        assert ("Move up in the queue", "Alt+Up") in keys
        assert ("Pause the queue", "Ctrl+Shift+P") in keys

        window.queue.select_job(third)
        window.queue.view.setFocus()
        QTest.keyClick(window.queue.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        compose = window.compose
        assert compose.editing == third
        assert compose.view.prompt.toPlainText() == "take 3 of a lighthouse"
        assert compose.view.generate_button.text() == "Save changes"
        compose.view.prompt.setPlainText("take 3 of a lighthouse, at night")
        window.controller.generate()  # Ctrl+Enter: saves, sends nothing new
        await compose.wait_submitted()
        await until(lambda: engine.reader.get(third).request.prompt == "take 3 of a lighthouse, at night",
                    what="the change in the history")
        assert engine.reader.get(third).state is JobState.QUEUED
        assert list(engine.queue.order) == [second, third]  # its place is kept
        assert compose.view.form_message.text() == f"Queued job {third} changed; it keeps its place in line."
        assert sim.stats()["total_creations"] == 1

        # Removed (or sent) while the form was changing it: the form says so and makes new jobs again.
        window.queue.select_job(third)
        window.queue.queued_.edit.trigger()
        assert compose.editing == third
        await engine.remove_queued([third])
        await until(lambda: compose.editing is None, what="the form to let go of the removed job")
        assert compose.view.form_message.text() == (f"Queued job {third} was removed before you saved: Generate "
                                                   "now makes a new job from the form.")
        assert compose.view.generate_button.text() == "Generate"

    run(scenario(), timeout=90)
