"""A request on its way into the queue: checked against the model, its frames copied into the history's own
folder and made ready for the API (data URLs), before anything is queued. Nothing is sent here.

Videos and images take the same path (`checked`): the rules differ by kind (`validate` / `validate_image`,
`estimate_cost` / `estimate_image_cost`, frames / references), the steps and their order do not, so whatever
is added to the path applies to both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import CostEstimate, FrameRef, ModelInfo
from getimg_studio.jobs.model import request_frames

if TYPE_CHECKING:
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.frames import PreparedFrame
    from getimg_studio.api.validation import Issue
    from getimg_studio.jobs.model import JobRequest


async def checked(request: JobRequest, catalogue: ModelCatalogue, frames_dir: Path,
                  prepare: Callable[[JobRequest], Awaitable[list[PreparedFrame]]],
                  ) -> tuple[JobRequest, CostEstimate]:
    """The request as it will be queued (its frames are the history's copies) and what one costs.

    GetimgError(INVALID, param=field) for a field the model does not allow, FRAME for an image getimg cannot
    take: refused before queueing, so nothing waits in the queue to fail later.
    """
    model, issues = _validated(request, catalogue)
    if issues:
        raise GetimgError(ErrorKind.INVALID, issues[0].message, param=issues[0].field)
    assert model is not None
    request = await import_frames(request, frames_dir)
    await prepare(request)
    return request, _estimate(request, model)


def _validated(request: JobRequest, catalogue: ModelCatalogue) -> tuple[ModelInfo | None, list[Issue]]:
    if isinstance(request, ImageRequest):
        from getimg_studio.api.image_validation import validate_image

        # A video model is looked up too, so that choosing one says "not an image model", not "unknown".
        image_model = catalogue.get_image(request.model) or catalogue.get(request.model)
        return image_model, validate_image(request, image_model)
    from getimg_studio.api.validation import validate

    model = catalogue.get(request.model)
    return model, validate(request, model)


def _estimate(request: JobRequest, model: ModelInfo) -> CostEstimate:
    """What ONE job of the request costs (a batch of N is `.times(N)`)."""
    if isinstance(request, ImageRequest):
        from getimg_studio.api.image_pricing import estimate_image_cost

        return estimate_image_cost(request, model)
    from getimg_studio.api.pricing import estimate_cost

    return estimate_cost(request, model)


def with_frames(request: JobRequest, frames: tuple[FrameRef, ...]) -> JobRequest:
    if isinstance(request, ImageRequest):
        return replace(request, references=frames)
    return replace(request, frames=frames)


async def import_frames(request: JobRequest, frames_dir: Path) -> JobRequest:
    from getimg_studio.api.frames import import_frame

    loop = asyncio.get_running_loop()
    frames: list[FrameRef] = []
    for number, frame in enumerate(request_frames(request), 1):
        if frame.path is None:
            frames.append(frame)
            continue
        try:
            copy = await loop.run_in_executor(None, import_frame, frame.path, frames_dir)
        except GetimgError as exc:
            if not isinstance(request, ImageRequest):
                raise
            from getimg_studio.api.image_validation import reference_error

            raise reference_error(number, exc) from None
        frames.append(FrameRef(frame.role, path=copy))
    return with_frames(request, tuple(frames))


async def prepare_frames(request: JobRequest) -> list[PreparedFrame]:
    """The request's frames as the API takes them (Pillow and file reads: in an executor)."""
    if isinstance(request, ImageRequest):
        from getimg_studio.api.image_validation import prepare_references

        return await asyncio.get_running_loop().run_in_executor(None, prepare_references, request.references)
    return await asyncio.get_running_loop().run_in_executor(None, _prepare, request.frames)


def _prepare(frames: Sequence[FrameRef]) -> list[PreparedFrame]:
    from getimg_studio.api.frames import check_body_size, prepare_frame

    prepared = [prepare_frame(f) for f in frames]
    check_body_size(prepared)
    return prepared
