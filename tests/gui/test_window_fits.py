"""On a laptop (1280x720) and at 2x on 1920x1080 (960x540 to Qt), Generate, the estimate and the status
bar are on screen whatever the model and however long a frame's name; the window shares a screen half."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect
from window_probe import must_see, offscreen_parts  # this folder is on sys.path for its tests

from getimg_studio.ui.window.layout import PREFERRED, fitted_geometry, split_widths

HERE = Path(__file__).parent


def test_first_start_fits_the_screen() -> None:
    assert fitted_geometry(QRect(0, 0, 1280, 720)) is None  # maximised: the frame is the WM's to fit
    assert fitted_geometry(QRect(0, 0, 1366, 768)) is None
    big = fitted_geometry(QRect(0, 0, 1920, 1080))
    assert big is not None
    assert (big.width(), big.height()) == PREFERRED
    assert QRect(0, 0, 1920, 1080).contains(big)


def test_the_width_is_shared_out_with_every_minimum_kept() -> None:
    assert split_widths(1264, [300, 260, 300], [True, True, True]) == [404, 506, 354]
    assert split_widths(880, [300, 260, 300], [True, True, True]) == [300, 280, 300]
    assert split_widths(900, [300, 260, 300], [True, False, True]) == [480, 0, 420]
    assert sum(split_widths(944, [300, 260, 300], [True, True, True])) == 944


def test_generate_the_estimate_and_the_status_bar_stay_on_a_1280x720_screen(
        sim: Any, open_window: Callable[..., Any], run: Callable[..., Any], tmp_path: Path) -> None:
    async def scenario() -> list[str]:
        window = await open_window(sim.base_url)
        screen = window.screen().availableGeometry()
        assert (screen.width(), screen.height()) == (1280, 720)
        assert window.isMaximized()  # a first start on a laptop fills it
        found = await offscreen_parts(window, tmp_path)
        window.showNormal()
        window.setGeometry(0, 0, 900, 600)  # less than half a 1920 screen: still usable
        await asyncio.sleep(0.3)
        assert (window.width(), window.height()) == (900, 600)
        inside = QRect(window.mapToGlobal(QPoint(0, 0)), window.size())
        for name, widget in must_see(window).items():
            if not inside.contains(QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())):
                found.append(f"900x600: {name} is cut off")
        return found

    assert run(scenario(), timeout=90) == []


def test_at_2x_on_1920x1080_everything_a_creator_needs_is_on_screen(tmp_path: Path, sim: Any) -> None:
    env = {**os.environ, "QT_SCALE_FACTOR": "2",
           "QT_QPA_PLATFORM": f"offscreen:configfile={HERE.parent / 'data' / 'offscreen-1920x1080.json'}"}
    done = subprocess.run([sys.executable, str(HERE / "fit_at_scale.py"), str(tmp_path / "studio")], env=env,
                          cwd=HERE, capture_output=True, text=True, timeout=240, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert done.returncode == 0, done.stderr[-3000:]
    assert line is not None, done.stdout[-3000:]
    assert json.loads(line[len("RESULT "):]) == []
