"""What every command shares: errors, JSON and tables of jobs, the services, waiting for jobs, progress.

Progress goes to stderr; saved file paths (or JSON) go to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import format_money
from getimg_studio.jobs.model import (
    DownloadProgress,
    Job,
    JobChanged,
    JobEvent,
    JobState,
    QueueStatus,
    request_frames,
)

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade
    from getimg_studio.paths import Paths
    from getimg_studio.services import Services

PROG = "getimg-studio"
INTERRUPTED = (
    "Interrupted. Jobs still generating or queued stay in the history (getimg may still bill those it "
    f"received): run `{PROG} jobs resume --wait` to finish them."
)


class UsageError(Exception):
    """Bad arguments or input: one line on stderr, exit code 2, nothing sent."""


@contextlib.asynccontextmanager
async def open_services(args: argparse.Namespace, paths: Paths) -> AsyncIterator[Services]:
    """The same services the window runs on (`--demo`, `--base-url`), closed in order afterwards."""
    from getimg_studio.services import build_services, close_services
    from getimg_studio.settings import load_settings

    settings = await asyncio.get_running_loop().run_in_executor(None, load_settings, paths.settings_file)
    services = await build_services(paths, settings, demo=args.demo, base_url=args.base_url)
    try:
        yield services
    finally:
        await close_services(services)


def job_to_json(job: Job) -> dict[str, Any]:
    request, video, image = job.request, job.video_request, job.image_request
    return {
        "id": job.id,
        "kind": job.kind.value,
        "state": job.state.value,
        "remote_id": job.remote_id,
        "model": request.model,
        "prompt": request.prompt,
        "aspect_ratio": request.aspect_ratio,
        "resolution": request.resolution,
        "duration": video.duration if video is not None else None,
        "sound": video.sound if video is not None else False,
        "output_format": image.output_format if image is not None else None,
        "frames": [f.to_json() for f in request_frames(request)],  # an image's references
        "created_at": job.created_at.isoformat(),
        "submitted_at": job.submitted_at.isoformat() if job.submitted_at else None,
        "completed_at": job.completed_at.isoformat() if job.completed_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "estimate": str(job.estimate.amount) if job.estimate and job.estimate.amount is not None else None,
        "cost": str(job.cost) if job.cost is not None else None,
        "currency": job.currency,
        "file": str(job.file_path) if job.file_path else None,
        "files": [str(p) for p in job.files],
        "deletes_at": job.deletes_at.isoformat() if job.deletes_at else None,
        "overdue": job.overdue,
        "note": job.attention,
        "favourite": job.favourite,
        "batch_id": job.batch_id,
        "error_code": job.error_code,
        "error_message": job.error_message,
    }


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    sys.stdout.flush()


def print_table(jobs: Sequence[Job], out: TextIO) -> None:
    if not jobs:
        print("No jobs yet.", file=out)
        return
    print(f"{'ID':>6}  {'STATE':<11} {'CREATED':<16}  {'MODEL':<20} PROMPT", file=out)
    for job in jobs:
        prompt = " ".join(job.request.prompt.split())
        prompt = prompt if len(prompt) <= 50 else prompt[:49] + "…"
        created = job.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{job.id:>6}  {job.state.value:<11} {created:<16}  {job.request.model:<20} {prompt}", file=out)


async def load_models(engine: EngineFacade) -> None:
    try:
        await engine.refresh_catalogue()
    except GetimgError as exc:
        if not await asyncio.get_running_loop().run_in_executor(None, engine.catalogue.load_cache):
            raise GetimgError(exc.kind, f"The model list is unavailable: {exc.message}") from None
        print(f"warning: using the cached model list ({exc.message})", file=sys.stderr)


async def wait_for_jobs(engine: EngineFacade, ids: list[int], *, as_json: bool,
                        progress: Progress | None = None) -> int:
    unsubscribe = None
    if progress is None:
        wanted = set(ids)
        progress = Progress(wanted.__contains__, print_paths=not as_json)
        unsubscribe = engine.subscribe(progress)
    try:
        jobs = await engine.wait_idle(ids, flagged=True)
    finally:
        if unsubscribe is not None:
            unsubscribe()
    if as_json:
        print_json([job_to_json(j) for j in jobs])
    status = await engine.queue_status()
    for job in jobs:
        if job.state is not JobState.READY:
            print(f"job {job.id}: {why(job, status)}", file=sys.stderr)
    if engine.session_spent:
        print(f"Billed in this run: {format_money(engine.session_spent)}.", file=sys.stderr)
    return 0 if jobs and all(j.state is JobState.READY for j in jobs) else 1


def why(job: Job, status: QueueStatus) -> str:
    """What a job that did not end `ready` is doing, or waits for, in the creator's words."""
    label = job.state.label.lower()
    if job.state is JobState.QUEUED:
        then = f" (then `{PROG} jobs resume --wait`)" if status.held else ""
        return f"{label}, not sent: {status.reason or 'waiting for its turn'}{then}"
    if job.state is JobState.PAUSED:
        return f"{label} by you, not sent: `{PROG} jobs resume` does not send paused jobs; resume it in the window"
    if job.attention:
        return f"{label}: {job.attention} (`{PROG} jobs resume --wait` keeps following it)"
    if job.state is JobState.WAITING:
        return f"{label}: {job.error_message} (then `{PROG} jobs resume --wait`)"
    return f"{label}: {job.error_message}" if job.error_message else label


class Progress:
    """State changes and download progress on stderr; each saved file's path on stdout as it lands."""

    def __init__(self, wanted: Callable[[int], bool], *, print_paths: bool) -> None:
        self._wanted = wanted
        self._print_paths = print_paths
        self._percent: dict[int, int] = {}

    def __call__(self, event: JobEvent) -> None:
        if isinstance(event, JobChanged) and self._wanted(event.job.id):
            job = event.job
            if job.state is event.previous:
                return
            detail = f": {job.error_message}" if job.error_message and job.state.terminal else ""
            print(f"job {job.id}: {job.state.label.lower()}{detail}", file=sys.stderr)
            if job.state is JobState.READY and self._print_paths:
                for path in job.files:
                    print(path, flush=True)
        elif isinstance(event, DownloadProgress) and self._wanted(event.job_id) and event.total:
            step = event.received * 4 // event.total * 25
            key = event.job_id * 1000 + event.index
            if step > self._percent.get(key, 0):
                self._percent[key] = step
                print(f"job {event.job_id}: downloaded {step} %", file=sys.stderr)
