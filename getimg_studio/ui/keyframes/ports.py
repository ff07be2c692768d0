"""What the image form may do, as narrow callables (wired in ui/window/builder.py, faked in tests)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import CostEstimate, GenerationRequest, ModelInfo
from getimg_studio.jobs.model import Job


@dataclass(frozen=True)
class KeyframePorts:
    image_models: Callable[[], list[ModelInfo]]
    estimate: Callable[[ImageRequest], CostEstimate]  # one image; unknown amount when unpriced
    # Queues N image jobs and returns once the first was made or refused (getimg's refusal names the field).
    submit: Callable[[ImageRequest, int], Awaitable[list[Job]]]
    wait_done: Callable[[Sequence[int]], Awaitable[list[Job]]]  # until each job is ready or ended otherwise
    video_request: Callable[[], GenerationRequest]  # the compose form's request: prompt and aspect ratio
    confirm_over: Callable[[], int]  # Settings.confirm_batch_over: more than this many images asks first
