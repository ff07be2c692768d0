"""What each part of the window may ask of the engine: narrow services, wired in one place (window/builder.py).

No controller or panel holds the Engine. Each gets a small frozen bundle of callables (or the read-only
`HistoryReader`), so the engine can become a thread-safe facade by changing only the composition root, and
tests build any part with fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import CostEstimate, GenerationRequest, ModelInfo
from getimg_studio.jobs.model import Job, JobFilter, JobKind, JobRequest

SubmitFn = Callable[[GenerationRequest, int], Awaitable[list[Job]]]


class HistoryReader(Protocol):
    """The history as the queue reads it: ids of a view, pages and single jobs, ETAs. Never writes."""

    def count(self, view: JobFilter = ..., search: str = ..., kind: JobKind | None = ...) -> int: ...
    def page(self, view: JobFilter, search: str, offset: int, limit: int, kind: JobKind | None = ...) -> list[Job]: ...
    def ids(self, view: JobFilter = ..., search: str = ..., kind: JobKind | None = ...) -> list[int]: ...
    def queued_ids(self, backend: str | None = ...) -> list[int]: ...
    def get(self, job_id: int) -> Job | None: ...
    def get_many(self, job_ids: Sequence[int]) -> list[Job]: ...
    def median_duration(self, model: str) -> float | None: ...


@dataclass(frozen=True)
class Catalogue:
    """The model lists: what the forms offer, what a retry would cost, what a row calls its model."""

    models: Callable[[], list[ModelInfo]]  # video models
    estimate: Callable[[JobRequest], CostEstimate]  # one generation (one image); unknown amount when unpriced
    model_name: Callable[[str], str]  # the model's display name, or its id when it is not listed
    image_models: Callable[[], list[ModelInfo]] = list

    @classmethod
    def of(cls, models: Callable[[], list[ModelInfo]],
           image_models: Callable[[], list[ModelInfo]] = list) -> Catalogue:
        """Prices and names looked up in `models()` and `image_models()` (the engine's catalogue, or a test's
        lists)."""
        from getimg_studio.api.image_pricing import estimate_image_cost
        from getimg_studio.api.pricing import estimate_cost

        def find(model_id: str, listed: Callable[[], list[ModelInfo]]) -> ModelInfo | None:
            return next((m for m in listed() if m.id == model_id), None)

        def estimate(request: JobRequest) -> CostEstimate:
            if isinstance(request, ImageRequest):
                image_model = find(request.model, image_models)
                return estimate_image_cost(request, image_model) if image_model is not None else CostEstimate(None)
            model = find(request.model, models)
            return estimate_cost(request, model) if model is not None else CostEstimate(None)

        def model_name(model_id: str) -> str:
            model = find(model_id, models) or find(model_id, image_models)
            return model.name if model is not None else model_id

        return cls(models=models, estimate=estimate, model_name=model_name, image_models=image_models)


@dataclass(frozen=True)
class ComposePorts:
    catalogue: Catalogue
    submit: SubmitFn
    frames_dir: Path
    edit_queued: Callable[[int, GenerationRequest], Awaitable[Job]]  # a job not sent yet keeps its place


@dataclass(frozen=True)
class QueuePorts:
    history: HistoryReader
    catalogue: Catalogue
    retry: Callable[[int], Awaitable[list[Job]]]
    remove: Callable[[Sequence[int], bool], Awaitable[None]]  # ids, delete the files too
    set_favourite: Callable[[Sequence[int], bool], Awaitable[None]]
    stop_tracking: Callable[[int], Awaitable[None]]
    thumbnails_dir: Path
    queue: QueueControl
    # "Save a copy as…": the file with its recipe in its metadata (issue 14); None: a plain byte copy
    save_copy: Callable[[Job, Path], Awaitable[Path]] | None = None


@dataclass(frozen=True)
class QueueControl:
    """The local queue's operations (jobs not sent yet, and jobs waiting on the creator)."""

    reorder: Callable[[Sequence[int], int | None], Awaitable[None]]  # ids, in order, go right before this id
    pause: Callable[[Sequence[int]], Awaitable[None]]  # queued jobs held back
    resume: Callable[[Sequence[int]], Awaitable[None]]  # paused ones back in line, waiting ones followed again
    pause_queue: Callable[[], Awaitable[None]]
    resume_queue: Callable[[], Awaitable[None]]  # also lifts a hold (a refused key, the quota)
    remove_queued: Callable[[Sequence[int]], Awaitable[list[int]]]  # never sent: nothing billed
    edit_queued: Callable[[int, GenerationRequest], Awaitable[Job]]  # keeps its place in line


@dataclass(frozen=True)
class PlayerPorts:
    redownload: Callable[[int], Awaitable[None]]
    frames_dir: Path  # where "use last frame" writes its PNGs
    # "Save frame…": (job, PNG path, seconds) -> the PNG, with the clip's recipe; raises MediaError or OSError
    save_frame: Callable[[Job, Path, float], Awaitable[Path]]


@dataclass(frozen=True)
class WindowPorts:
    start: Callable[[], Awaitable[None]]  # recovery, first catalogue and balance fetch
    refresh_catalogue: Callable[[], Awaitable[list[ModelInfo]]]
    session_spent: Callable[[], Decimal]
    active_jobs: Callable[[], int]  # jobs a quit leaves running (they carry on at the next start)
    set_output_dir: Callable[[Path], None]
    set_auto_download: Callable[[bool], None]
    set_time_limit: Callable[[float], None]  # seconds; 0: none
    set_max_in_flight: Callable[[int], None]  # 0: learn the account's cap
    set_api_key: Callable[[str], Coroutine[Any, Any, None]]  # live mode: jobs and the queue waiting on the key carry on
    close: Callable[[], Awaitable[None]]  # the engine, the HTTP clients, the history, the demo simulator
    painted: Callable[[], None] = lambda: None  # the window has painted: the engine's first request may go
