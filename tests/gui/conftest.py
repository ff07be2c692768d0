"""GUI fixtures: a qasync loop on the test's QApplication, the simulator's models, image files.

Drive a test with `run(coro)`: it runs `coro` on the qasync loop, so tasks started by widgets (image
reading, submitting) make progress; wait inside coroutines with asyncio, never with qtbot.waitUntil.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

os.environ.setdefault("QT_API", "pyside6")

import qasync  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from getimg_studio.api.catalogue import parse_models  # noqa: E402
from getimg_studio.api.types import ModelInfo  # noqa: E402
from getimg_studio.simulator.catalog import MODELS  # noqa: E402

T = TypeVar("T")
Runner = Callable[..., Any]


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    try:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=5))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
        asyncio.set_event_loop(None)


@pytest.fixture
def run(qloop: qasync.QEventLoop) -> Callable[..., Any]:
    def runner(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        return qloop.run_until_complete(asyncio.wait_for(coro, timeout))

    return runner


@pytest.fixture
def sim_models() -> list[ModelInfo]:
    """The simulator's catalogue as the app parses it (video and image models)."""
    return parse_models([m.to_json() for m in MODELS])


@pytest.fixture
def video_models(sim_models: list[ModelInfo]) -> list[ModelInfo]:
    return [m for m in sim_models if m.type == "video"]


@pytest.fixture
def image_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a real image file: image_file("name.png", (w, h))."""

    def make(name: str = "frame.png", size: tuple[int, int] = (640, 360), color: str = "#3a7bd5") -> Path:
        path = tmp_path / name
        fmt = {"jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}.get(path.suffix.lstrip(".").lower(), "PNG")
        with Image.new("RGB", size, color) as img:
            img.save(path, fmt)
        return path

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform says these for top-level widgets that are shown or raised; not our warnings.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)"))
