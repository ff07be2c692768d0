"""The Storyboard page, as layout: which storyboard, its style and defaults, the shot cards, one shot's form,
and the run's buttons. What it does is `StoryboardController`'s."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.jobs.storyboard.model import MAX_TAKES

THUMB = QSize(96, 54)


class ShotList(QListWidget):
    """The shot cards, in order; reordered by drag or Alt+Up/Down (`moveRequested(row, new_row)`)."""

    moveRequested = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Shots")
        self.setIconSize(THUMB)
        self.setSpacing(2)
        self.setWordWrap(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMinimumHeight(150)  # three cards
        self.model().rowsMoved.connect(self._dragged)

    def _dragged(self, _parent: object, start: int, _end: int, _dest: object, row: int) -> None:
        self.moveRequested.emit(start, row - 1 if row > start else row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentRow()
        if event.modifiers() == Qt.KeyboardModifier.AltModifier and row >= 0:
            if event.key() == Qt.Key.Key_Up and row > 0:
                self.moveRequested.emit(row, row - 1)
                return
            if event.key() == Qt.Key.Key_Down and row < self.count() - 1:
                self.moveRequested.emit(row, row + 1)
                return
        super().keyPressEvent(event)


def fill(combo: QComboBox, items: list[tuple[str, object]], current: object) -> None:
    """Replace a combo's items without emitting anything, `current` selected (else the first)."""
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    # Sized by a few characters, not the longest model name: the stage is the window's narrowest part.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(5)
    return combo


class KeyframeFields(QWidget):
    """A keyframe made from a prompt for one frame of the shot: its prompt, image model, resolution, the
    shot's aspect ratio (shown, not chosen: the picture must fit the video) and an optional reference."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.setAccessibleName(f"{role} keyframe")
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName(f"{role} keyframe prompt")
        self.prompt.setPlaceholderText(f"The picture the shot's {role.lower()} shows")
        self.prompt.setTabChangesFocus(True)
        self.prompt.setFixedHeight(44)
        self.include_style = QCheckBox("Add the style")
        self.include_style.setAccessibleName(f"Add the storyboard's style to the {role.lower()} keyframe")
        self.model = _combo(f"{role} keyframe image model")
        self.resolution = _combo(f"{role} keyframe resolution")
        self.aspect = QLabel()
        self.aspect.setAccessibleName(f"{role} keyframe aspect ratio")
        self.reference = QPushButton("Reference…")
        self.reference.setAccessibleName(f"Choose a reference image for the {role.lower()} keyframe")
        self.clear_reference = QPushButton("No reference")
        self.clear_reference.setAccessibleName(f"No reference image for the {role.lower()} keyframe")

        # A row of the form's full width (no label column of its own: a long label would widen every row and
        # the stage is the window's narrowest part), headed by what it is.
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(QLabel(f"{role}: a keyframe from a prompt"))
        heading.addStretch(1)
        heading.addWidget(self.include_style)
        column.addLayout(heading)
        column.addWidget(self.prompt)
        options = QHBoxLayout()
        options.addWidget(self.model, 2)
        options.addWidget(self.resolution, 1)
        options.addWidget(self.aspect)
        column.addLayout(options)
        looks = QHBoxLayout()
        looks.addWidget(self.reference)
        looks.addWidget(self.clear_reference)
        looks.addStretch(1)
        column.addLayout(looks)


class ShotForm(QGroupBox):
    """One shot: the compose form's fields, where it starts and ends, its takes and the pick."""

    def __init__(self) -> None:
        super().__init__("Shot")
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName("Shot prompt")
        self.prompt.setPlaceholderText("What happens in this shot")
        self.prompt.setTabChangesFocus(True)
        self.prompt.setFixedHeight(52)
        self.include_style = QCheckBox("Add the storyboard's style")
        self.model = _combo("Shot model")
        self.aspect = _combo("Shot aspect ratio")
        self.resolution = _combo("Shot resolution")
        self.duration = _combo("Shot duration")
        self.sound = _combo("Shot sound")
        self.takes = QSpinBox()
        self.takes.setRange(1, MAX_TAKES)
        self.takes.setAccessibleName("Takes")
        self.first = _combo("First frame")
        self.first.setToolTip("Where the shot starts: nothing, a picture, a keyframe made from a prompt, "
                              "or the last frame of the shot before")
        self.first_file = QPushButton("File…")
        self.first_file.setAccessibleName("Choose the first frame file")
        self.last = _combo("Last frame")
        self.last.setToolTip("Where the shot ends: nothing, a picture or a keyframe made from a prompt")
        self.last_file = QPushButton("File…")
        self.last_file.setAccessibleName("Choose the last frame file")
        self.first_keyframe = KeyframeFields("First frame")
        self.last_keyframe = KeyframeFields("Last frame")
        self.take = _combo("Chosen take")
        self.compare = QPushButton("Compare takes…")
        self.compare.setAccessibleName("Compare the shot's takes side by side")
        self.regenerate = QPushButton("Regenerate…")
        self.regenerate.setAccessibleName("Regenerate the shot")
        self.cost = QLabel()
        self.cost.setAccessibleName("Shot cost")
        self.cost.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setObjectName("fieldError")
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Shot problems")

        self._form = form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.prompt)
        form.addRow(self.include_style)
        form.addRow("Model", self.model)
        shape = QHBoxLayout()
        for widget in (self.aspect, self.resolution, self.duration, self.sound):
            shape.addWidget(widget, 1)
        form.addRow("Format", shape)
        frames = QHBoxLayout()
        frames.addWidget(self.first, 1)
        frames.addWidget(self.first_file)
        frames.addWidget(QLabel("to"))
        frames.addWidget(self.last, 1)
        frames.addWidget(self.last_file)
        form.addRow("Frames", frames)
        form.addRow(self.first_keyframe)
        form.addRow(self.last_keyframe)
        takes = QHBoxLayout()
        takes.addWidget(self.takes)
        takes.addWidget(QLabel("use"))
        takes.addWidget(self.take, 1)
        takes.addWidget(self.compare)
        takes.addWidget(self.regenerate)
        form.addRow("Takes", takes)
        form.addRow(self.cost)
        form.addRow(self.problems)

    def show_keyframe(self, panel: KeyframeFields, on: bool) -> None:
        self._form.setRowVisible(panel, on)  # the row's label goes with it


class StoryboardView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Storyboard")
        self.picker = _combo("Storyboard")
        self.new = QPushButton("New")
        self.new.setAccessibleName("New storyboard")
        self.duplicate_board = QPushButton("Duplicate")
        self.duplicate_board.setAccessibleName("Duplicate the storyboard")
        self.name = QLineEdit()
        self.name.setAccessibleName("Storyboard name")
        self.style_text = QLineEdit()
        self.style_text.setAccessibleName("Style")
        self.style_text.setPlaceholderText("Style every shot can add to its prompt (one look across shots)")
        self.default_model = _combo("Default model")
        self.default_aspect = _combo("Default aspect ratio")
        self.default_resolution = _combo("Default resolution")
        self.default_sound = QCheckBox("Sound")
        self.default_sound.setAccessibleName("Default sound")

        self.shots = ShotList()
        self.add = QPushButton("Add shot")
        self.duplicate = QPushButton("Duplicate")
        self.duplicate.setAccessibleName("Duplicate the shot")
        self.delete = QPushButton("Delete")
        self.delete.setAccessibleName("Delete the shot")
        self.form = ShotForm()

        self.summary = QLabel()
        self.summary.setAccessibleName("Storyboard summary")
        self.summary.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName("Run status")
        self.status.setWordWrap(True)
        # Its one link (a budget refusal's "Raise budget…") is reached with Tab and followed with Enter too.
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.generate = QPushButton("Generate storyboard")
        self.generate.setObjectName("primary")
        self.play = QPushButton("Play")
        self.play.setAccessibleName("Play the storyboard")
        self.export = QPushButton("Export…")
        self.export.setAccessibleName("Export the storyboard")

        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addWidget(self.new)
        top.addWidget(self.duplicate_board)
        named = QHBoxLayout()
        named.addWidget(QLabel("Name"))
        named.addWidget(self.name, 1)
        defaults = QHBoxLayout()
        defaults.addWidget(QLabel("Defaults"))
        defaults.addWidget(self.default_model, 2)
        for widget in (self.default_aspect, self.default_resolution):
            defaults.addWidget(widget, 1)
        defaults.addWidget(self.default_sound)
        buttons = QHBoxLayout()
        for button in (self.add, self.duplicate, self.delete):
            buttons.addWidget(button)
        buttons.addStretch(1)
        list_box = QWidget()
        list_column = QVBoxLayout(list_box)
        list_column.setContentsMargins(0, 0, 0, 0)
        list_column.addWidget(self.shots, 1)
        list_column.addLayout(buttons)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(list_box)
        self.split.addWidget(self.form)
        self.split.setStretchFactor(0, 1)
        play = QHBoxLayout()
        play.addWidget(self.play)
        play.addWidget(self.export)
        play.addStretch(1)
        run = QHBoxLayout()
        run.addStretch(1)
        run.addWidget(self.generate)

        # What is edited scrolls; the run's summary and buttons stay in view at any window size, and the
        # page never holds the window wider than the stage's other page (a QStackedWidget is as wide as
        # its widest page).
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 4, 0)
        column.addLayout(top)
        column.addLayout(named)
        column.addWidget(self.style_text)
        column.addLayout(defaults)
        column.addWidget(self.split, 1)
        self.editor_area = QScrollArea()
        self.editor_area.setWidget(editor)
        self.editor_area.setWidgetResizable(True)
        self.editor_area.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.editor_area, 1)
        page.addWidget(self.summary)
        page.addWidget(self.status)
        page.addLayout(play)
        page.addLayout(run)

    def say(self, text: str) -> None:
        """The run's status, as plain text (prompts and file names are never read as markup)."""
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setText(text)

    def say_rich(self, markup: str) -> None:
        """The run's status with a link (its text escaped by whoever built it)."""
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setText(markup)
