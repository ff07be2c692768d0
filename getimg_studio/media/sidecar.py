"""The small file kept beside each video in the output folder: `<name>.<ext>.getimg.json`.

It holds the recipe document plus the video's name, size and SHA-256, so the recipe survives any tool that
strips metadata, and the file as getimg served it (never modified) can be checked against its checksum.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from getimg_studio.fsutil import sha256_file

from .errors import bad_option
from .output import writing
from .recipe import Recipe, document, recipes_from_document

SIDECAR_SUFFIX = ".getimg.json"


@dataclass(frozen=True, slots=True)
class Sidecar:
    video_name: str
    video_size: int
    video_sha256: str
    recipes: tuple[Recipe, ...]

    def matches(self, video: Path) -> bool:
        """True when `video` is byte for byte the file this sidecar describes (hashes it: blocking)."""
        try:
            return video.stat().st_size == self.video_size and sha256_file(video) == self.video_sha256
        except OSError:
            return False


def sidecar_path(video: Path) -> Path:
    return video.with_name(video.name + SIDECAR_SUFFIX)


def write_sidecar(video: Path, recipes: Sequence[Recipe], *, sha256: str | None = None) -> Path:
    """Write (atomically) the sidecar of `video`; hashes it unless `sha256` is given. Returns its path."""
    data = document(recipes)
    data["video"] = {"name": video.name, "size": video.stat().st_size, "sha256": sha256 or sha256_file(video)}
    target = sidecar_path(video)
    with writing(target) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def read_sidecar(video: Path) -> Sidecar | None:
    """The sidecar beside `video`, or None when there is none; `MediaError` when it is damaged."""
    target = sidecar_path(video)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise bad_option("recipe", f"“{target.name}” cannot be read: {exc}.") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise bad_option("recipe", f"The recipe in “{target.name}” cannot be read: it is not JSON.") from exc
    recipes = recipes_from_document(data, target.name)
    info = data.get("video") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        raise bad_option("recipe", f"The recipe in “{target.name}” cannot be read: it names no video.")
    return Sidecar(video_name=str(info.get("name", "")), video_size=int(info.get("size", -1)),
                   video_sha256=str(info.get("sha256", "")), recipes=recipes)
