"""Compare: four takes play in sync under one transport (read from their video sinks: offscreen grabs are
black), stay together after seeks and frame steps, and Keep / Remix / Listen act on the right take."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import QStackedWidget, QWidget

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.simulator.render import RenderSpec, render_video
from getimg_studio.ui.compare.page import ComparePage
from getimg_studio.ui.compare.ports import ComparePorts

T0 = datetime(2026, 11, 1, tzinfo=UTC)
FRAME_MS = 1000 / 24
PROMPTS = ("a red kite", "a blue kite", "a green kite", "a yellow kite")


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("takes")
    paths = []
    for prompt in PROMPTS:
        path = folder / f"{prompt.replace(' ', '-')}.mp4"
        render_video(RenderSpec(prompt, 160, 90, 2, sound=True), path)
        paths.append(path)
    return paths


def take(job_id: int, path: Path) -> Job:
    return Job(id=job_id, state=JobState.READY, request=GenerationRequest("sim-fixed-lite", PROMPTS[(job_id - 1) % 4]),
               created_at=T0, updated_at=T0, remote_id=f"req-{job_id}", width=160, height=90, duration=2.0,
               fps=24.0, has_sound=True, cost=Decimal("0.04"), file_path=path)


class World:
    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = {j.id: j for j in jobs}
        self.favourited: list[tuple[list[int], bool]] = []
        self.remixed: list[GenerationRequest] = []
        self.player_keys: list[bool] = []

    def get_many(self, ids: Sequence[int]) -> list[Job]:
        return [self.jobs[i] for i in ids if i in self.jobs]

    async def favourite(self, ids: Sequence[int], on: bool) -> None:
        self.favourited.append((list(ids), on))


@pytest.fixture
def page(qapp: Any, clips: list[Path]) -> Iterator[tuple[ComparePage, World, QStackedWidget]]:
    world = World([take(i + 1, p) for i, p in enumerate(clips)] + [replace(take(5, clips[0]),
                                                                          state=JobState.FAILED)])
    stage = QStackedWidget()
    stage.addWidget(QWidget())  # the player's page
    ports = ComparePorts(jobs=world.get_many, favourite=world.favourite, remix=world.remixed.append,
                         model_name=lambda model: "Sim Lite")
    made = ComparePage(stage, ports, lambda: [], world.player_keys.append)
    stage.resize(900, 600)
    stage.show()
    yield made, world, stage
    made.close()
    stage.close()
    stage.deleteLater()


class Sinks:
    """What each tile's video sink shows: its latest frame time (ms), and when each frame of each pass
    through the clip arrived (the loop's clock), so the same picture can be compared across tiles."""

    def __init__(self, page: ComparePage) -> None:
        assert page.controller is not None
        tiles = page.controller.view.tiles
        self.latest: list[float | None] = [None] * len(tiles)
        self.passes = [0] * len(tiles)
        self.arrivals: list[dict[tuple[int, int], float]] = [{} for _ in tiles]
        self.recording = False
        for index, tile in enumerate(tiles):
            tile.video.videoSink().videoFrameChanged.connect(
                lambda frame, i=index: self._frame(i, frame), Qt.ConnectionType.QueuedConnection)

    def _frame(self, index: int, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        ms = frame.startTime() / 1000
        previous = self.latest[index]
        if previous is not None and ms < previous - 500:
            self.passes[index] += 1  # the loop started again
        self.latest[index] = ms
        if self.recording:
            self.arrivals[index].setdefault((self.passes[index], round(ms)), asyncio.get_running_loop().time())

    def start_recording(self) -> None:
        self.passes = [0] * len(self.passes)
        self.recording = True

    def spread(self, length_ms: float = 2000.0) -> float:
        """How far apart the tiles' latest pictures are, on the looping timeline (ms)."""
        times = [t for t in self.latest if t is not None]
        assert len(times) == len(self.latest)
        worst = 0.0
        for a in times:
            for b in times:
                gap = abs(a - b) % length_ms
                worst = max(worst, min(gap, length_ms - gap))
        return worst

    def shown_together(self) -> list[float]:
        """For each picture every tile showed: how far apart in time (ms) the tiles showed it."""
        common = set(self.arrivals[0]).intersection(*self.arrivals[1:])
        return [1000 * (max(a[key] for a in self.arrivals) - min(a[key] for a in self.arrivals)) for key in common]


def test_four_takes_stay_within_a_frame_over_five_seconds_and_after_seeks(
        run: Any, page: tuple[ComparePage, World, QStackedWidget]) -> None:
    compare, world, stage = page

    async def scenario() -> None:
        assert compare.open_compare([1, 2, 3, 4])
        controller = compare.controller
        assert controller is not None
        assert stage.currentWidget() is controller.view
        assert world.player_keys == [False]
        view = controller.view
        assert [t.title.text() for t in view.tiles] == [f"Take {i} · Sim Lite · 160×90 · 2 s · 24 fps · $0.04"
                                                        for i in range(1, 5)]
        assert [t.prompt.text() for t in view.tiles] == list(PROMPTS)
        sinks = Sinks(compare)
        players = controller.players
        assert players is not None
        await until(lambda: all(t is not None for t in sinks.latest) and players.playing, timeout=20,
                    what="all four playing")
        sinks.start_recording()
        loop = asyncio.get_running_loop()
        end = loop.time() + 5.0
        await until(lambda: loop.time() >= end and min(sinks.passes) >= 2, timeout=15,
                    what="5 s of playback, through two restarts of the loop")
        sinks.recording = False
        gaps = sinks.shown_together()
        assert len(gaps) >= 60, f"only {len(gaps)} pictures were shown by all four"  # 120 in 5 s at 24 fps
        # Arrivals are stamped on the GUI thread, as the queued frames are handed over: on a loaded machine
        # the OS can deschedule that thread (or a decoder) between two sinks' deliveries, which shows as a
        # gap for those pictures. Measured alone on 2 busy cores: every picture within 20 ms; inside the whole
        # suite with four other helpers' tests: 92 % within a frame, the worst 67 ms. So: nine pictures in
        # ten within a frame, the typical one within half a frame, and none ever three frames apart (a drift
        # would show on every picture from then on).
        gaps.sort()
        within = sum(1 for g in gaps if g <= FRAME_MS)
        assert within >= 0.9 * len(gaps), gaps[-10:]
        assert gaps[len(gaps) // 2] <= FRAME_MS / 2, gaps[-10:]
        assert gaps[-1] <= 3 * FRAME_MS, gaps[-10:]
        assert min(sinks.passes) >= 2

        for target in (1500, 300, 1000):
            players.seek(target)
            await until(lambda t=target: all(s is not None and abs(s - t) <= FRAME_MS + 1 for s in sinks.latest),
                        timeout=10, what=f"every take at {target} ms")
            assert sinks.spread() <= FRAME_MS + 1
        # paused, a frame step moves all four to the same next frame
        view.play_button.click()
        assert not players.playing

        def shown(frame: int) -> bool:
            return all(t is not None and abs(t - frame * FRAME_MS) <= 1 for t in sinks.latest)

        view.back_button.click()
        frame = int(players.position() // FRAME_MS)
        await until(lambda: shown(frame), timeout=10, what=f"frame {frame} on all four")
        view.forward_button.click()
        assert int(players.position() // FRAME_MS) == frame + 1
        await until(lambda: shown(frame + 1), timeout=10, what=f"frame {frame + 1} on all four")

    run(scenario())


def test_keep_remix_listen_and_what_cannot_be_compared(run: Any, page: tuple[ComparePage, World,
                                                                              QStackedWidget]) -> None:
    compare, world, stage = page
    kept: list[int] = []

    async def keep(job: Job) -> None:
        kept.append(job.id)

    async def scenario() -> None:
        messages: list[str] = []
        compare.statusMessage.connect(messages.append)
        assert not compare.open_compare([1])
        assert not compare.open_compare([1, 5])  # a failed job is not a clip
        assert messages[-1] == "Compare needs 2 to 4 finished clips (1 selected)."
        assert compare.open_compare([2, 3])
        controller = compare.controller
        assert controller is not None
        view = controller.view
        assert len(view.tiles) == 2
        players = controller.players
        assert players is not None
        assert [a.isMuted() for a in players.audio] == [False, True]
        view.tiles[1].listen.click()
        assert [a.isMuted() for a in players.audio] == [True, False]
        view.mute_all.click()
        assert all(a.isMuted() for a in players.audio)
        view.tiles[1].remix.click()
        assert world.remixed == [world.jobs[3].request]
        view.tiles[0].keep.click()
        await until(lambda: world.favourited, what="the favourite")
        assert world.favourited == [([2], True)]
        assert view.tiles[0].keep.text() == "Kept"
        assert view.tiles[1].keep.text() == "Keep this one"

        # the storyboard's take picker: its own keep
        assert compare.open_compare([1, 2, 3], keep=keep)
        view = controller.view
        assert len(view.tiles) == 3
        view.tiles[2].keep.click()
        await until(lambda: kept, what="the storyboard's keep")
        assert kept == [3]
        assert world.favourited == [([2], True)]
        view.close_button.click()
        assert controller.players is None
        assert stage.currentIndex() == 0
        assert world.player_keys[-1] is True

    run(scenario())
