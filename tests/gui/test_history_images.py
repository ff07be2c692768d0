"""Image jobs in the queue and the history: their rows and thumbnails, the videos/images filter, "Use as…"
into the form's frame slots, Remix into the image form, and the player showing the picture."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PIL import Image
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobKind, JobState
from getimg_studio.ui.queue.format import params_text
from getimg_studio.ui.queue.panel import QueuePanel

IMAGE = ImageRequest(model="sim-image-pro", prompt="A red kite over green hills", aspect_ratio="16:9",
                     resolution="1K", output_format="png")


def _select(panel: QueuePanel, job: Job) -> None:
    index = panel.model.index_of(job.id)
    assert index.isValid()
    panel.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                                | QItemSelectionModel.SelectionFlag.Rows)


def _rows(panel: QueuePanel) -> list[JobKind]:
    return [panel.model.job_at(r).kind for r in range(panel.model.rowCount())]  # type: ignore[union-attr]


def test_an_image_in_the_history_is_shown_filtered_used_remixed_and_played(
        sim: Any, open_window: Callable[..., Any], run: Callable[..., Any], qtbot: QtBot) -> None:
    async def scenario() -> tuple[Any, Job]:
        window = await open_window(sim.base_url)
        engine = window.services.engine
        [video] = await engine.submit(GenerationRequest(model="sim-fixed-lite", prompt="A quiet harbour"))
        [image] = await engine.submit_image(IMAGE)
        image, video = await engine.wait_idle([image.id, video.id], timeout=60)
        assert (image.state, video.state) == (JobState.READY, JobState.READY)
        queue: QueuePanel = window.queue
        await until(lambda: queue.model.rowCount() == 2, 10, "both rows")

        # The row says it is an image, with its size, and has a thumbnail made from the picture.
        assert params_text(image, "Simulator Image Pro").startswith("Simulator Image Pro · 16:9 · 1K · image · "
                                                                    "1024×576 · PNG")
        index = queue.model.index_of(image.id)
        queue.model.data(index, Qt.ItemDataRole.DecorationRole)
        await queue.thumbnails.wait_idle()
        pixmap = queue.model.data(index, Qt.ItemDataRole.DecorationRole)
        assert pixmap is not None
        assert not pixmap.isNull()

        # The filter: videos and images, videos only, images only.
        assert queue.kinds.currentText() == "All kinds"
        assert sorted(_rows(queue)) == [JobKind.IMAGE, JobKind.VIDEO]
        queue.kinds.setCurrentIndex(queue.kinds.findText("Images"))
        assert _rows(queue) == [JobKind.IMAGE]
        queue.kinds.setCurrentIndex(queue.kinds.findText("Videos"))
        assert _rows(queue) == [JobKind.VIDEO]
        queue.kinds.setCurrentIndex(queue.kinds.findText("Images"))

        # "Use as first frame": only for a ready image; it fills the form's first frame.
        compose = window.compose
        assert compose.select_model("seedance-v1-5-pro")
        _select(queue, image)
        a = queue.actions_
        assert a.use_first.isEnabled()
        assert a.use_last.isEnabled()
        assert a.use_reference.isEnabled()
        a.use_first.trigger()
        await compose.view.frames.settled()
        first = compose.view.frames.first
        assert first.frame is not None
        assert first.frame.path == image.file_path
        assert window.status.currentMessage() == "The image is now the first frame."
        a.use_reference.trigger()  # this model takes no reference images: said, not done
        assert window.status.currentMessage().startswith("Not used: Seedance 1.5 Pro does not take reference")

        # Remix: the image form opens with the image's own request.
        a.remix.trigger()
        dialog = window.keyframes.dialog
        assert dialog is not None
        assert dialog.isVisible()
        assert dialog.prompt.toPlainText() == IMAGE.prompt
        assert dialog.model_combo.currentData() == "sim-image-pro"
        assert dialog.resolution_combo.currentData() == "1K"
        assert window.keyframes.request().output_format == "png"
        dialog.close()

        # Play: the player shows the picture, without playback controls.
        a.play.trigger()
        player = window.player
        await until(lambda: player.picture is not None and player.stack.currentWidget() is player.picture, 10,
                    "the picture in the player")
        assert player.picture.image.size().width() == 1024
        assert not player.controls.isVisible()
        assert not player.save_frame.isVisible()
        assert player.details.text().startswith("1024×576 · Simulator Image Pro")
        _select(queue, image)
        return window, image

    _window, image = run(scenario(), timeout=120)
    with Image.open(image.file_path) as picture:
        assert picture.size == (1024, 576)


def test_a_video_row_offers_no_image_uses(sim: Any, open_window: Callable[..., Any], run: Callable[..., Any],
                                          tmp_path: Path) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url)
        engine = window.services.engine
        [video] = await engine.submit(GenerationRequest(model="sim-fixed-lite", prompt="A quiet harbour"))
        [video] = await engine.wait_idle([video.id], timeout=60)
        queue: QueuePanel = window.queue
        await until(lambda: queue.model.rowCount() == 1, 10, "the row")
        _select(queue, video)
        assert not any(action.isEnabled() for action in queue.actions_.image_uses())
        queue.kinds.setCurrentIndex(queue.kinds.findText("Images"))
        assert queue.model.rowCount() == 0
        assert queue.empty.text() == "No images yet. Use “Generate image…” in a frame slot of the form."

    run(scenario(), timeout=60)
