"""`getimg-studio generate` and `getimg-studio jobs list/show/resume`: the window's engine and history, in a shell.

Exit codes: 0 done (with `--wait`: every video saved), 1 a job did not end `ready` or getimg refused,
2 bad arguments or input (nothing was sent), 130 interrupted (jobs stay in the history; `jobs resume
--wait` finishes them). Progress goes to stderr; saved file paths (or JSON) go to stdout.

`jobs resume --wait` follows every unfinished job to its end; without `--wait` it checks each one once
(one status request, and the download of whatever is already finished) and says what is still running.
`generate` without `--wait` exits once getimg accepted the jobs; they stay pending in the history.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import FrameRef, GenerationRequest, Role, format_money
from getimg_studio.jobs.model import (
    UNSENT_STATES,
    DownloadProgress,
    Job,
    JobChanged,
    JobEvent,
    JobFilter,
    JobState,
    QueueStatus,
)
from getimg_studio.paths import Paths

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade

PROG = "getimg-studio"
INTERRUPTED = (
    "Interrupted. Jobs still generating or queued stay in the history (getimg may still bill those it "
    f"received): run `{PROG} jobs resume --wait` to finish them."
)


class UsageError(Exception):
    """Bad arguments or input: one line on stderr, exit code 2, nothing sent."""


def run_command(args: argparse.Namespace, paths: Paths) -> int:
    try:
        if args.command == "jobs" and args.jobs_command in ("list", "show"):
            return _history_command(args, paths)
        return asyncio.run(_run_async(args, paths))
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except GetimgError as exc:
        print(f"{PROG}: error: {exc.message}", file=sys.stderr)
        return 2 if exc.kind in (ErrorKind.INVALID, ErrorKind.FRAME) else 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130


# History (no network) ----------------------------------------------------------------------------

def _history_command(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.jobs.store import JobStore

    store = JobStore(paths.database)
    try:
        return _print_history(args, store)
    except BrokenPipeError:
        # `jobs list | head`: the reader left. Nothing more to say, and no traceback at exit either
        # (Python flushes stdout once more then): point stdout at /dev/null, as the Python docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        store.close()


def _print_history(args: argparse.Namespace, store: Any) -> int:
    if args.jobs_command == "list":
        jobs = store.page(JobFilter.ALL, "", 0, 1_000_000)
        if args.json:
            _print_json([job_to_json(j) for j in jobs])
        else:
            _print_table(jobs, sys.stdout)
        return 0
    job = store.get(args.id)
    if job is None:
        raise UsageError(f"there is no job {args.id} in the history (see `{PROG} jobs list`)")
    if args.json:
        _print_json(job_to_json(job))
    else:
        for key, value in job_to_json(job).items():
            if value not in (None, "", []):
                print(f"{key:>14}: {value}")
    return 0


def job_to_json(job: Job) -> dict[str, Any]:
    request = job.request
    return {
        "id": job.id,
        "state": job.state.value,
        "remote_id": job.remote_id,
        "model": request.model,
        "prompt": request.prompt,
        "aspect_ratio": request.aspect_ratio,
        "resolution": request.resolution,
        "duration": request.duration,
        "sound": request.sound,
        "frames": [f.to_json() for f in request.frames],
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


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    sys.stdout.flush()


def _print_table(jobs: Sequence[Job], out: TextIO) -> None:
    if not jobs:
        print("No jobs yet.", file=out)
        return
    print(f"{'ID':>6}  {'STATE':<11} {'CREATED':<16}  {'MODEL':<20} PROMPT", file=out)
    for job in jobs:
        prompt = " ".join(job.request.prompt.split())
        prompt = prompt if len(prompt) <= 50 else prompt[:49] + "…"
        created = job.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{job.id:>6}  {job.state.value:<11} {created:<16}  {job.request.model:<20} {prompt}", file=out)


# Commands that talk to getimg -------------------------------------------------------------------

async def _run_async(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.services import build_services, close_services
    from getimg_studio.settings import load_settings

    request = None
    if args.command == "generate":
        request = await _local_checks(args)  # before anything starts: no request for a bad input
    settings = await asyncio.get_running_loop().run_in_executor(None, load_settings, paths.settings_file)
    services = await build_services(paths, settings, demo=args.demo, base_url=args.base_url)
    try:
        if request is not None:
            return await _generate(services.engine, args, request)
        return await _resume(services.engine, wait=args.wait)
    finally:
        await close_services(services)


async def _local_checks(args: argparse.Namespace) -> GenerationRequest:
    if not args.prompt.strip():
        raise UsageError("the prompt is empty")
    frames: list[FrameRef] = []
    for role, path in (
        (Role.FIRST_FRAME, args.first_frame),
        (Role.LAST_FRAME, args.last_frame),
        *((Role.REFERENCE_IMAGE, p) for p in args.reference_image),
    ):
        if path is None:
            continue
        resolved = await asyncio.get_running_loop().run_in_executor(None, _check_frame, Path(path), role)
        frames.append(FrameRef(role, path=resolved))
    return GenerationRequest(
        model=args.model or "", prompt=args.prompt, aspect_ratio=args.aspect_ratio, resolution=args.resolution,
        duration=args.duration, sound=args.sound, frames=tuple(frames),
    )


def _check_frame(path: Path, role: Role) -> Path:
    """Blocking: the file exists and is an image getimg can take (or will be converted)."""
    from getimg_studio.api.frames import inspect_frame

    if not path.is_file():
        raise UsageError(f"{role.label.lower()} {path}: no such file")
    inspect_frame(path)
    return path.resolve()


async def _load_models(engine: EngineFacade) -> None:
    try:
        await engine.refresh_catalogue()
    except GetimgError as exc:
        if not await asyncio.get_running_loop().run_in_executor(None, engine.catalogue.load_cache):
            raise GetimgError(exc.kind, f"The model list is unavailable: {exc.message}") from None
        print(f"warning: using the cached model list ({exc.message})", file=sys.stderr)


async def _generate(engine: EngineFacade, args: argparse.Namespace, request: GenerationRequest) -> int:
    from dataclasses import replace

    from getimg_studio.api.pricing import estimate_cost
    from getimg_studio.api.validation import validate

    await _load_models(engine)
    if not request.model:
        models = engine.catalogue.models()
        if not models:
            raise GetimgError(ErrorKind.NOT_FOUND, "getimg lists no video model.")
        request = replace(request, model=models[0].id)
    model = engine.catalogue.get(request.model)
    issues = validate(request, model)
    if issues or model is None:
        raise UsageError(issues[0].message if issues else f"no model {request.model}")
    estimate = estimate_cost(request, model).times(args.variations)
    count = f"{args.variations} videos" if args.variations > 1 else "1 video"
    print(f"Estimated cost: {estimate.text()} for {count} ({request.model}).", file=sys.stderr)
    await engine.start()  # recovery, then the queue goes on: jobs queued earlier go first
    ahead = len((await engine.queue_status()).order)
    known = engine.store.ids()
    newest = known[0] if known else 0
    # Listening before the jobs exist: the queue may send the first before submit() has returned here.
    progress = _Progress(lambda job_id: job_id > newest, print_paths=args.wait and not args.json)
    unsubscribe = engine.subscribe(progress)
    try:
        jobs = await engine.submit(request, args.variations)
        if ahead:
            print(f"{ahead} job(s) queued earlier go first.", file=sys.stderr)
        ids = [j.id for j in jobs]
        if args.wait:
            return await _wait(engine, ids, as_json=args.json, progress=progress)
        jobs = await engine.wait_sent(ids)
    finally:
        unsubscribe()
    status = await engine.queue_status()
    if args.json:
        _print_json([job_to_json(j) for j in jobs])
    for job in jobs:
        if job.state in UNSENT_STATES:
            print(f"job {job.id}: {_why(job, status)}", file=sys.stderr)
    left = sum(1 for j in jobs if j.state in UNSENT_STATES)
    if left:
        print(f"{left} job(s) stay queued: `{PROG} jobs resume --wait` sends them (so does the window).",
              file=sys.stderr)
    else:
        print(f"Follow them with `{PROG} jobs resume --wait`.", file=sys.stderr)
    refused = status.held is not None or any(j.state.terminal for j in jobs)
    return 1 if refused else 0


async def _resume(engine: EngineFacade, *, wait: bool) -> int:
    before = [j.id for j in engine.unfinished()]  # recovery may finish some (a lost POST becomes uncertain)
    await engine.start(track=wait)
    if wait:  # draining is the creator's explicit go: the queue and jobs waiting on them carry on
        await engine.resume_queue()
        await engine.resume([j.id for j in engine.unfinished() if j.state is JobState.WAITING])
    ids = before
    if not ids:
        print("Nothing to resume: every job has finished.", file=sys.stderr)
        return 0
    print(f"Resuming {len(ids)} job(s).", file=sys.stderr)
    if wait:
        return await _wait(engine, ids, as_json=False)
    sent = [j.id for j in engine.store.get_many(ids) if j.state.active and j.state not in UNSENT_STATES]
    jobs = await engine.check_once(sent)
    _print_table(engine.store.get_many(ids), sys.stderr)
    for job in jobs:
        if job.state is JobState.READY:
            for path in job.files:
                print(path)
    still = sum(1 for j in jobs if j.state.active)
    if still:
        print(f"{still} job(s) still generating: `{PROG} jobs resume --wait` waits for them.", file=sys.stderr)
    queued = sum(1 for j in engine.store.get_many(ids) if j.state in UNSENT_STATES)
    if queued:
        print(f"{queued} job(s) queued: `{PROG} jobs resume --wait` sends them.", file=sys.stderr)
    lost = [j for j in engine.store.get_many(ids) if j.state is JobState.UNCERTAIN]
    for job in lost:
        print(f"job {job.id}: {_why(job, await engine.queue_status())}", file=sys.stderr)
    ok = (JobState.READY, JobState.PENDING, JobState.DOWNLOADING)
    return 0 if not lost and all(j.state in ok for j in jobs) else 1


async def _wait(engine: EngineFacade, ids: list[int], *, as_json: bool, progress: _Progress | None = None) -> int:
    unsubscribe = None
    if progress is None:
        wanted = set(ids)
        progress = _Progress(wanted.__contains__, print_paths=not as_json)
        unsubscribe = engine.subscribe(progress)
    try:
        jobs = await engine.wait_idle(ids, flagged=True)
    finally:
        if unsubscribe is not None:
            unsubscribe()
    if as_json:
        _print_json([job_to_json(j) for j in jobs])
    status = await engine.queue_status()
    for job in jobs:
        if job.state is not JobState.READY:
            print(f"job {job.id}: {_why(job, status)}", file=sys.stderr)
    if engine.session_spent:
        print(f"Billed in this run: {format_money(engine.session_spent)}.", file=sys.stderr)
    return 0 if jobs and all(j.state is JobState.READY for j in jobs) else 1


def _why(job: Job, status: QueueStatus) -> str:
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


class _Progress:
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
