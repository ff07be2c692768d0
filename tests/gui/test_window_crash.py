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
