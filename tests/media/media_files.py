"""Helpers for media tests on real files (this folder is on sys.path for its tests)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def frames_rgb(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def stream_summary(path: Path) -> dict[str, object]:
    """What a player sees: stream kinds and counts, duration of each, frames of the video."""
    with av.open(str(path)) as container:
        video = container.streams.video
        audio = container.streams.audio
        summary: dict[str, object] = {"video": len(video), "audio": len(audio),
                                      "duration": (container.duration or 0) / av.time_base}
        if video and video[0].duration:
            summary["video_duration"] = float(video[0].duration * video[0].time_base)
        if audio and audio[0].duration:
            summary["audio_duration"] = float(audio[0].duration * audio[0].time_base)
        summary["frames"] = sum(1 for _ in container.decode(video=0))
        return summary


class Counter:
    """A cancel callable that says stop after `n` checks (the work checks once per frame or packet)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.calls = 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.calls > self.n
