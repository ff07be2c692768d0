"""One continuous sound track out of several clips, produced in order and in small pieces.

Each clip's sound is placed at a span of output samples (its pictures' span, on the same clock), faded in and
out where a crossfade overlaps its neighbour, and read as silence where the clip has none or runs short. Only
the clips under the requested piece have a decoder open, so memory does not grow with the number of clips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Protocol

import av
import numpy as np

from .decode import AudioReader
from .encoder import AudioSink


@dataclass(frozen=True, slots=True)
class Span:
    path: Path
    has_audio: bool
    start: int  # first output sample
    end: int  # one past the last
    fade_in: int = 0  # samples of rising gain at the start (a crossfade with the clip before)
    fade_out: int = 0  # samples of falling gain at the end
    offset: Fraction = Fraction(0)  # clip time of the span's first sample (a trim's start)


class AudioMix:
    def __init__(self, spans: Sequence[Span], rate: int, layout: str) -> None:
        self.spans = list(spans)
        self.rate = rate
        self.layout = layout
        self.channels = av.AudioLayout(layout).nb_channels
        self.position = 0
        self.end = max((s.end for s in spans), default=0)
        self._readers: dict[int, AudioReader] = {}

    def take(self, until: int) -> np.ndarray:
        """Output samples from the current position up to `until` (float32 planar)."""
        until = max(until, self.position)
        n = until - self.position
        out = np.zeros((self.channels, n), dtype=np.float32)
        for index, span in enumerate(self.spans):
            lo, hi = max(self.position, span.start), min(until, span.end)
            if hi <= lo:
                continue
            if span.has_audio:
                reader = self._readers.get(index)
                if reader is None:
                    reader = AudioReader(span.path, self.rate, self.layout, span.offset)
                    self._readers[index] = reader
                block = reader.read(hi - lo)
                out[:, lo - self.position:hi - self.position] += block * _gain(span, lo, hi)
            if span.end <= until and index in self._readers:
                self._readers.pop(index).close()
        self.position = until
        return out

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()


def _gain(span: Span, lo: int, hi: int) -> np.ndarray | float:
    if not span.fade_in and not span.fade_out:
        return 1.0
    s = np.arange(lo, hi, dtype=np.float32) + 0.5
    gain = np.ones(hi - lo, dtype=np.float32)
    if span.fade_in:
        gain = np.minimum(gain, (s - span.start) / span.fade_in)
    if span.fade_out:
        gain = np.minimum(gain, (span.end - s) / span.fade_out)
    return np.clip(gain, 0.0, 1.0)


class Source(Protocol):
    """Sound handed out in order: samples from where the last call stopped up to `until`."""

    end: int

    def take(self, until: int) -> np.ndarray: ...

    def close(self) -> None: ...


class Track:
    """A sound source encoded into a sink as the pictures advance (the muxer interleaves the two)."""

    def __init__(self, source: Source, sink: AudioSink) -> None:
        self.source = source
        self.sink = sink

    def up_to(self, sample: int) -> None:
        self.sink.write(self.source.take(min(self.source.end, sample)))

    def finish(self) -> None:
        """The rest of the sound, then the encoder's last packets."""
        self.up_to(self.source.end)
        self.sink.close()

    def close(self) -> None:
        self.source.close()

