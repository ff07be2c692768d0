"""`getimg-studio generate PROMPT ...`: queue generations on the window's engine (and wait for them).

Without `--wait` it exits once getimg accepted the jobs (or they wait their turn in the queue); they stay in
the history. With `--wait` it returns once every job is saved or waits on the creator, saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.api.types import GenerationRequest, Role
    from getimg_studio.jobs.facade import EngineFacade
    from getimg_studio.jobs.store import JobReader
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gen = subparsers.add_parser("generate", help="submit a generation (and optionally wait for the video)")
    gen.add_argument("prompt")
    gen.add_argument("--model", help="model id (default: the first video model)")
    gen.add_argument("--aspect-ratio")
    gen.add_argument("--resolution")
    gen.add_argument("--duration", type=float)
    gen.add_argument("--sound", action="store_true")
    gen.add_argument("--first-frame", type=Path)
    gen.add_argument("--last-frame", type=Path)
    gen.add_argument("--first-frame-job", type=int, metavar="ID",
                     help="a ready image job's file as the first frame (see `image`)")
    gen.add_argument("--last-frame-job", type=int, metavar="ID", help="a ready image job's file as the last frame")
    gen.add_argument("--reference-image", type=Path, action="append", default=[])
    gen.add_argument("--variations", type=int, default=1, choices=range(1, 5), metavar="N")
    gen.add_argument("--wait", action="store_true", help="wait until every video is saved")
    gen.add_argument("--json", action="store_true", help="print machine-readable JSON")


def run(args: argparse.Namespace, paths: Paths) -> int:
    return asyncio.run(_run(args, paths))


async def _run(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.cli.common import open_services

    request = await local_checks(args)  # before anything starts: no request for a bad input
    async with open_services(args, paths) as services:
        request = with_job_frames(request, args, services.engine.store)  # still before any request
        return await _generate(services.engine, args, request)


def with_job_frames(request: GenerationRequest, args: argparse.Namespace, store: JobReader) -> GenerationRequest:
    """`--first-frame-job ID` / `--last-frame-job ID`: ready image jobs' files as the request's frames."""
    from dataclasses import replace

    from getimg_studio.api.types import Role
    from getimg_studio.cli.image import frame_from_job

    chosen = [frame_from_job(store, job_id, role) for role, job_id in
              ((Role.FIRST_FRAME, args.first_frame_job), (Role.LAST_FRAME, args.last_frame_job)) if job_id is not None]
    if not chosen:
        return request
    # In the API's order: first frame, last frame, then any references.
    frames = sorted((*request.frames, *chosen), key=lambda f: [Role.FIRST_FRAME, Role.LAST_FRAME,
                                                             Role.REFERENCE_IMAGE].index(f.role))
    return replace(request, frames=tuple(frames))


async def local_checks(args: argparse.Namespace) -> GenerationRequest:
    from getimg_studio.api.types import FrameRef, GenerationRequest, Role
    from getimg_studio.cli.common import UsageError

    if not args.prompt.strip():
        raise UsageError("the prompt is empty")
    for role, path, job in ((Role.FIRST_FRAME, args.first_frame, args.first_frame_job),
                            (Role.LAST_FRAME, args.last_frame, args.last_frame_job)):
        if path is not None and job is not None:
            raise UsageError(f"give the {role.label.lower()} as a file or as an image job, not both")
    frames: list[FrameRef] = []
    for role, path in (
        (Role.FIRST_FRAME, args.first_frame),
        (Role.LAST_FRAME, args.last_frame),
        *((Role.REFERENCE_IMAGE, p) for p in args.reference_image),
    ):
        if path is None:
            continue
        resolved = await asyncio.get_running_loop().run_in_executor(None, check_frame, Path(path), role)
        frames.append(FrameRef(role, path=resolved))
    return GenerationRequest(
        model=args.model or "", prompt=args.prompt, aspect_ratio=args.aspect_ratio, resolution=args.resolution,
        duration=args.duration, sound=args.sound, frames=tuple(frames),
    )


def check_frame(path: Path, role: Role) -> Path:
    """Blocking: the file exists and is an image getimg can take (or will be converted)."""
    from getimg_studio.api.frames import inspect_frame
    from getimg_studio.cli.common import UsageError

    if not path.is_file():
        raise UsageError(f"{role.label.lower()} {path}: no such file")
    inspect_frame(path)
    return path.resolve()


async def _generate(engine: EngineFacade, args: argparse.Namespace, request: GenerationRequest) -> int:
    from dataclasses import replace

    from getimg_studio.api.errors import ErrorKind, GetimgError
    from getimg_studio.api.pricing import estimate_cost
    from getimg_studio.api.validation import validate
    from getimg_studio.cli.common import (
        PROG,
        Progress,
        UsageError,
        job_to_json,
        load_models,
        print_json,
        wait_for_jobs,
        why,
    )
    from getimg_studio.jobs.model import UNSENT_STATES

    await load_models(engine)
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
    progress = Progress(lambda job_id: job_id > newest, print_paths=args.wait and not args.json)
    unsubscribe = engine.subscribe(progress)
    try:
        jobs = await engine.submit(request, args.variations)
        if ahead:
            print(f"{ahead} job(s) queued earlier go first.", file=sys.stderr)
        ids = [j.id for j in jobs]
        if args.wait:
            return await wait_for_jobs(engine, ids, as_json=args.json, progress=progress)
        jobs = await engine.wait_sent(ids)
    finally:
        unsubscribe()
    status = await engine.queue_status()
    if args.json:
        print_json([job_to_json(j) for j in jobs])
    for job in jobs:
        if job.state in UNSENT_STATES:
            print(f"job {job.id}: {why(job, status)}", file=sys.stderr)
    left = sum(1 for j in jobs if j.state in UNSENT_STATES)
    if left:
        print(f"{left} job(s) stay queued: `{PROG} jobs resume --wait` sends them (so does the window).",
              file=sys.stderr)
    else:
        print(f"Follow them with `{PROG} jobs resume --wait`.", file=sys.stderr)
    refused = status.held is not None or any(j.state.terminal for j in jobs)
    return 1 if refused else 0
