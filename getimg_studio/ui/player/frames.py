"""Blocking PyAV helpers for the player and the thumbnails: a clip's metadata, its first and last frames,
and PNGs written atomically. Run them in an executor."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.fsutil import write_atomic

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True, slots=True)
class ClipInfo:
    width: int
    height: int
    fps: float
    duration: float
    has_sound: bool


def probe_clip(path: Path) -> ClipInfo:
    """Raises OSError or PyAV's errors when the file is missing or not a video."""
    import av

    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError(f"{path.name} has no video stream")
        video = container.streams.video[0]
        if video.duration is not None and video.time_base is not None:
            duration = float(video.duration * video.time_base)
        else:
            duration = float(container.duration or 0) / av.time_base
        rate = video.average_rate or video.base_rate
        return ClipInfo(int(video.codec_context.width), int(video.codec_context.height),
                        float(rate) if rate else 0.0, duration, bool(container.streams.audio))


def first_video_frame(path: Path) -> Image.Image:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            image: Image.Image = frame.to_image()
            return image
    raise ValueError(f"{path.name} holds no video frame")


def save_png(image: Image.Image, target: Path) -> None:
    """A reader never sees half a PNG: written beside `target`, then renamed over it."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    write_atomic(target, buffer.getvalue())


def last_frame(path: Path) -> Image.Image:
    """The clip's final frame, exactly as a decoder shows it.

    Seeks to a key frame a few seconds before the end and decodes from there, so a long clip costs
    the same as a short one; a stream that cannot seek is decoded from the start.
    """
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if stream.duration is not None and stream.time_base is not None:
            target = max(0, int(stream.duration - 3 / stream.time_base))
            with contextlib.suppress(av.error.FFmpegError):
                container.seek(target, stream=stream, backward=True, any_frame=False)
        final = None
        for frame in container.decode(stream):
            final = frame
        if final is None:
            container.seek(0)
            for frame in container.decode(stream):
                final = frame
        if final is None:
            raise ValueError(f"{path.name} holds no video frame")
        image: Image.Image = final.to_image()
        return image


def save_last_frame(video: Path, folder: Path) -> Path:
    """Writes the last frame as a PNG named after the clip (what the frame slot shows), in a folder per
    version of the file (its size and mtime), and returns its path."""
    stat = video.stat()
    target = folder / f"{stat.st_size:x}{stat.st_mtime_ns:x}" / f"{video.stem} (last frame).png"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return target
    save_png(last_frame(video), target)
    return target
