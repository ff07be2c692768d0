"""`getimg-studio --self-check`: prove an install works, headless, in well under a minute.

It opens the real main window in demo mode, runs one generation through the simulator to READY, loads
the file in the window's player and waits for decoded video frames; then it writes and reads back every
export format, joins two clips, reads every image format, draws a chart and checks ICU's data
(selfcheck_probes.py), so a bundle that leaves out a needed codec, plugin or library fails here. It prints
one line and exits 0.
Any failure exits 1 with the step that failed and why. Installers, CI and a creator whose app will not
start all get the same answer, so it uses the same services and window as `getimg-studio` itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from getimg_studio import APP_ID, APP_NAME
from getimg_studio.paths import Paths

if TYPE_CHECKING:
    from getimg_studio.api.types import GenerationRequest, ModelInfo
    from getimg_studio.jobs.facade import EngineFacade as Engine  # the engine on its own thread
    from getimg_studio.jobs.model import Job
    from getimg_studio.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
TOTAL_TIMEOUT = 180.0  # a cold start on a slow machine plus one short render, with room to spare
GENERATION_TIMEOUT = 120.0
PLAYER_TIMEOUT = 30.0
FRAMES_WANTED = 5  # a handful of frames proves decoding runs, not just that one frame slipped through


class SelfCheckError(Exception):
    """A step failed; the message says which and why, for a person to read."""


@dataclass
class Report:
    generation_seconds: float = 0.0
    frame_width: int = 0
    frame_height: int = 0
    frames: int = 0
    exports: tuple[str, ...] = ()

    def summary(self, total: float) -> str:
        return (f"self-check ok: window, demo generation ({self.generation_seconds:.1f} s), "
                f"player ({self.frame_width}x{self.frame_height}, {self.frames} frames), "
                f"media ({', '.join(self.exports)}), images, charts, text in {total:.1f} s")


@contextmanager
def _step(name: str) -> Iterator[None]:
    try:
        yield
    except SelfCheckError:
        raise
    except TimeoutError:
        raise SelfCheckError(f"{name}: timed out") from None
    except Exception as exc:
        raise SelfCheckError(f"{name}: {type(exc).__name__}: {exc}") from exc


def run_self_check(args: argparse.Namespace, paths: Paths) -> int:
    """Run the check; `paths` is used only when `--data-dir` was given, else a temporary folder is."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_API", "pyside6")
    # Qt's FFmpeg backend prints each opened file's stream dump straight to stderr unless told not to.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.ffmpeg*=false")
    started = time.monotonic()
    try:
        if getattr(args, "data_dir", None) is not None:
            report = _run_in_qt(paths.data.parent)
        else:
            with tempfile.TemporaryDirectory(prefix="getimg-studio-self-check-",
                                             ignore_cleanup_errors=True) as tmp:
                report = _run_in_qt(Path(tmp))
    except SelfCheckError as exc:
        log.error("self-check failed: %s", exc, exc_info=exc.__cause__)
        print(f"self-check failed: {exc}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    except Exception as exc:  # a bug still deserves a one-line reason and a non-zero exit
        log.exception("self-check failed")
        print(f"self-check failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    print(report.summary(time.monotonic() - started), flush=True)
    return EXIT_OK


def _run_in_qt(data_root: Path) -> Report:
    import qasync
    from PySide6.QtCore import QLoggingCategory
    from PySide6.QtWidgets import QApplication

    with _step("starting Qt"):
        existing = QApplication.instance()
        app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1] or [APP_ID])
        app.setApplicationName(APP_ID)
        app.setApplicationDisplayName(APP_NAME)
        app.setDesktopFileName(APP_ID)
        # As in the launcher: closing the window must not end the loop before the services are closed.
        app.setQuitOnLastWindowClosed(False)
    runner = asyncio.Runner(loop_factory=qasync.QEventLoop)
    # The handler below is Python; QtMultimedia's decoder threads would call it (and wait for the GIL) while
    # the GUI thread may be waiting for them in player.stop(). Their categories only say what a headless
    # machine lacks, so they are switched off before they are ever emitted.
    QLoggingCategory.setFilterRules("qt.multimedia.*=false")
    previous = _route_qt_messages_to_log()
    try:
        return runner.run(asyncio.wait_for(_check(data_root), TOTAL_TIMEOUT))
    except TimeoutError:
        raise SelfCheckError(f"did not finish within {TOTAL_TIMEOUT:.0f} s") from None
    finally:
        runner.close()
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(previous)


def _route_qt_messages_to_log() -> Any:
    """Qt's chatter on a headless machine (no PulseAudio, no GPU) goes to the log, so stdout holds the
    verdict and stderr only the reason for a failure. Returns the handler it replaced."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING}

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        qt_log.log(levels.get(kind, logging.ERROR), "%s (%s)", message, context.category)

    return qInstallMessageHandler(handler)


async def _check(data_root: Path) -> Report:
    from getimg_studio.app import build_main_window

    report = Report()
    with _step("opening the main window"):
        window = await build_main_window(["--data-dir", str(data_root), "--demo"])
    try:
        with _step("showing the main window"):
            _show(window)
        engine = _engine_of(window)
        with _step("demo generation"):
            began = time.monotonic()
            job = await _generate(engine)
            report.generation_seconds = time.monotonic() - began
        with _step("player"):
            await _play(window, job, report)
        await _probe(report)
    finally:
        with _step("closing the main window"):
            window.hide()
            await window.shutdown()
            window.deleteLater()
    return report


async def _probe(report: Report) -> None:
    from getimg_studio import selfcheck_probes as probes

    def exports() -> list[str]:
        with tempfile.TemporaryDirectory(prefix="getimg-studio-self-check-media-") as folder:
            return probes.encode_and_decode(Path(folder))

    with _step("media exports"):
        report.exports = tuple(await asyncio.to_thread(exports))
    with _step("image formats"):
        probes.check_image_formats(await asyncio.to_thread(probes.sample_files))
    with _step("charts"):
        probes.check_charts()
    with _step("text (ICU)"):
        probes.check_text()


def _show(window: MainWindow) -> None:
    from PySide6.QtGui import QIcon

    from getimg_studio.resources_path import APP_ICON, resource

    icon = QIcon(str(resource(APP_ICON)))  # proves the install carries its resources
    if icon.isNull():
        raise SelfCheckError("the app icon could not be loaded")
    window.setWindowIcon(icon)
    window.controller.show()
    if not window.isVisible():
        raise SelfCheckError("the main window did not show")


def _engine_of(window: MainWindow) -> Engine:
    if window.services.mode != "demo":
        raise SelfCheckError(f"expected demo mode, the window runs in {window.services.mode!r} mode")
    return window.services.engine


def shortest_request(models: list[ModelInfo]) -> GenerationRequest:
    """The cheapest, quickest video the catalogue allows: shortest duration, lowest resolution, no sound."""
    from getimg_studio.api.types import GenerationRequest

    video = [m for m in models if m.type == "video" and m.durations]
    if not video:
        raise SelfCheckError("the demo catalogue lists no video model")

    def pixels(resolution: str) -> int:
        digits = "".join(ch for ch in resolution if ch.isdigit())
        return int(digits) if digits else sys.maxsize

    model = min(video, key=lambda m: (min(m.durations), min(map(pixels, m.resolutions), default=0)))
    return GenerationRequest(
        model=model.id,
        prompt="getimg Studio self-check: a short test clip",
        aspect_ratio=model.aspect_ratios[0] if model.aspect_ratios else None,
        resolution=min(model.resolutions, key=pixels) if model.resolutions else None,
        duration=min(model.durations),
        sound=False,
    )


async def _generate(engine: Engine) -> Job:
    from getimg_studio.jobs.model import JobState

    # A fresh data folder has no cached catalogue; the window may still be fetching it.
    models = engine.catalogue.models() or await engine.refresh_catalogue()
    request = shortest_request(list(models))
    jobs = await engine.submit(request)
    if not jobs:
        raise SelfCheckError("the engine accepted the request but made no job")
    job_id = jobs[0].id
    await engine.wait_idle([job_id], timeout=GENERATION_TIMEOUT)
    job = engine.store.get(job_id)
    if job is None or job.state is not JobState.READY:
        state = "missing" if job is None else job.state.value
        detail = f" ({job.error_message})" if job is not None and job.error_message else ""
        raise SelfCheckError(f"the job ended {state}{detail}, not ready")
    if job.file_path is None or not await asyncio.to_thread(Path(job.file_path).is_file):
        raise SelfCheckError(f"the job is ready but its file is missing: {job.file_path}")
    return job


async def _play(window: MainWindow, job: Job, report: Report) -> None:
    """Load the job the way a double-click in the queue does, and count the frames the video output gets."""
    from PySide6.QtCore import Qt
    from PySide6.QtMultimedia import QVideoFrame

    panel = window.player
    panel.prepare()  # the multimedia stack the window loads after its first paint
    service = panel.service
    assert service is not None
    sink = service.sink()
    loop = asyncio.get_running_loop()
    enough: asyncio.Future[None] = loop.create_future()

    def on_frame(frame: QVideoFrame) -> None:
        if enough.done() or not frame.isValid():
            return
        report.frames += 1
        report.frame_width, report.frame_height = frame.width(), frame.height()
        if report.frames >= FRAMES_WANTED:
            enough.set_result(None)

    def on_failed(message: str) -> None:
        if not enough.done():
            enough.set_exception(SelfCheckError(f"cannot play {Path(job.file_path or '').name}: {message}"))

    # Queued: the sink emits from QtMultimedia's render thread; a direct Python slot there would touch the
    # asyncio future off the loop's thread and can deadlock against player.stop() over the GIL.
    sink.videoFrameChanged.connect(on_frame, Qt.ConnectionType.QueuedConnection)
    service.failed.connect(on_failed)
    try:
        panel.load_job(job)
        await asyncio.wait_for(enough, PLAYER_TIMEOUT)
    finally:
        sink.videoFrameChanged.disconnect(on_frame)
        service.failed.disconnect(on_failed)
        service.clear()
    if (report.frame_width, report.frame_height) != (job.width or report.frame_width,
                                                     job.height or report.frame_height):
        raise SelfCheckError(f"the player shows {report.frame_width}x{report.frame_height} frames, "
                             f"the clip is {job.width}x{job.height}")
