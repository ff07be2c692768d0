#!/usr/bin/env python3
"""The whole window on laptop and desktop screens, light and dark, and at 2x: does everything fit?

    .venv/bin/python scripts/screenshots_layout.py            # every screen, both themes, and 2x
    .venv/bin/python scripts/screenshots_layout.py --only 1280x720-dark

Each shot is a fresh app in demo mode under its own Xvfb screen of that size (real windows, the xcb
platform), opened as a first start opens: fitted to the screen. It types a prompt, drops a first frame
with a long file name, makes one video, plays it, and saves docs/screenshots/window-<size>-<theme>.png
(with `-2x` for QT_SCALE_FACTOR=2). The 1280x720 light run also shows the dialogs a creator meets:
the money question for several videos, the shortcuts list, settings, and the fullscreen player.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCREENS = ("1280x720", "1366x768", "1920x1080")
PROMPT = ("A paper boat drifting down a rain-soaked cobblestone street at dusk, neon reflections, slow dolly "
          "shot following the boat, shallow depth of field")
LONG_NAME = "harbour-at-dusk-reference-still-from-the-location-scout-day-two-final-graded-v3.png"


def runs() -> list[tuple[str, str, int]]:
    """(screen, theme, scale) for every shot."""
    plain = [(screen, theme, 1) for screen in SCREENS for theme in ("light", "dark")]
    return [*plain, ("1920x1080", "light", 2), ("1920x1080", "dark", 2)]


def name(screen: str, theme: str, scale: int) -> str:
    return f"{screen}-{theme}" + ("-2x" if scale == 2 else "")


def drive(only: str | None) -> int:
    """Start one Xvfb per shot, each running this script with --one."""
    from shots_common import drive_xvfb  # this script's folder

    return drive_xvfb(__file__, ((name(screen, theme, scale), screen, {"QT_SCALE_FACTOR": str(scale)})
                                 for screen, theme, scale in runs()), only, timeout=400)


async def _settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)  # the qasync loop paints meanwhile


def _shoot(window: object, file_name: str) -> None:
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    pixmap = screen.grabWindow(0)  # the whole screen: dialogs and the playing video included
    target = OUT / f"{file_name}.png"
    if not pixmap.save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(target.relative_to(ROOT), flush=True)


async def _shot(label: str, data: Path) -> None:
    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtWidgets import QApplication

    from getimg_studio.app import build_main_window

    theme = label.split("-")[1]
    config = data / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"theme": theme, "extra": {"poll_initial": "0.5"}}))
    window = await build_main_window(["--data-dir", str(data), "--demo"])
    engine = window.services.engine
    try:
        window.controller.show()
        if not engine.catalogue.models():
            await engine.refresh_catalogue()
        compose = window.compose
        compose.select_model("seedance-v1-5-pro")
        compose.view.prompt.setPlainText(PROMPT)
        compose.view.sound_check.setChecked(True)
        from shots_common import make_frame  # this script's folder

        frame = data / LONG_NAME
        make_frame(frame)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(frame))])
        compose.view.frames.first.accept_mime(mime)
        await compose.view.frames.settled()
        compose.submit()
        await compose.wait_submitted()
        jobs = await engine.wait_idle(engine.store.ids(), timeout=120)
        if jobs:
            window.queue.select_job(jobs[0].id)
            window.player.load_job(jobs[0])
        await _settle(2.5)
        _shoot(window, f"window-{label}")
        if label == "1280x720-light":
            await _dialogs(window)
        if label == "1280x720-dark":
            await _dark_dialogs(window)
        QApplication.processEvents()
    finally:
        await window.shutdown()
        window.close()
        window.deleteLater()


async def _dialogs(window: object) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from getimg_studio.ui.window.main_window import MainWindow

    assert isinstance(window, MainWindow)
    compose = window.compose
    compose.view.variations.setValue(3)
    task = compose.submit()
    await _settle()
    _shoot(window, "dialog-1280x720-several-videos")
    for box in window.findChildren(QMessageBox):
        if box.isVisible():
            box.reject()
    if task is not None:
        await compose.wait_submitted()
    compose.view.variations.setValue(1)
    window.controller.actions.shortcuts.trigger()
    await _settle()
    _shoot(window, "dialog-1280x720-shortcuts")
    for widget in QApplication.topLevelWidgets():
        if widget.windowTitle() == "Keyboard shortcuts":
            widget.close()
    window.controller.open_settings()
    await _settle()
    _shoot(window, "dialog-1280x720-settings")
    if window.controller.settings_dialog is not None:
        window.controller.settings_dialog.view.close()
    window.player.toggle_fullscreen()
    await _settle(1.5)
    _shoot(window, "player-1280x720-fullscreen")
    window.player.toggle_fullscreen()
    await _settle()


async def _dark_dialogs(window: object) -> None:
    """The dark theme's radio buttons and disabled buttons (once nearly invisible), and About."""
    from getimg_studio.ui.window.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.controller.open_settings()
    await _settle()
    _shoot(window, "dialog-1280x720-settings-dark")
    if window.controller.settings_dialog is not None:
        window.controller.settings_dialog.view.close()
    window.controller.actions.about.trigger()
    await _settle()
    _shoot(window, "dialog-1280x720-about-dark")


def one(label: str) -> int:
    from shots_common import run_in_app  # this script's folder

    return run_in_app(lambda data: _shot(label, data), "getimg-layout-")


def main() -> int:
    from shots_common import xvfb_main  # this script's folder

    return xvfb_main(__doc__, "one shot, e.g. 1280x720-dark or 1920x1080-light-2x", drive, one)


if __name__ == "__main__":
    raise SystemExit(main())
