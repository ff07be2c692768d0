"""What the Export dialog may ask for: a clip's facts and an export run off the painting thread."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.jobs.model import Job

if TYPE_CHECKING:  # the media package loads PyAV: imported when an export is first asked for
    from getimg_studio.jobs.rows import ImportRecord
    from getimg_studio.media.control import ProgressFn
    from getimg_studio.media.export_plan import ExportOptions
    from getimg_studio.media.probe import MediaInfo


@dataclass(frozen=True)
class ExportPorts:
    probe: Callable[[Job], Awaitable[MediaInfo]]  # the clip's size, rate, length (read in a worker thread)
    # writes the export in a worker thread; `progress` is called there; raises MediaError or Cancelled
    export: Callable[[Job, Path, ExportOptions, ProgressFn, threading.Event], Awaitable[Path]]


def _imported(import_record: Callable[[int], object], job: Job) -> ImportRecord | None:
    """What an imported file carried, for its recipe (None for a job made here)."""
    from getimg_studio.jobs.rows import ImportRecord

    record = import_record(job.id) if job.imported else None
    return record if isinstance(record, ImportRecord) else None


def frame_saver(import_record: Callable[[int], object]) -> Callable[[Job, Path, float], Awaitable[Path]]:
    """The player's "Save frame…": the frame at `seconds` as a lossless PNG carrying the clip's recipe, as an
    export does (`jobs.exports.save_job_frame`), written in a worker thread; raises MediaError or OSError."""
    import asyncio

    async def save(job: Job, out: Path, seconds: float) -> Path:
        def write() -> Path:
            from getimg_studio.jobs import exports

            return exports.save_job_frame(job, out, seconds, imported=_imported(import_record, job))

        return await asyncio.get_running_loop().run_in_executor(None, write)

    return save


def export_ports(import_record: Callable[[int], object]) -> ExportPorts:
    """The ports as the window wires them: `jobs.exports` (the command line's code) in the default executor.
    `import_record(job_id)` is the history's read of what an imported file carried (thread-safe reader)."""
    import asyncio

    from getimg_studio.jobs import exports

    async def probe(job: Job) -> MediaInfo:
        def read() -> MediaInfo:
            from getimg_studio.media.probe import probe as probe_file

            return probe_file(exports.source_of(job))

        return await asyncio.get_running_loop().run_in_executor(None, read)

    async def export(job: Job, out: Path, options: ExportOptions, progress: ProgressFn,
                     cancel: threading.Event) -> Path:
        def write() -> Path:
            return exports.write_export(job, out, options, imported=_imported(import_record, job),
                                        progress=progress, cancel=cancel)

        return await asyncio.get_running_loop().run_in_executor(None, write)

    return ExportPorts(probe=probe, export=export)
