"""What a media file holds, and whether two files can be joined without re-encoding.

`probe(path)` reads the container's headers (and, where the headers do not carry it, walks the packets
without decoding them) into a `MediaInfo`. `VideoParams.copy_key` and `AudioParams.copy_key` are the values that
must be equal for packets of two files to be muxed into one stream: same codec, profile, size, pixel format,
frame rate and codec configuration (the SPS/PPS or AudioSpecificConfig held in the extradata).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer

from .errors import unreadable

_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "matroska", "gif": "gif", "webp": "webp",
               "webp_pipe": "webp", "image2": "image", "png_pipe": "image"}


@dataclass(frozen=True, slots=True)
class VideoParams:
    codec: str  # "h264", "vp9", "gif", ...
    profile: str | None
    width: int
    height: int
    pix_fmt: str | None
    time_base: Fraction
    frame_rate: Fraction | None  # the stream's average rate; None when the container does not say
    extradata_sha256: str  # "" when the codec keeps no configuration outside the frames

    @property
    def copy_key(self) -> tuple[object, ...]:
        return (self.codec, self.profile, self.width, self.height, self.pix_fmt, self.frame_rate,
                self.extradata_sha256)


@dataclass(frozen=True, slots=True)
class AudioParams:
    codec: str
    profile: str | None
    sample_rate: int
    channels: int
    layout: str  # "stereo", "mono", ...
    time_base: Fraction
    frame_size: int  # samples per packet (1024 for AAC); 0 when it varies
    duration: float  # seconds
    extradata_sha256: str

    @property
    def copy_key(self) -> tuple[object, ...]:
        return (self.codec, self.profile, self.sample_rate, self.channels, self.layout, self.frame_size,
                self.extradata_sha256)


@dataclass(frozen=True, slots=True)
class MediaInfo:
    path: Path
    container: str  # "mp4", "matroska", "gif", "webp", "image" or the demuxer's own name
    duration: float  # seconds of video
    frame_count: int
    video: VideoParams
    audio: AudioParams | None
    size_bytes: int

    @property
    def width(self) -> int:
        return self.video.width

    @property
    def height(self) -> int:
        return self.video.height

    @property
    def fps(self) -> float:
        """Frames per second: the stream's rate, else frames over duration."""
        if self.video.frame_rate:
            return float(self.video.frame_rate)
        return self.frame_count / self.duration if self.duration > 0 else 0.0

    @property
    def has_audio(self) -> bool:
        return self.audio is not None


def _digest(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data else ""


@contextmanager
def open_input(path: Path) -> Iterator[InputContainer]:
    """The file opened for reading, with a video stream; `MediaError` (INVALID) when it is not a usable video."""
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError) as exc:
        raise unreadable(path) from exc
    try:
        if not container.streams.video:
            raise unreadable(path, "it has no picture")
        yield container
    finally:
        container.close()


def probe(path: Path) -> MediaInfo:
    """The file's container, streams and exact video duration and frame count (blocking: run off the UI)."""
    with open_input(path) as container:
        try:
            return _probe(path, container)
        except av.error.FFmpegError as exc:
            raise unreadable(path) from exc


def _probe(path: Path, container: InputContainer) -> MediaInfo:
    v = container.streams.video[0]
    cc = v.codec_context
    rate = v.average_rate or v.guessed_rate
    video = VideoParams(codec=cc.name, profile=cc.profile, width=int(cc.width), height=int(cc.height),
                        pix_fmt=cc.pix_fmt, time_base=v.time_base or Fraction(1, 90000),
                        frame_rate=Fraction(rate) if rate else None, extradata_sha256=_digest(cc.extradata))
    audio = None
    a_stream = container.streams.audio[0] if container.streams.audio else None
    frames = int(v.frames or 0)
    duration = float(v.duration * v.time_base) if v.duration and v.time_base else 0.0
    a_duration = (float(a_stream.duration * a_stream.time_base)
                  if a_stream is not None and a_stream.duration and a_stream.time_base else 0.0)
    if frames <= 0 or duration <= 0 or (a_stream is not None and a_duration <= 0):
        # Matroska, GIF and WebP keep no per-stream totals: count packets (no decoding) for exact values
        frames, duration, a_duration = _walk(container, a_stream is not None)
    if a_stream is not None:
        ac = a_stream.codec_context
        audio = AudioParams(codec=ac.name, profile=ac.profile, sample_rate=int(ac.sample_rate),
                            channels=int(ac.channels), layout=ac.layout.name,
                            time_base=a_stream.time_base or Fraction(1, int(ac.sample_rate)),
                            frame_size=int(ac.frame_size or 0), duration=a_duration,
                            extradata_sha256=_digest(ac.extradata))
    name = container.format.name
    short = _CONTAINERS.get(name, name)
    if short == "mp4" and str(container.metadata.get("major_brand", "")).strip() == "qt":
        short = "mov"
    return MediaInfo(path=path, container=short, duration=duration, frame_count=frames, video=video, audio=audio,
                     size_bytes=path.stat().st_size)


def _walk(container: InputContainer, with_audio: bool) -> tuple[int, float, float]:
    """(video frames, video seconds, audio seconds) from the packets' timestamps."""
    v = container.streams.video[0]
    streams = [v, container.streams.audio[0]] if with_audio else [v]
    count = 0
    ends: dict[int, Fraction] = {}
    starts: dict[int, Fraction] = {}
    for packet in container.demux(*streams):
        if packet.pts is None or packet.time_base is None:
            continue
        index = packet.stream.index
        at = packet.pts * packet.time_base
        end = (packet.pts + (packet.duration or 0)) * packet.time_base
        if index == v.index:
            count += 1
        starts[index] = min(starts.get(index, at), at)
        ends[index] = max(ends.get(index, end), end)
    container.seek(0)

    def span(index: int) -> float:
        return float(ends.get(index, Fraction(0)) - starts.get(index, Fraction(0)))

    return count, span(v.index), span(streams[-1].index) if with_audio else 0.0
