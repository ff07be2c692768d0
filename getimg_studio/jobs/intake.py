"""A request on its way into the queue: checked against the model, its frames copied into the history's own
folder and made ready for the API (data URLs), before anything is queued. Nothing is sent here."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import CostEstimate, FrameRef, GenerationRequest

if TYPE_CHECKING:
    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.frames import PreparedFrame


async def checked(request: GenerationRequest, catalogue: ModelCatalogue, frames_dir: Path,
                  prepare: Callable[[GenerationRequest], Awaitable[list[PreparedFrame]]],
                  ) -> tuple[GenerationRequest, CostEstimate]:
    """The request as it will be queued (its frames are the history's copies) and what one costs.

    GetimgError(INVALID, param=field) for a field the model does not allow, FRAME for an image getimg cannot
    take: refused before queueing, so nothing waits in the queue to fail later.
    """
    from getimg_studio.api.pricing import estimate_cost
    from getimg_studio.api.validation import validate

    model = catalogue.get(request.model)
    issues = validate(request, model)
    if issues:
        raise GetimgError(ErrorKind.INVALID, issues[0].message, param=issues[0].field)
    assert model is not None
    request = await import_frames(request, frames_dir)
    await prepare(request)
    return request, estimate_cost(request, model)


async def import_frames(request: GenerationRequest, frames_dir: Path) -> GenerationRequest:
    from getimg_studio.api.frames import import_frame

    loop = asyncio.get_running_loop()
    frames: list[FrameRef] = []
    for frame in request.frames:
        if frame.path is None:
            frames.append(frame)
            continue
        copy = await loop.run_in_executor(None, import_frame, frame.path, frames_dir)
        frames.append(FrameRef(frame.role, path=copy))
    return replace(request, frames=tuple(frames))


async def prepare_frames(request: GenerationRequest) -> list[PreparedFrame]:
    """The request's frames as the API takes them (Pillow and file reads: in an executor)."""
    return await asyncio.get_running_loop().run_in_executor(None, _prepare, request.frames)


def _prepare(frames: Sequence[FrameRef]) -> list[PreparedFrame]:
    from getimg_studio.api.frames import check_body_size, prepare_frame

    prepared = [prepare_frame(f) for f in frames]
    check_body_size(prepared)
    return prepared
