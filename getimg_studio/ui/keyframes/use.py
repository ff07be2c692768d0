"""An image from the history put into one of the compose form's frame slots (the queue's "Use as…")."""

from __future__ import annotations

from pathlib import Path

from getimg_studio.api.types import Role
from getimg_studio.ui.compose.frames_panel import FramesPanel


def use_image(frames: FramesPanel, path: Path, role: Role) -> str:
    """Fill the slot for `role` with `path` (a reference goes into the first empty reference slot); the
    words for the status bar: what was done, or why not."""
    index = 0
    if role is Role.REFERENCE_IMAGE:
        index = next((i for i, s in enumerate(frames.references) if s.frame is None), len(frames.references))
    slot = frames.slot_for(role, index)
    what = role.label.lower()
    if slot is None:
        return f"No room for another {what}: clear one first."
    if slot.unsupported:
        return f"Not used: {slot.toolTip() or f'the chosen model does not take a {what}.'}"
    slot.set_path(path)
    return f"The image is now the {slot.title.lower()}."
