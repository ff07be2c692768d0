"""Exports, copies and single frames of a job's file, each carrying its recipe: one code path for the window's
export dialog, its "Save frame" and "Save a copy", and `getimg-studio export`.

Every function blocks (PyAV, hashing, writing): the window runs them in a worker thread with `progress`
marshalled back to its own thread and a `cancel` event; the command line calls them directly. Outputs are
written atomically where asked (`media.output.writing`); the job's own file is only ever read.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.jobs.model import Job
from getimg_studio.jobs.recipes import export_notes, job_recipes, with_notes
from getimg_studio.jobs.rows import ImportRecord

# "Original" chosen outright (not the format's default, which for GIF/WebP is smaller): the clip's own height
_ORIGINAL_HEIGHT = -1

if TYPE_CHECKING:
    from getimg_studio.media.control import CancelToken, ProgressFn
    from getimg_studio.media.export import ExportResult
    from getimg_studio.media.export_plan import ExportOptions, ExportPlan
    from getimg_studio.media.probe import MediaInfo


def export_options(out: Path, *, start: float = 0.0, end: float | None = None, loop: bool = False,
                   size: str | None = None, fps: float | None = None) -> ExportOptions:
    """The options an export to `out` asks for: its format from the name, a size preset by name ("720p",
    "Original"; any case), a frame rate in frames per second. `MediaError` naming the option that is wrong.
    The window's export dialog and `getimg-studio export` both build their options here."""
    from getimg_studio.media.errors import bad_option
    from getimg_studio.media.export import format_for
    from getimg_studio.media.export_plan import SIZE_PRESETS, ExportOptions

    height: int | None = None
    if size is not None:
        presets = {name.casefold(): value for name, value in SIZE_PRESETS.items()}
        if size.casefold() not in presets:
            raise bad_option("size", f"“{size}” is not a size: choose one of {', '.join(SIZE_PRESETS)}.")
        height = presets[size.casefold()] or _ORIGINAL_HEIGHT
    if fps is not None and not fps > 0:
        raise bad_option("fps", "Choose a frame rate above zero.")
    return ExportOptions(format_for(out), start=start, end=end, height=height, fps=fps, loop=loop)


def is_plain_copy(options: ExportOptions, duration: float) -> bool:
    """An MP4 export that changes nothing is a copy: the packets as getimg served them, the recipe added."""
    from getimg_studio.media.export_plan import ExportFormat

    untrimmed = options.start <= 0.0 and (options.end is None or options.end >= duration - 0.001)
    return (options.format is ExportFormat.MP4 and untrimmed and not options.loop and options.fps is None
            and options.height in (None, _ORIGINAL_HEIGHT))


def resolve_options(options: ExportOptions, info: MediaInfo) -> ExportOptions:
    """The options with "Original" size made the clip's own height (pure: the dialog's summary uses it)."""
    return replace(options, height=info.height) if options.height == _ORIGINAL_HEIGHT else options


def write_export(job: Job, out: Path, options: ExportOptions, *, index: int = 0,
                 imported: ImportRecord | None = None, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> Path:
    """Write what the creator asked for: a copy when nothing changes (lossless, fast), else an export."""
    from getimg_studio.media.probe import probe

    info = probe(source_of(job, index))
    if is_plain_copy(options, info.duration):
        return save_job_copy(job, out, index=index, imported=imported, progress=progress, cancel=cancel)
    return export_job(job, out, options, index=index, imported=imported, progress=progress, cancel=cancel,
                      info=info).path


def source_of(job: Job, index: int = 0) -> Path:
    """The file of output `index`; `MediaError` naming what is wrong when there is none to read."""
    from getimg_studio.jobs.model import JobState
    from getimg_studio.media.errors import bad_option, unreadable

    if not job.outputs and index == 0:  # a job as the window holds it: its first output's fields are its own
        path = job.file_path if job.state is JobState.READY else None
    elif index >= len(job.outputs) or index < 0:
        raise bad_option("input", f"Job {job.id} has no output {index + 1} (it has {len(job.outputs)}).")
    else:
        path = job.outputs[index].file_path if job.outputs[index].saved else None
    if path is None:
        raise bad_option("input", f"Job {job.id}'s video is not saved yet.")
    if not path.is_file():
        raise unreadable(path)
    return path


def plan_job_export(job: Job, options: ExportOptions, *, index: int = 0) -> tuple[MediaInfo, ExportPlan]:
    """What an export of this output will be (size, rate, frames), before any decoding."""
    from getimg_studio.media.export_plan import plan_export
    from getimg_studio.media.probe import probe

    info = probe(source_of(job, index))
    return info, plan_export(info, options)


def export_job(job: Job, out: Path, options: ExportOptions, *, index: int = 0, imported: ImportRecord | None = None,
               progress: ProgressFn | None = None, cancel: CancelToken | None = None,
               info: MediaInfo | None = None) -> ExportResult:
    """Export output `index` of `job` to `out` as `options` say, its recipe inside (with what was done)."""
    from getimg_studio.media.export import export
    from getimg_studio.media.export_plan import plan_export
    from getimg_studio.media.probe import probe

    source = source_of(job, index)
    info = info or probe(source)
    options = resolve_options(options, info)
    plan = plan_export(info, options)
    recipes = with_notes(job_recipes(job, index, imported), export_notes(plan, info.duration))
    return export(source, out, replace(options, recipes=recipes), progress=progress, cancel=cancel, info=info)


def save_job_frame(job: Job, out: Path, seconds: float, *, index: int = 0,
                   imported: ImportRecord | None = None) -> Path:
    """The picture on screen at `seconds` as a lossless PNG with the recipe (the player's "Save frame")."""
    from getimg_studio.media.export_plan import ExportFormat, ExportOptions

    export_job(job, out, ExportOptions(ExportFormat.PNG, start=max(0.0, seconds)), index=index, imported=imported)
    return out


def save_job_copy(job: Job, out: Path, *, index: int = 0, imported: ImportRecord | None = None,
                  progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Path:
    """The file unchanged (its picture and sound packets as getimg served them) with the recipe in its
    metadata; a file that carries no recipe is copied byte for byte."""
    from getimg_studio.media.control import Control
    from getimg_studio.media.export import save_copy
    from getimg_studio.media.output import writing

    source = source_of(job, index)
    recipes = job_recipes(job, index, imported)
    if recipes:
        return save_copy(source, out, recipes, progress=progress, cancel=cancel)
    control = Control(progress, cancel)
    with writing(out, [source]) as tmp:
        shutil.copyfile(source, tmp)
    control.done()
    return out
