#!/usr/bin/env python3
"""The local queue on laptop screens, light and dark: queued, in-flight, waiting and ready rows at once.

    .venv/bin/python scripts/screenshots_local_queue.py              # 1280x720 and 1366x768, both themes
    .venv/bin/python scripts/screenshots_local_queue.py --only 1280x720-dark

Each shot is a fresh app under its own Xvfb screen of that size (real windows, the xcb platform) talking
to a simulator on a loopback port whose cap on generations in flight is 2. One clip is made first (a
ready row), one more meets a 402 on its poll (a row waiting on the creator), then six are queued: two go
out, the third meets the cap and the rest wait their turn. Saves docs/screenshots/queue-<size>-<theme>.png
(the All view, the queue's line above it) and queue-<size>-<theme>-in-line.png (the Queued view, in
sending order, one job paused).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCREENS = ("1280x720", "1366x768")
SHOTS = ("Harbour at dawn, fishing boats leaving, gulls", "Harbour at dawn, close on a rope coiling on deck",
         "Harbour at dawn, wide from the lighthouse", "Harbour at dawn, a child waving from the pier",
         "Harbour at dawn, nets hauled in, slow motion", "Harbour at dawn, the last boat rounds the point")


def drive(only: str | None) -> int:
    from shots_common import drive_xvfb  # this script's folder

    # A key for the loopback simulator (--base-url): the window runs live against it, capped at 2 in flight
    return drive_xvfb(__file__, ((f"{screen}-{theme}", screen, {"GETIMG_API_KEY": "sim-key"})
                                 for screen in SCREENS for theme in ("light", "dark")), only, timeout=400)


def _shoot(file_name: str) -> None:
    from PySide6.QtGui import QGuiApplication

    pixmap = QGuiApplication.primaryScreen().grabWindow(0)
    target = OUT / f"{file_name}.png"
    if not pixmap.save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(target.relative_to(ROOT), flush=True)


async def _until(predicate: Any, what: str, timeout: float = 60.0, show: Any = None) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise SystemExit(f"timed out waiting for {what}: {show() if show else ''}")
        await asyncio.sleep(0.1)


async def _shot(label: str, data: Path) -> None:
    from getimg_studio.api.types import GenerationRequest
    from getimg_studio.app import build_main_window
    from getimg_studio.jobs.model import JobFilter, JobState
    from getimg_studio.simulator.harness import SimulatorConfig, start_simulator

    theme = label.split("-")[1]
    config = data / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"theme": theme, "extra": {"poll_initial": "0.3",
                                                                                 "poll_max": "1"}}))
    with start_simulator(SimulatorConfig(pending_seconds=1.0, max_pending=2, seed=3)) as sim:
        window = await build_main_window(["--data-dir", str(data), "--base-url", sim.base_url])
        engine = window.services.engine
        store = engine.store
        try:
            window.controller.show()
            await engine.refresh_catalogue()
            model = "seedance-v1-5-pro"
            ready = (await engine.submit(GenerationRequest(model, "A paper boat on a rain-soaked street at dusk",
                                                           aspect_ratio="16:9", resolution="720p",
                                                           duration=5.0)))[0]
            await engine.wait_idle([ready.id], timeout=90)
            sim.add_fault("retrieve", status=402, count=1)
            waiting = (await engine.submit(GenerationRequest(model, "Drone over a misty pine forest at sunrise",
                                                             aspect_ratio="16:9", resolution="720p",
                                                             duration=5.0)))[0]
            await _until(lambda: (j := store.get(waiting.id)) is not None and j.state is JobState.WAITING,
                         "the 402 on a poll")
            # The waiting job finishes on the server, so it no longer takes one of the two slots there.
            await _until(lambda: sim.advance_clock(5) and sim.stats()["pending"] == 0, "the server to settle",
                         show=sim.stats)
            sim.configure(pending_seconds=300)
            for prompt in SHOTS:
                await engine.submit(GenerationRequest(model, prompt, aspect_ratio="16:9", resolution="720p",
                                                      duration=5.0, sound=True))
            queue = window.queue
            await _until(lambda: queue.model.queue.cap == 2 and queue.model.queue.in_flight == 2
                         and len(queue.model.queue.order) == 4, "the cap to be learnt",
                         show=lambda: (queue.model.queue, sim.stats()))
            queue.set_view(JobFilter.ALL)
            head = queue.model.queue.order[0]
            queue.select_job(head)
            queue.view.scrollToBottom()  # newest first: the ready and the waiting row are at the bottom
            await asyncio.sleep(1.5)
            _shoot(f"queue-{label}")
            queue.set_view(JobFilter.QUEUED)
            order = queue.model.queue.order
            await engine.pause([order[2]])
            await _until(lambda: (j := store.get(order[2])) is not None and j.state is JobState.PAUSED, "a pause")
            queue.select_job(order[1])
            queue.view.setFocus()
            await asyncio.sleep(1.0)
            _shoot(f"queue-{label}-in-line")
        finally:
            await window.shutdown()
            window.close()
            window.deleteLater()


def one(label: str) -> int:
    from shots_common import run_in_app  # this script's folder

    return run_in_app(lambda data: _shot(label, data), "getimg-queue-")


def main() -> int:
    from shots_common import xvfb_main  # this script's folder

    return xvfb_main(__doc__, "one run, e.g. 1366x768-dark", drive, one)


if __name__ == "__main__":
    raise SystemExit(main())
