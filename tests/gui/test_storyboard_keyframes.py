"""The Storyboard page of the wired window against the simulator: a shot's first frame set to a keyframe from
a prompt with the page's own widgets (prompt, image model, a reference image), priced with its image,
run (the image job made first, the shot's video starting from it), and a shot's two takes compared side by
side, where "Keep this one" picks the take."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from getimg_studio.api.types import Role
from getimg_studio.jobs.model import JobKind
from getimg_studio.jobs.storyboard.model import FrameKind
from getimg_studio.jobs.storyboard.slots import Part, SlotKey
from getimg_studio.ui.storyboard.controller import StoryboardController
from getimg_studio.ui.window.main_window import MainWindow
from tests.gui.gui_wait import until
from tests.gui.test_storyboard_view import answer, pick, type_prompt

OpenWindow = Callable[..., Any]


def choose_reference(page: StoryboardController, path: Path) -> None:
    panel = page.view.form.first_keyframe
    panel.reference.click()
    [dialog] = [d for d in panel.findChildren(QFileDialog) if d.isVisible()]
    dialog.fileSelected.emit(str(path))  # what choosing the file and pressing Open emits
    dialog.reject()


def test_a_keyframe_first_frame_set_on_the_page_is_made_and_starts_the_shot(
        sim: Any, open_window: OpenWindow, run: Callable[..., Any], qtbot: QtBot,
        image_file: Callable[..., Path]) -> None:
    reference = image_file("look.png", (320, 180), "#c06030")

    async def scenario() -> None:
        window: MainWindow = await open_window(sim.base_url)
        qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
        page = window.storyboard.controller
        assert page is not None  # built by Ctrl+B
        await until(lambda: page.board is not None and page.board.id is not None, what="a new storyboard")
        v, f = page.view, page.view.form
        pick(v.default_model, "seedance-v1-5-pro")
        pick(v.default_resolution, "480p")
        v.style_text.setText("Watercolour")
        v.style_text.editingFinished.emit()
        await type_prompt(page, qtbot, "Dawn over the harbour")
        f.takes.setValue(2)
        v.add.click()
        await type_prompt(page, qtbot, "The boats leave")
        assert not f.first_keyframe.isVisible()
        pick(f.first, FrameKind.KEYFRAME)
        panel = f.first_keyframe
        assert panel.isVisible()
        assert panel.prompt.toPlainText() == "The boats leave"  # prefilled from the shot
        assert panel.include_style.isChecked()
        assert panel.aspect.text().startswith("16:9")  # the shot's own shape
        pick(panel.model, "sim-image-lite")
        panel.prompt.setFocus()
        panel.prompt.selectAll()
        qtbot.keyClicks(panel.prompt, "Boats at the quay at dawn")
        choose_reference(page, reference)
        assert page.board is not None
        await until(lambda: (kf := page.board.shots[1].keyframe(Role.FIRST_FRAME)) is not None  # type: ignore[union-attr]
                    and kf.prompt == "Boats at the quay at dawn" and kf.references == (reference,),
                    what="the keyframe saved")
        assert panel.reference.text() == "Reference: look.png"
        assert "first-frame keyframe $" in f.cost.text(), f.cost.text()
        assert "starts on a keyframe" in v.shots.item(1).text()
        assert "Generate queues 4 generations" in v.summary.text()  # 3 takes and the keyframe's image

        # A model that takes no first frame: the problem shows on the keyframe's shot, Generate is off.
        pick(f.model, "sim-fixed-lite")
        assert "⚠" in v.shots.item(1).text()
        assert "⚠" in f.problems.text()
        assert not v.generate.isEnabled()
        f.model.setCurrentIndex(0)  # back to the storyboard's default
        f.model.activated.emit(0)
        assert "⚠" not in v.shots.item(1).text()
        assert v.generate.isEnabled()

        v.generate.click()
        box = await until(lambda: page.last_question, what="the question before generating")
        asked = answer(box, "Generate")
        assert "4" in asked
        await until(lambda: "every shot is ready" in v.summary.text(), timeout=120, what="the run's end")
        board_id = page.board.id
        shot2 = page.board.shots[1].id
        store = window.services.engine.store
        image = store.by_origin(SlotKey(shot2, Part.FIRST_FRAME, 0).token(board_id))
        assert image is not None
        assert image.kind is JobKind.IMAGE
        assert image.image_request is not None
        assert image.image_request.prompt == "Boats at the quay at dawn\n\nWatercolour"
        [sent] = image.image_request.references  # the history keeps its own copy of each image sent
        assert sent.path is not None
        assert sent.path.read_bytes() == reference.read_bytes()
        take = store.by_origin(SlotKey(shot2, Part.VIDEO, 0).token(board_id))
        assert take is not None
        assert take.video_request is not None
        [first] = [fr for fr in take.video_request.frames if fr.role is Role.FIRST_FRAME]
        assert first.path is not None
        assert image.file_path is not None
        assert first.path.read_bytes() == image.file_path.read_bytes()  # shot 2 starts from that image

        # Shot 1's two takes side by side; keeping the second picks it for the shot.
        v.shots.setCurrentRow(0)
        assert f.compare.isEnabled()
        f.compare.click()
        compare = window.compare.controller
        assert compare is not None
        await until(lambda: window.stage.currentWidget() is compare.view, what="the compare page")
        assert len(compare.view.tiles) == 2
        compare.view.tiles[1].keep.click()
        await until(lambda: page.board is not None and page.board.shots[0].chosen_take == 1, what="the pick")
        assert window.services.engine.store.storyboard(board_id).shots[0].chosen_take == 1
        compare.close()
        await until(lambda: f.take.currentText().startswith("Take 2"), what="the pick shown on the shot")
        assert sim.stats()["total_creations"] == 4  # what Generate said: 3 takes and the keyframe

    run(scenario(), timeout=240)
