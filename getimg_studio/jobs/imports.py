"""A video file brought back into the history: what it is, the recipe it carries, and its row.

`inspect_file` (blocking) reads the file: a video PyAV can decode, its SHA-256, and its recipe, from its own
metadata first, else from the sidecar beside it. The recipe's request is made whole where it can be: frames
the history still holds (named by their hash) are used as they are, else a first or last frame is taken from
the video itself (its first or last picture is what that frame became); a reference image cannot be taken
from a video, and the finding says so. `record` adds the row (`JobProvenance.IMPORTED`, `ready`) through the
lifecycle. A file whose bytes are already a job's output is that job: it is not added twice.

The window's drop, `getimg-studio import` and a storyboard's export all come through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.api.types import FrameRef, GenerationRequest, Role
from getimg_studio.fsutil import sha256_file
from getimg_studio.jobs.model import Job
from getimg_studio.jobs.rows import NewImport

if TYPE_CHECKING:
    from getimg_studio.jobs.lifecycle import Lifecycle
    from getimg_studio.jobs.store import JobStore
    from getimg_studio.media.probe import MediaInfo
    from getimg_studio.media.recipe import Recipe

NO_REQUEST = GenerationRequest(model="", prompt="")  # a file without a recipe: nothing to remix or retry
_MIME = {"mp4": "video/mp4", "matroska": "video/webm", "gif": "image/gif", "webp": "image/webp"}


class RecipeSource(StrEnum):
    METADATA = "metadata"  # inside the file (MP4 comment, Matroska tag, GIF comment, WebP XMP)
    SIDECAR = "sidecar"  # <name>.getimg.json beside it


class FrameFrom(StrEnum):
    """What a stand-in frame is taken from, when the picture the recipe names is not in the history."""

    FIRST = "first"
    LAST = "last"


@dataclass(frozen=True, slots=True)
class Finding:
    path: Path
    info: MediaInfo
    sha256: str
    recipes: tuple[Recipe, ...]  # () : none found
    source: RecipeSource | None
    request: GenerationRequest  # the first clip's recipe as a request, frames resolved; NO_REQUEST without one
    notes: tuple[str, ...]  # what the creator should know: frames taken from the file, a damaged recipe...

    @property
    def ours(self) -> bool:
        return bool(self.recipes)


@dataclass(frozen=True, slots=True)
class Imported:
    job: Job
    finding: Finding
    known: bool  # the file already was a job's output: that job, no new row


def inspect_file(path: Path, frames_dir: Path) -> Finding:
    """Read what `path` is and carries (blocking). `MediaError` when it is not a video this build can read."""
    from getimg_studio.media.errors import MediaError, unreadable
    from getimg_studio.media.probe import probe
    from getimg_studio.media.sidecar import read_sidecar
    from getimg_studio.media.tags import read_recipes

    if not path.is_file():
        raise unreadable(path)
    info = probe(path)
    digest = sha256_file(path)
    notes: list[str] = []
    recipes: tuple[Recipe, ...] = ()
    source: RecipeSource | None = None
    try:
        recipes = read_recipes(path)
        source = RecipeSource.METADATA if recipes else None
    except MediaError as exc:
        notes.append(exc.message)
    if not recipes:
        try:
            sidecar = read_sidecar(path)
        except MediaError as exc:
            notes.append(exc.message)
            sidecar = None
        if sidecar is not None:
            recipes, source = sidecar.recipes, RecipeSource.SIDECAR
            if sidecar.video_sha256 != digest:
                notes.append(f"The recipe beside it was written for another version of “{sidecar.video_name}” "
                             "(the file was changed since).")
    request = NO_REQUEST
    if recipes:
        request, frame_notes = resolve_request(recipes[0], path, frames_dir)
        notes.extend(frame_notes)
        if len(recipes) > 1:
            notes.append(f"It is made of {len(recipes)} clips; Remix loads the first one's recipe.")
    return Finding(path, info, digest, recipes, source, request, tuple(notes))


def resolve_request(recipe: Recipe, video: Path, frames_dir: Path) -> tuple[GenerationRequest, list[str]]:
    """The recipe as a request: frames from the history when it holds them, else first/last taken from the
    video; reference images it no longer holds are left out (and named in the notes)."""
    from getimg_studio.media.recipe import find_frames

    found = find_frames(recipe, frames_dir)
    refs: list[FrameRef] = []
    notes: list[str] = []
    missing_refs = 0
    for frame in recipe.frames:
        if frame.role not in Role._value2member_map_:
            continue
        role = Role(frame.role)
        if frame.sha256 in found:
            refs.append(FrameRef(role, path=found[frame.sha256]))
        elif role is Role.REFERENCE_IMAGE:
            missing_refs += 1
        else:
            which = FrameFrom.FIRST if role is Role.FIRST_FRAME else FrameFrom.LAST
            refs.append(FrameRef(role, path=frame_from_video(video, which, frames_dir)))
            named = f" (“{frame.name}”)" if frame.name else ""
            notes.append(f"Its {role.label.lower()}{named} is not in this history: the video's {which.value} "
                         "picture stands in for it.")
    if missing_refs:
        notes.append(f"{missing_refs} reference image{'s are' if missing_refs > 1 else ' is'} not in this "
                     "history and cannot be taken from the video: add them again before generating.")
    return GenerationRequest(model=recipe.model, prompt=recipe.prompt, aspect_ratio=recipe.aspect_ratio,
                             resolution=recipe.resolution, duration=recipe.duration, sound=recipe.sound,
                             frames=tuple(refs)), notes


def frame_from_video(video: Path, which: FrameFrom, frames_dir: Path) -> Path:
    """The video's first or last picture as a PNG in the history's frames folder (content-addressed)."""
    from getimg_studio.api.frames import import_frame
    from getimg_studio.media.frames import first_frame, last_frame, png_bytes

    image = first_frame(video) if which is FrameFrom.FIRST else last_frame(video)
    frames_dir.mkdir(parents=True, exist_ok=True)
    return import_frame(png_bytes(image), frames_dir, name=f"{video.stem} ({which.value} frame).png")


def new_import(finding: Finding, *, title: str | None = None) -> NewImport:
    from getimg_studio.media.recipe import recipes_to_json

    info = finding.info
    return NewImport(
        request=finding.request, title=title or finding.path.name, file=finding.path.resolve(),
        size=info.size_bytes, sha256=finding.sha256, mime_type=_MIME.get(info.container, "video/mp4"),
        width=info.width, height=info.height, duration=info.duration, fps=info.fps or None,
        has_sound=info.has_audio, recipes_json=recipes_to_json(finding.recipes) if finding.recipes else None,
        recipe_from=finding.source.value if finding.source else None)


def record(store: JobStore, lifecycle: Lifecycle, finding: Finding, *, title: str | None = None) -> Imported:
    """The file's row: the job that already has these bytes, or a new imported one (on the store's thread)."""
    known = store.job_with_file(finding.sha256)
    if known is not None:
        return Imported(known, finding, True)
    return Imported(lifecycle.add_imported(new_import(finding, title=title)), finding, False)


def describe(finding: Finding) -> str:
    """One line for the creator (the CLI prints it; the window shows it above its choices)."""
    if not finding.recipes:
        return f"“{finding.path.name}” carries no getimg Studio recipe."
    first = finding.recipes[0]
    where = "inside it" if finding.source is RecipeSource.METADATA else "in the file beside it"
    return f"“{finding.path.name}” carries its recipe ({where}): {first.model}, “{first.prompt}”."

