"""What the window does: start and stop in order, keep itself on screen, react to the engine and the settings.

It holds no engine: `WindowPorts` are the few engine calls it makes, the bridge brings the engine's
events, and the settings store is the one copy of the settings (observed, so a change from any place
reaches the engine, the theme and the menus). Closing while jobs run says they carry on next start.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import UNSENT_STATES, Job, JobFilter, JobState
from getimg_studio.secrets import KeyStatus
from getimg_studio.settings import Settings, SettingsStore, Theme
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.common.confirm import ask, plural
from getimg_studio.ui.common.crash import report_exception
from getimg_studio.ui.common.theme import apply_theme
from getimg_studio.ui.compose.controller import ComposeController
from getimg_studio.ui.compose.queued_edit import left_queue_message
from getimg_studio.ui.player.panel import PlayerPanel
from getimg_studio.ui.ports import WindowPorts
from getimg_studio.ui.queue.panel import VIEWS, QueuePanel
from getimg_studio.ui.window.layout import fitted_geometry, split_widths
from getimg_studio.ui.window.main_window import MainWindow
from getimg_studio.ui.window.menus import WindowActions
from getimg_studio.ui.window.notifications import Notifier

if TYPE_CHECKING:
    from getimg_studio.ui.settings.controller import SettingsController

log = logging.getLogger(__name__)
STATUS_MS = 8000


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode()


class WindowController(QObject):
    MODELS_RETRY_FIRST = 5.0  # seconds before fetching a missing model list again (doubles, up to a minute)
    NETWORK_LATEST = 1.0  # seconds after `start` the first request goes even if the window never painted

    def __init__(self, window: MainWindow, actions: WindowActions, compose: ComposeController, player: PlayerPanel,
                 queue: QueuePanel, bridge: EngineBridge, settings: SettingsStore, ports: WindowPorts, *,
                 demo: bool, host: str, log_dir: Path, output_dir: Callable[[Settings], Path],
                 make_settings: Callable[[QWidget], SettingsController]) -> None:
        super().__init__(window)
        self.window = window
        self.actions = actions
        self.compose = compose
        self.player = player
        self.queue = queue
        self.bridge = bridge
        self.settings = settings
        self._ports = ports
        self._demo = demo
        self._log_dir = log_dir
        self._output_dir = output_dir
        self._make_settings = make_settings
        self.settings_dialog: SettingsController | None = None
        self.notifier = Notifier(window, lambda: self.settings.current.notifications)
        self._tasks = TaskOwner("window", on_error=report_exception)
        self._shut_down = False
        self._asking_quit = False
        self._unsubscribe = settings.subscribe(self._settings_changed)
        window.may_close = self.may_close
        window.on_shutdown = self.shutdown
        window.status.set_mode(demo, host)
        window.banner.setVisible(demo and not settings.current.demo_banner_dismissed)
        self._wire()
        self._restore()

    # Life cycle ----------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Recovery, then the first catalogue and balance fetches in the background; the form opens with the
        models the catalogue holds already (its cache, or a first demo start's built-in list).

        The engine's first request, which imports the getimg SDK on the engine's thread, waits until the window
        has painted (or `NETWORK_LATEST` seconds, painted or not): that import would share the GIL with the
        painting thread and slow the first paint down.
        """
        self.window.painted.connect(self._painted)
        QTimer.singleShot(int(self.NETWORK_LATEST * 1000), self._ports.painted)
        await self._ports.start()
        self.compose.reload_models()
        self.compose.restore_draft()
        if not self.compose.has_models:
            self._tasks.start(self._fetch_models_until_listed(), name="models")

    def _painted(self) -> None:
        QTimer.singleShot(0, self._ports.painted)  # queued: the window's children paint after it, in this pass

    def show(self) -> None:
        """Show the window as it was left, or fitted to this screen on a first start; typing goes to the prompt."""
        if self._maximize:
            self.window.showMaximized()
        else:
            self.window.show()
        self.compose.view.prompt.setFocus(Qt.FocusReason.OtherFocusReason)

    def warm_up(self) -> None:
        """Idle time after the first paint: load the player's multimedia stack before the first clip needs it."""
        if not self._shut_down:
            self.player.prepare()
            # It and the SDK (the engine's first request) live as long as the app, as what start-up built:
            # out of the collector's sight too (ui/launch.py says why).
            gc.freeze()

    async def _fetch_models_until_listed(self) -> None:
        """First start offline (no cached list): say why the form is empty and keep trying, gently."""
        delay = self.MODELS_RETRY_FIRST
        while not self.compose.has_models:
            try:
                models = await self._ports.refresh_catalogue()
            except GetimgError as exc:
                self.compose.set_models_unavailable(
                    f"The model list could not be loaded: {exc.message} Trying again in {delay:.0f} s.")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            self.compose.reload_models()
            if not models:
                self.compose.set_models_unavailable("getimg lists no video model for this account.")
                return
        self.compose.restore_draft()

    async def shutdown(self) -> None:
        """Stop taking work, close the parts, close the services. Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self.remember()
        self.compose.view.generate_button.setEnabled(False)
        await self.compose.shutdown()
        await self.queue.shutdown()
        await self.player.shutdown()
        if self.settings_dialog is not None:
            await self.settings_dialog.shutdown()
            self.settings_dialog.view.close()
        await self._tasks.close()
        self.notifier.close()
        self.bridge.detach()
        self._unsubscribe()
        try:
            await self._ports.close()
        finally:
            await asyncio.get_running_loop().run_in_executor(None, self.settings.close)

    def may_close(self) -> bool:
        """The window's close button, Ctrl+Q: say that running jobs carry on, unless told not to."""
        if self._shut_down:
            return True
        active = self._ports.active_jobs()
        if not active or not self.settings.current.confirm_quit_active:
            self.remember()
            return True
        if not self._asking_quit:
            self._asking_quit = True
            _box, answer = ask(
                self.window, "Quit", f"Quit while {plural(active, 'video')} {'is' if active == 1 else 'are'} "
                "being made?", "They carry on at getimg. The next time getimg Studio starts, it picks them up, "
                "saves the videos and shows them in the queue.", "Quit", dont_ask="Don't ask again")
            answer.add_done_callback(self._quit_answered)
        return False

    def _quit_answered(self, future: asyncio.Future[tuple[bool, bool]]) -> None:
        self._asking_quit = False
        quit_now, dont_ask = future.result()
        if not quit_now:
            return
        if dont_ask:
            self.settings.update(confirm_quit_active=False)
        self.remember()
        self.window.close_now()

    # Actions -------------------------------------------------------------------------------------------------

    def open_settings(self) -> SettingsController:
        if self.settings_dialog is None:
            self.settings_dialog = self._make_settings(self.window)
            self.settings_dialog.keyChanged.connect(self._key_changed)
        self.settings_dialog.open()  # non-modal; never exec() while the loop runs tasks
        return self.settings_dialog

    def remix(self, request: GenerationRequest) -> None:
        self._show_panel(0, True)
        self.compose.load_request(request)

    def open_queued(self, job: Job) -> None:
        """Queue > Open in form: the form changes that queued job in place (its Generate saves it)."""
        self._show_panel(0, True)
        self.compose.open_queued(job)
        self.compose.view.prompt.setFocus()

    def generate(self) -> None:
        """Ctrl+Enter from anywhere: never for a form the creator cannot see (its cost would be off screen)."""
        if self.window.panels[0].isHidden():
            self._show_panel(0, True)
            self.window.status.showMessage("The form is shown again: check it and its cost, then generate.",
                                           STATUS_MS)
            return
        self.compose.submit()

    def show_jobs(self, view: JobFilter) -> None:
        self._show_panel(2, True)
        self.queue.set_view(view)

    def find(self) -> None:
        self._show_panel(2, True)
        self.queue.focus_search()

    def request_live_mode(self) -> None:
        """Close this demo window; the launcher rebuilds the services on the real API and opens a new one."""
        if self.settings.current.demo_mode:
            self.settings.update(demo_mode=False)
        self.window.switch_to_live = True
        self.remember()
        self.window.close_now()

    # Wiring --------------------------------------------------------------------------------------------------

    def _wire(self) -> None:
        w, a = self.window, self.actions
        status = w.status
        a.settings.triggered.connect(self.open_settings)
        a.quit.triggered.connect(w.close)
        a.open_logs.triggered.connect(self._open_logs)
        a.go_live.triggered.connect(self.request_live_mode)
        a.find.triggered.connect(self.find)
        a.generate.triggered.connect(self.generate)
        for index, action in enumerate((a.show_compose, a.show_player, a.show_queue)):
            action.toggled.connect(lambda on, i=index: self._show_panel(i, on))
        a.reset_layout.triggered.connect(self.reset_layout)
        for action, (view, _label) in zip(a.views, VIEWS, strict=True):
            action.triggered.connect(lambda _checked=False, v=view: self.show_jobs(v))
        for theme, action in a.themes.items():
            action.triggered.connect(lambda _checked=False, t=theme: self.settings.update(theme=t))
        a.themes[self.settings.current.theme].setChecked(True)
        a.shortcuts.triggered.connect(self._show_shortcuts)
        a.about.triggered.connect(self._show_about)

        self.queue.playRequested.connect(self._play)
        self.queue.remixRequested.connect(self.remix)
        self.queue.editRequested.connect(self.open_queued)
        self.queue.statusMessage.connect(lambda text: status.showMessage(text, STATUS_MS))
        self.player.useAsFirstFrame.connect(self.compose.use_as_first_frame)
        self.player.statusMessage.connect(lambda text: status.showMessage(text, STATUS_MS))
        self.compose.statusMessage.connect(lambda text: status.showMessage(text, STATUS_MS))
        self.compose.settingsRequested.connect(self.open_settings)
        w.banner.addKeyRequested.connect(self.open_settings)
        w.banner.dismissed.connect(lambda: self.settings.update(demo_banner_dismissed=True))
        w.banner.switchRequested.connect(self.request_live_mode)
        self.bridge.balanceChanged.connect(self._balance_changed)
        self.bridge.jobChanged.connect(self._job_changed)
        self.bridge.jobChanged.connect(lambda job, _previous: self._edited_job_left(job.id, job.state))
        self.bridge.jobsRemoved.connect(self._edited_jobs_removed)
        self.bridge.jobChanged.connect(self.notifier.job_changed)
        self.bridge.catalogueChanged.connect(self.compose.reload_models)

    # The Help windows are imported when asked for: the first paint does not need them.
    def _open_logs(self) -> None:
        from getimg_studio.ui.window.help import open_folder

        open_folder(self._log_dir, self.window)

    def _show_shortcuts(self) -> None:
        from getimg_studio.ui.window.help import ShortcutsDialog

        ShortcutsDialog(self.window.menuBar(), self.window).show()

    def _show_about(self) -> None:
        from getimg_studio.ui.window.help import show_about

        show_about(self.window)

    def _play(self, job: Job) -> None:
        self._show_panel(1, True)
        self.player.load_job(job)

    def _balance_changed(self, amount: Decimal | None, currency: str) -> None:
        status = self.window.status
        status.set_balance(amount, currency, demo=self._demo)
        self.compose.set_balance(amount)
        status.set_spent(self._ports.session_spent(), currency)

    def _job_changed(self, job: Job, previous: JobState) -> None:
        self.window.status.set_spent(self._ports.session_spent(), job.currency)

    def _edited_job_left(self, job_id: int, state: JobState | None) -> None:
        """The queued job the form is changing was sent or removed meanwhile: the form makes new jobs again."""
        if self.compose.editing == job_id and (state is None or state not in UNSENT_STATES):
            self.compose.stop_editing(left_queue_message(job_id, sent=state is not None))

    def _edited_jobs_removed(self, ids: tuple[int, ...]) -> None:
        for job_id in ids:
            self._edited_job_left(job_id, None)

    def _key_changed(self, status: KeyStatus) -> None:
        if not self._demo and status.key:  # jobs and the queue waiting for a good key carry on
            self._tasks.start(self._ports.set_api_key(status.key), name="api-key")
        if self._demo and status.key:
            self.window.banner.offer_switch()
            self.actions.go_live.setVisible(True)
            self.window.status.showMessage("Key saved: switch to live mode to make real videos with it.", 15000)

    def _settings_changed(self, new: Settings, changed: frozenset[str]) -> None:
        if "theme" in changed:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, new.theme)
            self.actions.themes[Theme(new.theme)].setChecked(True)
        if "auto_download" in changed:
            self._ports.set_auto_download(new.auto_download)
        if "output_dir" in changed:
            self._ports.set_output_dir(self._output_dir(new))
        if "poll_timeout_minutes" in changed:
            self._ports.set_time_limit(max(new.poll_timeout_minutes, 0) * 60.0)
        if "max_in_flight" in changed:
            self._ports.set_max_in_flight(max(new.max_in_flight, 0))

    # Panels and geometry -------------------------------------------------------------------------------------

    def _show_panel(self, index: int, on: bool) -> None:
        panels = self.window.panels
        toggles = (self.actions.show_compose, self.actions.show_player, self.actions.show_queue)
        if not on and sum(not p.isHidden() for p in panels) == 1 and not panels[index].isHidden():
            toggles[index].setChecked(True)  # the last panel shown stays: an empty window helps nobody
            return
        panels[index].setVisible(on)
        if toggles[index].isChecked() != on:
            toggles[index].setChecked(on)

    def reset_layout(self) -> None:
        for index in range(3):
            self._show_panel(index, True)
        self._default_split()

    def _default_split(self) -> None:
        panels = self.window.panels
        splitter = self.window.splitter
        # Before the first show the splitter has no real width yet: share out the window's own.
        width = splitter.width() if self.window.isVisible() else self.window.width() - 16
        total = width - splitter.handleWidth() * 2
        mins = [p.minimumSizeHint().width() for p in panels]
        splitter.setSizes(split_widths(total, mins, [not p.isHidden() for p in panels]))

    def _restore(self) -> None:
        s, w = self.settings.current, self.window
        screen = w.screen() if w.screen() is not None else QApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)
        self._maximize = False
        if not (s.window_geometry and w.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))):
            fitted = fitted_geometry(available)
            if fitted is None:
                w.setGeometry(available)  # the size to lay out for; maximising fits the frame too
                self._maximize = True
            else:
                w.setGeometry(fitted)
        if s.window_state:
            w.restoreState(QByteArray.fromBase64(s.window_state.encode()))
        for index, on in enumerate((s.show_compose, s.show_player, s.show_queue)):
            self.window.panels[index].setVisible(on)
        for action, on in zip((self.actions.show_compose, self.actions.show_player, self.actions.show_queue),
                              (s.show_compose, s.show_player, s.show_queue), strict=True):
            action.setChecked(on)
        if not (s.splitter_state and w.splitter.restoreState(QByteArray.fromBase64(s.splitter_state.encode()))):
            self._default_split()

    def remember(self) -> None:
        w = self.window
        panels = w.panels
        self.settings.update(window_geometry=_b64(w.saveGeometry()), window_state=_b64(w.saveState()),
                             splitter_state=_b64(w.splitter.saveState()),
                             show_compose=not panels[0].isHidden(), show_player=not panels[1].isHidden(),
                             show_queue=not panels[2].isHidden())
