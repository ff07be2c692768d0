"""`getimg-studio image PROMPT ...`: make images (keyframes) on the window's engine, in the same history.

Each variation is an image job of its own (the API makes one image per request). It returns once each
image is saved (its path on stdout) or ended otherwise, saying why: with or without `--wait`, since getimg
gives an image's address once, in its answer, and there is nothing to come back to later. A ready image
job's file can then start a video: `getimg-studio generate --first-frame-job ID`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.api.image_types import ImageRequest
    from getimg_studio.api.types import FrameRef, Role
    from getimg_studio.jobs.facade import EngineFacade
    from getimg_studio.jobs.store import JobReader
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    img = subparsers.add_parser("image", help="make an image (a keyframe) from a prompt")
    img.add_argument("prompt")
    img.add_argument("--model", help="image model id (default: the first image model)")
    img.add_argument("--resolution", help="e.g. 1K, 2K (default: the model's)")
    img.add_argument("--aspect-ratio", help="e.g. 16:9 (default: the model's)")
    img.add_argument("--format", dest="output_format", choices=("jpeg", "png", "webp"),
                     help="file format (default: getimg's, JPEG)")
    img.add_argument("--reference", type=Path, action="append", default=[], metavar="FILE",
                     help="a reference image (repeat for several): keeps a look across keyframes")
    img.add_argument("--variations", type=int, default=1, choices=range(1, 5), metavar="N",
                     help="how many images to choose from (1-4; each is billed)")
    img.add_argument("--wait", action="store_true",
                     help="wait until every image is saved (always done: getimg gives an image's address once)")
    img.add_argument("--json", action="store_true", help="print machine-readable JSON")


def run(args: argparse.Namespace, paths: Paths) -> int:
    return asyncio.run(_run(args, paths))


async def _run(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.cli.common import open_services

    request = await local_checks(args)  # before anything starts: no request for a bad input
    async with open_services(args, paths) as services:
        return await _make(services.engine, args, request)


async def local_checks(args: argparse.Namespace) -> ImageRequest:
    from getimg_studio.api.image_types import ImageRequest
    from getimg_studio.api.types import FrameRef, Role
    from getimg_studio.cli.common import UsageError
    from getimg_studio.cli.generate import check_frame

    if not args.prompt.strip():
        raise UsageError("the prompt is empty")
    loop = asyncio.get_running_loop()
    references = [FrameRef(Role.REFERENCE_IMAGE, path=await loop.run_in_executor(None, check_frame, Path(p),
                                                                                  Role.REFERENCE_IMAGE))
                  for p in args.reference]
    return ImageRequest(model=args.model or "", prompt=args.prompt, aspect_ratio=args.aspect_ratio,
                        resolution=args.resolution, output_format=args.output_format, references=tuple(references))


def frame_from_job(store: JobReader, job_id: int, role: Role) -> FrameRef:
    """A ready image job's saved file as a frame of a video request (`generate --first-frame-job ID`)."""
    from getimg_studio.api.types import FrameRef
    from getimg_studio.cli.common import UsageError
    from getimg_studio.jobs.model import JobKind, JobState

    what = f"--{role.value.replace('_', '-')}-job {job_id}"
    job = store.get(job_id)
    if job is None:
        raise UsageError(f"{what}: no job {job_id} in the history")
    if job.kind is not JobKind.IMAGE:
        raise UsageError(f"{what}: job {job_id} made a video, not an image")
    if job.state is not JobState.READY or job.file_path is None:
        raise UsageError(f"{what}: image job {job_id} is {job.state.label.lower()}, not saved")
    if not job.file_path.is_file():
        raise UsageError(f"{what}: the image file is missing: {job.file_path}")
    return FrameRef(role, path=job.file_path)


async def _make(engine: EngineFacade, args: argparse.Namespace, request: ImageRequest) -> int:
    from dataclasses import replace

    from getimg_studio.api.errors import ErrorKind, GetimgError
    from getimg_studio.api.image_pricing import estimate_image_cost
    from getimg_studio.api.image_validation import validate_image
    from getimg_studio.cli.common import Progress, UsageError, load_models, wait_for_jobs

    await load_models(engine)
    if not request.model:
        models = engine.catalogue.image_models()
        if not models:
            raise GetimgError(ErrorKind.NOT_FOUND, "getimg lists no image model.")
        request = replace(request, model=models[0].id)
    model = engine.catalogue.get_image(request.model) or engine.catalogue.get(request.model)
    issues = validate_image(request, model)
    if issues or model is None:
        raise UsageError(issues[0].message if issues else f"no image model {request.model}")
    estimate = estimate_image_cost(request, model).times(args.variations)
    count = f"{args.variations} images" if args.variations > 1 else "1 image"
    print(f"Estimated cost: {estimate.text()} for {count} ({request.model}).", file=sys.stderr)
    await engine.start()  # recovery, then the queue goes on: jobs queued earlier go first
    known = engine.store.ids()
    newest = known[0] if known else 0
    # Listening before the jobs exist: the queue may send the first before submit() has returned here.
    progress = Progress(lambda job_id: job_id > newest, print_paths=not args.json)
    unsubscribe = engine.subscribe(progress)
    try:
        jobs = await engine.submit_image(request, args.variations)
        # Always waited for: getimg gives an image's address once, in its answer, so leaving before the
        # file is saved would lose an image already billed (closing the engine mid-request makes it uncertain).
        return await wait_for_jobs(engine, [j.id for j in jobs], as_json=args.json, progress=progress)
    finally:
        unsubscribe()
