"""`join`: clips in order into one MP4, by packet copy when they allow it, else by re-encoding.

    plan = plan_join([probe(p) for p in paths], options)   # ask the creator first when not plan.copies
    result = join(paths, out, options, progress=..., cancel=...)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .control import CancelToken, Control, ProgressFn
from .encode_join import encode_join
from .join_plan import JoinOptions, JoinPlan, plan_join
from .probe import MediaInfo, probe
from .remux import copy_join


@dataclass(frozen=True, slots=True)
class JoinResult:
    path: Path
    plan: JoinPlan  # what was done: copy or re-encode, where each clip starts


def plan_files(inputs: Sequence[Path], options: JoinOptions | None = None,
               labels: Sequence[str] | None = None) -> JoinPlan:
    """Probe `inputs` and plan their join: what the UI shows before asking "re-encode?" (blocking)."""
    return plan_join([probe(p) for p in inputs], options or JoinOptions(), labels)


def join(inputs: Sequence[Path], out: Path, options: JoinOptions | None = None, *,
         progress: ProgressFn | None = None, cancel: CancelToken | None = None,
         labels: Sequence[str] | None = None, infos: Sequence[MediaInfo] | None = None) -> JoinResult:
    """Join `inputs` into `out` (atomically). `infos`: the inputs' probes when the caller already has them.

    Raises `MediaError` (a clip unreadable, an option impossible, the disk) or `Cancelled` (nothing written).
    """
    options = options or JoinOptions()
    control = Control(progress, cancel)
    probed = list(infos) if infos is not None else [probe(p) for p in inputs]
    plan = plan_join(probed, options, labels)
    if plan.copies:
        copy_join(probed, plan, out, options, control)
    else:
        encode_join(probed, plan, out, options, control)
    control.done()
    return JoinResult(out, plan)
