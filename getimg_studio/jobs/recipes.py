"""The recipe of a job's file, and the seal put on each file the engine saves: its checksum and its sidecar.

A generated job's recipe is made from its request (`media.recipe_for`: model, prompt, parameters, the frames'
hashes) with the remote id, the cost billed and the SHA-256 of the file as getimg served it. An imported
file's recipe is the one it carried (kept in the history's `imports` table). Copies and exports add notes
("trimmed 1.00-3.00 s") so a recipe read back says what was done to that copy.

Everything here blocks (hashing, writing): call it in an executor, never on a loop's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.api.errors import GetimgError
from getimg_studio.fsutil import sha256_file
from getimg_studio.jobs.model import Job
from getimg_studio.jobs.rows import ImportRecord

if TYPE_CHECKING:
    from getimg_studio.media.export_plan import ExportPlan
    from getimg_studio.media.recipe import Recipe

log = logging.getLogger(__name__)
_VIDEO_MIME = "video/"


def job_recipes(job: Job, index: int = 0, imported: ImportRecord | None = None) -> tuple[Recipe, ...]:
    """The recipe(s) of output `index` of `job`; () for a file imported without one (blocking: hashes frames)."""
    from getimg_studio.media.recipe import recipe_for, recipes_from_json

    if job.imported:
        if imported is None or not imported.recipes_json:
            return ()
        return recipes_from_json(imported.recipes_json, job.title or f"job {job.id}")
    video = job.video_request  # an image job's file carries no video recipe
    if video is None or not job.has_request:
        return ()
    output = job.outputs[index] if index < len(job.outputs) else None
    frames = tuple(f for f in video.frames if f.path is None or f.path.exists())
    request = replace(video, frames=frames)
    return (recipe_for(request, remote_id=job.remote_id, cost=job.cost, currency=job.currency,
                       source_sha256=output.sha256 if output is not None else None,
                       created_at=job.created_at.isoformat()),)


def with_notes(recipes: Sequence[Recipe], notes: Sequence[str]) -> tuple[Recipe, ...]:
    """The recipes of a copy: what was done to it appended to each clip's notes."""
    if not notes:
        return tuple(recipes)
    return tuple(replace(r, notes=(*r.notes, *notes)) for r in recipes)


def export_notes(plan: ExportPlan, duration: float) -> tuple[str, ...]:
    """What an export did to the clip, in words kept in its recipe."""
    from getimg_studio.media.export_plan import ExportFormat

    notes: list[str] = []
    start, end = float(plan.start), float(plan.end)
    if plan.format is ExportFormat.PNG:
        return (f"frame at {start:.2f} s",)
    if start > 0.001 or end < duration - 0.001:
        notes.append(f"trimmed {start:.2f}-{end:.2f} s")
    if plan.frame_count > plan.forward_count:
        notes.append("loop (forward, then backward)")
    notes.append(f"{plan.format.value} {plan.width}x{plan.height} at {float(plan.fps):g} fps")
    return tuple(notes)


def seal_download(job: Job, index: int, path: Path) -> str:
    """After an output is saved: its SHA-256 (recorded in the history) and, for a video, its sidecar
    `<name>.getimg.json` beside it. The saved file itself is never touched. A sidecar that cannot be written
    (disk full, read-only folder) is logged, not fatal: the video is saved, and its recipe can be written
    into any copy later."""
    digest = sha256_file(path)
    output = job.outputs[index] if index < len(job.outputs) else None
    if output is None or not output.mime_type.startswith(_VIDEO_MIME) or not job.has_request:
        return digest
    try:
        from getimg_studio.media.sidecar import write_sidecar

        sealed = replace(job, outputs=tuple(replace(o, sha256=digest) if o.index == index else o
                                            for o in job.outputs))
        recipes = job_recipes(sealed, index)
        if recipes:
            write_sidecar(path, recipes, sha256=digest)
    except (OSError, GetimgError) as exc:
        log.warning("no sidecar for job %d's output %d: %s", job.id, index, exc)
    return digest
