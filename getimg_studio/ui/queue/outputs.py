"""A job's several files (every item of getimg's `data` is saved): how a row counts them, how menus name them."""

from __future__ import annotations

from pathlib import Path

from getimg_studio.jobs.model import Job


def saved_files(job: Job) -> list[Path]:
    """The files of the outputs saved so far, in getimg's order."""
    return [o.file_path for o in job.outputs if o.saved and o.file_path is not None]


def files_text(job: Job) -> str:
    """ "3 files" on a row with several outputs; "" for one (the usual case says nothing)."""
    count = len(job.outputs)
    return f"{count} files" if count > 1 else ""


def file_label(job: Job, index: int) -> str:
    """ "File 2 of 3 · clip-2.mp4" for a menu entry."""
    output = job.outputs[index]
    name = output.file_path.name if output.file_path is not None else "not saved"
    return f"File {index + 1} of {len(job.outputs)} · {name}"
