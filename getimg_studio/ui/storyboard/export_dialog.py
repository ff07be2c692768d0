"""Exporting a storyboard: the dialog (layout) and its controller (decisions).

The dialog asks what the join needs asked: copy the takes as they are or re-encode them (copy is offered only
when every take shares its codec parameters), a crossfade (re-encodes), one sound track or none, and
letterbox or crop when the takes have different shapes. Probing and joining run in worker threads; progress
comes back through a queued signal; Cancel stops the join and leaves no file (media writes atomically).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.api.errors import GetimgError
from getimg_studio.jobs.model import Job
from getimg_studio.jobs.storyboard.model import Storyboard
from getimg_studio.tasks import TaskOwner

if TYPE_CHECKING:
    from getimg_studio.media.join_plan import JoinOptions, JoinPlan

ExportFn = Callable[[int, Sequence[Path], Path, "JoinOptions", Callable[[float], None], Callable[[], bool]],
                    Awaitable[Job]]


@contextlib.contextmanager
def _quiet(*widgets: QObject) -> Iterator[None]:
    for widget in widgets:
        widget.blockSignals(True)
    try:
        yield
    finally:
        for widget in widgets:
            widget.blockSignals(False)


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None, suggested: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the storyboard")
        self.setMinimumWidth(520)
        self.out = QLineEdit(str(suggested))
        self.out.setAccessibleName("Export to")
        self.browse = QPushButton("Choose…")
        self.copy = QRadioButton("Join the takes as they are (fast, no loss)")
        self.reencode = QRadioButton("Re-encode to one size and frame rate (H.264/AAC)")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.copy)
        self.mode.addButton(self.reencode)
        self.crossfade = QDoubleSpinBox()
        self.crossfade.setRange(0.0, 2.0)
        self.crossfade.setSingleStep(0.25)
        self.crossfade.setSuffix(" s")
        self.crossfade.setAccessibleName("Crossfade")
        self.audio = QCheckBox("One sound track (silence where a shot has none)")
        self.audio.setChecked(True)
        self.fit = QComboBox()
        self.fit.addItem("Letterbox (bars)", "letterbox")
        self.fit.addItem("Crop to fill", "crop")
        self.fit.setAccessibleName("Fit")
        self.fit_label = QLabel("Other shapes")
        self.plan = QLabel("Looking at the takes…")
        self.plan.setWordWrap(True)
        self.plan.setAccessibleName("How the takes are joined")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.export = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)

        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("File", where)
        form.addRow("Pictures", self.copy)
        form.addRow("", self.reencode)
        form.addRow("Crossfade", self.crossfade)
        form.addRow("Sound", self.audio)
        form.addRow(self.fit_label, self.fit)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.plan)
        column.addWidget(self.progress)
        column.addWidget(self.message)
        column.addWidget(self.buttons)


class ExportController(QObject):
    finished = Signal(str)  # the exported file
    _progress = Signal(float)  # from the join's thread: queued to this object's

    def __init__(self, parent: QWidget, storyboard: Storyboard, files: tuple[Path, ...], export: ExportFn) -> None:
        super().__init__(parent)
        assert storyboard.id is not None
        self.storyboard_id = storyboard.id
        self.files = files
        self._export = export
        safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in storyboard.name).strip() or "storyboard"
        self.dialog = ExportDialog(parent, files[0].parent / f"{safe}.mp4")
        self._tasks = TaskOwner("storyboard-export")
        self._cancel = threading.Event()
        self._busy = False
        self.plan: JoinPlan | None = None
        self._can_copy: bool | None = None
        d = self.dialog
        d.browse.clicked.connect(self._browse)
        for signal in (d.copy.toggled, d.audio.toggled):
            signal.connect(lambda _on: self._replan())
        d.crossfade.valueChanged.connect(lambda _v: self._replan())
        d.fit.activated.connect(lambda _i: self._replan())
        d.export.clicked.connect(self.start)
        d.cancel.clicked.connect(lambda: self.cancel() if self._busy else d.reject())
        d.rejected.connect(self.cancel)
        self._progress.connect(lambda f: d.progress.setValue(round(f * 1000)))

    def open(self) -> None:
        self.dialog.open()
        self._replan()

    def options(self) -> JoinOptions:
        from getimg_studio.jobs.storyboard_export import export_options

        d = self.dialog
        return export_options(reencode=not d.copy.isChecked() or d.crossfade.value() > 0,
                              crossfade=d.crossfade.value(), audio=d.audio.isChecked(), fit=d.fit.currentData())

    def _replan(self) -> None:
        if not self._busy:
            self._tasks.start(self._plan(), name="plan")

    async def _plan(self) -> None:
        from getimg_studio.jobs.storyboard_export import export_options
        from getimg_studio.media.join import plan_files

        d = self.dialog
        loop = asyncio.get_running_loop()
        try:
            if self._can_copy is None:  # asked once: can these takes be joined as they are?
                as_they_are = await loop.run_in_executor(None, plan_files, list(self.files),
                                                         export_options(audio=d.audio.isChecked()))
                self._can_copy = as_they_are.copies
                d.copy.setToolTip("" if as_they_are.copies else as_they_are.summary)
                with _quiet(d.copy, d.reencode):
                    (d.copy if as_they_are.copies else d.reencode).setChecked(True)
            with _quiet(d.copy, d.reencode):
                d.copy.setEnabled(self._can_copy and d.crossfade.value() == 0)
                if not d.copy.isEnabled():
                    d.reencode.setChecked(True)
            plan = await loop.run_in_executor(None, plan_files, list(self.files), self.options())
        except GetimgError as exc:
            d.plan.setText(exc.message)
            d.export.setEnabled(False)
            return
        self.plan = plan
        d.fit.setVisible(plan.mixed_shapes)
        d.fit_label.setVisible(plan.mixed_shapes)
        d.plan.setText(f"{plan.summary} {plan.duration:.1f} s in all.")
        d.export.setEnabled(True)

    def _browse(self) -> None:
        chooser = QFileDialog(self.dialog, "Export to", self.dialog.out.text(), "MP4 video (*.mp4)")
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.setDefaultSuffix("mp4")
        chooser.fileSelected.connect(self.dialog.out.setText)
        chooser.open()

    def start(self) -> None:
        if not self._busy:
            out = Path(self.dialog.out.text()).expanduser()
            self._tasks.start(self.run(out if out.suffix.lower() == ".mp4" else out.with_suffix(".mp4")),
                              name="export")

    async def run(self, out: Path) -> Path | None:
        from getimg_studio.media.errors import Cancelled

        d = self.dialog
        self._busy = True
        self._cancel.clear()
        d.export.setEnabled(False)
        d.progress.setValue(0)
        d.progress.setVisible(True)
        d.message.setText("Exporting…")
        try:
            job = await self._export(self.storyboard_id, self.files, out, self.options(), self._progress.emit,
                                     self._cancel.is_set)
        except Cancelled:
            d.message.setText("Cancelled: nothing was written.")
            return None
        except GetimgError as exc:
            d.message.setText(f"The export failed: {exc.message}")
            return None
        finally:
            self._busy = False
            d.export.setEnabled(True)
        path = job.file_path or out
        d.message.setText(f"Saved {path}.")
        d.progress.setValue(1000)
        self.finished.emit(str(path))
        d.accept()
        return path

    def cancel(self) -> None:
        if self._busy:
            self._cancel.set()
