"""The storyboard file's JSON shape: objects to plain dicts and back, every mistake named by its JSON path.

One shape for the shared file and the history (a shot's `params` column holds a shot's object minus its
id), so a storyboard survives both unchanged. Reading checks structure and types only (what the file can
get wrong on its own); whether a model takes a frame is `checks`' business, per shot. All mistakes are
collected, not just the first, so one round of fixes is enough.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import FrameRef, Role

from .model import DEFAULT_NAME, MAX_TAKES, NO_FRAME, Defaults, FrameKind, FrameSource, Keyframe, Shot, Storyboard

FORMAT = "getimg-studio-storyboard"
VERSION = 1

_TOP = ("format", "version", "name", "style", "defaults", "shots")
_DEFAULTS = ("model", "aspect_ratio", "resolution", "sound", "image_model")
_SHOT = ("id", "prompt", "include_style", "model", "aspect_ratio", "resolution", "duration", "sound",
         "references", "takes", "first_frame", "last_frame")
_FRAME = {
    FrameKind.NONE: ("source",),
    FrameKind.FILE: ("source", "path"),
    FrameKind.KEYFRAME: ("source", "prompt", "model", "resolution", "include_style", "references", "image"),
    FrameKind.CHAINED: ("source",),
}
_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class FieldError:
    path: str  # JSON path: "shots[2].first_frame.source"
    message: str


class StoryboardFormatError(GetimgError):
    """A storyboard file (or stored row) that is not valid; `errors` names every field at fault."""

    def __init__(self, errors: Sequence[FieldError], what: str = "The storyboard file") -> None:
        lines = "\n".join(f"  {e.path}: {e.message}" for e in errors)
        super().__init__(ErrorKind.INVALID, f"{what} is not a valid storyboard:\n{lines}",
                         param=errors[0].path if errors else None)
        self.errors = tuple(errors)


# Writing --------------------------------------------------------------------------------------------------

def _path_text(path: Path, base: Path | None) -> str:
    """Relative to `base` when the file sits under it (so a shared folder keeps working), else as it is."""
    if base is not None and path.is_absolute():
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    return str(path)


def _ref_text(ref: FrameRef, base: Path | None) -> str:
    return ref.url if ref.url is not None else _path_text(ref.path or Path(), base)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def frame_to_json(source: FrameSource, base: Path | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"source": source.kind.value}
    if source.path is not None:
        out["path"] = _path_text(source.path, base)
    if (kf := source.keyframe) is not None:
        out["prompt"] = kf.prompt
        for name in ("model", "resolution"):
            if (value := getattr(kf, name)) is not None:
                out[name] = value
        if not kf.include_style:
            out["include_style"] = False
        if kf.references:
            out["references"] = [_path_text(p, base) for p in kf.references]
        if kf.image is not None:
            out["image"] = _path_text(kf.image, base)
    return out


def shot_to_json(shot: Shot, base: Path | None = None, *, with_id: bool = True) -> dict[str, Any]:
    """Only what differs from a blank shot is written, so a file reads like what the creator set."""
    out: dict[str, Any] = {"id": shot.id} if with_id else {}
    out["prompt"] = shot.prompt
    if not shot.include_style:
        out["include_style"] = False
    for name in ("model", "aspect_ratio", "resolution", "sound"):
        if (value := getattr(shot, name)) is not None:
            out[name] = value
    if shot.duration is not None:
        out["duration"] = _number(shot.duration)
    if shot.references:
        out["references"] = [_ref_text(r, base) for r in shot.references]
    if shot.takes != 1:
        out["takes"] = shot.takes
    for name, source in (("first_frame", shot.first_frame), ("last_frame", shot.last_frame)):
        if source.kind is not FrameKind.NONE:
            out[name] = frame_to_json(source, base)
    return out


def defaults_to_json(defaults: Defaults) -> dict[str, Any]:
    return {name: getattr(defaults, name) for name in _DEFAULTS
            if getattr(defaults, name) is not None or name == "sound"}


def storyboard_to_json(storyboard: Storyboard, base: Path | None = None) -> dict[str, Any]:
    """The whole file's object; paths under `base` (the file's folder) are written relative to it."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": storyboard.name,
        "style": storyboard.style,
        "defaults": defaults_to_json(storyboard.defaults),
        "shots": [shot_to_json(s, base) for s in storyboard.shots],
    }


# Reading --------------------------------------------------------------------------------------------------

def _join(parent: str, key: object) -> str:
    return f"{parent}.{key}" if parent else str(key)


def _kind_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", str: "text", list: "a list", dict: "an object"}.get(type(value), "a number")


class _Reader:
    def __init__(self, base: Path | None) -> None:
        self.base = base
        self.errors: list[FieldError] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def obj(self, value: Any, path: str, keys: Collection[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object {{...}}, not {_kind_name(value)}")
            return {}
        for key in value:
            if key not in keys:
                import difflib  # only for a file with a misspelt field

                close = difflib.get_close_matches(str(key), list(keys), n=1)
                hint = f" (did you mean “{close[0]}”?)" if close else f"; known fields: {', '.join(keys)}"
                self.fail(_join(path, key), f"unknown field{hint}")
        return value

    def text(self, d: dict[str, Any], key: str, path: str, *, default: Any = _MISSING,
             nullable: bool = False) -> Any:
        value = d.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.fail(_join(path, key), "is missing")
                return ""
            return default
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.fail(_join(path, key), f"must be text, not {_kind_name(value)}")
            return default if default is not _MISSING else ""
        return value

    def option(self, d: dict[str, Any], key: str, path: str) -> str | None:
        """An optional choice (model, aspect ratio...): text, or null / absent for the default."""
        value = self.text(d, key, path, default=None, nullable=True)
        if value is not None and not value.strip():
            self.fail(_join(path, key), "is empty: leave it out (or null) for the default")
            return None
        return value.strip() if value is not None else None

    def flag(self, d: dict[str, Any], key: str, path: str, default: bool | None) -> bool | None:
        value = d.get(key, default)
        if value is None and default is None:
            return None
        if not isinstance(value, bool):
            self.fail(_join(path, key), f"must be true or false, not {_kind_name(value)}")
            return default
        return value

    def number(self, d: dict[str, Any], key: str, path: str) -> float | None:
        value = d.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.fail(_join(path, key), f"must be a number of seconds above 0, not {value!r}")
            return None
        return float(value)

    def integer(self, d: dict[str, Any], key: str, path: str, low: int, high: int, default: int) -> int:
        value = d.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(_join(path, key), f"must be a whole number from {low} to {high}, not {value!r}")
            return default
        return value

    def path(self, value: Any, path: str) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a file path (text), not {_kind_name(value) if value != '' else 'empty'}")
            return None
        p = Path(value).expanduser()
        return p if p.is_absolute() or self.base is None else self.base / p

    def paths(self, d: dict[str, Any], key: str, path: str) -> list[tuple[str, Path | str | None]]:
        value = d.get(key, [])
        if not isinstance(value, list):
            self.fail(_join(path, key), f"must be a list of file paths, not {_kind_name(value)}")
            return []
        out: list[tuple[str, Path | str | None]] = []
        for i, item in enumerate(value):
            where = f"{path}.{key}[{i}]"
            if isinstance(item, str) and "://" in item:
                out.append((where, item))  # an address; validation says which schemes are taken
            else:
                out.append((where, self.path(item, where)))
        return out

    # The file's parts ------------------------------------------------------------------------------

    def storyboard(self, data: Any) -> Storyboard | None:
        if not isinstance(data, dict):
            self.fail("$", f"a storyboard file holds one object {{...}}, not {_kind_name(data)}")
            return None
        top = data
        if top.get("format") != FORMAT:
            self.fail("format", f"is not “{FORMAT}”: this is not a getimg Studio storyboard file")
            return None
        version = top.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.fail("version", f"must be a whole number (this app writes {VERSION}), not {version!r}")
            return None
        if version > VERSION:
            self.fail("version", f"is {version}: the file was made by a newer getimg Studio (this one reads up "
                                 f"to version {VERSION}); update the app to open it")
            return None
        self.obj(top, "", _TOP)
        name = " ".join(self.text(top, "name", "", default=DEFAULT_NAME).split()) or DEFAULT_NAME
        style = self.text(top, "style", "", default="").strip()
        defaults = self.defaults(top.get("defaults", {}))
        raw_shots = top.get("shots", _MISSING)
        if not isinstance(raw_shots, list):
            self.fail("shots", "is missing" if raw_shots is _MISSING else
                      f"must be a list of shots, not {_kind_name(raw_shots)}")
            raw_shots = []
        shots = self.shots(raw_shots)
        if self.errors or shots is None:
            return None
        return Storyboard(id=None, name=name, style=style, defaults=defaults, shots=tuple(shots))

    def defaults(self, value: Any) -> Defaults:
        d = self.obj(value, "defaults", _DEFAULTS)
        return Defaults(
            model=self.option(d, "model", "defaults"),
            aspect_ratio=self.option(d, "aspect_ratio", "defaults"),
            resolution=self.option(d, "resolution", "defaults"),
            sound=bool(self.flag(d, "sound", "defaults", False)),
            image_model=self.option(d, "image_model", "defaults"),
        )

    def shots(self, items: list[Any]) -> list[Shot] | None:
        given = [item.get("id") for item in items if isinstance(item, dict)]
        taken = {i for i in given if isinstance(i, str)}
        seen: set[str] = set()
        shots: list[Shot] = []
        for index, item in enumerate(items):
            path = f"shots[{index}]"
            shot_id = item.get("id", _MISSING) if isinstance(item, dict) else _MISSING
            if shot_id is _MISSING:
                shot_id = _generated_id(index, taken | seen)
            elif not isinstance(shot_id, str) or not shot_id.strip() or len(shot_id) > 64:
                self.fail(f"{path}.id", "must be text of 1 to 64 characters (or left out)")
                shot_id = _generated_id(index, taken | seen)
            elif shot_id in seen:
                self.fail(f"{path}.id", f"“{shot_id}” is already the id of an earlier shot")
            seen.add(shot_id)
            shot = self.shot(item, path, shot_id)
            if shot is not None:
                shots.append(shot)
        return shots

    def shot(self, value: Any, path: str, shot_id: str) -> Shot | None:
        errors_before = len(self.errors)
        if not isinstance(value, dict):
            self.fail(path, f"must be an object {{...}} with at least a prompt, not {_kind_name(value)}")
            return None
        d = self.obj(value, path, _SHOT)
        references: list[FrameRef] = []
        for _, ref in self.paths(d, "references", path):
            if isinstance(ref, str):
                references.append(FrameRef(Role.REFERENCE_IMAGE, url=ref))
            elif ref is not None:
                references.append(FrameRef(Role.REFERENCE_IMAGE, path=ref))
        fields = {
            "prompt": self.text(d, "prompt", path),
            "include_style": self.flag(d, "include_style", path, True),
            "model": self.option(d, "model", path),
            "aspect_ratio": self.option(d, "aspect_ratio", path),
            "resolution": self.option(d, "resolution", path),
            "duration": self.number(d, "duration", path),
            "sound": self.flag(d, "sound", path, None),
            "references": tuple(references),
            "takes": self.integer(d, "takes", path, 1, MAX_TAKES, 1),
            "first_frame": self.frame(d.get("first_frame"), f"{path}.first_frame", first=True),
            "last_frame": self.frame(d.get("last_frame"), f"{path}.last_frame", first=False),
        }
        if len(self.errors) > errors_before:
            return None
        return Shot(id=shot_id, **fields)

    def frame(self, value: Any, path: str, *, first: bool) -> FrameSource:
        if value is None:
            return NO_FRAME
        if not isinstance(value, dict):
            self.fail(path, f"must be an object such as {{\"source\": \"none\"}}, not {_kind_name(value)}")
            return NO_FRAME
        kinds = [k.value for k in FrameKind if first or k is not FrameKind.CHAINED]
        raw = value.get("source", _MISSING)
        if raw is _MISSING:
            self.fail(f"{path}.source", f"is missing: one of {', '.join(kinds)}")
            return NO_FRAME
        if raw not in kinds:
            if raw == FrameKind.CHAINED.value:
                self.fail(f"{path}.source", "a last frame cannot be chained: only a first frame continues "
                                            "the shot before (use none, file or keyframe)")
            else:
                self.fail(f"{path}.source", f"must be one of {', '.join(kinds)}, not {raw!r}")
            return NO_FRAME
        kind = FrameKind(raw)
        d = self.obj(value, path, _FRAME[kind])
        if kind is FrameKind.FILE:
            file = self.path(d.get("path"), f"{path}.path") if "path" in d else None
            if "path" not in d:
                self.fail(f"{path}.path", "is missing: a file source names its image")
            return FrameSource.file(file) if file is not None else NO_FRAME
        if kind is FrameKind.KEYFRAME:
            return FrameSource.from_keyframe(self.keyframe(d, path))
        return FrameSource(kind)

    def keyframe(self, d: dict[str, Any], path: str) -> Keyframe:
        refs = self.paths(d, "references", path)
        for where, ref in refs:
            if isinstance(ref, str):
                self.fail(where, "a keyframe's references are local image files")
        image = self.path(d["image"], f"{path}.image") if d.get("image") is not None else None
        return Keyframe(
            prompt=self.text(d, "prompt", path),
            model=self.option(d, "model", path),
            resolution=self.option(d, "resolution", path),
            include_style=bool(self.flag(d, "include_style", path, True)),
            references=tuple(p for _, p in refs if isinstance(p, Path)),
            image=image,
        )


def _generated_id(index: int, taken: set[str]) -> str:
    n = index + 1
    while f"shot-{n}" in taken:
        n += 1
    return f"shot-{n}"


def storyboard_from_json(data: Any, base: Path | None = None) -> Storyboard:
    """The storyboard in a parsed file; relative paths are taken from `base` (the file's folder).
    Raises `StoryboardFormatError` naming every field at fault."""
    reader = _Reader(base)
    storyboard = reader.storyboard(data)
    if storyboard is None or reader.errors:
        raise StoryboardFormatError(reader.errors or [FieldError("$", "is not a storyboard")])
    return storyboard


def shot_from_json(data: Any, shot_id: str, *, what: str = "A stored shot") -> Shot:
    """One shot's object (as `shot_to_json(with_id=False)` wrote it) back into a `Shot`."""
    reader = _Reader(None)
    shot = reader.shot(data, "shot", shot_id)
    if shot is None or reader.errors:
        raise StoryboardFormatError(reader.errors or [FieldError("shot", "is not a shot")], what)
    return shot


def defaults_from_json(data: Any) -> Defaults:
    reader = _Reader(None)
    defaults = reader.defaults(data)
    if reader.errors:
        raise StoryboardFormatError(reader.errors, "Stored defaults")
    return defaults
