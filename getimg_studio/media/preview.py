"""A play-ready file of a storyboard's chosen takes, for a player that plays one file without gaps.

QMediaPlayer has no gapless playlist: switching sources shows a gap. One joined file plays shot after shot
with no gap at all, and seeking to a shot is seeking to its start time. When the takes share their codec
parameters (takes of one model at one size usually do) the preview is a packet copy: well under a second for
ten 5 s shots. Otherwise it is re-encoded at libx264's fastest preset. Previews are cached by the takes'
paths, sizes and modification times, so showing the storyboard again is instant; old ones are pruned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .control import CancelToken, ProgressFn
from .geometry import Fit
from .join import join
from .join_plan import JoinOptions, JoinPlan, plan_join
from .probe import probe

PREVIEW_PRESET = "ultrafast"
PREVIEW_CRF = 23
KEEP_PREVIEWS = 6


@dataclass(frozen=True, slots=True)
class Preview:
    path: Path
    starts: tuple[float, ...]  # seconds where each take begins: the strip's marks, the seek targets
    lengths: tuple[float, ...]
    duration: float
    copied: bool  # made by packet copy (True) or re-encoded
    cached: bool  # an earlier preview of the same takes was reused

    def shot_at(self, seconds: float) -> int:
        """The index of the take playing at `seconds` (for the strip's highlight)."""
        index = 0
        for i, start in enumerate(self.starts):
            if seconds + 1e-6 >= start:
                index = i
        return index


def _key(takes: Sequence[Path], options: JoinOptions) -> str:
    digest = hashlib.sha256()
    for take in takes:
        stat = take.stat()
        digest.update(f"{take.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    digest.update(f"{options.audio}{options.fit}{options.crossfade}".encode())
    return digest.hexdigest()[:20]


def make_preview(takes: Sequence[Path], cache_dir: Path, *, fit: Fit = Fit.LETTERBOX, audio: bool = True,
                 progress: ProgressFn | None = None, cancel: CancelToken | None = None,
                 labels: Sequence[str] | None = None) -> Preview:
    """The joined preview of `takes` (blocking). `MediaError` names the take at fault; `Cancelled` when asked."""
    options = JoinOptions(audio=audio, fit=fit, preset=PREVIEW_PRESET, crf=PREVIEW_CRF)
    infos = [probe(t) for t in takes]
    target = cache_dir / f"preview-{_key(takes, options)}.mp4"
    if target.exists():
        plan = plan_join(infos, options, labels)
        if progress is not None:
            progress(1.0)
        return _preview(target, plan, cached=True)
    result = join(takes, target, options, progress=progress, cancel=cancel, labels=labels, infos=infos)
    _prune(cache_dir, keep=target)
    return _preview(target, result.plan, cached=False)


def _preview(path: Path, plan: JoinPlan, *, cached: bool) -> Preview:
    return Preview(path=path, starts=plan.starts, lengths=plan.lengths, duration=plan.duration,
                   copied=plan.copies, cached=cached)


def _prune(cache_dir: Path, keep: Path) -> None:
    """Keep the newest previews; a preview in use by a player elsewhere is only unlinked (still readable)."""
    dated = []
    for path in cache_dir.glob("preview-*.mp4"):
        try:
            dated.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:  # pruned meanwhile by another preview
            continue
    old = sorted((item for item in dated if item[1] != keep), reverse=True)
    for _, stale in old[KEEP_PREVIEWS - 1:]:
        stale.unlink(missing_ok=True)
