"""The prompt field's Recent and Styles on the real compose form: Ctrl+Up/Down, the lists, inserting a style."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from getimg_studio.ui.prompts.snippets import Snippet, load_snippets
from getimg_studio.ui.prompts.tools import PromptTools

RECENT = ["a lighthouse at dusk", "a red kite over hills", "a paper boat"]


def test_recent_prompts_and_styles(run: Any, make_compose: Any, video_models: Any, tmp_path: Path) -> None:
    compose = make_compose(video_models)
    view = compose.view
    styles = tmp_path / "styles.json"

    async def scenario() -> None:
        tools = PromptTools(view.prompt, view.prompt_count, lambda: RECENT, styles)
        assert tools.recent_button.isVisible()
        assert tools.styles_button.isVisible()
        prompt = view.prompt
        prompt.setFocus()
        QTest.keyClicks(prompt, "my draft")
        ctrl = Qt.KeyboardModifier.ControlModifier
        QTest.keyClick(prompt, Qt.Key.Key_Up, ctrl)
        assert prompt.toPlainText() == RECENT[0]
        QTest.keyClick(prompt, Qt.Key.Key_Up, ctrl)
        assert prompt.toPlainText() == RECENT[1]
        QTest.keyClick(prompt, Qt.Key.Key_Down, ctrl)
        QTest.keyClick(prompt, Qt.Key.Key_Down, ctrl)
        assert prompt.toPlainText() == "my draft"
        assert compose.request().prompt == "my draft"

        tools.recent_menu.aboutToShow.emit()
        labels = [a.text() for a in tools.recent_menu.actions()]
        assert labels == RECENT
        tools.recent_menu.actions()[2].trigger()
        assert prompt.toPlainText() == "a paper boat"

        tools.save("Noir", "black and white, hard shadows")
        await until(lambda: styles.exists(), what="the styles file")
        assert load_snippets(styles) == [Snippet("Noir", "black and white, hard shadows")]
        tools.styles_menu.aboutToShow.emit()
        [noir] = [a for a in tools.styles_menu.actions() if a.text() == "Noir"]
        prompt.moveCursor(prompt.textCursor().MoveOperation.End)
        noir.trigger()
        assert prompt.toPlainText() == "a paper boat, black and white, hard shadows"

        again = PromptTools(view.prompt, view.prompt_count, lambda: RECENT, styles)  # the next start
        await until(lambda: again.snippets, what="the saved styles read back")
        assert again.snippets == [Snippet("Noir", "black and white, hard shadows")]

    run(scenario())
