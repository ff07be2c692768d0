"""The window a creator lives in: compose (left), player (middle), queue and history (right).

It gets everything through `Services` (no global app object), turns engine events into the status bar,
the compose form's balance and the notifier, and remembers its size, splitter and last parameters.
"""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from functools import partial

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from getimg_studio import APP_NAME
from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import GenerationRequest, Role
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.secrets import KeyStatus
from getimg_studio.services import Services, output_dir
from getimg_studio.settings import Settings, save_settings
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.compose import ComposePanel
from getimg_studio.ui.crash import report_exception
from getimg_studio.ui.key_setup import DemoBanner
from getimg_studio.ui.notifications import Notifier
from getimg_studio.ui.player import PlayerPanel
from getimg_studio.ui.queue_panel import QueuePanel
from getimg_studio.ui.settings_dialog import SettingsDialog
from getimg_studio.ui.status_bar import StudioStatusBar
from getimg_studio.ui.theme import apply_theme

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1440, 900)
DEFAULT_SPLIT = (460, 560, 420)


class MainWindow(QMainWindow):
    closing = Signal()  # the creator closed the window: the launcher shuts everything down
    MODELS_RETRY_FIRST = 5.0  # seconds before fetching a missing model list again (doubles, up to a minute)
    # Set before `closing` when the creator asked to leave demo mode: the launcher then opens a live window.
    switch_to_live = False

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.engine = services.engine
        self.settings: Settings = services.settings
        self._tasks = TaskOwner("window", on_error=report_exception)
        self._settings_dialog: SettingsDialog | None = None
        self._shut_down = False
        self._balance: Decimal | None = None
        self.setWindowTitle(f"{APP_NAME} — Demo" if services.demo else APP_NAME)
        self.setAccessibleName(APP_NAME)

        self.bridge = EngineBridge(self.engine.subscribe, self)
        # Generate waits for the first POST (or a full queue), so getimg's refusal shows at the field at fault.
        self.compose = ComposePanel(self.engine.catalogue.models, partial(self.engine.submit, until_sent=True),
                                    services.paths.frames)
        self.player = PlayerPanel(self.engine, self.bridge, frames_dir=services.paths.cache / "player-frames")
        self.queue = QueuePanel(self.engine, self.bridge, services.paths.thumbnails)
        self.notifier = Notifier(self, lambda: self.settings.notifications)
        compose_scroll = QScrollArea()
        compose_scroll.setWidget(self.compose)
        compose_scroll.setWidgetResizable(True)
        compose_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        compose_scroll.setMinimumWidth(380)
        compose_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(compose_scroll)
        self.splitter.addWidget(self.player)
        self.splitter.addWidget(self.queue)
        self.splitter.setStretchFactor(1, 1)
        self.banner = DemoBanner()
        self.banner.setVisible(services.demo and not self.settings.demo_banner_dismissed)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(8, 8, 8, 0)
        column.addWidget(self.banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status = StudioStatusBar()
        self.setStatusBar(self.status)
        self.status.set_mode(services.demo, services.host)
        self._build_menu()
        self._wire()
        self._restore()

    # Life cycle ----------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Recovery and the first catalogue/balance fetch run in the background; the form opens from the cache."""
        await self.engine.start()
        self.compose.reload_models()
        self.compose.restore_params(self.settings)
        if not self.engine.catalogue.models():
            self._tasks.start(self._fetch_models_until_listed(), name="models")

    async def _fetch_models_until_listed(self) -> None:
        """First start offline (no cached list): say why the form is empty and keep trying, gently."""
        delay = self.MODELS_RETRY_FIRST
        while not self.engine.catalogue.models():
            try:
                await self.engine.refresh_catalogue()
            except GetimgError as exc:
                self.compose.set_models_unavailable(
                    f"The model list could not be loaded: {exc.message} Trying again in {delay:.0f} s.")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
            else:
                if not self.engine.catalogue.models():
                    self.compose.set_models_unavailable("getimg lists no video model for this account.")
                    return
        self.compose.reload_models()

    async def shutdown(self) -> None:
        """Stop taking work, close the parts, close the services. Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self._remember()
        self.compose.generate_button.setEnabled(False)
        await self.compose.shutdown()
        await self.queue.shutdown()
        await self.player.shutdown()
        if self._settings_dialog is not None:
            await self._settings_dialog.shutdown()
            self._settings_dialog.close()
        await self._tasks.close()
        self.bridge.detach()
        from getimg_studio.services import close_services

        await close_services(self.services)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember()
        event.accept()
        self.closing.emit()

    # Actions -------------------------------------------------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        if self._settings_dialog is None:
            s = self.services
            live_url = s.base_url if not s.demo else "https://api.getimg.ai"
            self._settings_dialog = SettingsDialog(self.settings, s.paths.settings_file, s.key_store,
                                                   s.key_status, live_url, s.paths.output, self)
            self._settings_dialog.settingsSaved.connect(self._settings_saved)
            self._settings_dialog.keyChanged.connect(self._key_changed)
        self._settings_dialog.open()  # non-modal; never exec() while the loop runs tasks
        return self._settings_dialog

    def remix(self, request: GenerationRequest) -> None:
        self.compose.load_request(request)

    # Internals -----------------------------------------------------------------------------------------------

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        menu.addAction(self.settings_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.settings_action)
        button = toolbar.widgetForAction(self.settings_action)
        if button is not None:
            button.setAccessibleName("Settings")

    def _wire(self) -> None:
        self.queue.playRequested.connect(self.player.load_job)
        self.queue.remixRequested.connect(self.remix)
        self.queue.statusMessage.connect(lambda text: self.status.showMessage(text, 8000))
        self.player.useAsFirstFrame.connect(lambda path: self.compose.set_frame(Role.FIRST_FRAME, path))
        self.player.statusMessage.connect(lambda text: self.status.showMessage(text, 8000))
        self.compose.settingsRequested.connect(self.open_settings)
        self.compose.submitted.connect(self._submitted)
        self.banner.addKeyRequested.connect(self.open_settings)
        self.banner.dismissed.connect(self._banner_dismissed)
        self.banner.switchRequested.connect(self.request_live_mode)
        self.bridge.balanceChanged.connect(self._balance_changed)
        self.bridge.jobChanged.connect(self._job_changed)
        self.bridge.jobChanged.connect(self.notifier.job_changed)
        self.bridge.catalogueChanged.connect(self.compose.reload_models)

    def _submitted(self, jobs: list[Job]) -> None:
        noun = "video" if len(jobs) == 1 else "videos"
        self.status.showMessage(f"Submitted {len(jobs)} {noun}.", 6000)
        self._remember()

    def _balance_changed(self, amount: Decimal | None, currency: str) -> None:
        self._balance = amount
        self.status.set_balance(amount, currency, demo=self.services.demo)
        self.compose.set_balance(amount)
        self.status.set_spent(self.engine.session_spent, currency)

    def _job_changed(self, job: Job, previous: JobState) -> None:
        self.status.set_spent(self.engine.session_spent, job.currency)

    def _banner_dismissed(self) -> None:
        self._save(self.settings.with_changes(demo_banner_dismissed=True))

    def _settings_saved(self, new: Settings) -> None:
        old, self.settings = self.settings, new
        self.services.settings = new
        if new.theme != old.theme:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, new.theme)
        self.engine.set_auto_download(new.auto_download)
        self.engine.set_output_dir(output_dir(self.services.paths, new))
        self.engine.set_time_limit(max(new.poll_timeout_minutes, 0) * 60.0)
        self.engine.set_max_in_flight(max(new.max_in_flight, 0))

    def _key_changed(self, status: KeyStatus) -> None:
        self.services.key_status = status
        if not self.services.demo and status.key:  # jobs and the queue waiting for a good key carry on
            self._tasks.start(self.engine.set_api_key(status.key), name="api-key")
        if self.services.demo and status.key:
            self.banner.offer_switch()
            self.status.showMessage("Key saved: switch to live mode to make real videos with it.", 15000)

    def request_live_mode(self) -> None:
        """Close this demo window; the launcher rebuilds the services on the real API and opens a new one."""
        if self.settings.demo_mode:
            self._save(self.settings.with_changes(demo_mode=False))
        self.switch_to_live = True
        self.close()

    def _restore(self) -> None:
        s = self.settings
        if not (s.window_geometry and self.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))):
            self.resize(*DEFAULT_SIZE)
        if s.window_state:
            self.restoreState(QByteArray.fromBase64(s.window_state.encode()))
        if not (s.splitter_state and self.splitter.restoreState(QByteArray.fromBase64(s.splitter_state.encode()))):
            self.splitter.setSizes(list(DEFAULT_SPLIT))
        self.compose.restore_params(s)

    def _remember(self) -> None:
        changes: dict[str, object] = dict(self.compose.params())
        changes["window_geometry"] = bytes(self.saveGeometry().toBase64().data()).decode()
        changes["window_state"] = bytes(self.saveState().toBase64().data()).decode()
        changes["splitter_state"] = bytes(self.splitter.saveState().toBase64().data()).decode()
        self._save(self.settings.with_changes(**changes))

    def _save(self, new: Settings) -> None:
        self.settings = new
        self.services.settings = new
        try:
            # Small and rare (close, submit, dismiss): written at once so a crash right after keeps it.
            save_settings(self.services.paths.settings_file, new)
        except OSError as exc:
            log.warning("could not save the settings: %s", exc)
