"""Unexpected exceptions (in a slot or in an asyncio task) are logged redacted and shown; the app goes on."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from getimg_studio.logs import register_secret
from getimg_studio.ui.common.crash import CrashHandler


@pytest.fixture
def handler(qtbot: QtBot, qloop: Any, tmp_path: Path) -> Any:
    crash = CrashHandler(tmp_path / "logs" / "getimg-studio.log")
    previous = sys.excepthook
    crash.install(qloop)
    yield crash
    crash.uninstall(qloop)
    sys.excepthook = previous


def test_excepthook_logs_redacted_and_shows_a_non_modal_dialog(handler: CrashHandler,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    register_secret("sk-live-abcdef123456")
    try:
        raise RuntimeError("boom with key sk-live-abcdef123456 and https://x/v?sig=SECRETSIG")
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="getimg_studio.crash"):
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    dialog = handler.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.isModal()
    text = dialog.details.toPlainText()
    assert "RuntimeError: boom" in text
    assert "sk-live-abcdef123456" not in text
    assert "SECRETSIG" not in text
    assert "sk-live-abcdef123456" not in caplog.text
    assert "RuntimeError" in caplog.text
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "getimg-studio.log" in copied
    assert "RuntimeError: boom" in copied


def test_an_exception_in_a_task_nobody_awaited_reaches_the_dialog(handler: CrashHandler,
                                                                  run: Callable[..., Any]) -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.call_soon(lambda: loop.call_exception_handler(
            {"message": "Task exception was never retrieved", "exception": ValueError("lost in a task")}))
        await asyncio.sleep(0.05)

    run(scenario())
    assert handler.reports
    assert "lost in a task" in handler.reports[-1]
    assert handler.dialog is not None
    assert handler.dialog.isVisible()


LOOP_ENDED_UNDER_US = r"""
import asyncio, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from getimg_studio.ui import launch


async def window_open(*_args):
    # What Qt does when the X server dies: it ends its own event loop while the window is up.
    QTimer.singleShot(50, lambda: QApplication.instance().exit(1))
    await asyncio.Event().wait()
    return 0

launch._run = window_open
app = QApplication([sys.argv[0]])
sys.exit(launch.run_gui(None, None))
"""


def test_the_display_going_away_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess

    script = LOOP_ENDED_UNDER_US.replace("run_gui(None, None)", f"run_gui(None, resolve_paths({str(tmp_path)!r}))")
    script = script.replace("from getimg_studio.ui import launch", "from getimg_studio.ui import launch\n"
                            "from getimg_studio.paths import resolve_paths")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert done.returncode == 1, done.stderr[-2000:]
    assert "the display went away, so the window closed" in done.stderr
    assert "Traceback" not in done.stderr
