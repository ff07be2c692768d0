"""The Export dialog's widgets, laid out (the controller fills and drives them; nothing here decides)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# (format value, what the creator reads); the order the list shows
FORMATS = (
    ("mp4", "MP4 video (H.264, exact cut)"),
    ("webm", "WebM video (VP9)"),
    ("gif", "Animated GIF"),
    ("webp", "Animated WebP"),
    ("png", "PNG image of the frame on screen"),
)


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        self.clip = QLabel(self)
        self.clip.setAccessibleName("Clip")
        self.clip.setWordWrap(True)
        self.format = QComboBox(self)
        self.format.setAccessibleName("Format")
        for value, text in FORMATS:
            self.format.addItem(text, value)
        self.span = QLabel(self)
        self.span.setAccessibleName("Span")
        self.size_choice = QComboBox(self)
        self.size_choice.setAccessibleName("Size")
        self.fps = QComboBox(self)
        self.fps.setAccessibleName("Frame rate")
        self.loop = QCheckBox("Seamless loop (plays forward, then backward)", self)
        self.path = QLineEdit(self)
        self.path.setAccessibleName("Save to")
        self.browse = QPushButton("Choose…", self)
        self.browse.setAccessibleName("Choose where to save")
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        self.summary = QLabel(self)
        self.summary.setAccessibleName("What it will be")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Export progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setAccessibleName("Export status")
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Clip:", self.clip)
        form.addRow("&Format:", self.format)
        form.addRow("Span:", self.span)
        form.addRow("&Size:", self.size_choice)
        form.addRow("Frame &rate:", self.fps)
        form.addRow("", self.loop)
        form.addRow("Save to:", where)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def set_busy(self, busy: bool) -> None:
        for widget in (self.format, self.size_choice, self.fps, self.loop, self.path, self.browse, self.export_button):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
