"""The form's image inputs: first/last frame and reference slots, shown as the chosen model allows.

Slots appear as they become useful: the last frame once there is a first frame, each reference slot once
the one before it holds an image, so a column never fills with empty boxes. A model that cannot take a
role hides its empty slots; a slot that already holds an image stays, dimmed and not sent, and is used
again as soon as a model that takes it is chosen. The role rules are written in words next to the slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from getimg_studio.api.types import FrameRef, ModelInfo, Role
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.compose.frame_slot import FrameSlot

ASPECT_TOLERANCE = 0.03
MAX_REFERENCE_SLOTS = 8  # the API's limit on images in one request
LAST_NEEDS_FIRST = "A last frame needs a first frame: add a first frame too."
REFS_EXCLUSIVE = "Reference images cannot be combined with a first or last frame: use one or the other."


def parse_ratio(ratio: str) -> float | None:
    try:
        w, h = ratio.split(":")
        return float(w) / float(h)
    except (ValueError, ZeroDivisionError):
        return None


def closest_ratio(width: int, height: int, ratios: Sequence[str]) -> str | None:
    shape = width / height if height else 0.0
    scored = [(abs(r - shape) / shape, name) for name in ratios if (r := parse_ratio(name)) and shape]
    return min(scored)[1] if scored else None


class FramesPanel(QWidget):
    changed = Signal()
    aspectRatioChosen = Signal(str)
    generateRequested = Signal(object)  # the FrameSlot whose "Generate image…" was pressed

    def __init__(self, frames_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frames_dir = frames_dir
        self._model: ModelInfo | None = None
        self._offer_generate = False
        self.first = FrameSlot(Role.FIRST_FRAME, "First frame", frames_dir)
        self.last = FrameSlot(Role.LAST_FRAME, "Last frame", frames_dir)
        self.references: list[FrameSlot] = []
        for slot in (self.first, self.last):
            self._connect(slot)
        self.rules = QLabel("")
        self.rules.setWordWrap(True)
        self.rules.setAccessibleName("Frame rules")
        set_hint(self.rules, "muted")
        self.issue = QLabel("")
        self.issue.setWordWrap(True)
        self.issue.setAccessibleName("Frames problem")
        set_hint(self.issue, "error")
        self.issue.hide()
        self.aspect_note = QLabel("")
        self.aspect_note.setWordWrap(True)
        self.aspect_note.setAccessibleName("Aspect ratio note")
        set_hint(self.aspect_note, "warning")
        self.aspect_button = QPushButton("")
        self.aspect_button.setAccessibleName("Use the first frame's aspect ratio")
        self.aspect_button.setAutoDefault(True)
        self.aspect_button.clicked.connect(self._choose_suggested)
        self._suggested: str | None = None
        aspect_row = QHBoxLayout()
        aspect_row.setContentsMargins(0, 0, 0, 0)
        aspect_row.addWidget(self.aspect_note, 1)
        aspect_row.addWidget(self.aspect_button)
        self._aspect_row = QWidget()
        self._aspect_row.setLayout(aspect_row)
        self._aspect_row.hide()

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.first)
        self._layout.addWidget(self._aspect_row)
        self._layout.addWidget(self.last)
        self._refs_box = QVBoxLayout()
        self._refs_box.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(self._refs_box)
        self._layout.addWidget(self.rules)
        self._layout.addWidget(self.issue)
        self._add_reference_slot()

    @property
    def slots(self) -> list[FrameSlot]:
        return [self.first, self.last, *self.references]

    def offer_generate(self, on: bool) -> None:
        """Every slot (and every reference slot added later) offers "Generate image…"."""
        self._offer_generate = on
        for slot in self.slots:
            slot.offer_generate(on)

    def configure(self, model: ModelInfo | None) -> None:
        """Mark each slot as usable or not by `model` (keeping every image), then show the slots that matter."""
        self._model = model
        name = model.name if model else "This model"
        for slot in self.slots:
            if model is None:
                why = "Choose a model first."
            elif not model.supports(slot.role):
                what = "reference images" if slot.role is Role.REFERENCE_IMAGE else f"a {slot.role.label.lower()}"
                why = f"{name} does not take {what}."
            else:
                why = ""
            slot.set_unsupported(why)
        self._lay_out()

    def frames(self) -> tuple[FrameRef, ...]:
        """What the request sends: images in slots the chosen model takes."""
        return tuple(f for s in self.slots if (f := s.active_frame) is not None)

    def kept_frames(self) -> tuple[FrameRef, ...]:
        """Every image held, sent or not (the draft keeps them all)."""
        return tuple(s.frame for s in self.slots if s.frame is not None)

    def slot_for(self, role: Role, index: int = 0) -> FrameSlot | None:
        if role is Role.FIRST_FRAME:
            return self.first
        if role is Role.LAST_FRAME:
            return self.last
        if index >= MAX_REFERENCE_SLOTS:
            return None
        while index >= len(self.references):
            self._add_reference_slot()
        return self.references[index]

    def clear_all(self) -> None:
        for slot in self.slots:
            if slot.frame is not None:
                slot.clear()

    def set_issue(self, text: str) -> None:
        self.issue.setText(text)
        self.issue.setVisible(bool(text))

    def update_aspect(self, aspect_ratio: str | None, supported: Sequence[str]) -> None:
        """Say when the first frame's shape differs from the video's, and offer the closest supported ratio."""
        info = self.first.info
        wanted = parse_ratio(aspect_ratio) if aspect_ratio else None
        if info is None or wanted is None or not info.height or self.first.active_frame is None:
            self._aspect_row.hide()
            return
        shape = info.width / info.height
        if abs(shape - wanted) / wanted <= ASPECT_TOLERANCE:
            self._aspect_row.hide()
            return
        best = closest_ratio(info.width, info.height, supported)
        self.aspect_note.setText(
            f"The first frame is {info.width} × {info.height}, not {aspect_ratio}: "
            "the video may be cropped or padded."
        )
        self._suggested = best if best and best != aspect_ratio else None
        self.aspect_button.setText(f"Use {best}" if self._suggested else "")
        self.aspect_button.setVisible(self._suggested is not None)
        self._aspect_row.show()

    async def settled(self) -> None:
        for slot in self.slots:
            await slot.settled()

    async def shutdown(self) -> None:
        for slot in self.slots:
            await slot.shutdown()

    # Internals ------------------------------------------------------------------------------------------

    def _add_reference_slot(self) -> None:
        slot = FrameSlot(Role.REFERENCE_IMAGE, "Reference image", self._frames_dir)
        self._connect(slot)
        slot.offer_generate(self._offer_generate)
        self.references.append(slot)
        self._refs_box.addWidget(slot)
        if self._model is not None:
            self.configure(self._model)

    def _connect(self, slot: FrameSlot) -> None:
        slot.changed.connect(self._on_slot_changed)
        slot.generateRequested.connect(lambda: self.generateRequested.emit(slot))

    def _lay_out(self) -> None:
        model = self._model
        takes_first = model is not None and model.supports(Role.FIRST_FRAME)
        takes_last = model is not None and model.supports(Role.LAST_FRAME)
        wanted = model.max_count(Role.REFERENCE_IMAGE) if model else 0
        self.first.setVisible(takes_first or self.first.frame is not None)
        has_first = self.first.frame is not None or self.first.loading
        self.last.setVisible((takes_last and has_first) or self.last.frame is not None)
        # Reference slots: those holding images, then one empty slot while the model takes more.
        filled = [s for s in self.references if s.frame is not None or s.loading]
        room = wanted > len(filled) and not (self.first.active_frame or self.last.active_frame)
        offer = next((s for s in self.references if s.frame is None and not s.loading), None)
        if room and offer is None and len(self.references) < min(wanted, MAX_REFERENCE_SLOTS):
            self._add_reference_slot()
            return
        numbered = wanted > 1 or len(filled) > 1
        for i, slot in enumerate(self.references):
            title = f"Reference image {i + 1}" if numbered else "Reference image"
            if slot.title != title:
                slot.title = title
                slot.heading.setText(title)
                slot.setAccessibleName(title)
            slot.setVisible(slot in filled or (room and slot is offer))
        self._update_rules()
        self._update_rule_notes()

    def _update_rules(self) -> None:
        model = self._model
        rules: list[str] = []
        takes_first = model is not None and model.supports(Role.FIRST_FRAME)
        takes_last = model is not None and model.supports(Role.LAST_FRAME)
        wanted = model.max_count(Role.REFERENCE_IMAGE) if model else 0
        if model is None:
            rules.append("Choose a model to add images.")
        elif not (takes_first or takes_last or wanted):
            rules.append(f"{model.name} makes videos from the prompt alone: it takes no images.")
        else:
            if takes_last and self.first.frame is None and self.last.frame is None:
                rules.append("Add a first frame; a last frame can then set where the clip ends.")
            if wanted and (takes_first or takes_last):
                rules.append("Reference images cannot be combined with a first or last frame.")
            if wanted > 1:
                rules.append(f"Up to {wanted} reference images.")
        self.rules.setText(" ".join(rules))
        self.rules.setVisible(bool(rules))

    def _choose_suggested(self) -> None:
        if self._suggested:
            self.aspectRatioChosen.emit(self._suggested)

    def _on_slot_changed(self) -> None:
        self._lay_out()
        self.changed.emit()

    def _update_rule_notes(self) -> None:
        has_first = self.first.active_frame is not None
        has_last = self.last.active_frame is not None
        has_refs = any(s.active_frame is not None for s in self.references)
        self.last.set_rule_note(LAST_NEEDS_FIRST if has_last and not has_first else "")
        note = REFS_EXCLUSIVE if has_refs and (has_first or has_last) else ""
        for slot in self.references:
            if slot.frame is not None:
                slot.set_rule_note(note)
