"""The pictures of an export, in output order: decoded once, fitted, and (for a loop) played back in reverse
from a spool file on disk, so memory stays flat whatever the clip's length."""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

import numpy as np
from av.video.frame import VideoFrame

from .control import Control
from .decode import Retimer, video_frames
from .encoder import Fitter
from .errors import unreadable
from .export_plan import ExportPlan
from .geometry import Fit
from .probe import open_input


def forward_frames(source: Path, plan: ExportPlan, pix_fmt: str, control: Control,
                   only: Collection[int] | None = None) -> Iterator[VideoFrame]:
    """The forward pass: the picture on screen at each output instant, fitted (`only`: just these indices)."""
    fitter = Fitter(plan.width, plan.height, Fit.LETTERBOX, pix_fmt)
    times = plan.times[:plan.forward_count]
    with open_input(source) as container:
        retimer = Retimer(video_frames(container, source, control, plan.start))
        for index, t in enumerate(times):
            frame = retimer.at(t)
            if frame is None:
                raise unreadable(source, "it holds no picture")
            if only is None or index in only:
                yield fitter.frame(frame)


def export_frames(source: Path, plan: ExportPlan, pix_fmt: str, control: Control) -> Iterator[VideoFrame]:
    """Every output picture in order: forward, then (a loop) back again without repeating either end."""
    if plan.frame_count == plan.forward_count:
        yield from forward_frames(source, plan, pix_fmt, control)
        return
    with tempfile.TemporaryFile(prefix="getimg-loop-") as spool:
        size = 0
        shape: tuple[int, ...] = ()
        for frame in forward_frames(source, plan, pix_fmt, control):
            array = frame.to_ndarray()
            shape, size = array.shape, array.nbytes
            spool.write(array.tobytes())
            yield frame
        for index in range(plan.forward_count - 2, 0, -1):
            control.check()
            spool.seek(index * size)
            array = np.frombuffer(spool.read(size), dtype=np.uint8).reshape(shape)
            yield VideoFrame.from_ndarray(array, format=pix_fmt)
