"""Writing pictures and sound into an output container: encoder set-up, picture fitting, blending.

`VideoSink` and `AudioSink` wrap one output stream each and number frames themselves; `Fitter` turns any
decoded frame into the output's size and pixel format (letterbox or crop); `blend` mixes two 4:2:0 pictures
for a crossfade.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.frame import PictureType, VideoFrame
from av.video.stream import VideoStream

from .errors import missing_encoder
from .geometry import Box, Fit, fit_box

_BLACK_YUV = (16, 128, 128)


def _check_encoder(name: str, what: str) -> None:
    try:
        av.Codec(name, "w")
    except av.error.FFmpegError as exc:
        raise missing_encoder(name, what) from exc
    except ValueError as exc:  # PyAV's "unknown codec"
        raise missing_encoder(name, what) from exc


class VideoSink:
    """One encoded picture stream; frames get consecutive timestamps at `rate` (or `ticks` per frame)."""

    def __init__(self, container: OutputContainer, codec: str, width: int, height: int, rate: Fraction, *,
                 pix_fmt: str = "yuv420p", options: dict[str, str] | None = None, what: str = "video",
                 time_base: Fraction | None = None) -> None:
        _check_encoder(codec, what)
        stream = container.add_stream(codec, rate=rate, options=options or {})
        assert isinstance(stream, VideoStream)
        self.stream = stream
        self.stream.width, self.stream.height, self.stream.pix_fmt = width, height, pix_fmt
        self.stream.codec_context.thread_count = 0  # as many as the codec can use
        self._time_base = time_base or Fraction(1) / rate
        if time_base is not None:
            self.stream.time_base = time_base
        self._rate = rate
        self._container = container
        self.frames = 0

    def write(self, frame: VideoFrame) -> None:
        # a decoded frame keeps its picture type; an encoder would take I/P/B as orders and copy the source's GOP
        frame.pict_type = PictureType.NONE
        frame.pts = round(Fraction(self.frames) / self._rate / self._time_base)
        frame.time_base = self._time_base
        self._container.mux(self.stream.encode(frame))
        self.frames += 1

    def close(self) -> None:
        self._container.mux(self.stream.encode(None))


class AudioSink:
    """One encoded sound stream fed float32 planar blocks of any length."""

    def __init__(self, container: OutputContainer, codec: str, rate: int, layout: str, bit_rate: int,
                 what: str = "sound") -> None:
        _check_encoder(codec, what)
        stream = container.add_stream(codec, rate=rate, layout=layout)
        assert isinstance(stream, AudioStream)
        self.stream = stream
        self.stream.bit_rate = bit_rate
        self.rate = rate
        self.layout = layout
        self.samples = 0
        self._container = container
        self._frame_size = 0
        self._pending = np.zeros((av.AudioLayout(layout).nb_channels, 0), dtype=np.float32)

    def write(self, block: np.ndarray) -> None:
        if not self._frame_size:
            self._frame_size = int(self.stream.codec_context.frame_size or 1024)
        data = np.concatenate([self._pending, block], axis=1) if self._pending.shape[1] else block
        size = self._frame_size
        whole = data.shape[1] - data.shape[1] % size
        for at in range(0, whole, size):
            self._encode(data[:, at:at + size])
        self._pending = data[:, whole:]

    def _encode(self, chunk: np.ndarray) -> None:
        frame = AudioFrame.from_ndarray(np.ascontiguousarray(chunk, dtype=np.float32), format="fltp",
                                        layout=self.layout)
        frame.sample_rate = self.rate
        frame.pts = self.samples
        frame.time_base = Fraction(1, self.rate)
        self.samples += chunk.shape[1]
        self._container.mux(self.stream.encode(frame))

    def close(self) -> None:
        if self._pending.shape[1]:
            self._encode(self._pending)  # a short last frame: AAC and Opus take one
            self._pending = self._pending[:, :0]
        self._container.mux(self.stream.encode(None))


class Fitter:
    """Any decoded frame to `width` x `height` in `pix_fmt` ("yuv420p" or "rgb24"), letterboxed or cropped."""

    def __init__(self, width: int, height: int, fit: Fit, pix_fmt: str = "yuv420p") -> None:
        self.width, self.height, self.fit, self.pix_fmt = width, height, fit, pix_fmt
        self._boxes: dict[tuple[int, int], Box] = {}

    def frame(self, frame: VideoFrame) -> VideoFrame:
        if frame.width == self.width and frame.height == self.height:
            return frame if frame.format.name == self.pix_fmt else frame.reformat(format=self.pix_fmt)
        box = self._box(frame)
        scaled = frame.reformat(box.scaled_w, box.scaled_h, self.pix_fmt)
        if box.identity and (box.scaled_w, box.scaled_h) == (self.width, self.height):
            return scaled
        return VideoFrame.from_ndarray(self._place(scaled.to_ndarray(), box), format=self.pix_fmt)

    def array(self, frame: VideoFrame) -> np.ndarray:
        """The fitted picture as an array: (h * 3 / 2, w) I420 planes, or (h, w, 3) RGB."""
        out: np.ndarray = self.frame(frame).to_ndarray()
        return out

    def _box(self, frame: VideoFrame) -> Box:
        key = (frame.width, frame.height)
        if key not in self._boxes:
            self._boxes[key] = fit_box(frame.width, frame.height, self.width, self.height, self.fit)
        return self._boxes[key]

    def _place(self, src: np.ndarray, box: Box) -> np.ndarray:
        w, h = self.width, self.height
        if self.pix_fmt == "rgb24":
            if box.fit is Fit.CROP:
                return np.ascontiguousarray(src[box.y:box.y + h, box.x:box.x + w])
            canvas = np.zeros((h, w, 3), dtype=np.uint8)
            canvas[box.y:box.y + box.scaled_h, box.x:box.x + box.scaled_w] = src
            return canvas
        sy, su, sv = split_i420(src, box.scaled_w, box.scaled_h)
        out = np.empty((h * 3 // 2, w), dtype=np.uint8)
        dy, du, dv = split_i420(out, w, h)
        for plane, source, scale, fill in ((dy, sy, 1, _BLACK_YUV[0]), (du, su, 2, _BLACK_YUV[1]),
                                           (dv, sv, 2, _BLACK_YUV[2])):
            x, y = box.x // scale, box.y // scale
            if box.fit is Fit.CROP:
                plane[:] = source[y:y + plane.shape[0], x:x + plane.shape[1]]
            else:
                plane.fill(fill)
                plane[y:y + source.shape[0], x:x + source.shape[1]] = source
        return out


def split_i420(data: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, U and V planes of a (h * 3 / 2, w) I420 array."""
    flat = data.reshape(-1)
    luma = width * height
    chroma = luma // 4
    y = flat[:luma].reshape(height, width)
    u = flat[luma:luma + chroma].reshape(height // 2, width // 2)
    v = flat[luma + chroma:luma + 2 * chroma].reshape(height // 2, width // 2)
    return y, u, v


def blend(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    """(1 - weight) * a + weight * b, in integer arithmetic (both the same shape and uint8)."""
    k = round(min(1.0, max(0.0, weight)) * 256)
    mixed = (a.astype(np.uint16) * (256 - k) + b.astype(np.uint16) * k) >> 8
    return mixed.astype(np.uint8)
