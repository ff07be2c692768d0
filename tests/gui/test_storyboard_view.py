"""The Storyboard page of the wired window against the simulator, as a creator uses it: shots typed and
reordered from the keyboard, problems shown on the shot at fault, Generate asking first, the run, the take
picker, playing the whole sequence and exporting it (with a progress bar) into the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from getimg_studio.jobs.model import JobFilter
from getimg_studio.jobs.storyboard.model import FrameKind
from getimg_studio.media.probe import probe
from getimg_studio.ui.storyboard.controller import StoryboardController
from getimg_studio.ui.window.main_window import MainWindow
from tests.gui.gui_wait import until

OpenWindow = Callable[..., Any]


def pick(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def card(page: StoryboardController, row: int) -> str:
    item = page.view.shots.item(row)
    assert item is not None
    return item.text()


async def type_prompt(page: StoryboardController, qtbot: QtBot, text: str) -> None:
    row = page.view.shots.currentRow()
    page.view.form.prompt.setFocus()
    page.view.form.prompt.selectAll()
    qtbot.keyClicks(page.view.form.prompt, text)
    await until(lambda: page.board is not None and page.board.shots[row].prompt == text, what="the prompt saved")


async def open_page(window: MainWindow, qtbot: QtBot) -> StoryboardController:
    """Ctrl+B: the page is built, a new storyboard opens; its defaults set to a quick model at 480p."""
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    page = window.storyboard.controller
    assert page is not None  # built by Ctrl+B
    assert window.stage.currentWidget() is page.view
    await until(lambda: page.board is not None and page.board.id is not None, what="a new storyboard")
    pick(page.view.default_model, "seedance-v1-5-pro")
    pick(page.view.default_resolution, "480p")
    return page


def answer(box: QMessageBox, starting: str) -> str:
    text = box.text() + "\n" + box.informativeText()
    [yes] = [b for b in box.buttons() if b.text().startswith(starting)]
    yes.click()
    return text


def test_a_storyboard_made_run_played_and_exported_from_the_window(
        sim: Any, open_window: OpenWindow, run: Callable[..., Any], qtbot: QtBot) -> None:
    async def scenario() -> None:
        window: MainWindow = await open_window(sim.base_url)
        page = await open_page(window, qtbot)
        v = page.view
        await type_prompt(page, qtbot, "Dawn over the harbour")
        v.add.click()
        assert v.shots.count() == 2
        await type_prompt(page, qtbot, "The boats leave")
        pick(v.form.first, FrameKind.CHAINED)
        assert "continues shot before" in card(page, 1)
        v.add.click()  # a third shot without a prompt: its card says what is wrong, Generate is off
        assert "⚠" in card(page, 2)
        assert "⚠" not in card(page, 0)
        assert not v.generate.isEnabled()
        assert "problem" in v.status.text()
        v.delete.click()
        assert v.shots.count() == 2
        # Reordered from the keyboard: the chained shot first is a problem on that shot, then moved back.
        v.shots.setFocus()
        v.shots.setCurrentRow(1)
        qtbot.keyClick(v.shots, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
        assert page.board is not None
        assert [s.prompt for s in page.board.shots] == ["The boats leave", "Dawn over the harbour"]
        assert "⚠" in card(page, 0)
        qtbot.keyClick(v.shots, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        assert [s.prompt for s in page.board.shots] == ["Dawn over the harbour", "The boats leave"]
        assert "2 shots · 2 takes · Generate queues 2 generations, $0.30" in v.summary.text()
        assert v.generate.isEnabled()

        v.generate.click()
        box = await until(lambda: page.last_question, what="the question before generating")
        asked = answer(box, "Generate")
        assert "2 videos" in asked
        assert "$0.30" in asked
        await until(lambda: "every shot is ready" in v.summary.text(), timeout=90, what="the run's end")
        assert card(page, 0).endswith("Ready")
        assert card(page, 1).endswith("Ready")
        assert v.form.take.isEnabled()
        assert sim.stats()["total_creations"] == 2

        v.play.click()
        player = await until(lambda: getattr(page, "player", None), timeout=60, what="the sequence player")
        assert [b.text() for b in player.strip] == ["1 · 5.0 s", "2 · 5.0 s"]
        player.strip[1].click()
        assert player.strip[1].isChecked()
        assert player.time.text().startswith("Shot 2 of 2")
        player.close()

        v.export.click()
        exporter = page.exporter
        d = exporter.dialog
        await until(lambda: "joined as they are" in d.plan.text(), what="the export plan")
        assert d.copy.isChecked()
        assert d.copy.isEnabled()
        d.crossfade.setValue(0.5)  # a crossfade re-encodes: the copy choice goes
        await until(lambda: not d.copy.isEnabled(), what="copy turned off by the crossfade")
        assert d.reencode.isChecked()
        d.crossfade.setValue(0.0)
        await until(lambda: d.copy.isEnabled(), what="copy offered again")
        d.copy.setChecked(True)
        target = window.services.paths.output / "Harbour export.mp4"
        d.out.setText(str(target))
        export_button: QPushButton = d.export
        export_button.click()
        await until(d.progress.isVisible, what="the progress bar")
        await until(lambda: page.last_export is not None, timeout=60, what="the export")
        assert d.progress.value() == 1000
        assert not d.isVisible()
        assert page.last_export == target
        info = probe(target)
        assert abs(info.duration - 10.0) < 0.1
        assert "It is in the history too" in v.status.text()
        exports = [j for j in window.services.engine.store.page(JobFilter.ALL, "", 0, 10)
                   if j.request.model == "storyboard-export"]
        assert [j.file_path for j in exports] == [target]

    run(scenario(), timeout=180)


def test_a_storyboard_over_the_budget_is_refused_with_the_way_to_raise_it(
        sim: Any, open_window: OpenWindow, paths: Any, run: Callable[..., Any], qtbot: QtBot) -> None:
    import json

    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"budget_monthly": "0.10"}))

    async def scenario() -> None:
        window: MainWindow = await open_window(sim.base_url)
        page = await open_page(window, qtbot)
        v = page.view
        await type_prompt(page, qtbot, "Dawn over the harbour")
        v.add.click()
        await type_prompt(page, qtbot, "The boats leave")
        v.generate.click()
        box = await until(lambda: page.last_question, what="the question before generating")
        answer(box, "Generate")  # $0.30 asked for, $0.10 allowed
        await until(lambda: "Raise budget…" in v.status.text(), what="the refusal with its link")
        assert "over your monthly budget of $0.10" in v.status.text()
        assert sim.stats()["total_creations"] == 0
        # Keyboard: Tab into the line's link, Enter follows it to Settings at the budget
        v.status.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(v.status, Qt.Key.Key_Tab)
        qtbot.keyClick(v.status, Qt.Key.Key_Return)
        dialog = window.controller.settings_dialog
        assert dialog is not None
        await until(lambda: dialog.view.isVisible(), what="the settings window")
        await until(lambda: dialog.view.budget_monthly.selectedText() == "0.10", what="the budget selected")
        dialog.view.close()
        v.say("Plain again: <b>not bold</b>")
        assert v.status.textFormat() == Qt.TextFormat.PlainText

    run(scenario())
