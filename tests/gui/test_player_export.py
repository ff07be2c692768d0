"""Trim and export from the player: I and O at the playhead, a handle dragged, the Export dialog writing a GIF
with the recipe inside while the window keeps painting, Cancel leaving nothing behind."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import av
import pytest
from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.media.tags import read_recipes
from getimg_studio.simulator.render import RenderSpec, render_video
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.export.attach import PlayerExport
from getimg_studio.ui.export.ports import export_ports, frame_saver
from getimg_studio.ui.player.panel import PlayerPanel
from getimg_studio.ui.ports import PlayerPorts

T0 = datetime(2026, 11, 1, tzinfo=UTC)
REQUEST = GenerationRequest("sim-fixed-lite", "a paper boat on a pond", aspect_ratio="16:9")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clips") / "boat.mp4"
    render_video(RenderSpec("a paper boat on a pond", 320, 180, 2, sound=True), path)
    return path


@pytest.fixture
def player(qapp: Any, tmp_path: Path) -> Iterator[tuple[PlayerPanel, PlayerExport]]:
    bridge = EngineBridge(lambda _observer: lambda: None)

    async def no_redownload(job_id: int) -> None:
        raise AssertionError("never downloads")

    panel = PlayerPanel(PlayerPorts(no_redownload, tmp_path / "frames", frame_saver(lambda _job_id: None)), bridge)
    attached = PlayerExport(panel, export_ports(lambda _job_id: None))
    panel.resize(700, 480)
    panel.show()
    yield panel, attached
    if attached.controller is not None:
        attached.controller.view.close()
    panel.shutdown()
    panel.close()
    panel.deleteLater()


def ready(path: Path) -> Job:
    return Job(id=7, state=JobState.READY, request=REQUEST, created_at=T0, updated_at=T0, remote_id="req-7",
               width=320, height=180, duration=2.0, fps=24.0, has_sound=True, cost=Decimal("0.02"), file_path=path)


async def loaded(panel: PlayerPanel, clip: Path) -> None:
    panel.load_job(ready(clip))
    await until(lambda: panel.service is not None and panel.service.player.duration() > 0, what="the clip")
    panel.service.pause()


def test_in_and_out_points_then_a_gif_export_with_progress(run: Any, player: tuple[PlayerPanel, PlayerExport],
                                                           clip: Path, tmp_path: Path) -> None:
    panel, attached = player
    trim = attached.trim.trim

    async def scenario() -> None:
        await loaded(panel, clip)
        assert attached.button.isEnabled()
        assert attached.trim.bar.isVisible()
        assert not trim.active
        panel.service.seek(500)
        await until(lambda: abs(panel.service.player.position() - 500) < 5, what="the seek")
        QTest.keyClick(panel, Qt.Key.Key_I)
        panel.service.seek(1500)
        await until(lambda: abs(panel.service.player.position() - 1500) < 5, what="the seek")
        QTest.keyClick(panel, Qt.Key.Key_O)
        assert trim.span().start_ms == 500
        assert trim.span().end_ms == 1500
        # the in handle dragged to a quarter of a second
        bar = attached.trim.bar
        start = QPoint(bar.x_of(500) + 1, bar.height() // 2)
        QTest.mousePress(bar, Qt.MouseButton.LeftButton, pos=start)
        QTest.mouseMove(bar, QPoint(bar.x_of(250), bar.height() // 2))
        QTest.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.x_of(250), bar.height() // 2))
        assert abs(trim.span().start_ms - 250) <= 40  # a pixel of this bar is about 5 ms
        trim.set_in(500)

        attached.button.click()
        controller = attached.controller
        assert controller is not None
        view = controller.view
        assert view.isVisible()
        view.format.setCurrentIndex(view.format.findData("gif"))
        out = tmp_path / "boat.gif"
        view.path.setText(str(out))
        await until(lambda: "It will be" in view.summary.text(), what="the summary")
        assert view.span.text() == "0.50 s to 1.50 s"
        assert view.summary.text().startswith("It will be 320×180 · 15 fps · 15 frames · 1.00 s")
        assert view.size_choice.currentText() == "360p"  # GIF's default (never enlarged past the clip)

        progress: list[int] = []
        view.progress.valueChanged.connect(progress.append)
        ticks: list[float] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(asyncio.get_running_loop().time()))
        timer.start(10)
        view.export_button.click()
        assert not view.export_button.isEnabled()
        await until(lambda: not view.isVisible(), timeout=30, what="the export to finish")
        timer.stop()
        assert out.is_file()
        assert progress[-1] == 1000
        assert len(set(progress)) >= 2
        assert len(ticks) >= 2  # the window's loop ran while the GIF was written
        with av.open(str(out)) as container:
            assert sum(1 for _ in container.decode(video=0)) == 15
        [recipe] = read_recipes(out)
        assert recipe.to_request() == REQUEST
        assert "trimmed 0.50-1.50 s" in recipe.notes

    run(scenario())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boat.gif"]  # no temporary file left


def test_cancel_leaves_nothing_and_the_frame_is_a_png(run: Any, player: tuple[PlayerPanel, PlayerExport],
                                                      clip: Path, tmp_path: Path) -> None:
    panel, attached = player
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    async def scenario() -> None:
        await loaded(panel, clip)
        QTest.keyClick(panel, Qt.Key.Key_E)
        controller = attached.controller
        assert controller is not None
        view = controller.view
        await until(lambda: "It will be" in view.summary.text(), what="the summary")
        assert view.span.text().startswith("the whole clip")
        view.format.setCurrentIndex(view.format.findData("webm"))
        view.path.setText(str(out_dir / "boat.webm"))
        view.export_button.click()
        view.cancel_button.click()  # at once: the export stops at its next frame
        await until(lambda: controller.running is None, timeout=30, what="the cancel")
        assert view.status.text() == "Cancelled: nothing was written."
        assert view.isVisible()
        assert list(out_dir.iterdir()) == []

        panel.service.seek(1000)
        await until(lambda: abs(panel.service.player.position() - 1000) < 5, what="the seek")
        view.close()
        attached.open_export()
        view.format.setCurrentIndex(view.format.findData("png"))
        view.path.setText(str(out_dir / "frame.png"))
        await until(lambda: "It will be" in view.summary.text(), what="the summary")
        assert view.span.text() == "the frame at 1.00 s"
        assert not view.loop.isEnabled()
        view.export_button.click()
        await until(lambda: not view.isVisible(), timeout=30, what="the frame")
        assert [p.name for p in out_dir.iterdir()] == ["frame.png"]
        assert read_recipes(out_dir / "frame.png")[0].notes == ("frame at 1.00 s",)

    run(scenario())
