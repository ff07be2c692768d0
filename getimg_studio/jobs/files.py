"""Names of saved videos: readable, unique, and always inside the output folder.

`2026-11-25_14-03-12_a-slug-of-the-prompt_ab12cd.mp4`: the local date and time the job was created, a
slug of the prompt, and a short hash of the job's ids. Whatever the prompt or the server's id holds
(slashes, dots, control characters, emoji, reserved device names, thousands of characters), the name
is plain ASCII, short, and resolves to a file directly in the output folder.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

MAX_SLUG = 48
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Windows refuses these as file names whatever the extension; a slug could otherwise end up as one.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """ASCII, lower case, words joined by dashes, cut at a word boundary; "video" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[1:] else cut[:max_length]
        slug = slug.strip("-")
    if not slug or slug in _RESERVED:
        slug = f"video-{slug}" if slug else "video"
    return slug


def short_id(*parts: object) -> str:
    """Six hex digits from the job's ids: stable for a job, distinct between jobs."""
    import hashlib  # not at start-up: nothing is named before a job is saved

    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:6]


def video_name(created_at: datetime, prompt: str, *ids: object, ext: str = ".mp4") -> str:
    stamp = created_at.astimezone().strftime("%Y-%m-%d_%H-%M-%S") if created_at.tzinfo else (
        created_at.strftime("%Y-%m-%d_%H-%M-%S"))
    safe_ext = "." + (_NON_WORD.sub("", ext.lower().lstrip(".")) or "mp4")[:8]
    return f"{stamp}_{slugify(prompt)}_{short_id(*ids)}{safe_ext}"


def is_inside(folder: Path, path: Path) -> bool:
    """True when `path` (symlinks resolved) is a file somewhere under `folder`."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return path.resolve() != folder.resolve()


def unique_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem-2.ext`, ... when a file (or a partial download) already has it.

    Blocking (it looks at the disk): call it in an executor from the loop.
    """
    safe = Path(name).name
    if safe in {"", ".", ".."} or safe != name:
        raise ValueError(f"not a plain file name: {name!r}")
    stem, dot, ext = safe.rpartition(".")
    if not dot:
        stem, ext = safe, ""
    candidate = folder / safe
    counter = 2
    while candidate.exists() or _part(candidate).exists():
        candidate = folder / (f"{stem}-{counter}.{ext}" if ext else f"{stem}-{counter}")
        counter += 1
    if not is_inside(folder, candidate):  # only a symlinked folder trick could get here
        raise ValueError(f"{candidate} is outside {folder}")
    return candidate


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def delete_videos(folder: Path, files: Sequence[Path]) -> None:
    """Delete saved videos, their partial downloads and sidecars, but never a file outside `folder`. Blocking."""
    from getimg_studio.media.sidecar import sidecar_path

    for path in files:
        if not is_inside(folder, path):
            log.warning("not deleting %s: it is outside the output folder %s", path, folder)
            continue
        for victim in (path, _part(path), path.with_name(path.name + ".part.json"), sidecar_path(path)):
            try:
                victim.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not delete %s: %s", victim, exc)
