"""`getimg-studio import FILE`: add a video to the history (an imported row, playable and comparable in the
window) and say the recipe it carries, or that it carries none.

A file whose bytes already are a job's output is that job (nothing is added). Writing the history takes the
engine's lock, so it is refused while a window works on it (drop the file onto that window instead).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.jobs.imports import Imported
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = subparsers.add_parser("import", help="add a video to the history and print the recipe it carries")
    cmd.add_argument("file", type=Path, metavar="FILE")
    cmd.add_argument("--json", action="store_true", help="print the job and its recipe as JSON")


def run(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.instance_lock import InstanceLock
    from getimg_studio.jobs import imports
    from getimg_studio.jobs.lifecycle import Lifecycle
    from getimg_studio.jobs.store import JobStore, utcnow

    lock = InstanceLock(paths.data / "engine.lock")
    lock.acquire()
    try:
        finding = imports.inspect_file(args.file.expanduser().absolute(), paths.frames)
        store = JobStore(paths.database)
        try:
            done = imports.record(store, Lifecycle(store, lambda _event: None, utcnow), finding)
        finally:
            store.close()
    finally:
        lock.release()
    _report(done, as_json=args.json)
    return 0


def _report(done: Imported, *, as_json: bool) -> None:
    from getimg_studio.cli.common import job_to_json, print_json
    from getimg_studio.jobs.imports import describe
    from getimg_studio.media.recipe import recipe_to_dict

    finding = done.finding
    if as_json:
        print_json({"job": job_to_json(done.job), "known": done.known,
                    "recipe_from": finding.source.value if finding.source else None,
                    "recipes": [recipe_to_dict(r) for r in finding.recipes], "notes": list(finding.notes)})
        return
    print(describe(finding))
    for recipe in finding.recipes:
        for key, value in recipe_to_dict(recipe).items():
            if key == "frames":
                value = "; ".join(f"{f['role']} {f['sha256'][:12]} {f['name']}".strip() for f in value)
            elif key == "notes":
                value = "; ".join(value)
            if value not in (None, "", [], {}):
                print(f"{key:>14}: {value}")
    for note in finding.notes:
        print(f"note: {note}", file=sys.stderr)
    where = "It already is" if done.known else "Added to the history as"
    print(f"{where} job {done.job.id}.", file=sys.stderr)
