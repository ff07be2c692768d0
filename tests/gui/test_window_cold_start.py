"""A cold start in demo mode, in a fresh process: what the first paint does not need is neither imported nor
built before it (bench/bench_startup.py measures how long it takes), and each part still works when first used."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each of these costs the first paint and is not needed for it.
NOT_BEFORE_THE_FIRST_PAINT = (
    "getimg",  # the SDK and its pydantic types: with the engine's first request
    "httpx",
    "PIL",  # frames and thumbnails: when one is read
    "keyring",  # demo mode chosen outright needs no key
    "PySide6.QtMultimedia",  # the player: after the first paint (warm_up) or with the first clip
    "av",
    "getimg_studio.ui.storyboard.view",  # the Storyboard page: when first shown
    "getimg_studio.jobs.storyboard_runner",
    "getimg_studio.ui.settings.dialog",  # the settings window: when first opened
    "getimg_studio.ui.spending.view",
)

SCRIPT = r"""
import asyncio, json, os, sys
os.environ.setdefault("QT_API", "pyside6")
import qasync
from PySide6.QtWidgets import QApplication

WATCH = json.loads(sys.argv[2])


async def main() -> dict:
    from getimg_studio.app import build_main_window

    window = await build_main_window(["--data-dir", sys.argv[1], "--demo"])
    window.controller.show()
    seen = {"loaded": sorted(m for m in WATCH if m in sys.modules), "models": window.compose.has_models,
            "page": window.storyboard.controller is not None}
    window.controller.actions.show_storyboard.trigger()  # View > Storyboard
    page = window.storyboard.controller
    seen["page_shown"] = page is not None and window.stage.currentWidget() is page.view
    for _ in range(600):  # the engine's first fetch from the simulator (the SDK's first use)
        if window.services.engine.catalogue.fetched_at is not None:
            break
        await asyncio.sleep(0.05)
    seen["fetched"] = window.services.engine.catalogue.fetched_at is not None
    await window.shutdown()
    window.close()
    return seen


app = QApplication([sys.argv[0]])
with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
    print("SEEN " + json.dumps(runner.run(main())))
"""


def test_a_demo_cold_start_shows_the_window_before_loading_what_it_does_not_need(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    env.pop("GETIMG_API_KEY", None)
    watch = json.dumps(NOT_BEFORE_THE_FIRST_PAINT)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data"), watch], capture_output=True,
                          text=True, timeout=120, check=False, env=env)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("SEEN ")), None)
    assert done.returncode == 0, done.stderr[-3000:]
    assert line is not None, done.stdout
    seen = json.loads(line[len("SEEN "):])
    assert seen["loaded"] == [], "loaded before the first paint"
    assert seen["models"]  # a first demo start offers the simulator's models before it has answered
    assert not seen["page"]
    assert seen["page_shown"]  # built when first shown
    assert seen["fetched"]  # and the engine still talks to the simulator (through the SDK) after the paint


def test_a_window_never_painted_still_talks_to_getimg(sim: Any, paths: Any, run: Callable[..., Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's first request waits for the first paint, or `NETWORK_LATEST` seconds when none comes."""
    from getimg_studio.app import build_parser
    from getimg_studio.ui.launch import create_main_window
    from getimg_studio.ui.window.controller import WindowController

    monkeypatch.setattr(WindowController, "NETWORK_LATEST", 0.3)
    monkeypatch.setenv("GETIMG_API_KEY", "sk-test-unpainted-0001")
    args = build_parser().parse_args(["--data-dir", str(paths.data.parent), "--base-url", sim.base_url])

    async def scenario() -> None:
        window = await create_main_window(args, paths)  # never shown
        try:
            for _ in range(200):
                if window.compose.has_models:
                    break
                await asyncio.sleep(0.05)
            assert window.compose.has_models  # listed by the simulator: the request went without a paint
        finally:
            await window.shutdown()
            window.deleteLater()

    run(scenario(), timeout=60)


def test_a_demo_simulator_that_never_comes_up_is_said_in_the_status_bar(paths: Any, run: Callable[..., Any],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Demo mode does not wait for the simulator to boot, so its failure reaches the window afterwards."""
    from getimg_studio.app import build_parser
    from getimg_studio.simulator import process
    from getimg_studio.ui.launch import create_main_window

    class NeverUp:
        base_url = "http://127.0.0.1:9"  # nothing listens: requests are refused at once

        def wait_listening(self, timeout: float = 20) -> None:
            raise process.SimulatorStartError("simulator did not start (exit code 2, said '')")

        def stop(self, timeout: float = 10.0) -> int:
            return 2

    monkeypatch.setattr(process, "spawn_simulator", lambda *args, **kwargs: NeverUp())
    args = build_parser(commands=False).parse_args(["--data-dir", str(paths.data.parent), "--demo"])

    async def scenario() -> None:
        window = await create_main_window(args, paths)
        try:
            for _ in range(100):
                if "did not start" in window.status.currentMessage():
                    break
                await asyncio.sleep(0.05)
            assert "The demo simulator did not start" in window.status.currentMessage()
            assert window.compose.has_models  # the form still opens with the demo models
        finally:
            await window.shutdown()
            window.deleteLater()

    run(scenario(), timeout=60)
