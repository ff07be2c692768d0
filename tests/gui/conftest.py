"""GUI fixtures: a qasync loop on the test's QApplication, the simulator's models, image files.

Drive a test with `run(coro)`: it runs `coro` on the qasync loop, so tasks started by widgets (image
reading, submitting) make progress; wait inside coroutines with asyncio, never with qtbot.waitUntil.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

os.environ.setdefault("QT_API", "pyside6")

import qasync
from gui_drops import send_drop  # this folder is on sys.path for its tests
from PIL import Image
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from getimg_studio.api.catalogue import parse_models
from getimg_studio.api.types import GenerationRequest, ModelInfo
from getimg_studio.jobs.model import Job
from getimg_studio.settings import SettingsStore
from getimg_studio.simulator.catalog import MODELS

T = TypeVar("T")
Runner = Callable[..., Any]


@pytest.fixture(scope="session")
def _session_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    # One loop for the whole session: a qasync loop owns a timer QObject, and a loop per test got
    # garbage-collected on whichever thread ran the collector (an executor thread), which Qt reports as
    # "Timers cannot be stopped from another thread".
    loop = qasync.QEventLoop(qapp)
    yield loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    gc.collect()


@pytest.fixture(autouse=True)
def _system_theme_after(qapp: QApplication) -> Iterator[None]:
    # A test that switches the theme changes the whole QApplication; the next test in this process must not
    # start dark because of it (which test runs next depends on how pytest-xdist spreads them).
    yield
    from getimg_studio.settings import Theme
    from getimg_studio.ui.common.theme import apply_theme

    if qapp.property("_getimg_original_style") is not None:  # apply_theme ran: put the system look back
        apply_theme(qapp, Theme.SYSTEM)


@pytest.fixture
def qloop(_session_loop: qasync.QEventLoop) -> Iterator[qasync.QEventLoop]:
    loop = _session_loop
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=5))
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


# QtMultimedia on a headless machine (any test that builds the player): optional libraries it probes for
# (VA-API, PipeWire) are absent, there is no sound server and no GPU. It falls back by itself (software
# decoding, no audio sink, CPU frame conversion); these are facts about the machine, not our warnings.
MULTIMEDIA_ENVIRONMENT = (
    r"^Couldn't (load|resolve) (va|va-drm|va-x11|va\(in plugin\)|pipewire-0\.3) (library|symbols)$",
    r"^PulseAudioService: pa_context_connect\(\) failed$",
    r"^No audio device detected$",
    r"No RHI backend\. Using CPU conversion\.$",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform says these for top-level widgets that are shown or raised; not our warnings.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            # pytest-qt reads only the closest qt_log_ignore mark: merge a test's own patterns with these
            # and put the result first, so neither list silently replaces the other.
            own = [pattern for mark in item.iter_markers("qt_log_ignore") for pattern in mark.args]
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)",
                                                      *MULTIMEDIA_ENVIRONMENT, *own), append=False)


@pytest.fixture
def drop() -> Callable[[Any, Any], bool]:
    return send_drop


@pytest.fixture
def open_window(qtbot: Any, paths: Any, run: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """`await open_window(base_url)`: a fully wired, shown MainWindow against that server, shut down afterwards.

    Call it inside the test's coroutine and do the whole scenario in one `run(...)`: Qt events processed
    while the loop is stopped would step the window's pending tasks with no running loop.
    """
    from getimg_studio.app import build_parser
    from getimg_studio.ui.launch import create_main_window

    opened: list[Any] = []

    async def create(base_url: str, extra: tuple[str, ...]) -> Any:
        if not paths.settings_file.exists():  # poll the simulator often: its videos are ready in 0.5 s
            paths.settings_file.write_text(json.dumps({"extra": {"poll_initial": "0.2", "poll_max": "0.5"}}))
        args = build_parser().parse_args(["--data-dir", str(paths.data.parent), "--base-url", base_url, *extra])
        window = await create_main_window(args, paths)
        opened.append(window)
        window.controller.show()
        window.activateWindow()  # shortcuts (Ctrl+Enter) go to the active window
        # A fresh data folder has no cached catalogue: the form fills when the background fetch lands. The
        # activation is an event of its own too: a key sent before it lands reaches no window shortcut.
        for _ in range(200):
            if window.compose.has_models and QApplication.activeWindow() is window:
                break
            await asyncio.sleep(0.05)
        return window

    async def factory(base_url: str, *extra: str) -> Any:
        return await create(base_url, extra)

    yield factory
    for window in opened:
        run(window.shutdown())
        window.close()
        window.deleteLater()


async def never_submit(request: GenerationRequest, count: int) -> list[Job]:
    raise AssertionError("this test does not submit")


async def never_edit(job_id: int, request: GenerationRequest) -> Job:
    raise AssertionError("this test does not change a queued job")


@pytest.fixture
def settings_store(tmp_path: Path) -> Iterator[SettingsStore]:
    store = SettingsStore(tmp_path / "settings-store" / "settings.json")
    yield store
    store.close()


@pytest.fixture
def make_compose(qtbot: Any, qloop: Any, tmp_path: Path, settings_store: SettingsStore) -> Callable[..., Any]:
    """`make_compose(models, submit=never_submit)`: a shown compose view and its controller (returned)."""
    from getimg_studio.ui.compose.controller import ComposeController
    from getimg_studio.ui.compose.view import ComposeView
    from getimg_studio.ui.ports import Catalogue, ComposePorts

    def make(models: list[ModelInfo], submit: Any = never_submit, *, size: tuple[int, int] = (460, 900),
             frames_dir: Path | None = None, edit: Any = never_edit) -> ComposeController:
        frames = frames_dir or tmp_path / "frames"
        view = ComposeView(frames)
        qtbot.addWidget(view)
        controller = ComposeController(view, ComposePorts(Catalogue.of(lambda: models), submit, frames, edit),
                                       settings_store, view)
        view.resize(*size)
        view.show()
        return controller

    return make


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[Path] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.paths.append(Path(url.toLocalFile()))


@pytest.fixture
def urls() -> Any:
    """Catches what QDesktopServices would open (Show in folder, Open): the paths, in order."""
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "handle")
    yield catcher
    QDesktopServices.unsetUrlHandler("file")
