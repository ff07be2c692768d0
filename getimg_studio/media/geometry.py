"""Pure arithmetic of fitting pictures and timing frames: no PyAV, no files (unit-tested on its own)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Fit(StrEnum):
    LETTERBOX = "letterbox"  # the whole picture, black bars where the shapes differ
    CROP = "crop"  # the frame filled, the picture's edges cut where the shapes differ


@dataclass(frozen=True, slots=True)
class Box:
    """Scale the source to `scaled_w` x `scaled_h`, then (letterbox) paste it at (x, y) on the black output
    frame, or (crop) cut the output frame out of it at (x, y). All even, for 4:2:0 chroma."""

    scaled_w: int
    scaled_h: int
    x: int
    y: int
    fit: Fit

    @property
    def identity(self) -> bool:
        return self.x == 0 and self.y == 0


def even(value: float) -> int:
    """The nearest even whole number, at least 2 (4:2:0 pictures need even sizes)."""
    return max(2, round(value / 2) * 2)


def fit_box(src_w: int, src_h: int, dst_w: int, dst_h: int, fit: Fit) -> Box:
    if src_w <= 0 or src_h <= 0:
        raise ValueError("a picture has a size")
    scale_w, scale_h = dst_w / src_w, dst_h / src_h
    scale = min(scale_w, scale_h) if fit is Fit.LETTERBOX else max(scale_w, scale_h)
    w, h = even(src_w * scale), even(src_h * scale)
    if fit is Fit.LETTERBOX:
        w, h = min(w, dst_w), min(h, dst_h)
        x, y = (dst_w - w) // 2, (dst_h - h) // 2
    else:
        w, h = max(w, dst_w), max(h, dst_h)
        x, y = (w - dst_w) // 2, (h - dst_h) // 2
    return Box(w, h, x - x % 2, y - y % 2, fit)


def scaled_to_height(src_w: int, src_h: int, height: int | None) -> tuple[int, int]:
    """The size at `height` keeping the shape (never larger than the source); None keeps the source's size."""
    if height is None or height >= src_h:
        return even(src_w), even(src_h)
    return even(src_w * height / src_h), even(height)


def most_common(values: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The size most clips have; on a tie, the larger picture."""
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], v[0] * v[1], v))


def most_common_rate(values: Iterable[Fraction]) -> Fraction:
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], v))


def as_rate(value: Fraction | float) -> Fraction:
    """A frame rate as an exact fraction: 12.0 -> 12, and the NTSC rates written as 23.976, 29.97, 59.94 ->
    24000/1001, 30000/1001, 60000/1001."""
    if isinstance(value, Fraction):
        return value
    for whole in (24, 30, 60):
        if abs(value - whole / 1.001) < 0.005:
            return Fraction(whole * 1000, 1001)
    return Fraction(value).limit_denominator(1001)


def frame_count(seconds: float | Fraction, fps: Fraction) -> int:
    """Frames a span fills at `fps` (at least one)."""
    return max(1, round(Fraction(seconds).limit_denominator(1_000_000) * fps))


def sample_at(frame_index: int, fps: Fraction, rate: int) -> int:
    """The audio sample where output frame `frame_index` starts: sound and pictures share one clock."""
    return round(Fraction(frame_index) * rate / fps)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each clip sits in a re-encoded join, in output frames."""

    counts: tuple[int, ...]  # frames each clip fills
    overlap: int  # frames of each crossfade
    firsts: tuple[int, ...]  # the output frame each clip starts at

    @property
    def total(self) -> int:
        return self.firsts[-1] + self.counts[-1] if self.counts else 0


def layout(counts: Sequence[int], overlap: int) -> Layout:
    firsts = []
    at = 0
    for n in counts:
        firsts.append(at)
        at += n - overlap
    return Layout(tuple(counts), overlap, tuple(firsts))


def crossfade_problem(counts: Sequence[int], overlap: int) -> int | None:
    """The index of the first clip too short for the crossfade at its ends, or None when all fit."""
    for i, n in enumerate(counts):
        ends = (1 if i > 0 else 0) + (1 if i < len(counts) - 1 else 0)
        if ends and n < overlap * ends + 1:
            return i
    return None


def output_times(start: Fraction, end: Fraction, fps: Fraction) -> list[Fraction]:
    """The instants of the output frames of [start, end) at `fps`: start, start + 1/fps, ..."""
    # ceil (a partial last frame still shows), forgiving a thousandth of a frame of float noise in the bounds
    count = max(1, int(-(-((end - start) * fps - Fraction(1, 1000)) // 1)))
    return [start + Fraction(i) / fps for i in range(count)]
