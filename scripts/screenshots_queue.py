#!/usr/bin/env python3
"""Screenshots of the queue (jobs in every state) and of the player playing a clip, light and dark.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots_queue.py

Writes docs/screenshots/queue-<theme>-<n>-<what>.png and player-<theme>-<what>.png. The history is a
throwaway one filled through the store with one job per state; finished jobs have real clips rendered
by the simulator's renderer, so thumbnails and the player show real video. The engine is not started
(nothing polls), so every state stays as it was written. Screenshots are taken from the screen, not
with QWidget.grab(): the video and popup menus are separate native surfaces that a grab leaves out.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_API", "pyside6")
from shots_common import run_for_themes, shoot  # the scripts folder; it puts the repo on sys.path

PROMPTS = {
    "ready1": "A paper boat drifting down a rain-soaked cobblestone street at dusk, neon reflections",
    "ready2": "Drone shot over a misty pine forest at sunrise, slow push forward, golden light",
    "ready3": "A red kite dancing above green hills, wide shot, clouds racing",
    "pending": "A lighthouse in a storm, waves crashing, lightning in the distance",
    "submitting": "Macro shot of dew drops on a spider web, morning light",
    "downloading": "A neon city street at night, rain, reflections, tracking shot",
    "failed": "A jellyfish ballet in deep blue water, bioluminescent",
    "expired": "Old film look: a tram crossing a bridge in the snow",
    "rejected": "A cat astronaut floating in a space station",
    "uncertain": "Sunflowers turning towards the sun, time-lapse",
    "stopped": "Hot air balloons over a canyon at dawn",
}


def _frame_image(path: Path) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 360))
    draw = ImageDraw.Draw(img)
    for y in range(360):
        t = y / 359
        draw.line([(0, y), (640, y)], fill=(int(20 + 60 * t), int(30 + 50 * t), int(70 + 90 * t)))
    draw.ellipse([270, 110, 370, 210], fill=(250, 220, 120))
    img.save(path, "PNG")


def fill_history(store: Any, data: Path) -> dict[str, Any]:
    """One job per state, written through the store the way the engine would have left them."""
    from getimg_studio.api.types import CostEstimate, FrameRef, GenerationRequest, Role
    from getimg_studio.jobs.model import JobState
    from getimg_studio.simulator.render import RenderSpec, render_video

    now = datetime.now(UTC)
    videos = data / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    frame = data / "first-frame.png"
    _frame_image(frame)
    jobs: dict[str, Any] = {}
    # Past completions of the model give the pending job its ETA (median of 40 s).
    for seconds in (35, 40, 48):
        past = store.insert(GenerationRequest("seedance-v1-5-pro", "calibration"), now=now - timedelta(days=3))[0]
        store.update(past.id, state=JobState.READY, submitted_at=now - timedelta(days=3),
                     completed_at=now - timedelta(days=3) + timedelta(seconds=seconds))
        store.delete([past.id])
    order = ["expired", "ready3", "stopped", "rejected", "ready2", "failed", "uncertain", "ready1", "downloading",
             "pending", "submitting"]
    for age, key in enumerate(order):  # oldest first: the newest (submitting) gets the highest id
        created = now - timedelta(minutes=3 * (len(order) - age))
        if key in ("submitting", "pending"):
            created = now - timedelta(seconds=2 if key == "submitting" else 19)
        frames = (FrameRef(Role.FIRST_FRAME, path=frame),) if key in ("pending", "ready2") else ()
        request = GenerationRequest("seedance-v1-5-pro", PROMPTS[key], aspect_ratio="16:9", resolution="720p",
                                    duration=5.0, sound=key in ("ready1", "downloading"), frames=frames)
        estimate = CostEstimate(Decimal("0.375") if request.sound else Decimal("0.25"))
        job = store.insert(request, estimate=estimate, now=created)[0]
        fields: dict[str, Any] = {"remote_id": f"req-01DEMO{job.id:04d}", "submitted_at": created}
        if key.startswith("ready"):
            path = videos / f"{key}.mp4"
            info = render_video(RenderSpec(PROMPTS[key], 640, 360, 3, sound=key == "ready1"), path)
            fields |= {"state": JobState.READY, "completed_at": created + timedelta(seconds=41),
                       "finished_at": created + timedelta(seconds=43), "cost": estimate.amount,
                       "width": info.width, "height": info.height, "duration": info.duration, "fps": info.fps,
                       "has_sound": info.has_sound, "file_path": path, "deletes_at": created + timedelta(hours=24),
                       "favourite": key == "ready2"}
        elif key == "pending":
            fields |= {"state": JobState.PENDING, "submitted_at": now - timedelta(seconds=17)}
        elif key == "submitting":
            fields = {}
        elif key == "downloading":
            fields |= {"state": JobState.DOWNLOADING, "completed_at": now - timedelta(seconds=5),
                       "cost": estimate.amount, "bytes_done": 2_400_000, "bytes_total": 4_000_000,
                       "deletes_at": now + timedelta(hours=23, minutes=59)}
        elif key == "failed":
            fields |= {"state": JobState.FAILED, "error_code": "generation_failed",
                       "error_message": "The model could not generate this video."}
        elif key == "expired":
            fields |= {"state": JobState.EXPIRED, "completed_at": created, "cost": estimate.amount,
                       "error_message": "getimg deleted the video before it was saved.",
                       "deletes_at": created + timedelta(hours=24)}
        elif key == "rejected":
            del fields["remote_id"], fields["submitted_at"]
            fields |= {"state": JobState.REJECTED, "error_code": "content_policy",
                       "error_message": "The prompt was refused by the content policy."}
        elif key == "uncertain":
            del fields["remote_id"]
            fields |= {"state": JobState.UNCERTAIN}
        elif key == "stopped":
            fields |= {"state": JobState.STOPPED}
        jobs[key] = store.update(job.id, **fields) if fields else job
    return jobs


async def _settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)  # the qasync loop paints meanwhile


def _shoot(widget: Any, out: Path, name: str) -> None:
    shoot(widget, out / f"{name}.png")


async def _run(theme_name: str, out: Path, data: Path) -> None:
    from PySide6.QtWidgets import QApplication, QMenu, QSplitter

    from getimg_studio.api.catalogue import ModelCatalogue, parse_models
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.download import Downloader
    from getimg_studio.jobs.engine import Engine
    from getimg_studio.jobs.model import JobFilter
    from getimg_studio.jobs.store import JobStore
    from getimg_studio.paths import resolve_paths
    from getimg_studio.settings import SettingsStore, Theme
    from getimg_studio.simulator.catalog import MODELS
    from getimg_studio.ui.bridge import EngineBridge
    from getimg_studio.ui.common.theme import apply_theme
    from getimg_studio.ui.player.panel import PlayerPanel
    from getimg_studio.ui.ports import Catalogue
    from getimg_studio.ui.queue.panel import QueuePanel
    from getimg_studio.ui.window.builder import player_ports, queue_ports

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, Theme(theme_name))
    paths = resolve_paths(data).ensure()
    store = JobStore(paths.database)
    jobs = fill_history(store, data)
    # Never started: nothing is polled or downloaded, the states stay as written.
    engine = Engine(store, GetimgClient("http://127.0.0.1:9", "screenshots"), Downloader(),
                    ModelCatalogue(paths.catalogue_cache), frames_dir=paths.frames, output_dir=data / "videos")
    bridge = EngineBridge(engine.subscribe)
    splitter = QSplitter()
    splitter.setWindowTitle("getimg Studio: queue and player")
    settings = SettingsStore(paths.settings_file)
    # The engine never ran, so its catalogue is empty: rows name their models from the simulator's list.
    models = parse_models([m.to_json() for m in MODELS])
    catalogue = Catalogue.of(lambda: models)
    player = PlayerPanel(player_ports(engine, paths.cache / "frames"), bridge, model_name=catalogue.model_name)
    queue = QueuePanel(replace(queue_ports(engine, paths.thumbnails), catalogue=catalogue), bridge, settings)
    splitter.addWidget(player)
    splitter.addWidget(queue)
    splitter.setSizes([760, 620])
    splitter.setGeometry(40, 40, 1400, 860)
    splitter.show()
    try:
        await _settle()
        await queue.thumbnails.wait_idle()
        await _settle()
        ready = store.get(jobs["ready1"].id)
        assert ready is not None
        player.load_job(ready)
        queue.select_job(jobs["ready1"].id)
        await _settle(1.0)
        _shoot(queue, out, f"queue-{theme_name}-1-all-states")

        index = queue.model.index_of(jobs["ready2"].id)
        queue.view.setCurrentIndex(index)
        rect = queue.view.visualRect(index)
        queue._context_menu(rect.center())
        await _settle()
        menu = next(m for m in queue.findChildren(QMenu) if m.isVisible())
        _shoot(queue, out, f"queue-{theme_name}-2-context-menu")
        menu.close()

        queue.set_view(JobFilter.FAILED)
        await _settle()
        _shoot(queue, out, f"queue-{theme_name}-3-failed-view")
        queue.set_view(JobFilter.ALL)

        player.load_job(ready)
        await _settle(1.7)
        _shoot(player, out, f"player-{theme_name}-playing")

        gone = replace(ready, id=ready.id, file_path=data / "videos" / "deleted-by-hand.mp4",
                       deletes_at=datetime.now(UTC) + timedelta(hours=20))
        player.load_job(gone)
        await _settle()
        _shoot(player, out, f"player-{theme_name}-missing-file")
    finally:
        await queue.shutdown()
        await player.shutdown()
        bridge.detach()
        await engine.close()
        store.close()
        settings.close()
        splitter.close()
        splitter.deleteLater()


def main() -> int:
    return run_for_themes(__doc__.split("\n")[0] if __doc__ else None, _run, "getimg-queue-shots-")


if __name__ == "__main__":
    raise SystemExit(main())
