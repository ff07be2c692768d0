"""Starting and stopping the window: the QApplication, the qasync loop, the services, the crash handler.

Shutdown runs in a fixed order: stop taking work, close the window's parts (their tasks are cancelled and
awaited), close the services (engine, HTTP clients, history, demo simulator), then leave the loop. A job
still running on the server is not lost: it is pending in the history and resumes at the next start.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import gc
import logging
import os
import sys
from typing import TYPE_CHECKING

from getimg_studio import APP_ID, APP_NAME
from getimg_studio.paths import Paths

if TYPE_CHECKING:
    from getimg_studio.secrets import KeyStore
    from getimg_studio.ui.common.crash import CrashHandler
    from getimg_studio.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)
WARM_UP_MS = 1500


async def create_main_window(args: argparse.Namespace, paths: Paths, *, key_store: KeyStore | None = None,
                             ) -> MainWindow:
    """The fully wired main window on the running qasync loop, not shown. Close it with `window.shutdown()`.

    `key_store` carries a session-only key over when the window is rebuilt (demo mode to live mode).
    """
    # Start-up makes hundreds of thousands of objects that live as long as the app, and the collector walked
    # them again and again while they were made (150-200 ms of a cold start, measured): it stays off until
    # they are frozen out of its sight, below.
    collecting = gc.isenabled()
    gc.disable()
    try:
        window = await _create_main_window(args, paths, key_store)
    finally:
        # What start-up built lives as long as the app: frozen out of the collector's sight, a full collection
        # walks only newer objects. It stops every thread, the painting one included: measured with 200 jobs
        # polling, 110 ms before, a few ms after (docs/ARCHITECTURE.md). Frozen without collecting first:
        # start-up leaves about a thousand objects of garbage, not worth the 50-70 ms a collection costs
        # before the first paint. What loads after it (the SDK, multimedia) is frozen in `warm_up`.
        gc.freeze()
        if collecting:
            gc.enable()
    return window


async def _create_main_window(args: argparse.Namespace, paths: Paths, key_store: KeyStore | None) -> MainWindow:
    from PySide6.QtWidgets import QApplication

    from getimg_studio.secrets import KeyStore
    from getimg_studio.services import build_services, close_services
    from getimg_studio.settings import SettingsStore
    from getimg_studio.ui.common.theme import apply_style_sheet, apply_theme

    loop = asyncio.get_running_loop()
    settings = await loop.run_in_executor(None, SettingsStore.open, paths.settings_file)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else None
    if app is not None:
        apply_theme(app, settings.current.theme, style_sheet=False)  # the sheet once the window is built
        # Closing the window must not stop the loop under the shutdown that follows it.
        app.setQuitOnLastWindowClosed(False)
    from getimg_studio.services import demo_chosen

    # Only one thread imports at a time (PySide's import hook is not safe otherwise). When the key decides
    # between demo and live, the keyring is read first, on its own; with demo mode chosen outright the
    # simulator is spawned first and the keyring read while it boots.
    key_store = key_store or KeyStore(paths.key_file)
    status = None if demo_chosen(settings.current, args.demo) else await key_store.aload()
    # Set by the window once it has painted (`WindowPorts.painted`): the engine's first request waits for it.
    painted: concurrent.futures.Future[None] = concurrent.futures.Future()
    building = loop.create_task(build_services(paths, settings.current, demo=args.demo, base_url=args.base_url,
                                               key_store=key_store, key_status=status, first_request_gate=painted))
    try:
        # One step of `building` spawns the demo simulator and imports the engine, up to opening the history
        # on an executor thread (which imports nothing); the window's modules are imported then.
        await asyncio.sleep(0)
        from getimg_studio.ui.window.builder import build_window

        services = await building
    except BaseException:
        building.cancel()
        await loop.run_in_executor(None, settings.close)
        raise
    try:
        window = build_window(services, settings)
        if app is not None:
            apply_style_sheet(app)
        await window.controller.start()
    except BaseException:
        await close_services(services)
        await loop.run_in_executor(None, settings.close)
        raise
    return window


def run_gui(args: argparse.Namespace, paths: Paths) -> int:
    os.environ.setdefault("QT_API", "pyside6")
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from getimg_studio.resources_path import APP_ICON, resource
    from getimg_studio.ui.common.crash import CrashHandler

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    try:
        app.setWindowIcon(QIcon(str(resource(APP_ICON))))
    except FileNotFoundError as exc:
        log.warning("no app icon: %s", exc)
    # The launcher, not Qt, decides when to quit: after the services are closed.
    app.setQuitOnLastWindowClosed(False)
    crash = CrashHandler(paths.log_file, parent_getter=lambda: app.activeWindow())
    failure: list[str] = []
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            code = runner.run(_run(args, paths, crash, failure))
    except RuntimeError as exc:
        # Qt ended its event loop under us: the display went away (the X server or the session ended). The
        # history is on disk as each change is made, so this is a message, not a traceback.
        if "Event loop stopped before Future completed" not in str(exc):
            raise
        log.error("Qt ended the event loop before the window was closed: %s", exc)
        sys.stderr.write(f"{APP_NAME}: the display went away, so the window closed. Jobs that were generating "
                         "carry on at the next start.\n")
        return 1
    if failure:
        from PySide6.QtWidgets import QMessageBox

        # The loop has ended: a blocking message box stalls nothing now.
        QMessageBox.critical(None, APP_NAME, failure[0])
    return code


async def _run(args: argparse.Namespace, paths: Paths, crash: CrashHandler, failure: list[str]) -> int:
    from PySide6.QtCore import QTimer

    from getimg_studio.api.errors import GetimgError
    from getimg_studio.ui.common.quit_signals import QuitOnSignals

    loop = asyncio.get_running_loop()
    crash.install(loop)
    key_store: KeyStore | None = None
    current: list[MainWindow] = []
    stopping: list[int] = []

    def on_signal(signum: int) -> None:
        stopping.append(signum)
        if current:
            current[-1].close_now()  # the same ordered shutdown as the window's close button, no question

    signals = QuitOnSignals(on_signal)
    try:
        while True:
            try:
                window = await create_main_window(args, paths, key_store=key_store)
            except GetimgError as exc:
                log.error("could not start: %s", exc.message)
                failure.append(f"{APP_NAME} could not start:\n\n{exc.message}\n\nLog: {paths.log_file}")
                return 1
            closed: asyncio.Future[None] = loop.create_future()

            def on_closing(closed: asyncio.Future[None] = closed) -> None:
                if not closed.done():
                    closed.set_result(None)

            window.closing.connect(on_closing)
            current.append(window)
            window.controller.show()
            if stopping:  # a signal came while the window was being built
                window.close_now()
            # The player's multimedia stack loads once the window has painted and the loop is idle.
            QTimer.singleShot(WARM_UP_MS, window.controller.warm_up)
            await closed
            window.hide()
            await window.shutdown()
            window.deleteLater()
            if not window.switch_to_live:
                return 0
            # Same process, same key store (a session-only key survives), the real API this time.
            key_store, args.demo = window.services.key_store, False
            log.info("switching from demo mode to live mode")
    finally:
        signals.close()
        crash.uninstall(loop)
