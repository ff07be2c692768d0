"""A storyboard and its shots as values: frozen dataclasses that check their own invariants.

A shot carries the whole compose form (model, aspect ratio, resolution, duration, sound, references) where
`None` means "the storyboard's default" (and a storyboard default of `None` means "the model's default"),
plus where its first and last frames come from. Editing never mutates: `edits` returns new values.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from getimg_studio.api.types import FrameRef, Role

MAX_TAKES = 4  # takes per shot: the creator compares and keeps one
DEFAULT_NAME = "Untitled storyboard"


class FrameKind(StrEnum):
    NONE = "none"  # no image in this role
    FILE = "file"  # an image file the creator chose
    KEYFRAME = "keyframe"  # an image generated from a prompt before the shot is made
    CHAINED = "chained"  # the exact last frame of the chosen take of the shot before (first frames only)

    @property
    def label(self) -> str:
        return _FRAME_LABELS[self]


_FRAME_LABELS = {
    FrameKind.NONE: "None",
    FrameKind.FILE: "An image file",
    FrameKind.KEYFRAME: "A keyframe from a prompt",
    FrameKind.CHAINED: "The last frame of the shot before",
}


@dataclass(frozen=True, slots=True)
class Keyframe:
    """An image made from a prompt for a frame slot. Its aspect ratio is always the shot's own."""

    prompt: str
    model: str | None = None  # None: the storyboard's image model
    resolution: str | None = None  # None: the image model's default
    include_style: bool = True
    references: tuple[Path, ...] = ()  # reference images that keep one look across keyframes
    image: Path | None = None  # an image already made or chosen for it: used as it is, nothing is generated


@dataclass(frozen=True, slots=True)
class FrameSource:
    """Where one frame of a shot comes from: exactly the fields its kind needs are set."""

    kind: FrameKind = FrameKind.NONE
    path: Path | None = None  # FILE only
    keyframe: Keyframe | None = None  # KEYFRAME only

    def __post_init__(self) -> None:
        if (self.path is not None) != (self.kind is FrameKind.FILE):
            raise ValueError("a frame source has a path exactly when it is a file")
        if (self.keyframe is not None) != (self.kind is FrameKind.KEYFRAME):
            raise ValueError("a frame source has a keyframe exactly when it is a keyframe")

    @classmethod
    def file(cls, path: Path) -> FrameSource:
        return cls(FrameKind.FILE, path=path)

    @classmethod
    def from_keyframe(cls, keyframe: Keyframe) -> FrameSource:
        return cls(FrameKind.KEYFRAME, keyframe=keyframe)

    @classmethod
    def chained(cls) -> FrameSource:
        return cls(FrameKind.CHAINED)


NO_FRAME = FrameSource()


@dataclass(frozen=True, slots=True)
class Defaults:
    """Storyboard-wide settings a shot uses where it leaves a field at `None`."""

    model: str | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None
    sound: bool = False
    image_model: str | None = None  # for keyframes that name no model


@dataclass(frozen=True, slots=True)
class Shot:
    id: str
    prompt: str = ""
    include_style: bool = True  # the storyboard's style text is added to this shot's prompt
    model: str | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None
    duration: float | None = None  # None: the model's default
    sound: bool | None = None
    references: tuple[FrameRef, ...] = ()  # reference images (role reference_image)
    takes: int = 1  # how many generations of this shot a run makes, 1 to MAX_TAKES
    chosen_take: int | None = None  # the creator's pick (a take number); None: the first ready take
    first_frame: FrameSource = NO_FRAME
    last_frame: FrameSource = NO_FRAME

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a shot needs an id")
        if not 1 <= self.takes <= MAX_TAKES:
            raise ValueError(f"a shot has 1 to {MAX_TAKES} takes, not {self.takes}")
        if self.chosen_take is not None and self.chosen_take < 0:
            raise ValueError("a take number is never negative")
        if self.last_frame.kind is FrameKind.CHAINED:
            raise ValueError("only a first frame can continue the shot before")
        if any(ref.role is not Role.REFERENCE_IMAGE for ref in self.references):
            raise ValueError("a shot's references are reference images")
        if self.duration is not None and not self.duration > 0:
            raise ValueError("a duration is a positive number of seconds")

    @property
    def chained(self) -> bool:
        return self.first_frame.kind is FrameKind.CHAINED

    def frame(self, role: Role) -> FrameSource:
        if role is Role.FIRST_FRAME:
            return self.first_frame
        if role is Role.LAST_FRAME:
            return self.last_frame
        raise ValueError(f"a shot has no {role.value} source")

    def keyframe(self, role: Role) -> Keyframe | None:
        return self.frame(role).keyframe


@dataclass(frozen=True, slots=True)
class Storyboard:
    id: int | None  # the history's id; None until it is stored
    name: str = DEFAULT_NAME
    style: str = ""  # text each shot can add to its prompt (one look across shots)
    defaults: Defaults = field(default_factory=Defaults)
    shots: tuple[Shot, ...] = ()
    created_at: datetime | None = None  # set by the history when stored
    updated_at: datetime | None = None  # set by the history each time it is saved

    def __post_init__(self) -> None:
        ids = [s.id for s in self.shots]
        if len(set(ids)) != len(ids):
            raise ValueError("shot ids are unique within a storyboard")

    def __iter__(self) -> Iterator[Shot]:
        return iter(self.shots)

    def index_of(self, shot_id: str) -> int:
        for i, shot in enumerate(self.shots):
            if shot.id == shot_id:
                return i
        raise ShotNotFound(shot_id)

    def shot(self, shot_id: str) -> Shot:
        return self.shots[self.index_of(shot_id)]

    def previous(self, shot_id: str) -> Shot | None:
        i = self.index_of(shot_id)
        return self.shots[i - 1] if i > 0 else None

    def next(self, shot_id: str) -> Shot | None:
        i = self.index_of(shot_id)
        return self.shots[i + 1] if i + 1 < len(self.shots) else None


class ShotNotFound(KeyError):
    """A shot id that is not (or no longer) in the storyboard: a stale reference, i.e. a bug."""


def new_shot_id() -> str:
    return uuid.uuid4().hex[:10]
