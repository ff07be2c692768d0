"""A video dropped onto the wired window: ours remixes to its recipe, a foreign one offers its frames; either
way it becomes a ready row of the history."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QPushButton

from getimg_studio.api.types import GenerationRequest, Role
from getimg_studio.jobs.model import JobState
from getimg_studio.media.export import save_copy
from getimg_studio.media.recipe import recipe_for
from getimg_studio.simulator.render import RenderSpec, render_video
from getimg_studio.ui.imports.drop import VideoDrop

OpenWindow = Callable[..., Any]
PRO = "seedance-v1-5-pro"


def mime_of(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


async def dropped(window: Any, drop: Callable[..., bool], path: Path) -> QMessageBox:
    boxes: list[QMessageBox] = []
    watcher = window.findChild(VideoDrop)
    assert watcher is not None
    watcher.offered.connect(boxes.append)
    assert drop(window, mime_of(path))
    await until(lambda: boxes, timeout=20, what="the choices")
    watcher.offered.disconnect(boxes.append)
    return boxes[0]


def button(box: QMessageBox, text: str) -> QPushButton:
    found = [b for b in box.findChildren(QPushButton) if b.text() == text]
    assert found, [b.text() for b in box.findChildren(QPushButton)]
    return found[0]


def test_a_dropped_export_of_ours_remixes_and_a_foreign_video_offers_its_frames(
        sim: Any, open_window: OpenWindow, run: Callable[..., Any], drop: Callable[..., bool],
        tmp_path: Path) -> None:
    request = GenerationRequest(PRO, "A kite over the dunes at dawn", aspect_ratio="16:9", resolution="720p",
                                duration=5.0, sound=True)
    raw = tmp_path / "raw.mp4"
    render_video(RenderSpec("a kite over the dunes", 320, 180, 1, sound=True), raw)
    ours = tmp_path / "kite-export.mp4"
    save_copy(raw, ours, [recipe_for(request, remote_id="req-elsewhere")])
    foreign = tmp_path / "phone-video.mp4"
    render_video(RenderSpec("somebody's holiday", 320, 180, 1, sound=False), foreign)

    async def scenario() -> None:
        window = await open_window(sim.base_url)
        store = window.services.engine.store
        box = await dropped(window, drop, ours)
        assert "carries its recipe (inside it)" in box.text()
        assert [b.text() for b in box.findChildren(QPushButton) if b.text() != "Close"] == ["Remix", "Play"]
        button(box, "Remix").click()
        compose = window.compose
        assert compose.request() == request
        [row] = store.get_many(store.ids())
        assert row.imported
        assert row.state is JobState.READY
        assert row.file_path == ours.resolve()

        compose.select_model(PRO)
        box = await dropped(window, drop, foreign)
        assert box.text() == "“phone-video.mp4” carries no getimg Studio recipe."
        assert len(store.ids()) == 2
        button(box, "Use its last frame as the first frame").click()
        await until(lambda: compose.request().frames_with(Role.FIRST_FRAME), timeout=20, what="the first frame")
        [first] = compose.request().frames_with(Role.FIRST_FRAME)
        assert first.path is not None
        assert first.path.parent == window.services.paths.frames

        again = await dropped(window, drop, foreign)  # the same bytes: the same row
        assert "already is in the history" in again.informativeText()
        assert len(store.ids()) == 2
        button(again, "Play").click()
        await until(lambda: window.player.clip is not None, timeout=20, what="the imported clip playing")
        assert window.player.job is not None
        assert window.player.job.label == "phone-video.mp4"

        # both imported clips compared with the keyboard only: select all in the queue, Ctrl+K, Esc
        queue = window.queue
        queue.view.setFocus()
        QTest.keyClick(queue.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        assert len(queue.selected_jobs()) == 2
        assert window.compare.action.isEnabled()
        QTest.keyClick(queue.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        controller = window.compare.controller
        assert controller is not None
        assert window.stage.currentWidget() is controller.view
        assert len(controller.view.tiles) == 2
        assert not window.player.actions_["play"].isEnabled()  # Space is the compare page's now
        QTest.keyClick(window, Qt.Key.Key_Escape)
        assert window.stage.currentIndex() == 0
        assert window.player.actions_["play"].isEnabled()

    run(scenario())
