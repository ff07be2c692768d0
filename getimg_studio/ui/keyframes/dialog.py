"""The image form's widgets: prompt, model, resolution, aspect ratio, variations, cost, the images to choose.

Layout only; `controller.KeyframeController` decides what it shows. Compact on purpose: it opens over the
compose form for one slot and closes once the chosen image is in it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.ui.common.count_spin import CountSpinBox
from getimg_studio.ui.common.elide import ElidedLabel
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.compose.frame_io import thumbnail

MAX_VARIATIONS = 4
CHOICE_ICON = QSize(168, 120)  # four side by side fit the form's width


def choice_thumbnail(path: Path) -> QImage:
    """Blocking (run it in an executor): the picture, upright, fitted to a choice button."""
    return thumbnail(path, CHOICE_ICON)


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _label(name: str, hint: str = "") -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setAccessibleName(name)
    set_hint(label, hint)
    return label


class ImageDialog(QDialog):
    """One slot's image form. `choices` holds a button per image made; the checked one is the pick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageDialog")
        self.setWindowTitle("Generate image")
        self.heading = QLabel("")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName("Image prompt")
        self.prompt.setPlaceholderText("Describe the picture: subject, setting, light, style…")
        self.prompt.setTabChangesFocus(True)
        lines = self.prompt.fontMetrics().lineSpacing()
        self.prompt.setFixedHeight(4 * lines + 12)
        self.model_combo = _combo("Image model")
        self.resolution_combo = _combo("Image resolution")
        self.aspect_combo = _combo("Image aspect ratio")
        self.variations = CountSpinBox("image", "images to choose from")
        self.variations.setAccessibleName("Variations")
        self.variations.setRange(1, MAX_VARIATIONS)
        self.aspect_note = _label("Aspect ratio note", "muted")
        self.aspect_note.hide()
        # References: pictures whose look the image follows (one kept across keyframes keeps one look).
        self.references = ElidedLabel("None")
        self.references.setAccessibleName("Reference images")
        self.add_reference = QPushButton("Add…")
        self.add_reference.setAccessibleName("Add reference images")
        self.add_reference.setToolTip("Pictures whose look the image should follow; the same reference for "
                                      "several keyframes keeps one look across shots")
        self.clear_references = QPushButton("Clear")
        self.clear_references.setAccessibleName("Remove the reference images")
        self.references_note = _label("Reference images note", "muted")
        self.references_note.hide()
        self.cost = _label("Estimated image cost")
        self.message = _label("Image form message")
        self.message.hide()

        self.choices_box = QWidget()
        self.choices_box.setAccessibleName("Images to choose from")
        self._choices_row = QHBoxLayout(self.choices_box)
        self._choices_row.setContentsMargins(0, 0, 0, 0)
        self._choices_row.addStretch(1)
        self.choices_box.hide()
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.choices: list[QToolButton] = []

        self.generate_button = QPushButton("Generate")
        self.generate_button.setAccessibleName("Generate the images")
        self.generate_button.setDefault(True)
        self.use_button = QPushButton("Use this image")
        self.use_button.setAccessibleName("Use the chosen image")
        self.use_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close the image form")
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Prompt", self.prompt)
        form.addRow("&Model", self.model_combo)
        form.addRow("&Resolution", self.resolution_combo)
        form.addRow("&Aspect ratio", self.aspect_combo)
        form.addRow("", self.aspect_note)
        form.addRow("&Variations", self.variations)
        references = QHBoxLayout()
        references.addWidget(self.references, 1)
        references.addWidget(self.add_reference)
        references.addWidget(self.clear_references)
        references_label = QLabel("Refere&nces")
        references_label.setBuddy(self.add_reference)  # Alt+N: to Add…
        form.addRow(references_label, references)
        form.addRow("", self.references_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cost, 1)
        buttons.addWidget(self.generate_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.use_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.choices_box)
        layout.addLayout(bottom)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setMinimumWidth(560)

    def show_references(self, names: list[str], limit: int, note: str = "") -> None:
        """The reference images by name; what the model allows (`limit`: 0 takes none), and `note`."""
        shown = ", ".join(names)
        self.references.setText(shown if len(names) < 2 else f"{len(names)} images: {shown}")
        if not names:
            self.references.setText("None" if limit else "None (this model takes no reference images)")
        self.add_reference.setEnabled(len(names) < limit)
        self.clear_references.setEnabled(bool(names))
        self.references_note.setText(note)
        self.references_note.setVisible(bool(note))

    def show_message(self, text: str, hint: str = "") -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        set_hint(self.message, hint)

    def clear_choices(self) -> None:
        for button in self.choices:
            self.group.removeButton(button)
            self._choices_row.removeWidget(button)
            button.deleteLater()
        self.choices = []
        self.choices_box.hide()

    def add_choice(self, thumb: QImage, label: str) -> QToolButton:
        button = QToolButton()
        button.setCheckable(True)
        button.setIconSize(thumb.size() if not thumb.isNull() else CHOICE_ICON)
        button.setIcon(QIcon(QPixmap.fromImage(thumb)))
        button.setText(label)
        button.setAccessibleName(label)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.group.addButton(button)
        self._choices_row.insertWidget(len(self.choices), button)
        # Tab goes Generate -> each image -> Use this image, as they are laid out (new widgets join the end).
        QWidget.setTabOrder(self.choices[-1] if self.choices else self.generate_button, button)
        QWidget.setTabOrder(button, self.use_button)
        self.choices.append(button)
        self.choices_box.show()
        return button
