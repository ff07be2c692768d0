"""The Storyboard page with fake ports: a chain stopped by a failed shot as the creator reads it, a drag that
reorders shots, the take picker, and an export cancelled half-way (nothing written)."""

from __future__ import annotations

import dataclasses
import threading
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from getimg_studio.jobs.model import Job
from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.model import Storyboard
from getimg_studio.jobs.storyboard.slots import Part, RunState, SlotKey, claim, mark_failed, mark_sent, prepare_run
from getimg_studio.media.errors import Cancelled
from getimg_studio.simulator.render import RenderSpec, render_video
from getimg_studio.ui.ports import Catalogue
from getimg_studio.ui.storyboard.controller import StoryboardController
from getimg_studio.ui.storyboard.ports import StoryboardPorts
from getimg_studio.ui.storyboard.view import StoryboardView
from tests.gui.gui_wait import until
from tests.unit.storyboard.builders import board, chained, finish, plain, simulator_models


class FakeHistory:
    def __init__(self, storyboard: Storyboard, state: RunState) -> None:
        self.storyboard = storyboard
        self.state = state
        self.saved: list[Storyboard] = []

    def ports(self, tmp_path: Path, export: Any = None) -> StoryboardPorts:
        models = list(simulator_models().values())

        async def save(b: Storyboard) -> Storyboard:
            self.storyboard = b
            self.saved.append(b)
            return b

        async def choose(board_id: int, shot_id: str, take: int | None) -> Storyboard:
            self.storyboard = edits.choose_take(self.storyboard, shot_id, take)
            return self.storyboard

        async def refuse(*_args: Any) -> Any:
            raise AssertionError("not in this test")

        from getimg_studio.jobs.storyboard.tables import StoryboardSummary
        from tests.unit.storyboard.builders import T0

        return StoryboardPorts(
            catalogue=Catalogue.of(lambda: [m for m in models if m.type == "video"]),
            image_models=lambda: [m for m in models if m.type == "image"],
            list_storyboards=lambda: [StoryboardSummary(1, self.storyboard.name, len(self.storyboard.shots), False,
                                                        T0)],
            load=lambda _id: self.storyboard, run_state=lambda _id: self.state, job=lambda _id: None,
            add=refuse, save=save, run=refuse, resume=refuse, choose_take=choose, regenerate=refuse,
            export=export or refuse, preview_dir=tmp_path / "previews", thumbnails_dir=tmp_path / "thumbs")


def make_page(qtbot: QtBot, history: FakeHistory, tmp_path: Path, export: Any = None) -> StoryboardController:
    view = StoryboardView()
    qtbot.addWidget(view)
    view.resize(520, 700)
    view.show()
    page = StoryboardController(view, history.ports(tmp_path, export))
    page.refresh_list()
    return page


def test_a_failed_shot_shows_where_the_chain_stops_and_what_it_cost(qtbot: QtBot, qloop: Any,
                                                                     tmp_path: Path) -> None:
    b = board(plain("a"), chained("b"), chained("c"), plain("d"))
    state = finish(prepare_run(b, RunState()), SlotKey("a", Part.VIDEO, 0))
    key = SlotKey("b", Part.VIDEO, 0)
    state = mark_failed(mark_sent(claim(state, key, (SlotKey("a", Part.VIDEO, 0),)), key),
                        key, "The content was refused", cost=None)
    page = make_page(qtbot, FakeHistory(b, state), tmp_path)
    v = page.view
    texts = [v.shots.item(i).text() for i in range(v.shots.count())]
    assert texts[1].endswith("Failed: Its take failed: The content was refused")
    assert "Blocked" in texts[2]
    assert texts[3].endswith("Not started")
    assert "Shot 2 failed: Its take failed: The content was refused. Shot 3 is not sent. Spent so far: $" in (
        v.status.text())
    assert not v.play.isEnabled()
    assert not v.export.isEnabled()


def test_drag_reorders_and_the_take_picker_saves_the_pick(qtbot: QtBot, qloop: Any, run: Callable[..., Any],
                                                          tmp_path: Path) -> None:
    b = board(plain("a", takes=2), plain("b"))
    state = finish(finish(prepare_run(b, RunState()), SlotKey("a", Part.VIDEO, 0), minutes=1),
                   SlotKey("a", Part.VIDEO, 1), minutes=2)
    history = FakeHistory(b, state)
    page = make_page(qtbot, history, tmp_path)
    v = page.view

    async def scenario() -> None:
        # What a drop does: the list's model moves the row (rowsMoved), the page moves the shot.
        assert v.shots.model().moveRow(QModelIndex(), 1, QModelIndex(), 0)
        await until(lambda: history.saved, what="the reorder saved")
        assert [s.id for s in history.storyboard.shots] == ["b", "a"]
        assert v.shots.item(0).text().startswith("1. shot b")
        v.shots.setCurrentRow(1)
        f = v.form
        assert [f.take.itemText(i) for i in range(f.take.count())] == [
            "First ready take", "Take 1: ready", "Take 2: ready"]
        assert f.take.currentText() == "Take 1: ready"  # the first ready one until picked
        f.take.setCurrentIndex(2)
        f.take.activated.emit(2)
        await until(lambda: history.storyboard.shot("a").chosen_take == 1, what="the pick")
        await until(lambda: f.take.currentText() == "Take 2: ready", what="the pick shown")

    run(scenario())


def test_an_export_cancelled_half_way_says_nothing_was_written(qtbot: QtBot, qloop: Any, run: Callable[..., Any],
                                                               tmp_path: Path) -> None:
    clips = [tmp_path / f"{n}.mp4" for n in ("a", "b")]
    for clip in clips:
        render_video(RenderSpec(clip.stem, 160, 90, 1, sound=True), clip)
    b = board(plain("a"), plain("b"))
    state = prepare_run(b, RunState())
    for key, clip in zip((SlotKey("a", Part.VIDEO, 0), SlotKey("b", Part.VIDEO, 0)), clips, strict=True):
        state = finish(state, key)
        state = state.with_slot(dataclasses.replace(state[key], file=clip))
    started = threading.Event()

    async def export(_id: int, files: Sequence[Path], out: Path, _options: Any, progress: Callable[[float], None],
                     cancel: Callable[[], bool]) -> Job:
        progress(0.3)
        started.set()
        await until(cancel, what="Cancel pressed")
        raise Cancelled()

    page = make_page(qtbot, FakeHistory(b, state), tmp_path, export)
    v = page.view

    async def scenario() -> None:
        assert v.export.isEnabled()
        v.export.click()
        d = page.exporter.dialog
        await until(lambda: "joined as they are" in d.plan.text(), what="the plan")
        d.out.setText(str(tmp_path / "out.mp4"))
        d.export.click()
        await until(lambda: d.progress.value() == 300, what="progress shown")
        d.cancel.click()
        await until(lambda: "Cancelled" in d.message.text(), what="the cancel")
        assert d.message.text() == "Cancelled: nothing was written."
        assert not (tmp_path / "out.mp4").exists()
        assert d.isVisible()  # the creator can change something and export again
        d.reject()

    run(scenario())


def test_compare_takes_opens_the_ready_takes_and_keep_picks_one(qtbot: QtBot, qloop: Any, run: Callable[..., Any],
                                                               tmp_path: Path) -> None:
    b = board(plain("a", takes=3), plain("b"))
    state = prepare_run(b, RunState())
    for take, job_id in ((0, 11), (1, 12)):  # take 3 is not ready: it is not compared
        key = SlotKey("a", Part.VIDEO, take)
        state = finish(state, key, minutes=take)
        state = state.with_slot(dataclasses.replace(state[key], job_id=job_id))
    history = FakeHistory(b, state)
    opened: list[tuple[list[int], Any]] = []

    def compare(job_ids: Sequence[int], keep: Any) -> bool:
        opened.append((list(job_ids), keep))
        return True

    view = StoryboardView()
    qtbot.addWidget(view)
    view.show()
    page = StoryboardController(view, dataclasses.replace(history.ports(tmp_path), compare_takes=compare))
    page.refresh_list()
    f = view.form

    async def scenario() -> None:
        assert f.compare.isVisible()
        assert f.compare.isEnabled()
        f.compare.click()
        [(ids, keep)] = opened
        assert ids == [11, 12]
        await keep(types.SimpleNamespace(id=12))  # the compare page's "Keep this one" on the second tile
        assert history.storyboard.shot("a").chosen_take == 1
        assert f.take.currentText() == "Take 2: ready"
        view.shots.setCurrentRow(1)  # one take: nothing to compare
        assert not f.compare.isEnabled()

    run(scenario())


def test_the_keyframe_fields_are_in_the_tab_order_and_a_page_without_compare_hides_it(
        qtbot: QtBot, qloop: Any, run: Callable[..., Any], tmp_path: Path) -> None:
    from getimg_studio.jobs.storyboard.model import FrameKind
    from tests.gui.test_storyboard_view import pick

    history = FakeHistory(board(plain("a"), style="Watercolour"), RunState())
    page = make_page(qtbot, history, tmp_path)
    f = page.view.form

    async def scenario() -> None:
        assert not f.compare.isVisible()
        pick(f.first, FrameKind.KEYFRAME)
        pick(f.last, FrameKind.KEYFRAME)
        await until(lambda: history.storyboard.shot("a").last_frame.kind is FrameKind.KEYFRAME, what="saved")
        panels = (f.first_keyframe, f.last_keyframe)
        wanted = [w for p in panels for w in (p.prompt, p.model, p.resolution, p.include_style, p.reference)]
        reached, widget = [], f.prompt.nextInFocusChain()
        while widget is not f.prompt:
            if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                reached.append(widget)
            widget = widget.nextInFocusChain()
        assert all(w in reached for w in wanted), [w.accessibleName() for w in wanted if w not in reached]
        assert reached.index(f.first_keyframe.prompt) < reached.index(f.last_keyframe.prompt) < reached.index(
            f.takes)

    run(scenario())


def _page_host(qtbot: QtBot) -> tuple[Any, Any]:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QStackedWidget

    stage = QStackedWidget()
    qtbot.addWidget(stage)
    stage.addWidget(QLabel("player"))
    action = QAction("Storyboard", stage)
    action.setCheckable(True)
    return stage, action


def test_the_page_is_built_when_first_shown_not_at_start(qtbot: QtBot, qloop: Any, tmp_path: Path) -> None:
    from getimg_studio.ui.storyboard.page import StoryboardPage

    history = FakeHistory(board(plain("a")), RunState())
    made: list[StoryboardPorts] = []

    def ports() -> StoryboardPorts:
        made.append(history.ports(tmp_path))
        return made[-1]

    stage, action = _page_host(qtbot)
    page = StoryboardPage(stage, action, ports, on_job=lambda _handler: None, running=list)
    assert page.controller is None  # nothing of the page exists before View > Storyboard
    assert not made
    assert stage.count() == 1
    action.setChecked(True)
    controller = page.controller
    assert controller is not None
    assert len(made) == 1
    assert stage.currentWidget() is controller.view
    assert controller.board is not None  # the list was read on showing
    assert controller.board.shots[0].id == "a"
    action.setChecked(False)
    assert stage.currentIndex() == 0
    action.setChecked(True)
    assert page.controller is controller  # built once
    assert len(made) == 1


def test_a_run_left_running_is_resumed_at_start_with_the_page_built(qtbot: QtBot, qloop: Any,
                                                                     run: Callable[..., Any], tmp_path: Path) -> None:
    from getimg_studio.ui.storyboard.page import StoryboardPage

    history = FakeHistory(board(plain("a")), RunState())
    resumed: list[bool] = []

    async def resume() -> list[int]:
        resumed.append(True)
        return [1]

    stage, action = _page_host(qtbot)

    async def scenario() -> None:  # as the builder makes it: on the running loop
        page = StoryboardPage(stage, action, lambda: dataclasses.replace(history.ports(tmp_path), resume=resume),
                              on_job=lambda _handler: None, running=lambda: [1])
        assert page.controller is not None  # it follows the run's jobs from the start, as before
        await until(lambda: bool(resumed), what="the run resumed")
        assert stage.currentIndex() == 0  # resumed in the background: the player stays in front
        await page.close()

    run(scenario())
