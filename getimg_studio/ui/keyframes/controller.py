"""What a slot's image form does: fill itself from the image models and the video being composed, price,
make the images through the queue, and put the one the creator picks into the slot.

The prompt starts as the video's, the aspect ratio as the video's (or the image model's closest when it
does not offer that one), so a keyframe fits its clip without cropping. Variations are separate image jobs
in the same queue and history as videos; more than `confirm_batch_over` of them are asked about first
(`ui/common/confirm.py`, the one rule). The images stay in the history whatever is picked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.image_validation import validate_image
from getimg_studio.api.types import CostEstimate, FrameRef, ModelInfo, Role, format_money
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common.confirm import confirm_generations, plural
from getimg_studio.ui.common.crash import report_exception
from getimg_studio.ui.compose.fields import cost_text, fill_combo, ratio_text, resolution_order
from getimg_studio.ui.compose.frame_io import unreadable
from getimg_studio.ui.compose.frames_panel import parse_ratio
from getimg_studio.ui.keyframes.dialog import ImageDialog, choice_thumbnail
from getimg_studio.ui.keyframes.ports import KeyframePorts

log = logging.getLogger(__name__)

Fill = Callable[[Path], None]


def matching_ratio(video_ratio: str | None, offered: tuple[str, ...]) -> str | None:
    """The video's ratio when the image model offers it, else the offered one closest in shape."""
    if not offered:
        return None
    if video_ratio in offered:
        return video_ratio
    wanted = parse_ratio(video_ratio) if video_ratio else None
    if wanted is None:
        return None
    scored = [(abs(shape - wanted) / wanted, r) for r in offered if (shape := parse_ratio(r))]
    return min(scored)[1] if scored else None


class KeyframeController(QObject):
    """Opens one image form at a time, for the slot whose "Generate image…" was pressed."""

    filled = Signal(object)  # the Path put into the slot
    opened = Signal(object)  # the ImageDialog (tests, screenshots)

    def __init__(self, ports: KeyframePorts, window: QWidget | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ports = ports
        self._window = window
        self._tasks = TaskOwner("keyframes", on_error=report_exception)
        self.dialog: ImageDialog | None = None
        self._fill: Fill | None = None
        self._models: list[ModelInfo] = []
        self._made: list[Job] = []
        self._running: asyncio.Task[None] | None = None
        self._chosen_model: str | None = None
        self._preset: ImageRequest | None = None  # kept between forms: the creator's last image model
        # The form's reference images and the names they are shown by (the file's, not a history hash)
        self._references: tuple[FrameRef, ...] = ()
        self._reference_names: list[str] = []
        self._reference_note = ""
        self._problem = ""  # the form problem shown in the message line, if any
        self.last_seconds: float | None = None  # from Generate to the images shown (the closing note's figure)

    # Opening -----------------------------------------------------------------------------------------

    def open_for(self, title: str, fill: Fill, preset: ImageRequest | None = None) -> ImageDialog:
        """The form for the slot called `title`; `fill(path)` puts the chosen image into it. `preset`: an
        image job's request to start from (a remix: its prompt, model, options and references)."""
        if self.dialog is not None:
            self.dialog.close()
        dialog = ImageDialog(self._window)
        self.dialog, self._fill, self._made = dialog, fill, []
        self._preset = preset
        video = self._ports.video_request()
        dialog.heading.setText(f"An image for the {title.lower()}")
        dialog.setWindowTitle(f"Generate image: {title.lower()}")
        dialog.prompt.setPlainText(preset.prompt if preset is not None else video.prompt)
        self._references = preset.references if preset is not None else ()
        self._reference_names = [ref.path.name if ref.path else ref.url or "" for ref in self._references]
        self._reference_note = ("The remixed image's references: kept, so the look stays."
                                if self._references else "")
        if self._references:
            self._tasks.start(self._name_references(dialog), name="reference-names")
        self._models = self._ports.image_models()
        dialog.model_combo.blockSignals(True)
        for model in self._models:
            dialog.model_combo.addItem(model.name, model.id)
        wanted = preset.model if preset is not None else self._chosen_model
        remembered = next((i for i, m in enumerate(self._models) if m.id == wanted), 0)
        dialog.model_combo.setCurrentIndex(remembered if self._models else -1)
        dialog.model_combo.blockSignals(False)
        dialog.model_combo.currentIndexChanged.connect(self._model_changed)
        dialog.resolution_combo.currentIndexChanged.connect(self._refresh)
        dialog.aspect_combo.currentIndexChanged.connect(self._refresh)
        dialog.variations.valueChanged.connect(self._refresh)
        dialog.prompt.textChanged.connect(self._refresh)
        dialog.generate_button.clicked.connect(self.generate)
        dialog.add_reference.clicked.connect(self._choose_references)
        dialog.clear_references.clicked.connect(self.clear_references)
        dialog.use_button.clicked.connect(self.use_chosen)
        dialog.group.buttonToggled.connect(lambda _b, _on: self._update_use())
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        self._model_changed()
        dialog.open()  # window-modal, no nested event loop
        dialog.prompt.setFocus()
        self.opened.emit(dialog)
        return dialog

    # Reading the form ----------------------------------------------------------------------------------

    @property
    def model(self) -> ModelInfo | None:
        index = self.dialog.model_combo.currentIndex() if self.dialog is not None else -1
        return self._models[index] if 0 <= index < len(self._models) else None

    def request(self) -> ImageRequest:
        d = self.dialog
        assert d is not None
        return ImageRequest(
            model=self.model.id if self.model else "",
            prompt=d.prompt.toPlainText().strip(),
            aspect_ratio=d.aspect_combo.currentData() if d.aspect_combo.count() else None,
            resolution=d.resolution_combo.currentData() if d.resolution_combo.count() else None,
            output_format=self._preset.output_format if self._preset is not None else None,
            references=self._references,
        )

    def estimate(self) -> CostEstimate:
        """What the chosen number of images costs together."""
        assert self.dialog is not None
        return self._ports.estimate(self.request()).times(self.dialog.variations.value())

    # Actions ------------------------------------------------------------------------------------------------

    def generate(self) -> asyncio.Task[None] | None:
        if self.dialog is None or (self._running is not None and not self._running.done()):
            return None
        issues = validate_image(self.request(), self.model)
        if issues:
            self.dialog.show_message(issues[0].message, "error")
            return None
        self._running = self._tasks.start(self._generate(self.dialog, self.request(), self.dialog.variations.value()),
                                          name="generate-image")
        return self._running

    def use_chosen(self) -> None:
        """Put the checked image into the slot and close the form."""
        job = self._chosen()
        if job is None or job.file_path is None or self._fill is None or self.dialog is None:
            return
        self._fill(job.file_path)
        self.filled.emit(job.file_path)
        self.dialog.accept()

    def clear_references(self) -> None:
        self._references, self._reference_names, self._reference_note = (), [], ""
        self._refresh()

    async def add_references(self, paths: list[Path]) -> None:
        """Add the pictures at `paths` as references, each checked first (off the painting thread); one that
        cannot be used, or one more than the model takes, is said in the form and left out."""
        from getimg_studio.api.frames import inspect_frame, original_name  # Pillow: never before the paint

        def check(path: Path) -> tuple[str, str]:
            info = inspect_frame(path)
            return original_name(path), info.note

        dialog = self.dialog
        loop = asyncio.get_running_loop()
        refused: list[str] = []
        said: list[str] = []
        for path in paths:
            try:
                name, note = await loop.run_in_executor(None, check, path)
            except GetimgError as exc:
                refused.append(exc.message)
                continue
            except OSError as exc:
                refused.append(unreadable(path, exc))
                continue
            if self.dialog is not dialog:
                return
            limit = self._reference_limit()
            if len(self._references) >= limit:
                refused.append(f"{self.model.name if self.model else 'This model'} takes up to "
                               f"{plural(limit, 'reference image')}: {path.name} was left out.")
                continue
            self._references = (*self._references, FrameRef(Role.REFERENCE_IMAGE, path=path))
            self._reference_names.append(name)
            if note:  # what will be done to it before it is sent (a GIF's first frame, a large file re-encoded)
                said.append(f"{name}: {note}.")
        if self.dialog is not dialog:  # closed (or another opened) while the last file was checked
            return
        self._reference_note = " ".join((*refused, *said))
        self._refresh()

    def _choose_references(self) -> None:
        if self.dialog is None:
            return
        from PySide6.QtWidgets import QFileDialog

        from getimg_studio.ui.compose.frame_slot import IMAGE_FILTER

        chooser = QFileDialog(self.dialog, "Choose reference images")
        chooser.setFileMode(QFileDialog.FileMode.ExistingFiles)
        chooser.setNameFilter(IMAGE_FILTER)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.filesSelected.connect(
            lambda chosen: self._tasks.start(self.add_references([Path(p) for p in chosen]), name="references"))
        chooser.open()

    async def _name_references(self, dialog: ImageDialog) -> None:
        from getimg_studio.api.frames import original_name

        refs = self._references
        names = await asyncio.get_running_loop().run_in_executor(
            None, lambda: [original_name(r.path) if r.path else r.url or "" for r in refs])
        if self.dialog is dialog and self._references == refs:
            self._reference_names = names
            self._refresh()

    def _reference_limit(self) -> int:
        return self.model.max_count(Role.REFERENCE_IMAGE) if self.model is not None else 0

    async def wait_done(self) -> None:
        """For tests: until the images being made are shown (or the attempt ended)."""
        while self._running is not None and not self._running.done():
            await asyncio.wait({self._running})

    async def shutdown(self) -> None:
        await self._tasks.close()

    # Internals ----------------------------------------------------------------------------------------------

    async def _generate(self, dialog: ImageDialog, request: ImageRequest, count: int) -> None:
        total = self._ports.estimate(request).times(count)
        if not await confirm_generations(dialog, count, total, self._ports.confirm_over(), noun="image"):
            return
        started = time.monotonic()
        dialog.generate_button.setEnabled(False)
        dialog.clear_choices()
        self._made = []
        self._update_use()
        dialog.show_message(f"Making {plural(count, 'image')}… They are in the queue and the history too.",
                            "muted")
        try:
            try:
                jobs = await self._ports.submit(request, count)
            except GetimgError as exc:
                dialog.show_message(exc.message, "error")
                return
            done = await self._ports.wait_done([j.id for j in jobs])
            await self._show(dialog, done, count, time.monotonic() - started)
        finally:
            self._running = None
            if self.dialog is dialog:
                self._refresh()

    async def _show(self, dialog: ImageDialog, done: list[Job], count: int, seconds: float) -> None:
        ready = [j for j in done if j.state is JobState.READY and j.file_path is not None]
        loop = asyncio.get_running_loop()
        thumbs = [await loop.run_in_executor(None, choice_thumbnail, j.file_path) for j in ready if j.file_path]
        if self.dialog is not dialog:
            return
        self._made = ready
        for number, (job, thumb) in enumerate(zip(ready, thumbs, strict=True), 1):
            size = f" · {job.width}×{job.height}" if job.width and job.height else ""
            dialog.add_choice(thumb, f"Image {number}{size}")
        if len(ready) == 1:
            dialog.choices[0].setChecked(True)
        if dialog.choices:  # the keyboard goes on from what was made: pick (arrows, Space) or use it
            (dialog.use_button if len(ready) == 1 else dialog.choices[0]).setFocus()
        self.last_seconds = seconds
        dialog.show_message(_outcome(done, ready, count, seconds), "error" if not ready else "")
        self._update_use()

    def _chosen(self) -> Job | None:
        if self.dialog is None:
            return None
        for button, job in zip(self.dialog.choices, self._made, strict=False):
            if button.isChecked():
                return job
        return None

    def _update_use(self) -> None:
        if self.dialog is not None:
            self.dialog.use_button.setEnabled(self._chosen() is not None)

    def _model_changed(self) -> None:
        d, model = self.dialog, self.model
        if d is None:
            return
        name = model.name if model else "This model"
        self._chosen_model = model.id if model else self._chosen_model
        resolutions = sorted(model.resolutions, key=resolution_order) if model else []
        preset = self._preset if self._preset is not None and model and self._preset.model == model.id else None
        fill_combo(d.resolution_combo, resolutions, resolutions, name, "resolution",
                   wanted=preset.resolution if preset else None, default=model.default_resolution if model else None)
        ratios = list(model.aspect_ratios) if model else []
        video_ratio = preset.aspect_ratio if preset else self._ports.video_request().aspect_ratio
        match = matching_ratio(video_ratio, tuple(ratios))
        fill_combo(d.aspect_combo, ratios, [ratio_text(r) for r in ratios], name, "aspect ratio", wanted=match,
                   default=model.default_aspect_ratio if model else None)
        if preset is not None:
            d.aspect_note.setText("As the remixed image." if match == preset.aspect_ratio else "")
        elif video_ratio and match and match != video_ratio:
            d.aspect_note.setText(f"The video is {video_ratio}; {name} does not make that shape, so {match} "
                                  "(the closest) is chosen.")
        elif video_ratio and match:
            d.aspect_note.setText(f"Matches the video ({video_ratio}).")
        else:
            d.aspect_note.setText("")
        d.aspect_note.setVisible(bool(d.aspect_note.text()))
        self._refresh()

    def _refresh(self) -> None:
        d = self.dialog
        if d is None:
            return
        if not self._models:
            d.cost.setText("")
            d.show_message("No image models are listed yet: check the connection, then open this again.", "error")
            d.generate_button.setEnabled(False)
            return
        d.show_references(self._reference_names, self._reference_limit(), self._reference_note)
        issues = validate_image(self.request(), self.model)
        count = d.variations.value()
        d.cost.setText(cost_text(self.estimate(), count))
        busy = self._running is not None and not self._running.done()
        d.generate_button.setEnabled(not issues and not busy)
        d.generate_button.setText(f"Generate {plural(count, 'image')}")
        if busy:
            return
        # A form problem replaces the message; an outcome (the images, a refusal) stays until there is one.
        if issues:
            self._problem = issues[0].message
            d.show_message(self._problem, "warning")
        elif self._problem and d.message.text() == self._problem:
            self._problem = ""
            d.show_message("")

    def _closed(self, dialog: ImageDialog) -> None:
        if self.dialog is dialog:
            self.dialog, self._fill = None, None
            if self._running is not None and not self._running.done():
                self._running.cancel()  # the jobs carry on in the queue; only this form stops waiting
        dialog.deleteLater()


def _outcome(done: list[Job], ready: list[Job], count: int, seconds: float) -> str:
    billed = sum((j.cost for j in done if j.cost is not None), Decimal(0))
    currency = next((j.currency for j in done if j.cost is not None), "USD")
    parts = [f"{len(ready)} of {plural(count, 'image')} ready in {seconds:.1f} s"]
    if billed:
        parts.append(f"billed {format_money(billed, currency)}")
    text = " · ".join(parts) + "."
    if ready:
        text += " Pick one, then Use this image." if len(ready) > 1 else " Use this image to put it in the slot."
    others = [j for j in done if j not in ready]
    for job in others[:2]:
        what = job.error_message or f"it is {job.state.value}"
        text += f" One image did not come: {what}"
    return text
