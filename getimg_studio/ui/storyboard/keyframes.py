"""A shot's keyframe from a prompt, as the Storyboard page edits it: what a new one starts from, and one
panel's decisions (fill it from the shot, turn each change into a new `FrameSource`). The page's controller
owns the storyboard and saves; this only proposes the frame source."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog

from getimg_studio.api.types import ModelInfo, Role
from getimg_studio.jobs.storyboard.model import FrameSource, Keyframe, Shot, Storyboard
from getimg_studio.jobs.storyboard.resolve import keyframe_model, shot_aspect_ratio
from getimg_studio.ui.compose.fields import ratio_text
from getimg_studio.ui.storyboard.view import KeyframeFields
from getimg_studio.ui.storyboard.view import fill as _fill

DEFAULT_IMAGE_MODEL = "Storyboard image model"


def new_keyframe(storyboard: Storyboard, shot: Shot, image_models: Sequence[ModelInfo]) -> Keyframe:
    """A keyframe as first offered: the shot's own prompt (the style is added when it is sent, as for the
    shot) on the storyboard's image model, else the first one listed, at that model's default resolution."""
    model = None if storyboard.defaults.image_model else (image_models[0].id if image_models else None)
    return Keyframe(prompt=shot.prompt, model=model, include_style=True)


class KeyframeEditor(QObject):
    """One frame's keyframe panel. `shot()` is the shot the form shows; `change(role, source)` is the edit."""

    def __init__(self, panel: KeyframeFields, role: Role, shot: Callable[[], tuple[Storyboard, Shot] | None],
                 models: Callable[[], Mapping[str, ModelInfo]],
                 change: Callable[[Role, FrameSource], None]) -> None:
        super().__init__(panel)
        self.panel, self.role = panel, role
        self._shot, self._models, self._change = shot, models, change
        self._prompt_timer = QTimer(self, singleShot=True, interval=400)
        self._prompt_timer.timeout.connect(lambda: self.edit(prompt=panel.prompt.toPlainText()))
        panel.prompt.textChanged.connect(self._prompt_timer.start)
        panel.include_style.toggled.connect(lambda on: self.edit(include_style=on))
        panel.model.activated.connect(lambda _i: self.edit(model=panel.model.currentData(), resolution=None))
        panel.resolution.activated.connect(lambda _i: self.edit(resolution=panel.resolution.currentData()))
        panel.reference.clicked.connect(self._choose_reference)
        panel.clear_reference.clicked.connect(lambda: self.edit(references=()))

    def _keyframe(self) -> Keyframe | None:
        current = self._shot()
        return current[1].keyframe(self.role) if current is not None else None

    def edit(self, **changes: object) -> None:
        keyframe = self._keyframe()
        if keyframe is not None:
            self._change(self.role, FrameSource.from_keyframe(dataclasses.replace(keyframe, **changes)))  # type: ignore[arg-type]

    def flush(self) -> None:
        """A prompt typed but not saved yet is saved now (before a run is priced or started)."""
        if self._prompt_timer.isActive():
            self._prompt_timer.stop()
            self.edit(prompt=self.panel.prompt.toPlainText())

    def _choose_reference(self) -> None:
        dialog = QFileDialog(self.panel, "Choose a reference image for the keyframe")
        dialog.setNameFilter("Pictures (*.png *.jpg *.jpeg *.webp)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self.edit(references=(Path(path),)))
        dialog.open()

    def render(self) -> None:
        current = self._shot()
        keyframe = current[1].keyframe(self.role) if current is not None else None
        if current is None or keyframe is None:
            return
        board, shot = current
        p, models = self.panel, self._models()
        images = [m for m in models.values() if m.type == "image"]
        default = models.get(board.defaults.image_model or "")
        model_items: list[tuple[str, object]] = [(m.name, m.id) for m in images]
        if default is not None:
            model_items.insert(0, (f"{DEFAULT_IMAGE_MODEL} ({default.name})", None))
        _fill(p.model, model_items, keyframe.model)
        chosen = models.get(keyframe_model(board, keyframe) or "")
        resolutions = chosen.resolutions if chosen is not None else ()
        _fill(p.resolution, [("Default", None), *((r, r) for r in resolutions)], keyframe.resolution)
        aspect = shot_aspect_ratio(board, shot, models)
        p.aspect.setText(f"{aspect}, the shot's" if aspect else "the model's shape")
        p.aspect.setToolTip(f"The keyframe has the shot's aspect ratio ({ratio_text(aspect)}) so it fits the video"
                            if aspect else "The video model's default aspect ratio")
        p.include_style.blockSignals(True)
        p.include_style.setChecked(keyframe.include_style)
        p.include_style.setEnabled(bool(board.style.strip()))
        p.include_style.blockSignals(False)
        if p.prompt.toPlainText() != keyframe.prompt and not self._prompt_timer.isActive():
            p.prompt.blockSignals(True)
            p.prompt.setPlainText(keyframe.prompt)
            p.prompt.blockSignals(False)
        names = ", ".join(path.name for path in keyframe.references)
        short = names if len(names) <= 18 else names[:17] + "…"  # a long file name never widens the stage
        p.reference.setText(f"Reference: {short}" if names else "Reference…")
        p.reference.setToolTip("\n".join(str(path) for path in keyframe.references) or
                               "A reference image keeps one look across the storyboard's keyframes")
        p.clear_reference.setEnabled(bool(keyframe.references))
