"""One MP4 of a storyboard's chosen takes, in order (no Qt; every function here blocks: run it off the loop).

Which takes: `plan_run`'s chosen take of every shot (the creator's pick, else the first ready one). How they
are joined is `media.join`: packet copy when every take shares its codec parameters, else a re-encode the
creator agreed to (`JoinOptions.reencode`). The file is written atomically by `media`; the engine then
records it in the history as a ready job (`JobStore.insert_file_job`), so it shows beside the shots.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.storyboard.model import Storyboard
from getimg_studio.jobs.storyboard.plan import plan_run
from getimg_studio.jobs.storyboard.slots import RunState

if TYPE_CHECKING:  # media loads PyAV: only when an export is made
    from getimg_studio.media.join_plan import JoinOptions, JoinPlan

EXPORT_MODEL = "storyboard-export"  # the history's model name for a joined storyboard (never sent to getimg)


class StoryboardSource(Protocol):
    def storyboard(self, storyboard_id: int) -> Storyboard | None: ...
    def run_state(self, storyboard_id: int) -> RunState: ...


def export_options(*, reencode: bool = False, crossfade: float = 0.0, audio: bool = True,
                   fit: str = "letterbox") -> JoinOptions:
    from getimg_studio.media.geometry import Fit
    from getimg_studio.media.join_plan import JoinOptions

    return JoinOptions(audio=audio, crossfade=crossfade, fit=Fit(fit), reencode=reencode)


def chosen_takes(source: StoryboardSource, storyboard_id: int) -> tuple[Storyboard, tuple[Path, ...]]:
    """The storyboard and its chosen takes' files; GetimgError(INVALID) naming the shots still without one."""
    storyboard = source.storyboard(storyboard_id)
    if storyboard is None:
        raise GetimgError(ErrorKind.NOT_FOUND, f"There is no storyboard {storyboard_id}.")
    plan = plan_run(storyboard, source.run_state(storyboard_id))
    if not plan.complete:
        missing = [f"shot {storyboard.index_of(v.shot_id) + 1} ({v.status.value})"
                   for v in plan.shots if not v.status.done]
        raise GetimgError(ErrorKind.INVALID, "Every shot needs a ready take before the storyboard is exported; "
                          f"not yet: {', '.join(missing) or 'it has no shots'}.", param="storyboard")
    files = plan.chosen_files()
    gone = [str(f) for f in files if not f.is_file()]
    if gone:
        raise GetimgError(ErrorKind.INVALID, f"A chosen take's file is missing: {', '.join(gone)}.", param="input")
    return storyboard, files


def plan_storyboard_export(source: StoryboardSource, storyboard_id: int,
                           options: JoinOptions) -> tuple[tuple[Path, ...], JoinPlan]:
    """The files and how they will be joined (`plan.copies`, `plan.summary`): show it before joining."""
    from getimg_studio.media.join import plan_files

    storyboard, files = chosen_takes(source, storyboard_id)
    return files, plan_files(files, options, labels=shot_labels(storyboard))


def shot_labels(storyboard: Storyboard) -> list[str]:
    return [f"shot {i}" for i in range(1, len(storyboard.shots) + 1)]


def join_takes(storyboard: Storyboard, files: tuple[Path, ...], out: Path, options: JoinOptions, *,
               progress: Callable[[float], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> Path:
    from getimg_studio.media.join import join

    return join(files, out, options, progress=progress, cancel=cancel, labels=shot_labels(storyboard)).path


def export_request(storyboard: Storyboard) -> GenerationRequest:
    """What the history shows for the export: the storyboard's name as its prompt."""
    return GenerationRequest(EXPORT_MODEL, storyboard.name)
