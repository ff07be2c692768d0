"""The player on real MP4s: frames reach the video sink, duration, looping, frame steps, speed, the chained
last frame, saving a frame, and a missing file fetched again through the engine.

Offscreen, a widget grab shows no video (frames go to the sink, not to the backing store), so the tests
count the sink's valid frames instead. The clips are rendered by the simulator's own renderer.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from gui_wait import until  # this folder is on sys.path for its tests
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobEvent, JobState
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.render import RenderSpec, render_video
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.export.ports import frame_saver
from getimg_studio.ui.player.panel import PlayerPanel
from getimg_studio.ui.ports import PlayerPorts
from getimg_studio.ui.window.builder import player_ports

T0 = datetime(2026, 11, 1, tzinfo=UTC)



@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clips") / "clip.mp4"
    render_video(RenderSpec("a paper boat on a pond", 320, 180, 2, sound=True), path)
    return path


def ready_job(path: Path, **fields: Any) -> Job:
    job = Job(id=1, state=JobState.READY, request=GenerationRequest("sim-fixed-lite", "a paper boat on a pond"),
              created_at=T0, updated_at=T0, remote_id="req-1", width=320, height=180, duration=2.0, fps=24.0,
              has_sound=True, cost=Decimal("0.02"), file_path=path)
    return replace(job, **fields)


class Frames:
    """Valid frames the player's video sink receives, with their start times (ms)."""

    def __init__(self, panel: PlayerPanel) -> None:
        self.times: list[float] = []
        self.threads: set[int] = set()
        # Queued: the sink emits from QtMultimedia's render thread. A direct call would need the GIL there
        # while the GUI thread, holding the GIL, waits in player.stop() for a lock that thread holds: a
        # deadlock seen in CI. Queued, the frame is handed to the GUI thread and nobody waits on anybody.
        panel.prepare()
        assert panel.service is not None
        panel.service.sink().videoFrameChanged.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)

    def _on_frame(self, frame: QVideoFrame) -> None:
        self.threads.add(threading.get_ident())
        if frame.isValid():
            self.times.append(frame.startTime() / 1000)


@pytest.fixture
def panel(qapp: Any, tmp_path: Path) -> Any:
    observers: list[Callable[[JobEvent], None]] = []
    bridge = EngineBridge(lambda o: (observers.append(o), lambda: None)[1])
    async def no_redownload(job_id: int) -> None:
        raise AssertionError("these tests never download again")

    player = PlayerPanel(PlayerPorts(no_redownload, tmp_path / "frames", frame_saver(lambda _job_id: None)), bridge)
    player.resize(640, 480)
    player.show()
    yield player
    player.shutdown()
    player.close()
    player.deleteLater()


def test_plays_valid_frames_reports_the_duration_and_loops(run: Any, panel: PlayerPanel, clip: Path) -> None:
    async def scenario() -> None:
        frames = Frames(panel)
        positions: list[int] = []
        panel.service.player.positionChanged.connect(positions.append)
        panel.load_job(ready_job(clip))
        await until(lambda: panel.service.player.duration() > 0, what="duration")
        assert abs(panel.service.player.duration() - 2000) <= 50  # what the metadata says: 2.0 s
        assert panel.controls.seek.maximum() == panel.service.player.duration()
        details = panel.details.text()
        for word in ("320×180", "24 fps", "2 s", "sound", "sim-fixed-lite", "$0.02", "a paper boat on a pond"):
            assert word in details
        await until(lambda: len(frames.times) >= 60, timeout=15, what="more frames than one pass holds")
        assert frames.threads == {threading.main_thread().ident}
        # Looped: the position went back to the start while still playing, and frames kept coming.
        assert any(b < a for a, b in itertools.pairwise(positions))
        assert panel.service.playing
        assert panel.controls.loop_button.isChecked()
        assert panel.controls.time.text().endswith("/ 0:02")

        # Loop off: the clip plays to its end and stops there.
        panel.controls.loop_button.click()
        await until(lambda: panel.service.player.mediaStatus() is QMediaPlayer.MediaStatus.EndOfMedia,
                    timeout=10, what="end of media")
        assert not panel.service.playing

        panel.controls.speed.setCurrentIndex(2)
        assert panel.service.player.playbackRate() == 2.0

    run(scenario())


def test_frame_steps_while_paused(run: Any, panel: PlayerPanel, clip: Path) -> None:
    async def scenario() -> None:
        frames = Frames(panel)
        panel.load_job(ready_job(clip))
        await until(lambda: len(frames.times) >= 5, what="playback")
        panel.setFocus()
        QTest.keyClick(panel, Qt.Key.Key_Space)
        assert not panel.service.playing
        panel.service.seek(1000)
        await until(lambda: frames.times and abs(frames.times[-1] - 1000) < 42, what="the seek")
        frame_ms = 1000 / 24
        for key, expected in ((Qt.Key.Key_Period, 25), (Qt.Key.Key_Period, 26), (Qt.Key.Key_Comma, 25)):
            before = len(frames.times)
            QTest.keyClick(panel, key)
            await until(lambda n=before: len(frames.times) > n, what="a stepped frame")
            await asyncio.sleep(0.1)
            assert round(frames.times[-1] / frame_ms) == expected
        assert not panel.service.playing

    run(scenario())


def test_last_frame_chains_into_a_new_job(run: Any, panel: PlayerPanel, clip: Path) -> None:
    async def scenario() -> Path:
        chained: list[Path] = []
        panel.useAsFirstFrame.connect(chained.append)
        panel.load_job(ready_job(clip))
        await until(panel.use_last.isEnabled, what="the clip to load")
        panel.use_last.click()
        await until(lambda: chained, what="the last frame")
        return chained[0]

    png = run(scenario())
    with av.open(str(clip)) as container:
        *_, last = container.decode(video=0)
        expected = last.to_ndarray(format="rgb24").astype(np.int16)
    with Image.open(png) as image:
        got = np.asarray(image.convert("RGB")).astype(np.int16)
    assert got.shape == expected.shape == (180, 320, 3)
    assert np.abs(got - expected).mean() < 2.0


def test_save_this_frame_as_png_with_the_clips_recipe(run: Any, panel: PlayerPanel, clip: Path,
                                                      tmp_path: Path) -> None:
    from getimg_studio.media.tags import read_recipes

    dest = tmp_path / "still.png"
    said: list[str] = []
    panel.statusMessage.connect(said.append)
    job = ready_job(clip)

    async def scenario() -> None:
        frames = Frames(panel)
        panel.load_job(job)
        await until(lambda: frames.times, what="a frame")
        panel.service.pause()
        panel.service.seek(1000)
        await until(lambda: frames.times and abs(frames.times[-1] - 1000) < 42, what="the seek")
        panel.save_frame.click()
        dialog = next(d for d in panel.findChildren(QFileDialog) if d.isVisible())
        dialog.selectFile(str(dest))
        dialog.accept()
        await until(lambda: said, what="the PNG saved")

    run(scenario())
    assert said == [f"Saved {dest} (with the clip's recipe)"]
    with Image.open(dest) as image:
        assert image.format == "PNG"
        assert image.size == (320, 180)
    [recipe] = read_recipes(dest)  # the prompt and model it was made with, as an export carries them
    assert recipe.to_request() == job.request
    assert any(note.startswith("frame at 1.0") for note in recipe.notes), recipe.notes


def test_unreadable_file_is_said_in_words(run: Any, panel: PlayerPanel, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 100)

    async def scenario() -> None:
        panel.load_job(ready_job(broken, deletes_at=datetime.now(UTC) - timedelta(hours=1)))
        await until(lambda: panel.stack.currentWidget() is panel.problem
                    and "cannot be read" in panel.message.text(),
                    what="the message")
        assert "no longer keeps it" in panel.message.text()
        assert not panel.download_again.isVisible()
        panel.load_job(ready_job(tmp_path / "gone.mp4", deletes_at=datetime.now(UTC) + timedelta(hours=2)))
        await until(lambda: "missing" in panel.message.text(), what="the missing message")
        assert panel.download_again.isVisible()
        assert not panel.use_last.isEnabled()

    run(scenario())


def test_missing_file_downloads_again_and_plays(run: Any, sim: RunningSimulator, paths: Paths) -> None:
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.download import Downloader
    from getimg_studio.jobs.engine import Engine, EngineConfig
    from getimg_studio.jobs.store import JobStore

    async def scenario() -> None:
        store = JobStore(paths.database)
        engine = Engine(store, GetimgClient(sim.base_url, "test"), Downloader(),
                        ModelCatalogue(paths.catalogue_cache), frames_dir=paths.frames, output_dir=paths.output,
                        config=EngineConfig(poll_initial=0.1, poll_max=0.3))
        bridge = EngineBridge(engine.subscribe)
        panel = PlayerPanel(player_ports(engine, paths.cache / "frames"), bridge)
        panel.show()
        try:
            await engine.start()
            await engine.refresh_catalogue()
            job = (await engine.submit(GenerationRequest("sim-fixed-lite", "a kite, downloaded twice")))[0]
            job = (await engine.wait_idle([job.id], timeout=60))[0]
            assert job.file_path is not None
            job.file_path.unlink()
            frames = Frames(panel)
            panel.load_job(job)
            await until(panel.download_again.isVisible, what="the offer to download again")
            assert "missing" in panel.message.text()
            panel.download_again.click()
            await until(lambda: len(frames.times) >= 3, timeout=30, what="the clip playing again")
            assert job.file_path.is_file()
            assert panel.stack.currentWidget() is panel.video
        finally:
            await panel.shutdown()
            bridge.detach()
            await engine.close()
            store.close()
            panel.close()
            panel.deleteLater()

    run(scenario(), timeout=90)


def test_fullscreen_has_controls_that_hide_and_keys_that_work(run: Any, panel: PlayerPanel, clip: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from getimg_studio.ui.player import fullscreen

    monkeypatch.setattr(fullscreen, "HIDE_AFTER_MS", 500)

    async def scenario() -> None:
        panel.load_job(ready_job(clip))
        assert panel.service is not None
        service = panel.service
        await until(lambda: service.player.duration() > 0 and service.playing, what="playing")
        panel.activateWindow()
        panel.controls.setFocus()
        QTest.keyClick(panel.controls, Qt.Key.Key_F)
        await until(lambda: panel.is_fullscreen, what="fullscreen")
        view = panel.fullscreen
        assert view is not None
        assert view.controls_shown  # controls at first...
        await until(lambda: not view.controls_shown, timeout=5, what="the controls to hide while playing")
        QTest.keyClick(view, Qt.Key.Key_Space)  # Space pauses in fullscreen too, and wakes the controls
        await until(lambda: not service.playing, what="paused")
        assert view.controls_shown
        QTest.keyClick(view, Qt.Key.Key_Period)
        QTest.keyClick(view, Qt.Key.Key_Escape)
        await until(lambda: not panel.is_fullscreen, what="fullscreen left")
        assert service.video is panel.video  # the clip shows in the panel again
        await until(panel.isActiveWindow, what="the window behind fullscreen active again")

        assert not service.audio.isMuted()
        QTest.keyClick(panel.controls, Qt.Key.Key_M)
        assert service.audio.isMuted()
        assert panel.controls.mute_button.isChecked()
        QTest.keyClick(panel.controls, Qt.Key.Key_M)
        assert not service.audio.isMuted()
        panel.controls.volume.setValue(25)
        assert abs(service.audio.volume() - 0.25) < 0.01

    run(scenario())
