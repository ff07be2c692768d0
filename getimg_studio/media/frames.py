"""Single pictures out of a video: the first, the exact last, the one on screen at any time; PNGs of them.

Pictures are Pillow RGB images converted from the decoded frame by swscale (the same conversion every
call, so two reads of one frame are equal pixel for pixel). `np.asarray(image)` gives the raw RGB.
"""

from __future__ import annotations

import io
from contextlib import suppress
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av
from PIL import Image, PngImagePlugin

from .control import Control
from .decode import Retimer, video_frames, video_origin
from .errors import unreadable
from .output import writing
from .probe import open_input

if TYPE_CHECKING:
    from .recipe import Recipe

_TAIL = 1.0  # seconds before the end to seek to; decoding then runs from the key frame before that to the end


def first_frame(path: Path) -> Image.Image:
    """The clip's first picture."""
    return frame_at(path, 0.0)


def last_frame(path: Path) -> Image.Image:
    """The clip's final picture, decoded: from the last key frame before the end, every frame to the end."""
    with open_input(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        origin = video_origin(container)
        final = None
        if stream.duration and stream.time_base:
            target = int(origin / stream.time_base) + max(0, int(stream.duration - _TAIL / stream.time_base))
            with suppress(av.error.FFmpegError):
                container.seek(target, stream=stream, backward=True)
            final = _latest(container, path)
        if final is None:  # no duration in the header, or the seek found nothing: decode it all
            container.seek(0)
            final = _latest(container, path)
        if final is None:
            raise unreadable(path, "it holds no picture")
        return _rgb(final)


def _latest(container: av.container.InputContainer, path: Path) -> av.VideoFrame | None:
    best: tuple[Fraction, av.VideoFrame] | None = None
    for at, frame in video_frames(container, path, Control()):
        if best is None or at >= best[0]:
            best = (at, frame)
    return best[1] if best else None


def frame_at(path: Path, seconds: float) -> Image.Image:
    """The picture on screen at `seconds` (clamped to the clip): the latest frame that starts at or before it."""
    t = Fraction(max(0.0, seconds)).limit_denominator(1_000_000)
    with open_input(path) as container:
        frame = Retimer(video_frames(container, path, Control(), t)).at(t)
        if frame is None and t > 0:  # past the end: the seek landed after the last frame
            container.seek(0)
            frame = Retimer(video_frames(container, path, Control())).at(t)
        if frame is None:
            raise unreadable(path, "it holds no picture")
        return _rgb(frame)


def _rgb(frame: av.VideoFrame) -> Image.Image:
    image: Image.Image = frame.to_image()
    return image.convert("RGB") if image.mode != "RGB" else image


def png_bytes(image: Image.Image, recipe: Recipe | None = None) -> bytes:
    """Lossless PNG; with a recipe, it rides in an iTXt chunk (keyword `getimg-studio-recipe`)."""
    from .recipe import RECIPE_KEY, recipes_to_json  # recipe imports nothing heavy; kept lazy to stay acyclic

    info = None
    if recipe is not None:
        info = PngImagePlugin.PngInfo()
        info.add_itxt(RECIPE_KEY, recipes_to_json([recipe]), zip=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def save_png(image: Image.Image, out: Path, recipe: Recipe | None = None) -> None:
    """Write `image` as a PNG atomically (a reader never sees half of it)."""
    data = png_bytes(image, recipe)
    with writing(out) as tmp:
        tmp.write_bytes(data)
