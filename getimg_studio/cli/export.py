"""`getimg-studio export JOB_ID OUT.(mp4|webm|gif|webp|png)`: a job's video trimmed, resized, looped or as one
frame, its recipe inside; the same code as the window's Export dialog (`jobs.exports`).

It only reads the history (like `jobs list`), so it works while the window is open and without the network.
An MP4 with nothing changed is a copy of getimg's packets with the recipe added. Progress on stderr, the
written file's path on stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = subparsers.add_parser("export", help="export a job's video (MP4, WebM, GIF, WebP, PNG) with its recipe")
    cmd.add_argument("job_id", type=int, metavar="JOB_ID")
    cmd.add_argument("out", type=Path, metavar="OUT", help="where to write it; the format is its extension")
    cmd.add_argument("--from", dest="start", type=float, default=0.0, metavar="S", help="in point, seconds")
    cmd.add_argument("--to", dest="end", type=float, default=None, metavar="S", help="out point, seconds")
    cmd.add_argument("--loop", action="store_true", help="forward then backward, so it repeats seamlessly")
    cmd.add_argument("--size", metavar="PRESET", help="Original, 1080p, 720p, 480p or 360p")
    cmd.add_argument("--fps", type=float, metavar="N", help="frame rate (never above the clip's own)")
    cmd.add_argument("--output", type=int, default=1, metavar="N", help="which of the job's videos (default 1)")


def run(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.cli.common import PROG, UsageError
    from getimg_studio.jobs.exports import export_options, write_export
    from getimg_studio.jobs.store import JobStore

    options = export_options(args.out, start=args.start, end=args.end, loop=args.loop, size=args.size,
                             fps=args.fps)
    store = JobStore(paths.database)
    try:
        job = store.get(args.job_id)
        if job is None:
            raise UsageError(f"there is no job {args.job_id} in the history (see `{PROG} jobs list`)")
        imported = store.import_record(job.id) if job.imported else None
    finally:
        store.close()
    shown = _Percent()
    written = write_export(job, args.out.expanduser().absolute(), options, index=args.output - 1,
                           imported=imported, progress=shown)
    print(written)
    return 0


class _Percent:
    """Progress on stderr, one line per tenth."""

    def __init__(self) -> None:
        self._shown = 0

    def __call__(self, fraction: float) -> None:
        step = int(fraction * 10) * 10
        if step > self._shown:
            self._shown = step
            print(f"exporting: {step} %", file=sys.stderr, flush=True)
