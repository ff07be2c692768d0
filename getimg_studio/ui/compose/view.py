"""The generation form's layout: fields and frame slots scroll; cost, messages and Generate sit in a footer.

Only layout lives here: the widgets are public attributes and `ComposeController` fills and reads them.
The footer never scrolls away, so at any window height the creator sees the cost of what Generate sends,
and nothing in the form (a long file or model name) can widen the panel: names elide, combos shrink.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.api.validation import MAX_PROMPT
from getimg_studio.ui.common.count_spin import CountSpinBox
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.compose.fields import FieldMessages
from getimg_studio.ui.compose.frames_panel import FramesPanel

MIN_WIDTH = 300


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    # A long item must not widen the form: the combo shows what fits and its popup shows the rest.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


def _wrapping(name: str, hint: str = "") -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if hint:
        set_hint(label, hint)
    return label


class ComposeView(QWidget):
    def __init__(self, frames_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Compose")
        self.setMinimumWidth(MIN_WIDTH)

        self.model_combo = _combo("Model")
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setPlaceholderText("Describe the video: subject, motion, camera, light, mood…")
        self.prompt.setTabChangesFocus(True)
        # Six lines: long prompts scroll inside the box, which leaves room for the options and the frames.
        lines = self.prompt.fontMetrics().lineSpacing()
        self.prompt.setMinimumHeight(3 * lines + 12)
        self.prompt.setMaximumHeight(6 * lines + 12)
        self.prompt.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.prompt_count = QLabel(f"0 / {MAX_PROMPT:,}")
        self.prompt_count.setAccessibleName("Prompt length")
        self.prompt_count.setAlignment(Qt.AlignmentFlag.AlignRight)
        set_hint(self.prompt_count, "muted")
        self.aspect_combo = _combo("Aspect ratio")
        self.resolution_combo = _combo("Resolution")
        self.duration_combo = _combo("Duration")
        self.sound_check = QCheckBox("Generate sound")
        self.sound_check.setAccessibleName("Sound")
        self.variations = CountSpinBox("video", "videos")
        self.variations.setRange(1, 4)
        self.variations.setAccessibleName("Variations")
        self.variations.setToolTip("How many videos to make from this request (each is billed)")
        self.frames = FramesPanel(frames_dir)

        self.messages = FieldMessages()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        prompt_holder = QWidget()
        prompt_box = QVBoxLayout(prompt_holder)
        prompt_box.setContentsMargins(0, 0, 0, 0)
        prompt_box.setSpacing(2)
        prompt_box.addWidget(self.prompt)
        prompt_box.addWidget(self.prompt_count)
        rows: tuple[tuple[str, str | None, QWidget, QWidget], ...] = (
            ("&Model", "model", self.model_combo, self.model_combo),
            ("&Prompt", "prompt", prompt_holder, self.prompt),
            ("&Aspect ratio", "aspect_ratio", self.aspect_combo, self.aspect_combo),
            ("&Resolution", "resolution", self.resolution_combo, self.resolution_combo),
            ("&Duration", "duration", self.duration_combo, self.duration_combo),
            ("Sound", "sound", self.sound_check, self.sound_check),
            ("&Variations", None, self.variations, self.variations),
        )
        for text, field, control, buddy in rows:
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, self.messages.wrap(field, control) if field else control)
        images = QGroupBox("Images")
        images_layout = QVBoxLayout(images)
        images_layout.setContentsMargins(6, 6, 6, 6)
        images_layout.addWidget(self.frames)

        body = QWidget()
        body.setObjectName("composeBody")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.addLayout(form)
        body_layout.addWidget(images)
        body_layout.addStretch(1)
        self.form_scroll = QScrollArea()
        self.form_scroll.setWidget(body)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_scroll.setAccessibleName("Compose form")

        self.cost_label = _wrapping("Cost estimate")
        font = self.cost_label.font()
        font.setBold(True)
        self.cost_label.setFont(font)
        self.cost_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                                | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cost_warning = _wrapping("Cost warning", "warning")
        self.cost_warning.hide()
        self.form_message = _wrapping("Form message")
        # Its links ("Open settings", "Raise budget…") are reached with Tab and followed with Enter too.
        self.form_message.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.form_message.hide()
        self.generate_button = QPushButton("Generate")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setToolTip("Generate (Ctrl+Enter)")
        self.generate_button.setAutoDefault(True)
        self.generate_button.setDefault(True)
        self.generate_button.setMinimumWidth(110)
        self.generate_reason = _wrapping("Why Generate is disabled", "muted")

        self.footer = QFrame()
        self.footer.setObjectName("composeFooter")
        self.footer.setAccessibleName("Generate and cost")
        footer = QVBoxLayout(self.footer)
        footer.setContentsMargins(2, 6, 4, 2)
        footer.setSpacing(4)
        footer.addWidget(self.cost_label)
        footer.addWidget(self.cost_warning)
        footer.addWidget(self.form_message)
        generate_row = QHBoxLayout()
        generate_row.addWidget(self.generate_reason, 1)
        generate_row.addWidget(self.generate_button, 0, Qt.AlignmentFlag.AlignBottom)
        footer.addLayout(generate_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.form_scroll, 1)
        layout.addWidget(self.footer)
        self._body = body

    def minimumSizeHint(self) -> QSize:
        # The form scrolls down, never sideways: the panel is at least as wide as the form needs.
        hint = super().minimumSizeHint()
        scrollbar = self.form_scroll.verticalScrollBar().sizeHint().width()
        return QSize(max(MIN_WIDTH, self._body.minimumSizeHint().width() + scrollbar + 2), hint.height())
