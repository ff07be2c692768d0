"""The wired main window against the simulator: a run from prompt to a saved file, and rejections shown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QUrl
from pytestqt.qtbot import QtBot

from getimg_studio.jobs.model import JobState
from getimg_studio.ui.main_window import MainWindow

PROMPT = "A paper boat drifting down a rainy street, slow dolly shot"




async def _type_drop_submit(window: MainWindow, qtbot: QtBot, drop: Callable[..., bool], frame: Path | None,
                            prompt: str = PROMPT) -> None:
    compose = window.compose
    compose.prompt.setFocus()
    qtbot.keyClicks(compose.prompt, prompt)
    if frame is not None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(frame))])
        assert drop(compose.frames.first, mime)
        await compose.frames.settled()
    qtbot.keyClick(compose.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    await compose.wait_submitted()


def test_end_to_end_prompt_frame_ctrl_enter_to_ready(open_window: Callable[..., MainWindow], sim: Any,
                                                     run: Callable[..., Any], qtbot: QtBot,
                                                     drop: Callable[..., bool],
                                                     image_file: Callable[..., Path]) -> None:
    window = open_window(sim.base_url)
    compose = window.compose
    assert compose.select_model("seedance-v1-5-pro")
    compose.sound_check.setChecked(True)
    estimate = compose.estimate.amount
    assert estimate == Decimal("0.375")  # 720p with sound, 5 s at 0.075

    async def flow() -> Any:
        await _type_drop_submit(window, qtbot, drop, image_file("first.png", (1280, 720)))
        assert compose.prompt.toPlainText() == PROMPT  # the form keeps what was typed
        ids = window.engine.store.ids()
        assert len(ids) == 1
        jobs = await window.engine.wait_idle(ids, timeout=60)
        return jobs[0]

    job = run(flow(), timeout=90)
    assert job.state is JobState.READY, job.error_message
    assert job.file_path is not None
    assert Path(job.file_path).is_file()
    assert Path(job.file_path).stat().st_size > 1000
    assert job.request.frames
    assert job.request.frames[0].role.value == "first_frame"
    assert job.cost == estimate  # the estimate equals the simulator's billed usage.total_cost
    assert "Spent this session: $0.375" in window.status.spent_label.text()
    assert window.status.mode_label.text().startswith("Live: 127.0.0.1")


def test_rejections_show_at_the_right_place(open_window: Callable[..., MainWindow], sim: Any,
                                            run: Callable[..., Any], qtbot: QtBot,
                                            drop: Callable[..., bool]) -> None:
    window = open_window(sim.base_url)
    compose = window.compose
    compose.select_model("seedance-v1-pro")

    sim.add_fault("create", status=422)
    run(_type_drop_submit(window, qtbot, drop, None))
    prompt_message = compose.messages.labels["prompt"]
    assert prompt_message.isVisible()
    assert prompt_message.property("hint") == "error"
    assert prompt_message.text()
    assert compose.prompt.toPlainText() == PROMPT
    assert compose.generate_button.isEnabled()

    sim.configure(balance=Decimal("0.01"))
    run(_submit(window))
    assert compose.cost_warning.isVisible()
    assert compose.cost_warning.property("hint") == "error"
    sim.configure(balance=Decimal("50"))

    sim.add_fault("create", status=429, retry_after=0, count=10)
    run(_submit(window))
    assert compose.form_message.isVisible()
    assert compose.form_message.property("hint") == "error"
    assert compose.form_message.text()
    states = [window.engine.store.get(i).state for i in window.engine.store.ids()]  # type: ignore[union-attr]
    assert states
    assert all(s is JobState.REJECTED for s in states)


def test_bad_key_is_explained_with_a_way_to_settings(open_window: Callable[..., MainWindow],
                                                     sim_factory: Any, run: Callable[..., Any],
                                                     qtbot: QtBot, drop: Callable[..., bool]) -> None:
    sim = sim_factory(api_keys=frozenset({"good"}), pending_seconds=0.2)
    window = open_window(sim.base_url)
    if not window.compose.model:  # the catalogue itself needs a key: nothing to pick
        assert window.compose.generate_button.isEnabled() is False
        return
    run(_type_drop_submit(window, qtbot, drop, None))
    assert "Open settings" in window.compose.form_message.text()


async def _submit(window: MainWindow) -> None:
    assert window.compose.generate_button.isEnabled(), window.compose.generate_reason.text()
    window.compose.submit()
    await window.compose.wait_submitted()
    await asyncio.sleep(0)
