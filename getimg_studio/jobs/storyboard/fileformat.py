"""Reading and writing a storyboard file (blocking: call from an executor when a loop is running).

The format is `codec`'s; this adds the file: JSON text (UTF-8, NaN and Infinity refused), paths relative to
the file's folder, an atomic write, and errors a person can act on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.fsutil import write_atomic

from .codec import FieldError, StoryboardFormatError, storyboard_from_json, storyboard_to_json
from .model import Storyboard

MAX_FILE_BYTES = 4 * 1024 * 1024  # a storyboard is text; anything this large is not one


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_storyboard_text(text: str, base: Path | None, *, what: str = "The storyboard file") -> Storyboard:
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise StoryboardFormatError(
            [FieldError("$", f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")], what
        ) from exc
    except ValueError as exc:
        raise StoryboardFormatError([FieldError("$", str(exc))], what) from exc
    try:
        return storyboard_from_json(data, base)
    except StoryboardFormatError as exc:
        raise StoryboardFormatError(exc.errors, what) from None


def load_storyboard_file(path: Path) -> Storyboard:
    """The storyboard in `path`; its relative file paths are resolved against the file's folder.
    Raises `StoryboardFormatError` (every field at fault by JSON path) or `GetimgError(DISK)`."""
    path = path.expanduser().absolute()
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise StoryboardFormatError([FieldError("$", f"is {size:,} bytes: too large for a storyboard")],
                                        f"The file {path}")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise GetimgError(ErrorKind.DISK, f"There is no storyboard file at {path}.") from exc
    except OSError as exc:
        raise GetimgError(ErrorKind.DISK, f"The storyboard file {path} cannot be read ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoryboardFormatError([FieldError("$", "is not UTF-8 text")], f"The file {path}") from exc
    return parse_storyboard_text(text, path.parent, what=f"The file {path}")


def storyboard_text(storyboard: Storyboard, base: Path | None = None) -> str:
    return json.dumps(storyboard_to_json(storyboard, base), indent=2, ensure_ascii=False) + "\n"


def dump_storyboard_file(storyboard: Storyboard, path: Path) -> None:
    """Write the storyboard to `path` atomically; files under its folder are written relative to it."""
    path = path.expanduser().absolute()
    try:
        write_atomic(path, storyboard_text(storyboard, path.parent).encode("utf-8"))
    except OSError as exc:
        raise GetimgError(ErrorKind.DISK, f"The storyboard cannot be written to {path} ({exc.strerror}).") from exc
