#!/usr/bin/env python3
"""The Storyboard page as a creator meets it, light and dark, at 1366x768 and 1280x720.

    .venv/bin/python scripts/screenshots_storyboard.py                 # every screen and theme
    .venv/bin/python scripts/screenshots_storyboard.py --only 1366x768-dark

Each run is a fresh app in demo mode under its own Xvfb screen (real windows, xcb). It builds a storyboard
of three shots (the first opens on a keyframe from a prompt with a reference image, the second continues
the first, the third has two takes) and shows the keyframe's fields, adds one without a prompt, shows the
problem on that shot, deletes it, is refused by a budget below the run's cost, asks Generate's question,
runs it, and opens the export dialog and the sequence player.
Saves docs/screenshots/storyboard-<screen>-<theme>-<n>-<what>.png.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
RUNS = ("1366x768-light", "1366x768-dark", "1280x720-light")
SHOTS = ("A lighthouse on a rocky headland at dawn, fishing boats in the harbour below",
         "The camera rises slowly along the lighthouse wall toward the lamp room",
         "A gull glides over the waves, lit for a moment by the turning beam")


def drive(only: str | None) -> int:
    from shots_common import drive_xvfb  # this script's folder

    return drive_xvfb(__file__, ((label, label.split("-")[0], {}) for label in RUNS), only)


async def _settle(seconds: float = 0.5) -> None:
    await asyncio.sleep(seconds)


async def _until(predicate: object, timeout: float = 120.0) -> object:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := predicate()):  # type: ignore[operator]
        if loop.time() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.1)
    return value


def _shoot(label: str, what: str) -> None:
    from PySide6.QtGui import QGuiApplication

    target = OUT / f"storyboard-{label}-{what}.png"
    if not QGuiApplication.primaryScreen().grabWindow(0).save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(target.relative_to(ROOT), flush=True)


def _reference(data: Path) -> Path:
    from PIL import Image

    path = data / "look.png"
    Image.new("RGB", (320, 180), "#d9a066").save(path)
    return path


def _pick(combo: object, data: object) -> None:
    index = combo.findData(data)  # type: ignore[attr-defined]
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]
    combo.activated.emit(index)  # type: ignore[attr-defined]


async def _shot(label: str, data: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from getimg_studio.api.types import Role
    from getimg_studio.app import build_main_window
    from getimg_studio.jobs.storyboard.model import FrameKind

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
        window.controller.actions.show_storyboard.setChecked(True)
        page = window.storyboard.controller  # the page is built when first shown
        assert page is not None
        await _until(lambda: page.board is not None and page.board.id is not None)
        v = page.view
        v.name.setText("The lighthouse at dawn")
        v.name.editingFinished.emit()
        v.style_text.setText("Hand-painted watercolour, warm light, slow and steady camera")
        v.style_text.editingFinished.emit()
        _pick(v.default_model, "seedance-v1-5-pro")
        _pick(v.default_resolution, "480p")
        for index, prompt in enumerate(SHOTS):
            if index:
                v.add.click()
            v.form.prompt.setPlainText(prompt)
            page._prompt_edited()
            if index == 0:  # opens on a keyframe made from a prompt, with a reference for the look
                _pick(v.form.first, FrameKind.KEYFRAME)
                keyframe = v.form.first_keyframe
                keyframe.prompt.setPlainText("A white lighthouse on a rocky headland at dawn, boats below")
                page.keyframes[Role.FIRST_FRAME].flush()
                page.keyframes[Role.FIRST_FRAME].edit(references=(_reference(data),))
            if index == 1:
                _pick(v.form.first, FrameKind.CHAINED)
            if index == 2:
                v.form.takes.setValue(2)
        v.shots.setCurrentRow(0)
        await _settle(0.5)
        v.editor_area.ensureWidgetVisible(v.form.cost)
        await _settle(0.5)
        _shoot(label, "7-keyframe")
        v.editor_area.ensureWidgetVisible(v.shots)
        v.add.click()  # a shot without a prompt: the problem shows on it
        await _settle(1.0)
        _shoot(label, "1-problem")
        v.delete.click()
        v.shots.setCurrentRow(1)
        await _settle()
        window.controller.settings.update(budget_monthly="0.10")  # below the run's cost: refused, with the way out
        v.generate.click()
        box = await _until(lambda: page.last_question)
        assert isinstance(box, QMessageBox)
        [yes] = [b for b in box.buttons() if b.text().startswith("Generate")]
        yes.click()
        await _until(lambda: "Raise budget" in v.status.text())
        await _settle()
        _shoot(label, "8-over-budget")
        window.controller.settings.update(budget_monthly="")
        await _settle()
        v.generate.click()
        box = await _until(lambda: page.last_question)
        await _settle()
        _shoot(label, "2-generate-question")
        assert isinstance(box, QMessageBox)
        [yes] = [b for b in box.buttons() if b.text().startswith("Generate")]
        yes.click()
        await _until(lambda: "Ready" in (v.shots.item(0).text() if v.shots.item(0) else ""))
        await _settle(1.0)
        _shoot(label, "3-running")
        await _until(lambda: "every shot is ready" in v.summary.text(), timeout=300)
        await _settle(1.5)  # thumbnails
        page.render_cards()
        await _settle(0.5)
        _shoot(label, "4-ready")
        v.export.click()
        dialog = page.exporter.dialog
        await _until(lambda: "joined" in dialog.plan.text() or "re-encoded" in dialog.plan.text())
        await _settle()
        _shoot(label, "5-export")
        dialog.reject()
        v.play.click()
        player = await _until(lambda: getattr(page, "player", None))
        player.resize(900, 560)  # type: ignore[attr-defined]
        await _settle(2.5)
        player.strip[1].click()  # type: ignore[attr-defined]
        await _settle(1.5)
        _shoot(label, "6-play")
        player.close()  # type: ignore[attr-defined]
        await _settle()
    finally:
        await window.shutdown()
        window.close()
        window.deleteLater()


def one(label: str) -> int:
    from shots_common import run_in_app  # this script's folder

    return run_in_app(lambda data: _shot(label, data), "getimg-storyboard-")


def main() -> int:
    from shots_common import xvfb_main  # this script's folder

    return xvfb_main(__doc__, "one run, e.g. 1366x768-dark", drive, one)


if __name__ == "__main__":
    raise SystemExit(main())
