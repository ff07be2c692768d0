"""The composition root: the one place that knows the engine and hands each part its narrow services.

Everything below the window gets callables and the read-only history (`ui/ports.py`), never the Engine,
so running the engine behind a thread-safe facade changes this file only. Engine events reach widgets
through `EngineBridge` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QWidget

from getimg_studio.jobs.model import Job, JobFilter
from getimg_studio.secrets import KeyStatus
from getimg_studio.services import Services, close_services, output_dir
from getimg_studio.settings import Settings, SettingsStore
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.compose.controller import ComposeController
from getimg_studio.ui.compose.view import ComposeView
from getimg_studio.ui.player.panel import PlayerPanel
from getimg_studio.ui.ports import Catalogue, ComposePorts, PlayerPorts, QueuePorts, WindowPorts
from getimg_studio.ui.queue.panel import QueuePanel
from getimg_studio.ui.window.controller import WindowController
from getimg_studio.ui.window.main_window import MainWindow
from getimg_studio.ui.window.menus import WindowActions, build_menus

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade as Engine  # the engine on its own thread
    from getimg_studio.paths import Paths
    from getimg_studio.ui.keyframes.controller import KeyframeController
    from getimg_studio.ui.settings.controller import SettingsController
    from getimg_studio.ui.storyboard.controller import StoryboardController
    from getimg_studio.ui.storyboard.ports import StoryboardPorts

LIVE_URL = "https://api.getimg.ai"


def queue_ports(engine: Engine, thumbnails_dir: Path) -> QueuePorts:
    return QueuePorts(
        history=engine.store, catalogue=Catalogue.of(engine.catalogue.models, engine.catalogue.image_models),
        retry=engine.retry,
        remove=lambda ids, delete_files: engine.remove(ids, delete_files=delete_files),
        set_favourite=engine.set_favourite, stop_tracking=engine.stop_tracking, thumbnails_dir=thumbnails_dir)


def player_ports(engine: Engine, frames_dir: Path) -> PlayerPorts:
    return PlayerPorts(redownload=engine.redownload, frames_dir=frames_dir)


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


def build_window(services: Services, settings: SettingsStore) -> MainWindow:
    """The wired, not yet shown window. Start it with `window.controller.start()` (create_main_window does)."""
    engine = services.engine
    paths = services.paths
    catalogue = Catalogue.of(engine.catalogue.models, engine.catalogue.image_models)
    bridge = EngineBridge(engine.subscribe)

    compose_view = ComposeView(paths.frames)
    # Generate waits for the first POST (or a full queue), so getimg's refusal shows at the field at fault.
    compose = ComposeController(compose_view, ComposePorts(catalogue, partial(engine.submit, until_sent=True),
                                                           paths.frames), settings)
    player = PlayerPanel(player_ports(engine, paths.cache / "player-frames"), bridge,
                         model_name=catalogue.model_name)
    queue = QueuePanel(queue_ports(engine, paths.thumbnails), bridge, settings)
    window = MainWindow(compose_view, player, queue, demo=services.demo)
    bridge.setParent(window)
    compose.setParent(window)
    actions = WindowActions(window)
    build_menus(window.menuBar(), actions, queue.actions_, player.actions_)

    keyframes = keyframe_controller(engine, catalogue, compose, queue, settings, window)

    async def close() -> None:
        await keyframes.shutdown()
        await close_services(services)

    ports = WindowPorts(
        start=engine.start, refresh_catalogue=engine.refresh_catalogue, session_spent=lambda: engine.session_spent,
        active_jobs=lambda: engine.store.count(JobFilter.ACTIVE), set_output_dir=engine.set_output_dir,
        set_auto_download=engine.set_auto_download, set_time_limit=engine.set_time_limit,
        set_max_in_flight=engine.set_max_in_flight, set_api_key=engine.set_api_key, close=close)

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
    window.controller, window.services = controller, services
    window.compose, window.player, window.queue = compose, player, queue
    window.keyframes = keyframes
    window.storyboard = build_storyboard_page(window, actions, engine, paths, catalogue, bridge)
    for button in window.findChildren(QPushButton):
        button.setAutoDefault(True)  # Enter presses a focused button (Space belongs to the player)
    return window


# Storyboards (issue 13): a page of the stage with its own controller and narrow ports ------------------------

def storyboard_ports(engine: Engine, paths: Paths, catalogue: Catalogue) -> StoryboardPorts:
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
        preview_dir=paths.cache / "storyboard-previews", thumbnails_dir=paths.thumbnails)


def build_storyboard_page(window: MainWindow, actions: WindowActions, engine: Engine, paths: Paths,
                          catalogue: Catalogue, bridge: EngineBridge) -> StoryboardController:
    from getimg_studio.ui.storyboard.controller import StoryboardController
    from getimg_studio.ui.storyboard.view import StoryboardView

    view = StoryboardView()

    def on_job(handler: Callable[[Job], None]) -> None:
        bridge.jobChanged.connect(lambda job, _previous: handler(job))

    controller = StoryboardController(view, storyboard_ports(engine, paths, catalogue), on_job=on_job)
    window.stage.addWidget(view)
    controller.resume()
    action = actions.show_storyboard

    def show(on: bool) -> None:
        if on:
            controller.refresh_list()
        window.stage.setCurrentIndex(window.stage.indexOf(view) if on else 0)

    action.toggled.connect(show)
    window_shutdown = window.on_shutdown

    async def shutdown() -> None:  # the page's own tasks first, then the window's shutdown as before
        await controller.close()
        if window_shutdown is not None:
            await window_shutdown()

    window.on_shutdown = shutdown
    return controller
