"""The Export dialog's decisions: the options the creator chose (built by `jobs.exports.export_options`, as
the command line builds them), what they will give, and the export itself, run off the painting thread
with a progress bar and Cancel.

The span is the player's in/out points (the whole clip without them); a PNG is the frame at the playhead.
The destination is written atomically (a temporary name, then renamed): a cancelled or failed export
leaves nothing behind and never a half file under the chosen name.
"""

from __future__ import annotations

import asyncio
import threading
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from getimg_studio.api.errors import GetimgError
from getimg_studio.jobs.model import Job
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.export.dialog import ExportDialog
from getimg_studio.ui.export.ports import ExportPorts

if TYPE_CHECKING:
    from getimg_studio.media.export_plan import ExportOptions
    from getimg_studio.media.probe import MediaInfo

_FILTERS = {"mp4": "MP4 video (*.mp4)", "webm": "WebM video (*.webm)", "gif": "GIF image (*.gif)",
            "webp": "WebP image (*.webp)", "png": "PNG image (*.png)"}


class ExportController(QObject):
    exported = Signal(object)  # Path, once written
    statusMessage = Signal(str)
    _progressed = Signal(float)  # emitted from the export's worker thread, delivered on this one

    def __init__(self, ports: ExportPorts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ports = ports
        self._tasks = TaskOwner("export")
        self.view = ExportDialog(parent)
        self.job: Job | None = None
        self.info: MediaInfo | None = None
        self.span: tuple[float, float | None] = (0.0, None)
        self.position = 0.0
        self._cancel: threading.Event | None = None
        self.running: asyncio.Task[None] | None = None
        self._fill_presets()
        view = self.view
        view.format.currentIndexChanged.connect(self._format_changed)
        for combo in (view.size_choice, view.fps):
            combo.currentIndexChanged.connect(self._update_summary)
        view.loop.toggled.connect(self._update_summary)
        view.path.textChanged.connect(self._update_summary)
        view.browse.clicked.connect(self._browse)
        view.export_button.clicked.connect(self.start)
        view.cancel_button.clicked.connect(self.cancel_or_close)
        view.rejected.connect(self._stop)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

    def _fill_presets(self) -> None:
        from getimg_studio.media.export_plan import FPS_PRESETS, SIZE_PRESETS

        for name in SIZE_PRESETS:
            self.view.size_choice.addItem(name, name)
        for name, rate in FPS_PRESETS.items():
            self.view.fps.addItem(name, float(rate) if rate else None)

    # ------------------------------------------------------------------ opening
    def open(self, job: Job, span: tuple[float, float | None], position: float) -> None:
        """Show the dialog for `job`'s clip, its span (seconds; end None: the clip's end) and playhead."""
        self.job, self.span, self.position = job, span, position
        self.info = None
        view = self.view
        view.clip.setText(job.label if len(job.label) <= 90 else job.label[:89] + "…")
        view.status.setText("")
        view.progress.setValue(0)
        view.set_busy(False)
        folder = job.file_path.parent if job.file_path else Path.home()
        stem = job.file_path.stem if job.file_path else f"job-{job.id}"
        view.path.setText(str(folder / f"{stem}-export.{self.format_value()}"))
        self._format_changed()
        view.open()
        self._tasks.start(self._probe(job), name="export-probe")

    async def _probe(self, job: Job) -> None:
        try:
            info = await self._ports.probe(job)
        except GetimgError as exc:
            self.view.summary.setText(exc.message)
            self.view.export_button.setEnabled(False)
            return
        if self.job is job:
            self.info = info
            self._update_summary()

    # ------------------------------------------------------------------ choices
    def format_value(self) -> str:
        return str(self.view.format.currentData())

    def _format_changed(self) -> None:
        from getimg_studio.media.export_plan import DEFAULT_FPS, DEFAULT_HEIGHT, ExportFormat

        view = self.view
        fmt = ExportFormat(self.format_value())
        height = DEFAULT_HEIGHT.get(fmt)
        view.size_choice.setCurrentIndex(max(0, view.size_choice.findText(f"{height}p" if height else "Original")))
        rate = DEFAULT_FPS.get(fmt)
        view.fps.setCurrentIndex(max(0, view.fps.findData(float(rate) if rate else None)))
        is_png = fmt is ExportFormat.PNG
        view.fps.setEnabled(not is_png)
        view.loop.setEnabled(not is_png)
        if is_png:
            view.loop.setChecked(False)
        path = Path(view.path.text().strip() or f"export{fmt.suffix}")
        view.path.setText(str(path.with_suffix(fmt.suffix)))
        self._update_summary()

    def options(self) -> ExportOptions:
        """What the creator chose, as the command line would build it; `MediaError` when it cannot be."""
        from getimg_studio.jobs.exports import export_options
        from getimg_studio.media.export_plan import ExportFormat

        view = self.view
        out = self.destination()
        png = ExportFormat(self.format_value()) is ExportFormat.PNG
        start, end = (self.position, None) if png else self.span
        fps = view.fps.currentData()
        return export_options(out, start=start, end=end, loop=view.loop.isChecked(),
                              size=str(view.size_choice.currentData()), fps=None if png or fps is None else float(fps))

    def destination(self) -> Path:
        return Path(self.view.path.text().strip()).expanduser()

    def _update_summary(self) -> None:
        from getimg_studio.jobs.exports import resolve_options
        from getimg_studio.media.export_plan import ExportFormat, plan_export

        view = self.view
        span_start, span_end = self.span
        if ExportFormat(self.format_value()) is ExportFormat.PNG:
            view.span.setText(f"the frame at {self.position:.2f} s")
        elif span_end is None and span_start <= 0:
            view.span.setText("the whole clip (set in and out points with I and O in the player)")
        else:
            end = f"{span_end:.2f} s" if span_end is not None else "the end"
            view.span.setText(f"{span_start:.2f} s to {end}")
        if self.info is None:
            view.summary.setText("Reading the clip…")
            view.export_button.setEnabled(False)
            return
        try:
            plan = plan_export(self.info, resolve_options(self.options(), self.info))
        except GetimgError as exc:
            view.summary.setText(exc.message)
            view.export_button.setEnabled(False)
            return
        parts = [f"{plan.width}×{plan.height}"]
        if plan.format is not ExportFormat.PNG:
            parts += [f"{float(Fraction(plan.fps)):g} fps", f"{plan.frame_count} frames", f"{plan.duration:.2f} s"]
            parts.append("with sound" if plan.audio else "no sound")
        view.summary.setText("It will be " + " · ".join(parts) + ", with its recipe inside.")
        view.export_button.setEnabled(self.running is None)

    def _browse(self) -> None:
        dialog = QFileDialog(self.view, "Export to", str(self.destination()))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(_FILTERS[self.format_value()])
        dialog.setDefaultSuffix(self.format_value())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda chosen: self.view.path.setText(chosen))
        dialog.open()

    # ------------------------------------------------------------------ running
    def start(self) -> None:
        if self.job is None or self.running is not None:
            return
        try:
            options = self.options()
        except GetimgError as exc:
            self.view.status.setText(exc.message)
            return
        self._cancel = threading.Event()
        self.view.set_busy(True)
        self.view.status.setText("Exporting…")
        self.view.cancel_button.setText("Cancel")
        self.running = self._tasks.start(self._run(self.job, self.destination(), options, self._cancel),
                                         name="export")

    async def _run(self, job: Job, out: Path, options: ExportOptions, cancel: threading.Event) -> None:
        from getimg_studio.media.errors import Cancelled

        try:
            written = await self._ports.export(job, out, options, self._progressed.emit, cancel)
        except Cancelled:
            self.view.status.setText("Cancelled: nothing was written.")
        except GetimgError as exc:
            self.view.status.setText(f"Could not export: {exc.message}")
        else:
            self.view.progress.setValue(1000)
            self.statusMessage.emit(f"Exported {written}")
            self.exported.emit(written)
            self.view.accept()
        finally:
            self.running = None
            self._cancel = None
            self.view.set_busy(False)
            self.view.cancel_button.setText("Close")

    @Slot(float)
    def _show_progress(self, fraction: float) -> None:
        if self.running is not None:
            self.view.progress.setValue(round(fraction * 1000))

    def cancel_or_close(self) -> None:
        """Cancel stops a running export (and keeps the dialog open to say so); otherwise it closes it."""
        if self._cancel is not None:
            self._cancel.set()
        else:
            self.view.reject()

    def _stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
