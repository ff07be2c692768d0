"""A queue panel on a real engine and simulator, for the queue's GUI tests (a module of its own, as gui_wait)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QMessageBox

from getimg_studio.jobs.model import Job
from getimg_studio.paths import Paths
from getimg_studio.settings import SettingsStore
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.queue.panel import QueuePanel
from getimg_studio.ui.window.builder import queue_ports


@asynccontextmanager
async def open_panel(sim: RunningSimulator, paths: Paths) -> AsyncIterator[tuple[Any, QueuePanel]]:
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.download import Downloader
    from getimg_studio.jobs.engine import Engine, EngineConfig
    from getimg_studio.jobs.store import JobStore

    store = JobStore(paths.database)
    engine = Engine(store, GetimgClient(sim.base_url, "test"), Downloader(), ModelCatalogue(paths.catalogue_cache),
                    frames_dir=paths.frames, output_dir=paths.output,
                    config=EngineConfig(poll_initial=0.1, poll_max=0.3))
    bridge = EngineBridge(engine.subscribe)
    settings = SettingsStore(paths.settings_file)
    panel = QueuePanel(queue_ports(engine, paths.thumbnails), bridge, settings)
    panel.resize(700, 600)
    panel.show()
    try:
        await engine.start()
        await engine.refresh_catalogue()
        yield engine, panel
    finally:
        await panel.shutdown()
        bridge.detach()
        await engine.close()
        store.close()
        settings.close()
        panel.close()
        panel.deleteLater()


def select(panel: QueuePanel, *jobs: Job) -> None:
    selection = panel.view.selectionModel()
    selection.clearSelection()
    for job in jobs:
        selection.select(panel.model.index_of(job.id), QItemSelectionModel.SelectionFlag.Select)
    selection.setCurrentIndex(panel.model.index_of(jobs[0].id), QItemSelectionModel.SelectionFlag.NoUpdate)


def visible_box(panel: QueuePanel) -> QMessageBox:
    boxes = [b for b in panel.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]
