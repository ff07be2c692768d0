#!/usr/bin/env python3
"""Screenshots of the spending budget in the main window at 1366x768, in the light and the dark theme.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots_budget.py

Steps: one video made under a $1.00 monthly budget (the status bar shows the month and what is left), four
variations refused with the numbers and "Raise budget…", and Settings opened there at the monthly budget.
Written to docs/screenshots/budget-<theme>-<n>-<step>.png. A throwaway data folder in demo mode.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
from shots_common import run_for_themes, shoot  # the scripts folder; it puts the repo on sys.path

PROMPT = "A paper boat drifting down a rain-soaked cobblestone street at dusk, slow dolly shot"


async def _settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)  # the qasync loop paints meanwhile


async def _run(theme: str, out: Path, data: Path) -> None:
    from getimg_studio.app import build_main_window
    from getimg_studio.ui.money.status import BudgetLabel

    config = data / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({
        "theme": theme, "extra": {"poll_initial": "0.5"}, "budget_monthly": "1.00", "confirm_batch_over": 8}))
    window = await build_main_window(["--data-dir", str(data), "--demo"])
    try:
        window.setGeometry(0, 0, 1366, 768)
        window.show()
        engine = window.services.engine
        if not engine.catalogue.models():
            await engine.refresh_catalogue()
        compose = window.compose
        view = compose.view
        for _ in range(100):  # the form fills when the catalogue lands
            if compose.has_models:
                break
            await asyncio.sleep(0.1)
        compose.select_model("seedance-v1-5-pro")
        view.sound_check.setChecked(True)
        view.prompt.setPlainText(PROMPT)
        if compose.submit() is None:
            raise SystemExit(f"Generate is not available: {view.generate_reason.text()}")
        await compose.wait_submitted()
        await engine.wait_idle(engine.store.ids(), timeout=120)
        label = window.findChild(BudgetLabel)
        for _ in range(100):
            if label is not None and "$0.375" in label.text():
                break
            await asyncio.sleep(0.1)
        await _settle(1.0)
        shoot(window, out / f"budget-{theme}-1-status-bar.png")

        view.variations.setValue(4)
        compose.submit()
        await compose.wait_submitted()
        await _settle()
        shoot(window, out / f"budget-{theme}-2-refused.png")

        view.form_message.linkActivated.emit("budget")
        await _settle(0.8)
        dialog = window.controller.settings_dialog
        if dialog is not None:
            dialog.view.move(340, 40)
            await _settle()
            shoot(dialog.view, out / f"budget-{theme}-3-raise-budget.png")
            dialog.view.close()
    finally:
        await window.shutdown()
        window.close()
        window.deleteLater()


def main() -> int:
    return run_for_themes(__doc__.split("\n")[0] if __doc__ else None, _run, "getimg-budget-shots-")


if __name__ == "__main__":
    raise SystemExit(main())
