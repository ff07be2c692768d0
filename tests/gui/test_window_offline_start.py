"""A first start with getimg out of reach: the form says why it is empty, and fills once getimg answers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest

from getimg_studio.app import build_parser
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import SimulatorConfig, start_simulator
from getimg_studio.ui.launch import create_main_window
from getimg_studio.ui.window.controller import WindowController


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_first_start_explains_then_recovers(paths: Paths, run: Callable[..., Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(WindowController, "MODELS_RETRY_FIRST", 0.3)
    monkeypatch.setenv("GETIMG_API_KEY", "sk-test-offline-0001")
    port = _free_port()
    paths.settings_file.write_text(json.dumps({"extra": {"poll_initial": "0.2"}}))
    args = build_parser().parse_args(["--data-dir", str(paths.data.parent), "--base-url", f"http://127.0.0.1:{port}"])
    server = None

    async def scenario() -> None:
        nonlocal server
        window = await create_main_window(args, paths)
        try:
            window.show()
            compose = window.compose
            message = compose.view.messages.labels["model"]
            for _ in range(200):
                if "could not be loaded" in message.text():
                    break
                await asyncio.sleep(0.05)
            assert "could not be loaded" in message.text()
            assert f"127.0.0.1:{port}" in message.text()  # which host, so the creator can check it
            assert not compose.view.generate_button.isEnabled()
            assert compose.view.generate_reason.text() == "Waiting for the model list."
            assert compose.view.frames.first.toolTip() == "Choose a model first."
            assert compose.view.cost_label.text() == "Estimated cost: choose a model"

            server = start_simulator(SimulatorConfig(pending_seconds=0.5), port=port)  # getimg is back
            for _ in range(400):
                if compose.has_models:
                    break
                await asyncio.sleep(0.05)
            assert compose.view.model_combo.count() >= 3
            assert "could not be loaded" not in message.text()
            compose.view.prompt.setPlainText("a lighthouse in a storm")
            await asyncio.sleep(0)
            assert compose.view.generate_button.isEnabled()
        finally:
            await window.shutdown()
            window.close()
            window.deleteLater()

    try:
        run(scenario(), timeout=90)
    finally:
        if server is not None:
            server.close()
