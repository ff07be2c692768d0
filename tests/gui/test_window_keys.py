"""The keys of a media app, from wherever focus is: Generate, Find, Space, frame steps, Delete, queue actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton, QWidget

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobState

CTRL = Qt.KeyboardModifier.ControlModifier
LITE = "sim-fixed-lite"


async def _focus(window: Any, widget: QWidget) -> None:
    window.activateWindow()
    await until(window.isActiveWindow, what="the window to be active")
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    await until(widget.hasFocus, what=f"focus on {widget.accessibleName() or type(widget).__name__}")


def _key(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key, modifiers)


async def _ready_clip(window: Any, prompt: str = "a kite over the hills") -> Job:
    engine = window.services.engine
    job = (await engine.submit(GenerationRequest(LITE, prompt)))[0]
    done = (await engine.wait_idle([job.id], timeout=60))[0]
    assert done.state is JobState.READY
    return done


def _places(window: Any) -> dict[str, QWidget]:
    """One focusable widget in each panel (not a text field: those keep their own keys)."""
    return {"compose": window.compose.view.model_combo, "player": window.player.controls.loop_button,
            "queue": window.queue.view}


def test_generate_and_find_from_every_panel(sim: Any, open_window: Callable[..., Any],
                                            run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        compose, engine = window.compose, window.services.engine
        compose.select_model(LITE)
        compose.view.prompt.setPlainText("a lighthouse, generated from the keyboard")
        for name, widget in _places(window).items():
            await _focus(window, widget)
            before = len(engine.store.ids())
            _key(Qt.Key.Key_Return, CTRL)
            await until(lambda n=before: len(engine.store.ids()) == n + 1, what=f"Ctrl+Enter from the {name}")
            await compose.wait_submitted()
            _key(Qt.Key.Key_F, CTRL)
            assert window.queue.search.hasFocus(), name
            await _focus(window, widget)
        await engine.wait_idle(timeout=60)

    run(scenario(), timeout=120)


def test_space_plays_and_pauses_from_every_panel_but_types_in_text(sim: Any, open_window: Callable[..., Any],
                                                                   run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        job = await _ready_clip(window)
        window.queue.select_job(job.id)
        await _focus(window, window.queue.view)
        _key(Qt.Key.Key_Return)  # Enter in the queue plays the selected clip
        player = window.player
        await until(lambda: player.service is not None and player.service.playing, what="playing")
        service = player.service
        for name, widget in _places(window).items():
            await _focus(window, widget)
            playing = service.playing
            _key(Qt.Key.Key_Space)
            await until(lambda p=playing: service.playing is not p, what=f"Space from the {name}")
            _key(Qt.Key.Key_Period)  # a frame step pauses, from anywhere but text
            await until(lambda: not service.playing, what=f". from the {name}")
        prompt = window.compose.view.prompt
        await _focus(window, prompt)
        prompt.setPlainText("two")
        cursor = prompt.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        prompt.setTextCursor(cursor)
        _key(Qt.Key.Key_Space)
        _key(Qt.Key.Key_Period)
        assert prompt.toPlainText() == "two ."  # typed, not played
        assert not service.playing
        window.compose.select_model("seedance-v1-5-pro")
        sound = window.compose.view.sound_check
        await _focus(window, sound)
        ticked = sound.isChecked()
        _key(Qt.Key.Key_Space)
        assert sound.isChecked() is not ticked  # a focused check box keeps Space
        assert not service.playing

    run(scenario(), timeout=120)


def test_delete_removes_jobs_only_from_the_queue_and_clears_a_focused_frame(
        sim: Any, open_window: Callable[..., Any], run: Callable[..., Any], image_file: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        job = await _ready_clip(window)
        window.queue.select_job(job.id)
        compose = window.compose
        compose.select_model("seedance-v1-5-pro")
        slot = compose.view.frames.first
        slot.set_path(image_file("still.png", (1280, 720)))
        await slot.settled()
        await _focus(window, slot)
        _key(Qt.Key.Key_Delete)
        assert slot.frame is None  # the slot's own Delete
        assert not _boxes(window)
        await _focus(window, compose.view.model_combo)
        _key(Qt.Key.Key_Delete)
        assert not _boxes(window)  # Delete means nothing in the form
        await _focus(window, window.queue.view)
        _key(Qt.Key.Key_Delete)
        box = await until(lambda: next(iter(_boxes(window)), None), what="the remove question")
        assert "Remove 1 job from the history?" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        # Queue actions with a modifier work from anywhere: favourite from the form.
        await _focus(window, compose.view.model_combo)
        _key(Qt.Key.Key_D, CTRL)
        await until(lambda: window.services.engine.store.get(job.id).favourite, what="Ctrl+D from the form")

    run(scenario(), timeout=90)


def _boxes(window: Any) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_the_queue_toolbar_is_in_the_tab_order(sim: Any, open_window: Callable[..., Any],
                                               run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        job = await _ready_clip(window)
        window.queue.select_job(job.id)
        await _focus(window, window.queue.search)
        reached: list[str] = []
        for _ in range(16):
            _key(Qt.Key.Key_Tab)
            focus = QApplication.focusWidget()
            if isinstance(focus, QToolButton) and focus.parent() in (window.queue.toolbar, window.queue.queue_bar):
                reached.append(focus.accessibleName())
            if focus is window.queue.view:
                break
        assert reached[:3] == ["Play", "Remix", "Retry"]
        assert "Show in folder" in reached
        assert reached[-1] == "Pause the queue"  # the queue's own bar comes next, right above the list
        assert QApplication.focusWidget() is window.queue.view  # and then the list itself

    run(scenario(), timeout=90)


def test_view_menu_hides_and_shows_panels_and_generate_never_sends_an_unseen_form(
        sim: Any, open_window: Callable[..., Any], run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        compose, player = window.compose.view, window.stage  # the player's place in the window
        window.compose.select_model(LITE)
        compose.prompt.setPlainText("not sent while the form is hidden")
        await _focus(window, window.queue.view)
        _key(Qt.Key.Key_2, CTRL)
        assert player.isHidden()
        _key(Qt.Key.Key_1, CTRL)
        assert compose.isHidden()
        _key(Qt.Key.Key_3, CTRL)  # the last panel shown stays
        assert not window.queue.isHidden()
        _key(Qt.Key.Key_Return, CTRL)
        assert not compose.isHidden()  # shown again, not submitted
        assert window.services.engine.store.ids() == []
        assert "check it and its cost" in window.status.currentMessage()
        window.controller.actions.reset_layout.trigger()
        assert not player.isHidden()

    run(scenario(), timeout=60)


def test_find_then_down_or_enter_goes_into_the_results_and_enter_plays(sim: Any, open_window: Callable[..., Any],
                                                                       run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        await _ready_clip(window, "a heron over a misty lake")
        await _ready_clip(window, "a kite")
        await _focus(window, window.compose.view.model_combo)
        _key(Qt.Key.Key_F, CTRL)
        for ch in "heron":
            _key(Qt.Key(ord(ch.upper())))
        _key(Qt.Key.Key_Down)
        assert window.queue.view.hasFocus()
        assert [j.request.prompt for j in window.queue.selected_jobs()] == ["a heron over a misty lake"]
        _key(Qt.Key.Key_Return)
        player = window.player
        await until(lambda: player.service is not None and player.service.playing, what="Enter to play")

    run(scenario(), timeout=90)


def test_no_two_window_actions_share_a_key(sim: Any, open_window: Callable[..., Any],
                                           run: Callable[..., Any]) -> None:
    # Qt fires neither of two enabled shortcuts on one key in the same window ("ambiguous"): the key does
    # nothing at all. Every feature adds keys, so the whole wired window is checked, each action enabled or not
    # (a selection or a clip in the player enables most of them).
    from PySide6.QtGui import QAction, QKeySequence, QShortcut

    async def scenario() -> None:
        window = await open_window(sim.base_url)
        owners: dict[str, list[str]] = {}
        window_wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
        for action in window.findChildren(QAction):
            if action.shortcutContext() in window_wide:  # enabled or not: selections enable most of them
                for key in action.shortcuts():
                    owners.setdefault(key.toString(QKeySequence.SequenceFormat.PortableText), []).append(
                        action.text().replace("&", ""))
        for shortcut in window.findChildren(QShortcut):
            if shortcut.context() in window_wide:
                for key in shortcut.keys():  # noqa: SIM118 (a QShortcut's key list, not a dict)
                    owners.setdefault(key.toString(QKeySequence.SequenceFormat.PortableText), []).append(
                        shortcut.objectName() or "a QShortcut")
        shared = {key: names for key, names in owners.items() if len(set(names)) > 1 or len(names) > 1}
        assert not shared, shared

    run(scenario(), timeout=120)
