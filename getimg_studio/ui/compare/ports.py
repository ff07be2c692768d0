"""What the compare view may ask of the rest of the window (wired in ui/window/builder.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobKind, JobState

MIN_TAKES, MAX_TAKES = 2, 4


def comparable(job: Job) -> bool:
    """A take the compare page can play. Here, not in the controller: the queue asks on every selection at
    start-up, and the controller's module loads the multimedia stack the first paint does not need."""
    return job.state is JobState.READY and job.file_path is not None and job.kind is JobKind.VIDEO


KeepFn = Callable[[Job], Awaitable[None]]  # "Keep this one": favourite it, or pick the storyboard take


@dataclass(frozen=True)
class ComparePorts:
    jobs: Callable[[Sequence[int]], list[Job]]  # the history's read of these ids (any order)
    favourite: Callable[[Sequence[int], bool], Awaitable[None]]
    remix: Callable[[GenerationRequest], None]  # load a request into the compose form
    model_name: Callable[[str], str]
