from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from getimg_studio.logs import redact, register_secret, setup_logging
from getimg_studio.tasks import TaskOwner


def test_signed_urls_and_keys_are_redacted() -> None:
    register_secret("sk-live-abcdef123456")
    text = redact("GET https://api.getimg.ai/v2/downloads/x/0?exp=1&sig=deadbeef key sk-live-abcdef123456 "
                  "Authorization: Bearer abc.def")
    assert "deadbeef" not in text
    assert "sk-live-abcdef123456" not in text
    assert "abc.def" not in text
    assert "exp=1" in text


def test_short_placeholder_keys_do_not_blank_out_words() -> None:
    register_secret("demo")
    assert redact("started with --demo") == "started with --demo"


def test_log_file_never_holds_a_secret(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging(tmp_path / "logs" / "app.log")
    try:
        register_secret("sk-very-secret-9999")
        logging.getLogger("test").warning("using key sk-very-secret-9999 for /d?sig=abc123")
        for handler in root.handlers:
            handler.flush()
        content = (tmp_path / "logs" / "app.log").read_text()
        assert "using key [redacted]" in content
        assert "abc123" not in content
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
                handler.close()


def test_task_owner_keeps_and_cancels_tasks() -> None:
    errors: list[BaseException] = []

    async def scenario() -> None:
        owner = TaskOwner("test", on_error=errors.append)
        started = asyncio.Event()

        async def forever() -> None:
            started.set()
            await asyncio.sleep(3600)

        async def boom() -> None:
            raise ValueError("boom")

        first = owner.start(forever(), name="poll")
        await started.wait()
        second = owner.start(forever(), name="poll")  # replaces the first
        await asyncio.sleep(0)
        assert first.cancelled() or first.cancelling()
        owner.start(boom())
        await asyncio.sleep(0.01)
        assert len(owner) == 1
        await owner.close()
        assert second.cancelled()
        with pytest.raises(RuntimeError):
            owner.start(forever())

    asyncio.run(scenario())
    assert [str(e) for e in errors] == ["boom"]


def test_task_owner_without_a_loop_raises_cleanly() -> None:
    async def never() -> None:  # pragma: no cover - must not run
        raise AssertionError

    # filterwarnings=error turns a "coroutine was never awaited" warning into a failure here.
    with pytest.raises(RuntimeError):
        TaskOwner("no-loop").start(never())
