"""`export`: a clip, or a span of it, as MP4, WebM, GIF, WebP or a PNG of one frame; `save_copy`: the clip
unchanged but carrying its recipe.

    result = export(clip, out, ExportOptions(ExportFormat.GIF, start=1.0, end=4.0), progress=..., cancel=...)

Cuts are exact to the frame (the span is decoded and encoded again, never cut at key frames). The output is
written atomically; a cancel or an error leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .control import CancelToken, Control, ProgressFn
from .encode_join import x264_options
from .encoder import AudioSink, VideoSink
from .errors import bad_option
from .export_plan import ExportFormat, ExportOptions, ExportPlan, plan_export
from .frames import frame_at, save_png
from .geometry import sample_at
from .gif import PaletteMapper, make_palette, sample_indices
from .join_plan import AAC_RATES, DEFAULT_RATE
from .mixer import AudioMix, Span, Track
from .output import writing
from .pictures import export_frames, forward_frames
from .probe import MediaInfo, probe
from .recipe import Recipe
from .remux import AUDIO_BIT_RATE, MP4_OPTIONS, copy_with_recipe
from .tags import gif_with_comment, set_container_tags, webp_with_xmp

MP4_CRF = 20
VP9_CRF = 32
WEBP_QUALITY = 75
OPUS_BIT_RATE = 96_000


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    plan: ExportPlan
    size_bytes: int


def format_for(path: Path) -> ExportFormat:
    """The format a file name asks for (.mp4, .webm, .gif, .webp, .png)."""
    try:
        return ExportFormat(path.suffix.lower().lstrip("."))
    except ValueError:
        raise bad_option("format", f"“{path.name}”: choose a name ending in .mp4, .webm, .gif, .webp or "
                                   ".png.") from None


def export(source: Path, out: Path, options: ExportOptions, *, progress: ProgressFn | None = None,
           cancel: CancelToken | None = None, info: MediaInfo | None = None) -> ExportResult:
    """Export `source` to `out` as `options` say. Raises `MediaError` or `Cancelled` (nothing written)."""
    control = Control(progress, cancel)
    info = info or probe(source)
    plan = plan_export(info, options)
    if plan.format is ExportFormat.PNG:
        image = frame_at(source, float(plan.start))
        if image.size != (plan.width, plan.height):
            from PIL import Image

            image = image.resize((plan.width, plan.height), Image.Resampling.LANCZOS)
        save_png(image, out, options.recipes[0] if options.recipes else None)
    elif plan.format is ExportFormat.GIF:
        _gif(source, out, plan, options.recipes, control)
    elif plan.format is ExportFormat.WEBP:
        _webp(source, out, plan, options, control)
    else:
        _video(source, info, out, plan, options, control)
    control.done()
    return ExportResult(out, plan, out.stat().st_size)


def save_copy(source: Path, out: Path, recipes: Sequence[Recipe], *, progress: ProgressFn | None = None,
              cancel: CancelToken | None = None) -> Path:
    """A copy of `source` with the recipe in its metadata; its picture and sound packets are the source's."""
    control = Control(progress, cancel)
    copy_with_recipe(source, out, recipes, control)
    control.done()
    return out


class _Sound:
    """The export's sound on the output frame clock: the span's sound forward, then reversed for a loop."""

    def __init__(self, source: Path, plan: ExportPlan, rate: int, layout: str) -> None:
        self.rate = rate
        forward_end = sample_at(plan.forward_count, plan.fps, rate)
        self._forward_end = forward_end
        self.end = sample_at(plan.frame_count, plan.fps, rate)
        self._mix = AudioMix([Span(source, True, 0, forward_end, offset=plan.start)], rate, layout)
        self._looped = plan.frame_count > plan.forward_count
        self._kept: list[np.ndarray] = []
        self._back: np.ndarray | None = None
        self._back_at = 0
        self._first = sample_at(1, plan.fps, rate)
        self._last = sample_at(plan.forward_count - 1, plan.fps, rate)

    def take(self, until: int) -> np.ndarray:
        parts = [np.zeros((self._mix.channels, 0), dtype=np.float32)]
        if self._mix.position < self._forward_end:
            block = self._mix.take(min(until, self._forward_end))
            if self._looped:
                self._kept.append(block)
            parts.append(block)
        if until > self._forward_end:
            if self._back is None:
                whole = np.concatenate(self._kept, axis=1)
                self._back = np.ascontiguousarray(whole[:, self._first:self._last][:, ::-1])
                self._kept = []
            want = until - self._forward_end - self._back_at
            piece = self._back[:, self._back_at:self._back_at + want]
            if piece.shape[1] < want:  # rounding of the frame clock: pad the last few samples
                piece = np.concatenate([piece, np.zeros((piece.shape[0], want - piece.shape[1]), np.float32)], 1)
            self._back_at += want
            parts.append(piece)
        return np.concatenate(parts, axis=1)

    def close(self) -> None:
        self._mix.close()


def _video(source: Path, info: MediaInfo, out: Path, plan: ExportPlan, options: ExportOptions,
           control: Control) -> None:
    mp4 = plan.format is ExportFormat.MP4
    with writing(out, [source]) as tmp, \
            av.open(str(tmp), "w", format="mp4" if mp4 else "webm", options=MP4_OPTIONS if mp4 else {}) as output:
        set_container_tags(output, options.recipes)
        if mp4:
            video = VideoSink(output, "libx264", plan.width, plan.height, plan.fps, what="H.264 video",
                              options=x264_options(options.quality or MP4_CRF, "veryfast", plan.fps))
        else:
            video = VideoSink(output, "libvpx-vp9", plan.width, plan.height, plan.fps, what="VP9 video",
                              options=vp9_options(options.quality or VP9_CRF, plan.fps))
        track: Track | None = None
        if plan.audio and info.audio is not None:
            layout = "mono" if info.audio.channels == 1 else "stereo"
            if mp4:
                rate = info.audio.sample_rate if info.audio.sample_rate in AAC_RATES else DEFAULT_RATE
                sink = AudioSink(output, "aac", rate, layout, AUDIO_BIT_RATE)
            else:
                sink = AudioSink(output, "libopus", 48000, layout, OPUS_BIT_RATE, what="Opus sound")
            track = Track(_Sound(source, plan, sink.rate, layout), sink)
        try:
            for frame in export_frames(source, plan, "yuv420p", control):
                video.write(frame)
                if track is not None:
                    track.up_to(sample_at(video.frames, plan.fps, track.sink.rate))
                control.report(video.frames / plan.frame_count)
            video.close()
            if track is not None:
                track.finish()
        finally:
            if track is not None:
                track.close()


def vp9_options(crf: int, fps: Fraction) -> dict[str, str]:
    # constant quality (b=0), row multithreading for 2 cores; cpu-used 5 is libvpx's fast "good" setting
    return {"crf": str(crf), "b": "0", "deadline": "good", "cpu-used": "5", "row-mt": "1",
            "g": str(max(1, round(fps * 2)))}


def _gif(source: Path, out: Path, plan: ExportPlan, recipes: Sequence[Recipe], control: Control) -> None:
    palette_part, encode_part = control.part(0.0, 0.25), control.part(0.25, 1.0)
    wanted = set(sample_indices(plan.forward_count))
    samples = []
    for frame in forward_frames(source, plan, "rgb24", palette_part, only=wanted):
        samples.append(frame.to_ndarray())
        palette_part.report(len(samples) / len(wanted))
    mapper = PaletteMapper(make_palette(samples), plan.width, plan.height)
    del samples
    with writing(out, [source]) as tmp:
        with av.open(str(tmp), "w", format="gif", options={"loop": "0"}) as output:
            video = VideoSink(output, "gif", plan.width, plan.height, plan.fps, pix_fmt="pal8", what="GIF",
                              time_base=Fraction(1, 100))
            for frame in export_frames(source, plan, "rgb24", encode_part):
                video.write(mapper.frame(frame.to_ndarray()))
                encode_part.report(video.frames / plan.frame_count)
            video.close()
        if recipes:
            tmp.write_bytes(gif_with_comment(tmp.read_bytes(), recipes))


def _webp(source: Path, out: Path, plan: ExportPlan, options: ExportOptions, control: Control) -> None:
    quality = options.quality if options.quality is not None else WEBP_QUALITY
    with writing(out, [source]) as tmp:
        with av.open(str(tmp), "w", format="webp", options={"loop": "0"}) as output:
            video = VideoSink(output, "libwebp_anim", plan.width, plan.height, plan.fps, what="animated WebP",
                              options={"quality": str(quality), "lossless": "0", "compression_level": "4"},
                              time_base=Fraction(1, 1000))
            for frame in export_frames(source, plan, "yuv420p", control):
                video.write(frame)
                control.report(video.frames / plan.frame_count)
            video.close()
        if options.recipes:
            tmp.write_bytes(webp_with_xmp(tmp.read_bytes(), options.recipes))
