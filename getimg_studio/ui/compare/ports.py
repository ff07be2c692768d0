"""What the compare view may ask of the rest of the window (wired in ui/window/builder.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job

KeepFn = Callable[[Job], Awaitable[None]]  # "Keep this one": favourite it, or pick the storyboard take


@dataclass(frozen=True)
class ComparePorts:
    jobs: Callable[[Sequence[int]], list[Job]]  # the history's read of these ids (any order)
    favourite: Callable[[Sequence[int], bool], Awaitable[None]]
    remix: Callable[[GenerationRequest], None]  # load a request into the compose form
    model_name: Callable[[str], str]
