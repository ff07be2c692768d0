"""Saving a key in demo mode offers to go live, and going live needs no restart of the app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from getimg_studio.app import build_parser
from getimg_studio.paths import Paths
from getimg_studio.secrets import KeySource
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.ui import launch
from getimg_studio.ui.common.crash import CrashHandler
from getimg_studio.ui.window.main_window import MainWindow


async def _next_window(seen: set[int], timeout: float = 30.0) -> MainWindow:
    for _ in range(int(timeout / 0.05)):
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and id(widget) not in seen and widget.isVisible():
                seen.add(id(widget))
                return widget
        await asyncio.sleep(0.05)
    raise AssertionError("no window appeared")


def test_a_session_key_switches_demo_to_live_in_place(sim: RunningSimulator, paths: Paths,
                                                      run: Callable[..., Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GETIMG_AI_BASE_URL", sim.base_url)  # "live" is our loopback simulator here
    args = build_parser().parse_args(["--data-dir", str(paths.data.parent), "--demo"])
    crash = CrashHandler(paths.log_file, parent_getter=lambda: None)
    failure: list[str] = []

    async def scenario() -> int:
        runner = asyncio.ensure_future(launch._run(args, paths, crash, failure))
        seen: set[int] = set()
        demo = await _next_window(seen)
        assert demo.services.demo
        assert demo.status.mode_label.text() == "Demo (built-in simulator)"
        assert not demo.banner.switch_button.isVisible()
        # What the settings dialog does after "Save" with "this session only" chosen.
        store = demo.services.key_store
        await store.asave("sk-session-only-123456", KeySource.SESSION)
        demo.controller._key_changed(await store.aload())
        assert demo.banner.isVisible()
        assert demo.banner.switch_button.isVisible()
        assert "saved" in demo.banner.text.text()
        demo.banner.switch_button.click()

        live = await _next_window(seen)
        assert live.services.mode == "live"
        assert live.services.base_url == sim.base_url
        assert live.services.key_status.key == "sk-session-only-123456"  # the session key came along
        assert not live.banner.isVisible()
        assert live.status.mode_label.text().startswith("Live: 127.0.0.1:")
        live.close()
        return await asyncio.wait_for(runner, 30)

    assert run(scenario(), timeout=90) == 0
    assert failure == []
