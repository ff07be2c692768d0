#!/usr/bin/env python3
"""Screenshots of keyframes from a prompt (issue 12) in demo mode, light and dark, at 1366x768.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots_keyframes.py

Steps: the first frame's image form, the images to choose from, the frame in the slot, and the queue
with image rows (and the player showing one). Written to docs/screenshots/keyframes-<theme>-<n>-<step>.png,
from a throwaway data folder, so nothing of the developer's own history or key is involved.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
from shots_common import run_for_themes, shoot  # the scripts folder; it puts the repo on sys.path

PROMPT = ("A lighthouse on a cliff at dawn, waves breaking below, warm light on the clouds, "
          "slow push in towards the lamp")


async def _settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)  # the qasync loop paints meanwhile


async def _answer_yes() -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    for _ in range(100):
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.objectName() == "question" and box.isVisible():
                next(b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole).click()
                return
        await asyncio.sleep(0.05)
    raise SystemExit("the several-generations question did not open")


async def _run(theme: str, out: Path, data: Path) -> None:
    from getimg_studio.api.image_types import ImageRequest
    from getimg_studio.api.types import GenerationRequest
    from getimg_studio.app import build_main_window

    config = data / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"theme": theme, "extra": {"poll_initial": "0.5"}}))
    window = await build_main_window(["--data-dir", str(data), "--demo"])

    def grab(n: int, step: str) -> None:
        shoot(window, out / f"keyframes-{theme}-{n}-{step}.png")

    try:
        window.setGeometry(0, 0, 1366, 768)
        window.show()
        engine = window.services.engine
        if not engine.catalogue.image_models():
            await engine.refresh_catalogue()
        compose = window.compose
        compose.select_model("seedance-v1-5-pro")
        compose.view.prompt.setPlainText(PROMPT)
        await _settle()
        compose.view.frames.first.generate_button.click()
        keyframes = window.keyframes
        dialog = keyframes.dialog
        assert dialog is not None
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("sim-image-pro"))
        dialog.variations.setValue(3)
        look = data / "harbour-look-reference.png"  # what "Add…" under References would pick
        from PIL import Image

        with Image.new("RGB", (960, 540), "#2f5d7c") as picture:
            picture.save(look)
        await keyframes.add_references([look])
        await _settle()
        grab(1, "image-form")

        started = asyncio.get_running_loop().time()
        dialog.generate_button.click()
        await _answer_yes()
        await keyframes.wait_done()
        print(f"three images shown {asyncio.get_running_loop().time() - started:.2f} s after Generate")
        dialog.choices[1].click()
        await _settle()
        grab(2, "choose")

        dialog.use_button.click()
        await compose.view.frames.settled()
        await _settle()
        grab(3, "in-the-slot")

        # A few more keyframes and a video, so the queue shows both kinds.
        await engine.submit_image(ImageRequest("sim-image-lite", "The same lighthouse at night, beam sweeping fog",
                                               aspect_ratio="16:9"))
        await engine.submit(GenerationRequest("sim-fixed-lite", "A lighthouse beam over a calm sea"))
        await engine.wait_idle(engine.store.ids(), timeout=120)
        queue = window.queue
        queue.model.data(queue.model.index(0, 0))
        for row in range(queue.model.rowCount()):
            queue.model.data(queue.model.index(row, 0), 1)  # DecorationRole: start every thumbnail
        await queue.thumbnails.wait_idle()
        images = [j for j in engine.store.get_many(engine.store.ids()) if j.kind.value == "image"]
        queue.select_job(images[0].id)
        window.player.load_job(images[0])
        await _settle(1.0)
        grab(4, "queue-with-images")

        queue.kinds.setCurrentIndex(queue.kinds.findText("Images"))
        await _settle()
        grab(5, "images-filter")
    finally:
        await window.shutdown()
        window.close()
        window.deleteLater()


def main() -> int:
    return run_for_themes(__doc__.split("\n")[0] if __doc__ else None, _run, "getimg-keyframes-")


if __name__ == "__main__":
    raise SystemExit(main())
