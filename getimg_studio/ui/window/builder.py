"""The composition root: the one place that knows the engine and hands each part its narrow services.

Everything below the window gets callables and the read-only history (`ui/ports.py`), never the Engine,
so running the engine behind a thread-safe facade changes this file only. Engine events reach widgets
through `EngineBridge` alone.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from getimg_studio.jobs.model import Job, JobFilter
from getimg_studio.localzone import local_zone
from getimg_studio.secrets import KeyStatus
from getimg_studio.services import Services, close_services, output_dir, settings_budget
from getimg_studio.settings import Settings, SettingsStore
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.compose.controller import ComposeController
from getimg_studio.ui.compose.view import ComposeView
from getimg_studio.ui.money.status import BudgetLabel, BudgetStatus
from getimg_studio.ui.player.panel import PlayerPanel
from getimg_studio.ui.ports import Catalogue, ComposePorts, PlayerPorts, QueueControl, QueuePorts, WindowPorts
from getimg_studio.ui.queue.panel import QueuePanel
from getimg_studio.ui.settings.outside import OutsideChanges, outside_message
from getimg_studio.ui.window.controller import STATUS_MS, WindowController
from getimg_studio.ui.window.main_window import MainWindow
from getimg_studio.ui.window.menus import WindowActions, build_menus

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade as Engine  # the engine on its own thread
    from getimg_studio.jobs.imports import FrameFrom
    from getimg_studio.paths import Paths
    from getimg_studio.ui.compare.page import ComparePage
    from getimg_studio.ui.compare.ports import KeepFn
    from getimg_studio.ui.imports.drop import VideoDrop
    from getimg_studio.ui.keyframes.controller import KeyframeController
    from getimg_studio.ui.settings.controller import SettingsController
    from getimg_studio.ui.spending.services import SpendingServices
    from getimg_studio.ui.spending.window import SpendingWindow
    from getimg_studio.ui.storyboard.page import StoryboardPage
    from getimg_studio.ui.storyboard.ports import StoryboardPorts

LIVE_URL = "https://api.getimg.ai"


def queue_ports(engine: Engine, thumbnails_dir: Path) -> QueuePorts:
    return QueuePorts(
        history=engine.store, catalogue=Catalogue.of(engine.catalogue.models, engine.catalogue.image_models),
        retry=engine.retry,
        remove=lambda ids, delete_files: engine.remove(ids, delete_files=delete_files),
        set_favourite=engine.set_favourite, stop_tracking=engine.stop_tracking, thumbnails_dir=thumbnails_dir,
        queue=QueueControl(reorder=engine.reorder, pause=engine.pause, resume=engine.resume,
                           pause_queue=engine.pause_queue, resume_queue=engine.resume_queue,
                           remove_queued=engine.remove_queued, edit_queued=engine.edit_queued),
        save_copy=partial(save_copy_with_recipe, engine))


async def save_copy_with_recipe(engine: Engine, job: Job, dest: Path) -> Path:
    """The queue's "Save a copy as…": getimg's packets unchanged, the recipe in the copy's metadata (issue 14)."""
    from getimg_studio.jobs.exports import save_job_copy

    def write() -> Path:
        imported = engine.store.import_record(job.id) if job.imported else None
        return save_job_copy(job, dest, imported=imported)

    return await asyncio.get_running_loop().run_in_executor(None, write)


def player_ports(engine: Engine, frames_dir: Path) -> PlayerPorts:
    from getimg_studio.ui.export.ports import frame_saver

    return PlayerPorts(redownload=engine.redownload, frames_dir=frames_dir,
                       save_frame=frame_saver(engine.store.import_record))


# Compare takes (issue 14) --------------------------------------------------------------------------------

_PLAYER_KEYS = ("play", "frame_back", "frame_forward", "loop", "mute")  # the compare page's keys too


def compare_page(window: MainWindow, engine: Engine, player: PlayerPanel, queue: QueuePanel,
                 catalogue: Catalogue) -> ComparePage:
    """The compare page of the stage and its action; `window.compare.open_compare(ids, keep)` for others."""
    from getimg_studio.ui.compare.page import ComparePage
    from getimg_studio.ui.compare.ports import ComparePorts

    def player_keys(on: bool) -> None:
        for name in _PLAYER_KEYS:
            player.actions_[name].setEnabled(on and player.clip is not None)

    ports = ComparePorts(jobs=engine.store.get_many, favourite=engine.set_favourite,
                         remix=lambda request: window.controller.remix(request), model_name=catalogue.model_name)
    page = ComparePage(window.stage, ports, queue.selected_jobs, player_keys)
    queue.extra_actions.append(page.action)
    queue.view.selectionModel().selectionChanged.connect(page.update_enabled)
    queue.playRequested.connect(lambda _job: page.close())
    return page


# A video dropped onto the window (issue 14) ---------------------------------------------------------------

def video_drop(window: MainWindow, engine: Engine, frames_dir: Path) -> VideoDrop:
    from getimg_studio.ui.imports.drop import DropPorts, VideoDrop

    async def frame_of(video: Path, which: FrameFrom) -> Path:
        from getimg_studio.jobs.imports import frame_from_video  # with the first video dropped

        return await asyncio.get_running_loop().run_in_executor(None, frame_from_video, video, which, frames_dir)

    compose = window.compose
    return VideoDrop(window, DropPorts(
        import_file=engine.import_file, frame_of=frame_of, remix=lambda r: window.controller.remix(r),
        use_first_frame=compose.use_as_first_frame, draft=compose.draft, load_request=compose.load_request,
        play=window.queue.playRequested.emit))  # as a double-click in the queue: the player shows it


# Money (issue 15): the Spending window's services, the status bar's budget, the budget setting -------------

def spending_services(services: Services, settings: SettingsStore, unbilled: Callable[[], Decimal]
                      ) -> SpendingServices:
    from getimg_studio.jobs.reconcile import ServerCosts
    from getimg_studio.ui.spending.services import SpendingServices

    engine = services.engine

    async def server_costs(start: datetime, end: datetime) -> ServerCosts | None:
        if services.demo:  # the simulator's bill is not an account's: nothing to compare with
            return None
        report = await engine.billing_costs(start, end)
        return ServerCosts(report.currency, report.days, report.total)

    return SpendingServices(
        load_entries=engine.ledger_entries, fetch_server_costs=server_costs, tz=local_zone(),
        budget=lambda: settings_budget(settings.current), unbilled=unbilled, ledger_start=engine.ledger_start,
        export_dir=lambda: output_dir(services.paths, settings.current))


def wire_money(window: MainWindow, services: Services, settings: SettingsStore, bridge: EngineBridge,
               compose: ComposeController, open_settings: Callable[[], SettingsController]) -> Callable[[], Any]:
    """The budget label in the status bar, Settings' budget to the engine, View > Spending (Ctrl+Shift+B),
    "Raise budget…" to Settings. Returns the coroutine function that closes them."""
    engine = services.engine
    label = BudgetLabel(window.status)
    window.status.addPermanentWidget(label)
    status = BudgetStatus(label, engine.spend_figures, bridge, demo=services.demo, parent=window)

    def budget_changed(new: Settings, changed: frozenset[str]) -> None:
        if changed & {"budget_monthly", "budget_daily"}:
            engine.set_budget(settings_budget(new))
            status.schedule()

    unsubscribe = settings.subscribe(budget_changed)
    spending: list[SpendingWindow] = []

    def open_spending() -> None:
        if not spending:  # built on first use: the first paint needs none of it
            from getimg_studio.ui.spending import window as spending_window

            spending.append(spending_window.SpendingWindow(spending_services(services, settings, status.unbilled),
                                                           window))
        spending[0].open()

    action = QAction("&Spending…", window)
    action.setShortcut(QKeySequence("Ctrl+Shift+B"))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(open_spending)
    window.addAction(action)
    view_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&View")
    view_menu.insertAction(view_menu.actions()[4], action)  # after the panels and Reset the layout
    compose.budgetRequested.connect(lambda: open_settings().raise_budget())
    status.refresh()

    async def close() -> None:
        unsubscribe()
        await status.close()
        if spending:
            await spending[0].close()

    return close
def keyframe_controller(engine: Engine, catalogue: Catalogue, compose: ComposeController, queue: QueuePanel,
                        settings: SettingsStore, window: MainWindow) -> KeyframeController:
    """Keyframes (issue 12): every frame slot's "Generate image…" opens the image form, whose pick fills the
    slot; the queue's "Use as…" puts a ready image from the history into a slot, its Remix reopens the form."""
    from getimg_studio.api.types import Role
    from getimg_studio.ui.keyframes.controller import KeyframeController
    from getimg_studio.ui.keyframes.ports import KeyframePorts
    from getimg_studio.ui.keyframes.use import use_image
    from getimg_studio.ui.window.controller import STATUS_MS

    ports = KeyframePorts(
        image_models=engine.catalogue.image_models, estimate=catalogue.estimate,
        submit=partial(engine.submit_image, until_sent=True), wait_done=lambda ids: engine.wait_idle(ids),
        video_request=compose.request, confirm_over=lambda: settings.current.confirm_batch_over)
    keyframes = KeyframeController(ports, window, window)
    frames = compose.view.frames
    frames.generateRequested.connect(lambda slot: keyframes.open_for(slot.title, slot.set_path))
    frames.offer_generate(True)

    def use(path: Path, role: Role) -> None:
        window.status.showMessage(use_image(frames, path, role), STATUS_MS)

    queue.useImageRequested.connect(use)
    # A remixed image goes where a new one would most often: the first frame.
    queue.remixImageRequested.connect(lambda request: keyframes.open_for(
        frames.first.title, lambda path: use(path, Role.FIRST_FRAME), preset=request))
    return keyframes


def report_simulator(window: MainWindow, ready: asyncio.Future[str | None]) -> None:
    """Demo mode does not wait for its simulator to boot: should it never come up, the status bar says so."""

    def said(done: asyncio.Future[str | None]) -> None:
        why = None if done.cancelled() else done.result()
        if why:
            window.status.showMessage(f"The demo simulator did not start, so nothing can be made ({why}). "
                                      "The log has the details.")

    ready.add_done_callback(said)


def open_gate(gate: concurrent.futures.Future[None] | None) -> None:
    if gate is not None and not gate.done():
        gate.set_result(None)


def build_window(services: Services, settings: SettingsStore) -> MainWindow:
    """The wired, not yet shown window. Start it with `window.controller.start()` (create_main_window does)."""
    engine = services.engine
    paths = services.paths
    catalogue = Catalogue.of(engine.catalogue.models, engine.catalogue.image_models)
    bridge = EngineBridge(engine.subscribe)

    compose_view = ComposeView(paths.frames)
    # Generate waits for the first POST (or a full queue), so getimg's refusal shows at the field at fault.
    compose = ComposeController(compose_view, ComposePorts(catalogue, partial(engine.submit, until_sent=True),
                                                           paths.frames, engine.edit_queued), settings)
    player = PlayerPanel(player_ports(engine, paths.cache / "player-frames"), bridge,
                         model_name=catalogue.model_name)
    queue = QueuePanel(queue_ports(engine, paths.thumbnails), bridge, settings)
    window = MainWindow(compose_view, player, queue, demo=services.demo)
    bridge.setParent(window)
    compose.setParent(window)
    # Trim and export from the player (issue 14)
    from getimg_studio.ui.export.attach import PlayerExport
    from getimg_studio.ui.export.ports import export_ports

    PlayerExport(player, export_ports(engine.store.import_record))
    compare = compare_page(window, engine, player, queue, catalogue)
    actions = WindowActions(window)
    build_menus(window.menuBar(), actions, queue.actions_, player.actions_, queue.queued_, compare.action)

    keyframes = keyframe_controller(engine, catalogue, compose, queue, settings, window)
    close_money: list[Callable[[], Any]] = []
    # A budget set from the command line while the window is open applies here at once.
    outside = OutsideChanges(settings, window)
    outside.taken.connect(lambda names: window.status.showMessage(outside_message(names), STATUS_MS))

    async def close() -> None:
        await outside.close()
        await keyframes.shutdown()
        for closing in close_money:
            await closing()
        await close_services(services)

    ports = WindowPorts(
        start=engine.start, refresh_catalogue=engine.refresh_catalogue, session_spent=lambda: engine.session_spent,
        active_jobs=lambda: engine.store.count(JobFilter.ACTIVE), set_output_dir=engine.set_output_dir,
        set_auto_download=engine.set_auto_download, set_time_limit=engine.set_time_limit,
        set_max_in_flight=engine.set_max_in_flight, set_api_key=engine.set_api_key, close=close,
        painted=partial(open_gate, services.first_request_gate))

    def make_settings(parent: QWidget) -> SettingsController:
        # Imported when first opened: the first paint does not need the settings window.
        from getimg_studio.ui.settings.controller import SettingsController
        from getimg_studio.ui.settings.dialog import SettingsDialog

        live_url = services.base_url if not services.demo else LIVE_URL
        view = SettingsDialog(paths.output, parent)
        controller = SettingsController(view, settings, services.key_store, services.key_status, live_url,
                                        paths.output, view)

        def key_changed(status: KeyStatus) -> None:
            services.key_status = status  # what a window rebuilt for live mode starts from

        controller.keyChanged.connect(key_changed)
        return controller

    def output_for(current: Settings) -> Path:
        return output_dir(paths, current)

    controller = WindowController(window, actions, compose, player, queue, bridge, settings, ports,
                                  demo=services.demo, host=services.host, log_dir=paths.log_file.parent,
                                  output_dir=output_for, make_settings=make_settings)
    close_money.append(wire_money(window, services, settings, bridge, compose, controller.open_settings))
    window.controller, window.services = controller, services
    if services.simulator_ready is not None:
        report_simulator(window, services.simulator_ready)
    window.compose, window.player, window.queue = compose, player, queue
    window.compare = compare
    # The prompt's memory (issue 14): recent prompts and saved styles
    from getimg_studio.ui.prompts.tools import PromptTools

    PromptTools(compose_view.prompt, compose_view.prompt_count, engine.store.recent_prompts,
                paths.data / "styles.json")
    video_drop(window, engine, paths.frames).statusMessage.connect(
        lambda text: window.status.showMessage(text, STATUS_MS))
    compare.statusMessage.connect(lambda text: window.status.showMessage(text, STATUS_MS))
    window.keyframes = keyframes
    window.storyboard = storyboard_page(window, actions, engine, paths, catalogue, bridge)
    for button in window.findChildren(QPushButton):
        button.setAutoDefault(True)  # Enter presses a focused button (Space belongs to the player)
    return window


# Storyboards (issue 13): a page of the stage with its own controller and narrow ports ------------------------

def storyboard_ports(engine: Engine, paths: Paths, catalogue: Catalogue,
                     compare_takes: Callable[[Sequence[int], KeepFn], bool] | None = None,
                     raise_budget: Callable[[], None] | None = None) -> StoryboardPorts:
    from getimg_studio.ui.storyboard.ports import StoryboardPorts

    reader = engine.store
    return StoryboardPorts(
        catalogue=catalogue, image_models=engine.catalogue.image_models, list_storyboards=reader.storyboards,
        load=reader.storyboard, run_state=reader.run_state,
        job=reader.get, add=engine.add_storyboard, save=engine.save_storyboard, run=engine.run_storyboard,
        resume=engine.resume_storyboards,
        choose_take=engine.choose_take,
        regenerate=lambda board_id, shot_id, with_stale: engine.regenerate_shot(board_id, shot_id,
                                                                                with_stale=with_stale),
        export=lambda board_id, files, out, options, progress, cancel: engine.export_storyboard(
            board_id, files, out, options, progress=progress, cancel=cancel),
        preview_dir=paths.cache / "storyboard-previews", thumbnails_dir=paths.thumbnails,
        compare_takes=compare_takes, raise_budget=raise_budget)


def storyboard_page(window: MainWindow, actions: WindowActions, engine: Engine, paths: Paths,
                    catalogue: Catalogue, bridge: EngineBridge) -> StoryboardPage:
    """The Storyboard page (View > Storyboard, Ctrl+B), built when first shown; its tasks close before the
    window's shutdown."""
    from getimg_studio.ui.storyboard.page import StoryboardPage

    def on_job(handler: Callable[[Job], None]) -> None:
        bridge.jobChanged.connect(lambda job, _previous: handler(job))

    def raise_budget() -> None:
        window.controller.open_settings().raise_budget()

    page = StoryboardPage(window.stage, actions.show_storyboard,
                          lambda: storyboard_ports(engine, paths, catalogue, compare_takes=window.compare.open_compare,
                                                   raise_budget=raise_budget),
                          on_job, engine.store.running_storyboards)
    window_shutdown = window.on_shutdown

    async def shutdown() -> None:  # the page's own tasks first, then the window's shutdown as before
        await page.close()
        if window_shutdown is not None:
            await window_shutdown()

    window.on_shutdown = shutdown
    return page
