#!/usr/bin/env python3
"""Compare, trim and export (issue 14), light and dark, on a 1366x768 screen:

    .venv/bin/python scripts/screenshots_takes.py            # both themes
    .venv/bin/python scripts/screenshots_takes.py --only dark

Each theme is a fresh demo-mode app under its own Xvfb screen (the xcb platform: real windows, the video
drawn). It makes four takes of one prompt, compares them (compare-<theme>.png), sets in and out points in
the player (player-trim-<theme>.png) and opens the Export dialog for a GIF (export-<theme>.png).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCREEN = "1366x768"
PROMPT = "A red kite climbing over green hills on a windy afternoon, handheld, golden light"


def drive(only: str | None) -> int:
    from shots_common import drive_xvfb  # this script's folder

    return drive_xvfb(__file__, ((theme, SCREEN, {}) for theme in ("light", "dark")), only)


async def _settle(seconds: float = 0.5) -> None:
    await asyncio.sleep(seconds)  # the qasync loop paints meanwhile


def _shoot(file_name: str) -> None:
    from PySide6.QtGui import QGuiApplication

    pixmap = QGuiApplication.primaryScreen().grabWindow(0)  # the whole screen: dialogs and video included
    target = OUT / f"{file_name}.png"
    if not pixmap.save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(target.relative_to(ROOT), flush=True)


async def _shots(theme: str, data: Path) -> None:
    from getimg_studio.api.types import GenerationRequest
    from getimg_studio.app import build_main_window
    from getimg_studio.ui.export.attach import PlayerExport

    config = data / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"theme": theme, "extra": {"poll_initial": "0.5"}}))
    window = await build_main_window(["--data-dir", str(data), "--demo"])
    engine = window.services.engine
    try:
        window.controller.show()
        window.showMaximized()
        if not engine.catalogue.models():
            await engine.refresh_catalogue()
        window.compose.view.prompt.setPlainText(PROMPT)
        request = GenerationRequest("seedance-v1-pro", PROMPT, aspect_ratio="16:9", resolution="720p", duration=5)
        jobs = await engine.submit(request, 4)
        done = await engine.wait_idle([j.id for j in jobs], timeout=300)
        ids = [j.id for j in done]
        for job_id in ids:
            window.queue.select_job(job_id)
        window.compare.open_compare(ids)
        await _settle(2.5)
        _shoot(f"compare-{theme}")
        window.compare.close()

        window.player.load_job(done[0])
        await _settle(1.5)
        attached = window.player.findChild(PlayerExport)
        assert attached is not None
        assert window.player.service is not None
        window.player.service.pause()
        window.player.service.seek(3200)
        attached.trim.trim.set_in(1200)
        attached.trim.trim.set_out(3200)
        await _settle(1.0)
        _shoot(f"player-trim-{theme}")
        attached.open_export()
        controller = attached.controller
        assert controller is not None
        controller.view.format.setCurrentIndex(controller.view.format.findData("gif"))
        controller.view.loop.setChecked(True)
        await _settle(1.0)
        _shoot(f"export-{theme}")
        controller.view.close()
    finally:
        await window.shutdown()
        window.close()
        window.deleteLater()


def one(theme: str) -> int:
    from shots_common import run_in_app  # this script's folder

    return run_in_app(lambda data: _shots(theme, data), "getimg-takes-")


def main() -> int:
    from shots_common import xvfb_main  # this script's folder

    return xvfb_main(__doc__, "light or dark", drive, one)


if __name__ == "__main__":
    raise SystemExit(main())
