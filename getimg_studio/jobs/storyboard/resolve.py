"""A shot resolved into what is sent: its video request and the requests for its keyframes.

Defaults are applied here and only here: a shot's `None` takes the storyboard's default, and a storyboard
default of `None` is left as `None` so the API applies the model's own default (as the compose form does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from getimg_studio.api.types import FrameRef, GenerationRequest, ModelInfo, Role

from .model import FrameKind, Keyframe, Shot, Storyboard

STYLE_SEPARATOR = "\n\n"
FRAME_ROLES = (Role.FIRST_FRAME, Role.LAST_FRAME)


class UnresolvedFrame(ValueError):
    """A frame the shot needs has no image yet (the shot before is not ready, a keyframe is not made)."""

    def __init__(self, shot_id: str, role: Role) -> None:
        super().__init__(f"shot {shot_id}: its {role.label.lower()} has no image yet")
        self.shot_id = shot_id
        self.role = role


def compose_prompt(prompt: str, style: str, include: bool) -> str:
    """The shot's own words first, then the storyboard's style text (when the shot includes it)."""
    prompt, style = prompt.strip(), style.strip()
    if not include or not style:
        return prompt
    return f"{prompt}{STYLE_SEPARATOR}{style}" if prompt else style


def shot_model(storyboard: Storyboard, shot: Shot) -> str | None:
    return shot.model or storyboard.defaults.model


def keyframe_model(storyboard: Storyboard, keyframe: Keyframe) -> str | None:
    return keyframe.model or storyboard.defaults.image_model


def effective_request(
    storyboard: Storyboard,
    shot: Shot,
    prior_last_frame: Path | None = None,
    *,
    first_keyframe: Path | None = None,
    last_keyframe: Path | None = None,
) -> GenerationRequest:
    """The request the engine sends for one take of `shot`.

    `prior_last_frame` is the extracted last frame of the chosen take of the shot before (for a chained
    shot); `first_keyframe`/`last_keyframe` are made keyframe images (a keyframe's own `image` wins).
    Raises `UnresolvedFrame` when a frame the shot needs is not given. With no model anywhere, `model` is
    "" and validation says so.
    """
    d = storyboard.defaults
    made = {Role.FIRST_FRAME: first_keyframe, Role.LAST_FRAME: last_keyframe}
    frames = [f for role in FRAME_ROLES if (f := _frame(shot, role, prior_last_frame, made[role])) is not None]
    return GenerationRequest(
        model=shot_model(storyboard, shot) or "",
        prompt=compose_prompt(shot.prompt, storyboard.style, shot.include_style),
        aspect_ratio=shot.aspect_ratio or d.aspect_ratio,
        resolution=shot.resolution or d.resolution,
        duration=shot.duration,
        sound=shot.sound if shot.sound is not None else d.sound,
        frames=(*frames, *shot.references),
    )


def _frame(shot: Shot, role: Role, prior_last_frame: Path | None, made: Path | None) -> FrameRef | None:
    source = shot.frame(role)
    path: Path | None
    if source.kind is FrameKind.NONE:
        return None
    if source.kind is FrameKind.FILE:
        path = source.path
    elif source.kind is FrameKind.CHAINED:
        path = prior_last_frame
    else:
        assert source.keyframe is not None
        path = source.keyframe.image or made
    if path is None:
        raise UnresolvedFrame(shot.id, role)
    return FrameRef(role, path=path)


@dataclass(frozen=True, slots=True)
class KeyframeRequest:
    """One image to generate for a frame slot. The image issue's request type is built from this."""

    shot_id: str
    role: Role  # which frame of the shot it becomes
    model: str  # "" when neither the keyframe nor the storyboard names an image model
    prompt: str
    aspect_ratio: str | None  # the shot's, so the frame fits the video; None: the video model's default
    resolution: str | None
    references: tuple[FrameRef, ...] = ()


def keyframe_request(storyboard: Storyboard, shot: Shot, role: Role,
                     models: Mapping[str, ModelInfo] | None = None) -> KeyframeRequest:
    """The image request for the shot's keyframe in `role`; `models` fills an unset aspect ratio with the
    video model's default so the image matches the video."""
    keyframe = shot.keyframe(role)
    if keyframe is None:
        raise ValueError(f"shot {shot.id}: its {role.label.lower()} is not a keyframe")
    return KeyframeRequest(
        shot_id=shot.id,
        role=role,
        model=keyframe_model(storyboard, keyframe) or "",
        prompt=compose_prompt(keyframe.prompt, storyboard.style, keyframe.include_style),
        aspect_ratio=shot_aspect_ratio(storyboard, shot, models or {}),
        resolution=keyframe.resolution,
        references=tuple(FrameRef(Role.REFERENCE_IMAGE, path=p) for p in keyframe.references),
    )


def shot_aspect_ratio(storyboard: Storyboard, shot: Shot, models: Mapping[str, ModelInfo]) -> str | None:
    """The aspect ratio the shot's video will have: its own, the storyboard's, else its model's default."""
    chosen = shot.aspect_ratio or storyboard.defaults.aspect_ratio
    if chosen is not None:
        return chosen
    model = models.get(shot_model(storyboard, shot) or "")
    return model.default_aspect_ratio if model is not None else None
