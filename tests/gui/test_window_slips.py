"""No slip costs money or work: several videos are asked about, quitting says what carries on, chaining
clips explains itself, and the settings never undo each other."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from getimg_studio.api.types import GenerationRequest, Role
from getimg_studio.jobs.model import JobState
from getimg_studio.settings import load_settings

CTRL = Qt.KeyboardModifier.ControlModifier


def _box(window: Any) -> QMessageBox | None:
    return next((b for b in window.findChildren(QMessageBox) if b.isVisible()), None)


def test_several_videos_from_ctrl_enter_say_how_many_and_how_much_first(sim: Any, open_window: Callable[..., Any],
                                                                        run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        compose = window.compose
        compose.select_model("seedance-v1-5-pro")
        compose.view.prompt.setPlainText("three takes of a harbour at dawn")
        compose.view.variations.setValue(3)
        compose.view.prompt.setFocus()
        QTest.keyClick(compose.view.prompt, Qt.Key.Key_Return, CTRL)
        box = await until(lambda: _box(window), what="the question")
        assert box.text() == "Make 3 videos?"
        assert "billed about $0.75 in total" in box.informativeText()  # 3 × 5 s × $0.05
        QTest.keyClick(box, Qt.Key.Key_Escape)
        await compose.wait_submitted()
        assert sim.stats()["total_creations"] == 0  # nothing reached getimg
        assert window.services.engine.store.ids() == []
        assert compose.view.form_message.text() == "Nothing was sent."

        compose.submit()
        box = await until(lambda: _box(window), what="the question again")
        next(b for b in box.buttons() if b.text() == "Make 3 videos").click()
        await compose.wait_submitted()
        # Generate returns once the first is on the wire; the local queue sends the other two after it.
        jobs = await window.services.engine.wait_idle(timeout=60)
        assert [j.state for j in jobs] == [JobState.READY] * 3
        assert sim.stats()["total_creations"] == 3

    run(scenario(), timeout=120)


def test_quitting_while_videos_are_made_says_they_carry_on(sim: Any, open_window: Callable[..., Any],
                                                           run: Callable[..., Any]) -> None:
    sim.configure(pending_seconds=30)

    async def scenario() -> None:
        window = await open_window(sim.base_url)
        engine = window.services.engine
        closing: list[bool] = []
        window.closing.connect(lambda: closing.append(True))
        await engine.submit(GenerationRequest("sim-fixed-lite", "a slow sunrise"))
        await until(lambda: engine.store.count() == 1, what="the job")
        window.controller.actions.quit.trigger()
        box = await until(lambda: _box(window), what="the quit question")
        assert box.text() == "Quit while 1 video is being made?"
        assert "picks them up" in box.informativeText()
        assert window.isVisible()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.1)
        assert window.isVisible()
        assert not closing
        window.close()  # the close button asks the same
        box = await until(lambda: _box(window), what="the question again")
        box.checkBox().setChecked(True)  # don't ask again
        next(b for b in box.buttons() if b.text() == "Quit").click()
        await until(lambda: closing, what="the window to close")
        assert not window.controller.settings.current.confirm_quit_active

    run(scenario(), timeout=60)


def test_use_last_frame_on_a_model_without_first_frames_offers_one_that_has_them(
        sim: Any, open_window: Callable[..., Any], run: Callable[..., Any], image_file: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        engine, compose = window.services.engine, window.compose
        job = (await engine.submit(GenerationRequest("sim-fixed-lite", "the first shot")))[0]
        job = (await engine.wait_idle([job.id], timeout=60))[0]
        assert job.state is JobState.READY
        compose.select_model("seedance-v1-5-pro")
        frames = compose.view.frames
        frames.first.set_path(image_file("old-first.png", (1280, 720)))
        await frames.settled()
        frames.last.set_path(image_file("old-last.png", (1280, 720), "#884400"))
        await frames.settled()
        compose.select_model("seedance-v1-pro")  # takes no first frame
        window.player.load_job(job)
        await until(window.player.use_last.isEnabled, what="the clip")
        window.player.use_last.click()
        box = await until(lambda: _box(window), what="the offer")
        assert box.text() == "Seedance 1.0 Pro does not take a first frame."
        next(b for b in box.buttons() if b.text() == "Switch to Seedance 1.5 Pro").click()
        await until(lambda: compose.model is not None and compose.model.id == "seedance-v1-5-pro", what="switch")
        await until(lambda: frames.first.frame is not None and "last" in frames.first.frame.path.name,
                    what="the last frame as first frame")
        await frames.settled()
        assert frames.last.frame is None  # the next clip must not run LAST -> old LAST
        assert [f.role for f in compose.request().frames] == [Role.FIRST_FRAME]

    run(scenario(), timeout=90)


def test_the_empty_queue_says_so_on_the_very_first_start(sim: Any, open_window: Callable[..., Any],
                                                         run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        await asyncio.sleep(0.2)
        empty = window.queue.empty
        assert empty.isVisible()
        assert empty.text() == "No videos yet. Write a prompt and press Generate."
        assert empty.width() > 100
        assert empty.height() > 20

    run(scenario(), timeout=60)


def test_a_settings_save_keeps_what_the_window_changed_meanwhile(sim: Any, open_window: Callable[..., Any],
                                                                  run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url, "--demo")
        dialog = window.controller.open_settings()
        dialog.view.notifications.setChecked(False)
        window.banner.dismiss_button.click()  # while the dialog is open
        dialog.view.save_button.click()
        await window.controller.settings.aflush()
        saved = load_settings(window.services.paths.settings_file)
        assert saved.demo_banner_dismissed
        assert not saved.notifications
        assert not window.banner.isVisible()

    run(scenario(), timeout=60)
