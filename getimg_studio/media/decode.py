"""Decoded pictures and sound of one file, in clip time (seconds from the video's first frame).

`video_frames` yields frames from the key frame at or before `start`; `Retimer` picks from them the frame on
screen at each output instant. `AudioReader` hands out resampled samples in order, from any start, silence
past the end, so a caller can interleave sound with pictures without holding a clip in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.audio.resampler import AudioResampler
from av.container import InputContainer
from av.video.frame import VideoFrame

from .control import Control
from .errors import unreadable

_NEAR = Fraction(1, 1000)  # an instant within a millisecond of a frame's timestamp is that frame's


def video_origin(container: InputContainer) -> Fraction:
    """The timestamp of the video's first frame: clip time zero."""
    v = container.streams.video[0]
    if v.start_time is not None and v.time_base is not None:
        return Fraction(v.start_time) * v.time_base
    return Fraction(0)


def video_frames(container: InputContainer, path: Path, control: Control,
                 start: Fraction = Fraction(0)) -> Iterator[tuple[Fraction, VideoFrame]]:
    """(clip time, frame) in presentation order, from the last key frame at or before `start`."""
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    origin = video_origin(container)
    if start > 0 and stream.time_base is not None:
        with suppress(av.error.FFmpegError):
            container.seek(int((origin + start) / stream.time_base), stream=stream, backward=True)
    try:
        for frame in container.decode(stream):
            control.check()
            if frame.pts is None or frame.time_base is None:
                continue
            yield Fraction(frame.pts) * frame.time_base - origin, frame
    except av.error.InvalidDataError as exc:
        raise unreadable(path, "its pictures are damaged") from exc


class Retimer:
    """For output instants t0 < t1 < ..., the input frame on screen at each (the latest with time <= t).

    Frames come from an iterator of (time, frame); an instant before the first frame gets the first frame and
    one past the last gets the last, so a clip always fills the slots it was given.
    """

    def __init__(self, frames: Iterator[tuple[Fraction, VideoFrame]]) -> None:
        self._frames = frames
        self._current: VideoFrame | None = None
        self._next: tuple[Fraction, VideoFrame] | None = next(frames, None)

    def at(self, t: Fraction) -> VideoFrame | None:
        """The frame on screen at `t`; None only for a file without a single frame."""
        while self._next is not None and (self._current is None or self._next[0] <= t + _NEAR):
            self._current = self._next[1]
            self._next = next(self._frames, None)
        return self._current


class AudioReader:
    """Sound of one file as float32 planar (channels, n) blocks at `rate`/`layout`, from clip time `start`.

    Missing sound (no stream, or the stream ends early) reads as silence, so the caller's sample count, not the
    file, decides the length.
    """

    def __init__(self, path: Path, rate: int, layout: str, start: Fraction = Fraction(0)) -> None:
        self.rate = rate
        self.channels = av.AudioLayout(layout).nb_channels
        self._buffer = np.zeros((self.channels, 0), dtype=np.float32)
        self._source: Iterator[np.ndarray] | None = None
        self._container: InputContainer | None = None
        self._path = path
        self._layout = layout
        self._start = start

    def __enter__(self) -> AudioReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None
        self._source = None

    def _open(self) -> Iterator[np.ndarray]:
        try:
            container = av.open(str(self._path))
        except (av.error.FFmpegError, OSError) as exc:
            raise unreadable(self._path) from exc
        self._container = container
        if not container.streams.audio:
            return iter(())
        return self._blocks(container)

    def _blocks(self, container: InputContainer) -> Iterator[np.ndarray]:
        stream = container.streams.audio[0]
        origin = video_origin(container) if container.streams.video else Fraction(0)
        if self._start > 0 and stream.time_base is not None:
            with suppress(av.error.FFmpegError):
                container.seek(int((origin + self._start) / stream.time_base), stream=stream, backward=True)
        resampler = AudioResampler(format="fltp", layout=self._layout, rate=self.rate)
        position: int | None = None  # the next sample's index counted from `start` (negative: before it)
        try:
            for frame in container.decode(stream):
                if position is None:
                    at = Fraction(frame.pts or 0) * (frame.time_base or Fraction(1, self.rate)) - origin
                    position = round((at - self._start) * self.rate)
                for out in resampler.resample(frame):
                    block, position = self._align(out.to_ndarray(), position)
                    if block.shape[1]:
                        yield block
            for out in resampler.resample(None):
                block, position = self._align(out.to_ndarray(), position if position is not None else 0)
                if block.shape[1]:
                    yield block
        except av.error.InvalidDataError as exc:
            raise unreadable(self._path, "its sound is damaged") from exc

    def _align(self, block: np.ndarray, position: int) -> tuple[np.ndarray, int]:
        """Drop samples before the start; put silence before sound that begins after it."""
        if position < 0:
            cut = min(-position, block.shape[1])
            return block[:, cut:], position + cut
        if position > 0:
            gap = np.zeros((self.channels, position), dtype=np.float32)
            return np.concatenate([gap, block], axis=1), 0
        return block, 0

    def read(self, n: int) -> np.ndarray:
        """The next `n` samples per channel (silence once the sound has ended)."""
        if self._source is None:
            self._source = self._open()
        parts = [self._buffer]
        have = self._buffer.shape[1]
        while have < n:
            block = next(self._source, None)
            if block is None:
                parts.append(np.zeros((self.channels, n - have), dtype=np.float32))
                have = n
                break
            parts.append(block)
            have += block.shape[1]
        joined = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
        self._buffer = joined[:, n:]
        return np.ascontiguousarray(joined[:, :n])
