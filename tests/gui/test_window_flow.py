"""The wired main window against the simulator: a run from prompt to a saved file, and rejections shown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QUrl
from pytestqt.qtbot import QtBot

from getimg_studio.jobs.model import Job, JobState
from getimg_studio.ui.window.main_window import MainWindow

PROMPT = "A paper boat drifting down a rainy street, slow dolly shot"
OpenWindow = Callable[..., Any]


async def _type_drop_submit(window: MainWindow, qtbot: QtBot, drop: Callable[..., bool], frame: Path | None,
                            prompt: str = PROMPT) -> None:
    compose = window.compose
    compose.view.prompt.setFocus()
    qtbot.keyClicks(compose.view.prompt, prompt)
    if frame is not None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(frame))])
        assert drop(compose.view.frames.first, mime)
        await compose.view.frames.settled()
    qtbot.keyClick(compose.view.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    await compose.wait_submitted()


async def _submit(window: MainWindow) -> None:
    assert window.compose.view.generate_button.isEnabled(), window.compose.view.generate_reason.text()
    window.compose.view.generate_button.click()
    await window.compose.wait_submitted()


def test_end_to_end_prompt_frame_ctrl_enter_to_ready(sim: Any, open_window: OpenWindow, run: Callable[..., Any],
                                                     qtbot: QtBot, drop: Callable[..., bool],
                                                     image_file: Callable[..., Path]) -> None:
    estimate = Decimal("0.375")  # 720p with sound, 5 s at 0.075

    async def scenario() -> tuple[MainWindow, Job]:
        window = await open_window(sim.base_url)
        compose = window.compose
        assert compose.select_model("seedance-v1-5-pro")
        compose.view.sound_check.setChecked(True)
        assert compose.estimate.amount == estimate
        await _type_drop_submit(window, qtbot, drop, image_file("first.png", (1280, 720)))
        assert compose.view.prompt.toPlainText() == PROMPT  # the form keeps what was typed
        ids = window.services.engine.store.ids()
        assert len(ids) == 1
        jobs = await window.services.engine.wait_idle(ids, timeout=60)
        for _ in range(40):  # the balance refresh that follows a completion
            if "49.62" in window.status.balance_label.text():
                break
            await asyncio.sleep(0.05)
        return window, jobs[0]

    window, job = run(scenario(), timeout=90)
    assert job.state is JobState.READY, job.error_message
    assert job.file_path is not None
    assert Path(job.file_path).is_file()
    assert Path(job.file_path).stat().st_size > 1000
    assert [f.role.value for f in job.request.frames] == ["first_frame"]
    assert job.cost == estimate  # the estimate equals the simulator's billed usage.total_cost
    assert window.status.spent_label.text() == "Spent this session: $0.375"
    assert window.status.balance_label.text() == "Balance: $49.625"
    assert window.status.mode_label.text().startswith("Live: 127.0.0.1")


def test_rejections_show_at_the_right_place(sim: Any, open_window: OpenWindow, run: Callable[..., Any],
                                            qtbot: QtBot, drop: Callable[..., bool]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        compose = window.compose
        compose.select_model("seedance-v1-pro")

        sim.add_fault("create", status=422)  # content policy: shown at the prompt
        await _type_drop_submit(window, qtbot, drop, None)
        prompt_message = compose.view.messages.labels["prompt"]
        assert prompt_message.isVisible()
        assert prompt_message.property("hint") == "error"
        assert prompt_message.text()
        assert compose.view.prompt.toPlainText() == PROMPT
        assert compose.view.generate_button.isEnabled()

        sim.configure(balance=Decimal("0.01"))  # 402: shown at the cost
        await _submit(window)
        assert compose.view.cost_warning.isVisible()
        assert compose.view.cost_warning.property("hint") == "error"
        sim.configure(balance=Decimal("50"))

        # 429: surely not created, so never a rejection: the queue sends it again (the job held by the 402
        # goes first: pressing Generate again was the go for it).
        sim.add_fault("create", status=429, retry_after=0, count=3)
        await _submit(window)
        assert compose.view.form_message.property("hint") != "error"
        engine = window.services.engine
        jobs = await engine.wait_idle(timeout=60)
        assert {j.state for j in jobs} == {JobState.READY}
        states = sorted(j.state.value for j in engine.store.page(_all(), "", 0, 10))
        assert states == ["ready", "ready", "rejected"]  # only the content-policy refusal is rejected
        assert sim.stats()["total_creations"] == 2
        assert compose.view.prompt.toPlainText() == PROMPT

    run(scenario())


def test_400_with_param_lands_next_to_the_images(sim_factory: Any, open_window: OpenWindow,
                                                 run: Callable[..., Any], qtbot: QtBot,
                                                 drop: Callable[..., bool],
                                                 image_file: Callable[..., Path]) -> None:
    sim = sim_factory(max_image_bytes=2000, pending_seconds=0.2)

    async def scenario() -> None:
        window = await open_window(sim.base_url)
        compose = window.compose
        compose.select_model("seedance-v1-5-pro")
        await _type_drop_submit(window, qtbot, drop, image_file("big.png", (800, 450), "#a0522d"))
        assert compose.view.frames.issue.isVisible()
        assert compose.view.frames.issue.text()
        assert compose.view.frames.first.frame is not None  # the frame is kept

    run(scenario())


def test_bad_key_is_explained_with_a_way_to_settings(sim: Any, sim_factory: Any, open_window: OpenWindow,
                                                     run: Callable[..., Any], qtbot: QtBot,
                                                     drop: Callable[..., bool]) -> None:
    keyed = sim_factory(api_keys=frozenset({"good"}), pending_seconds=0.2)

    async def scenario() -> MainWindow:
        first = await open_window(sim.base_url)  # fills the model cache
        await first.shutdown()
        first.close()
        window = await open_window(keyed.base_url)  # models from the cache: /v2/models answers 401 now
        assert window.compose.view.model_combo.count() == 3
        window.compose.view.prompt.setPlainText(PROMPT)
        await _submit(window)
        for _ in range(40):
            if window.status.balance_label.text() != "Balance: …":
                break
            await asyncio.sleep(0.05)
        return window

    window = run(scenario())
    message = window.compose.view.form_message
    assert "Open settings" in message.text()
    assert message.property("hint") == "error"
    assert window.status.balance_label.text() == "Balance: unknown"
    message.linkActivated.emit("settings")
    assert window.controller.settings_dialog is not None
    assert window.controller.settings_dialog.view.isVisible()
    assert window.compose.view.prompt.toPlainText() == PROMPT


def _all() -> Any:
    from getimg_studio.jobs.model import JobFilter

    return JobFilter.ALL
