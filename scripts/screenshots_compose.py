#!/usr/bin/env python3
"""Screenshots of the main window at each step of one demo run, in the light and the dark theme.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots_compose.py

Steps: empty form, prompt typed, first frame dropped, submitted, ready. Each is written to
docs/screenshots/compose-<theme>-<n>-<step>.png. The run uses a throwaway data folder in demo mode, so
nothing of the developer's own history or key is involved.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
from shots_common import make_frame, run_for_themes, shoot  # the scripts folder; it puts the repo on sys.path

PROMPT = ("A paper boat drifting down a rain-soaked cobblestone street at dusk, neon reflections, "
          "slow dolly shot following the boat, shallow depth of field")


async def _settle(seconds: float = 0.3) -> None:
    # The qasync loop paints while we sleep; processEvents() here would re-enter running tasks.
    await asyncio.sleep(seconds)


def _grab(window: object, out: Path, theme: str, n: int, step: str) -> None:
    shoot(window, out / f"compose-{theme}-{n}-{step}.png")


async def _run(theme: str, out: Path, data: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from getimg_studio.app import build_main_window

    config = data / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"theme": theme, "extra": {"poll_initial": "0.5"}}))
    window = await build_main_window(["--data-dir", str(data), "--demo"])
    try:
        window.setGeometry(20, 20, 1500, 920)
        window.show()
        engine = window.services.engine
        if not engine.catalogue.models():
            await engine.refresh_catalogue()
        compose = window.compose
        view = compose.view
        compose.select_model("seedance-v1-5-pro")
        await _settle()
        _grab(window, out, theme, 1, "empty")

        view.prompt.setPlainText(PROMPT)
        view.sound_check.setChecked(True)
        view.prompt.setFocus()
        await _settle()
        _grab(window, out, theme, 2, "prompt")

        frame = data / "harbour-boat.png"
        make_frame(frame)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(frame))])
        pos, actions = QPointF(30, 30), Qt.DropAction.CopyAction
        buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QApplication.sendEvent(view.frames.first, QDragEnterEvent(pos.toPoint(), actions, mime, buttons, mods))
        QApplication.sendEvent(view.frames.first, QDropEvent(pos, actions, mime, buttons, mods))
        await view.frames.settled()
        await _settle()
        _grab(window, out, theme, 3, "frame")

        compose.submit()
        await compose.wait_submitted()
        await _settle(0.6)
        _grab(window, out, theme, 4, "submitted")

        ids = engine.store.ids()
        jobs = await engine.wait_idle(ids, timeout=120)
        if jobs:
            window.player.load_job(jobs[0])
        await _settle(2.0)
        _grab(window, out, theme, 5, "ready")
    finally:
        await window.shutdown()
        window.close()
        window.deleteLater()


def main() -> int:
    return run_for_themes(__doc__.split("\n")[0] if __doc__ else None, _run, "getimg-shots-")


if __name__ == "__main__":
    raise SystemExit(main())
