#!/usr/bin/env python3
"""Screenshots of the main window at each step of one demo run, in the light and the dark theme.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots_compose.py

Steps: empty form, prompt typed, first frame dropped, submitted, ready. Each is written to
docs/screenshots/compose-<theme>-<n>-<step>.png. The run uses a throwaway data folder in demo mode, so
nothing of the developer's own history or key is involved.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROMPT = ("A paper boat drifting down a rain-soaked cobblestone street at dusk, neon reflections, "
          "slow dolly shot following the boat, shallow depth of field")


def _make_frame(path: Path) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1280, 720))
    draw = ImageDraw.Draw(img)
    for y in range(720):
        t = y / 719
        draw.line([(0, y), (1280, y)], fill=(int(30 + 40 * t), int(40 + 80 * t), int(90 + 120 * t)))
    draw.polygon([(540, 470), (740, 470), (700, 520), (580, 520)], fill=(235, 235, 225))
    draw.polygon([(640, 360), (640, 470), (700, 470)], fill=(250, 250, 240))
    img.save(path, "PNG")


async def _settle(seconds: float = 0.3) -> None:
    # The qasync loop paints while we sleep; processEvents() here would re-enter running tasks.
    await asyncio.sleep(seconds)


def _grab(window: object, out: Path, theme: str, n: int, step: str) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget)
    target = out / f"compose-{theme}-{n}-{step}.png"
    # From the screen, not QWidget.grab(): the playing video is a native surface a grab leaves blank.
    geometry = window.frameGeometry()
    shot = QGuiApplication.primaryScreen().grabWindow(0, geometry.x(), geometry.y(), geometry.width(),
                                                      geometry.height())
    if not shot.save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)


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
        window.resize(1560, 940)
        window.show()
        if not window.engine.catalogue.models():
            await window.engine.refresh_catalogue()
        compose = window.compose
        compose.select_model("seedance-v1-5-pro")
        await _settle()
        _grab(window, out, theme, 1, "empty")

        compose.prompt.setPlainText(PROMPT)
        compose.sound_check.setChecked(True)
        compose.prompt.setFocus()
        await _settle()
        _grab(window, out, theme, 2, "prompt")

        frame = data / "harbour-boat.png"
        _make_frame(frame)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(frame))])
        pos, actions = QPointF(30, 30), Qt.DropAction.CopyAction
        buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QApplication.sendEvent(compose.frames.first, QDragEnterEvent(pos.toPoint(), actions, mime, buttons, mods))
        QApplication.sendEvent(compose.frames.first, QDropEvent(pos, actions, mime, buttons, mods))
        await compose.frames.settled()
        await _settle()
        _grab(window, out, theme, 3, "frame")

        compose.submit()
        await compose.wait_submitted()
        await _settle(0.6)
        _grab(window, out, theme, 4, "submitted")

        ids = window.engine.store.ids()
        jobs = await window.engine.wait_idle(ids, timeout=120)
        if jobs:
            window.player.load_job(jobs[0])
        await _settle(2.0)
        _grab(window, out, theme, 5, "ready")
    finally:
        await window.shutdown()
        window.close()
        window.deleteLater()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--theme", choices=["light", "dark", "both"], default="both")
    args = parser.parse_args()
    import qasync
    from PySide6.QtWidgets import QApplication

    from getimg_studio import APP_ID, APP_NAME

    app = QApplication([sys.argv[0]])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)
    args.out.mkdir(parents=True, exist_ok=True)
    themes = ["light", "dark"] if args.theme == "both" else [args.theme]
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        for theme in themes:
            with tempfile.TemporaryDirectory(prefix="getimg-shots-", ignore_cleanup_errors=True) as tmp:
                runner.run(_run(theme, args.out, Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
