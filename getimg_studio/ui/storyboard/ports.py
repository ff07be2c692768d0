"""What the Storyboard view may ask of the engine: a frozen bundle of callables, wired in window/builder.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.api.types import ModelInfo
from getimg_studio.jobs.model import Job
from getimg_studio.jobs.storyboard.model import Storyboard
from getimg_studio.jobs.storyboard.regenerate import Regeneration
from getimg_studio.jobs.storyboard.slots import RunState
from getimg_studio.jobs.storyboard.tables import StoryboardSummary
from getimg_studio.jobs.storyboard_runner import RunResult
from getimg_studio.ui.compare.ports import KeepFn
from getimg_studio.ui.ports import Catalogue

if TYPE_CHECKING:
    from getimg_studio.media.join_plan import JoinOptions

Progress = Callable[[float], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class StoryboardPorts:
    catalogue: Catalogue
    image_models: Callable[[], list[ModelInfo]]  # for keyframes from a prompt (checked and priced)
    list_storyboards: Callable[[], list[StoryboardSummary]]  # the read-only history
    load: Callable[[int], Storyboard | None]
    run_state: Callable[[int], RunState]
    job: Callable[[int], Job | None]
    add: Callable[[Storyboard], Awaitable[Storyboard]]
    save: Callable[[Storyboard], Awaitable[Storyboard]]
    run: Callable[[int], Awaitable[RunResult]]
    resume: Callable[[], Awaitable[list[int]]]  # runs a quit, crash or kill left: they carry on
    choose_take: Callable[[int, str, int | None], Awaitable[Storyboard]]
    regenerate: Callable[[int, str, bool], Awaitable[Regeneration]]  # id, shot, remake the stale ones too
    export: Callable[[int, Sequence[Path], Path, JoinOptions, Progress, Cancel], Awaitable[Job]]
    preview_dir: Path  # make_preview's cache
    thumbnails_dir: Path
    # The compare page with these takes side by side; its "Keep this one" calls the given keep. None: no
    # compare page in this window (the button is not shown).
    compare_takes: Callable[[Sequence[int], KeepFn], bool] | None = None
    # Settings at the monthly budget, from a run the budget refused ("Raise budget…"). None: no link.
    raise_budget: Callable[[], None] | None = None
