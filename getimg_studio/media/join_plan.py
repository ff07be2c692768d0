"""Deciding how clips become one file, before any work: copy their packets, or re-encode them, and why.

`plan_join` is pure (it reads only `MediaInfo`s), so the UI can show the plan and ask "re-encode?" first.
The video is copied when every clip has the same codec parameters and nothing asks for new pictures (a
crossfade, another size or frame rate). The sound is copied when every clip has sound with the same parameters
and its length matches its pictures; otherwise it is made anew (AAC), with silence where a clip has none,
which costs far less than re-encoding pictures and keeps them untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from .errors import bad_option
from .geometry import Fit, as_rate, crossfade_problem, frame_count, layout, most_common, most_common_rate
from .probe import MediaInfo
from .recipe import Recipe

AAC_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)
DEFAULT_RATE = 48000
COPYABLE = frozenset({"h264", "hevc"})  # picture codecs whose packets go into an MP4 as they are


class StreamMode(StrEnum):
    COPY = "copy"  # packets muxed as they are, timestamps rebased
    ENCODE = "encode"  # decoded and encoded again
    NONE = "none"  # no such stream in the result


@dataclass(frozen=True, slots=True)
class JoinOptions:
    audio: bool = True  # one continuous sound track (silence where a clip has none); False: pictures only
    crossfade: float = 0.0  # seconds of blend between clips; > 0 re-encodes
    fit: Fit = Fit.LETTERBOX  # clips of another shape than the result: bars or cut edges
    reencode: bool = False  # re-encode even when the clips could be copied
    width: int | None = None  # size and rate of a re-encode; None: what most clips have
    height: int | None = None
    fps: Fraction | float | None = None
    crf: int = 20  # H.264 quality (lower is better and larger)
    preset: str = "superfast"  # libx264 speed: ~2.7 s CPU per 5 s of 720p, so a join runs faster than real time
    recipes: tuple[Recipe, ...] = ()  # written into the result's metadata (one per clip, in order)


@dataclass(frozen=True, slots=True)
class JoinPlan:
    video: StreamMode  # COPY or ENCODE
    audio: StreamMode  # COPY, ENCODE or NONE
    width: int
    height: int
    fps: Fraction
    reasons: tuple[str, ...]  # why the pictures must be re-encoded (empty when they are copied)
    audio_note: str  # why the sound is made anew, or why there is none ("" when copied)
    starts: tuple[float, ...]  # where each clip begins in the result, seconds
    lengths: tuple[float, ...]  # each clip's length in the result (crossfades overlap neighbours)
    duration: float  # of the result: the sum of the clips minus the crossfades
    frame_counts: tuple[int, ...]  # frames each clip fills (re-encode: at the result's rate)
    overlap_frames: int  # frames of each crossfade
    audio_rate: int
    audio_layout: str
    mixed_shapes: bool  # some clip has another shape than the result: `fit` matters (ask letterbox or crop)

    @property
    def copies(self) -> bool:
        return self.video is StreamMode.COPY

    @property
    def summary(self) -> str:
        """One sentence for the creator."""
        if self.copies:
            sound = {StreamMode.COPY: "", StreamMode.NONE: " (no sound)",
                     StreamMode.ENCODE: " (the sound is made anew)"}[self.audio]
            return f"The clips are joined as they are, without re-encoding{sound}."
        return "The clips are re-encoded to " f"{self.width}x{self.height} at {float(self.fps):g} fps: " + \
            "; ".join(self.reasons) + "."


def _label(i: int, info: MediaInfo, labels: Sequence[str] | None) -> str:
    return labels[i] if labels is not None else f"clip {i + 1} (“{info.path.name}”)"


def plan_join(infos: Sequence[MediaInfo], options: JoinOptions = JoinOptions(),
              labels: Sequence[str] | None = None) -> JoinPlan:
    """How `infos` (in order) become one MP4. `labels` name the clips in messages ("shot 2")."""
    if not infos:
        raise bad_option("inputs", "Choose at least one clip to join.")
    if options.crossfade < 0:
        raise bad_option("crossfade", "A crossfade cannot be shorter than nothing.")
    if labels is not None and len(labels) != len(infos):
        raise ValueError("one label per clip")
    reasons = _video_reasons(infos, options, labels)
    first = infos[0]
    if not reasons:
        fps = first.video.frame_rate or Fraction(first.fps).limit_denominator(1001)
        return _finish(infos, options, labels, (), first.width, first.height, fps, (), 0)
    width, height = most_common((i.width, i.height) for i in infos)
    if options.width and options.height:
        width, height = options.width, options.height
    if width % 2 or height % 2:
        raise bad_option("size", f"H.264 needs an even width and height, not {width}x{height}.")
    rates = [i.video.frame_rate or Fraction(i.fps).limit_denominator(1001) for i in infos]
    fps = as_rate(options.fps) if options.fps else most_common_rate(r for r in rates if r > 0)
    counts = tuple(frame_count(i.duration, fps) for i in infos)
    overlap = frame_count(options.crossfade, fps) if options.crossfade > 0 and len(infos) > 1 else 0
    short = crossfade_problem(counts, overlap)
    if short is not None:
        raise bad_option("crossfade", f"A {options.crossfade:g} s crossfade is too long for "
                         f"{_label(short, infos[short], labels)}, which lasts {infos[short].duration:.2f} s: "
                         "choose a shorter crossfade.")
    return _finish(infos, options, labels, reasons, width, height, fps, counts, overlap)


def _video_reasons(infos: Sequence[MediaInfo], options: JoinOptions,
                   labels: Sequence[str] | None) -> tuple[str, ...]:
    first = infos[0].video
    reasons: list[str] = []
    if options.reencode:
        reasons.append("re-encoding was asked for")
    if options.crossfade > 0 and len(infos) > 1:
        reasons.append(f"a {options.crossfade:g} s crossfade blends the pictures")
    if (options.width and options.height and (options.width, options.height) != (first.width, first.height)) \
            or (options.fps and as_rate(options.fps) != first.frame_rate):
        reasons.append("another size or frame rate was chosen")
    if first.codec not in COPYABLE:
        reasons.append(f"{_label(0, infos[0], labels)} is {first.codec.upper()}, which is not copied into an MP4")
    for i, info in enumerate(infos[1:], start=1):
        v, name = info.video, _label(i, info, labels)
        if (v.width, v.height) != (first.width, first.height):
            reasons.append(f"{name} is {v.width}x{v.height}, not {first.width}x{first.height}")
        elif v.frame_rate != first.frame_rate:
            reasons.append(f"{name} runs at {float(v.frame_rate or 0):g} fps, not "
                           f"{float(first.frame_rate or 0):g}")
        elif v.codec != first.codec:
            reasons.append(f"{name} is {v.codec.upper()}, not {first.codec.upper()}")
        elif v.copy_key != first.copy_key:
            reasons.append(f"{name} was encoded with other settings ({v.profile or v.codec})")
    return tuple(dict.fromkeys(reasons))


def _finish(infos: Sequence[MediaInfo], options: JoinOptions, labels: Sequence[str] | None,
            reasons: tuple[str, ...], width: int, height: int, fps: Fraction, counts: tuple[int, ...],
            overlap: int) -> JoinPlan:
    video = StreamMode.ENCODE if reasons else StreamMode.COPY
    if video is StreamMode.COPY:
        lengths = tuple(i.duration for i in infos)
        counts = tuple(i.frame_count for i in infos)
        starts = tuple(float(sum(Fraction(d).limit_denominator(1_000_000) for d in lengths[:k]))
                       for k in range(len(lengths)))
        duration = starts[-1] + lengths[-1]
    else:
        grid = layout(counts, overlap)
        lengths = tuple(float(n / fps) for n in counts)
        starts = tuple(float(f / fps) for f in grid.firsts)
        duration = float(grid.total / fps)
    audio, note, rate, channel_layout = _audio(infos, options, labels, video)
    shapes = {round(i.width / i.height, 3) for i in infos} | {round(width / height, 3)}
    return JoinPlan(video=video, audio=audio, width=width, height=height, fps=fps, reasons=reasons,
                    audio_note=note, starts=starts, lengths=lengths, duration=duration, frame_counts=counts,
                    overlap_frames=overlap, audio_rate=rate, audio_layout=channel_layout,
                    mixed_shapes=len(shapes) > 1)


def _audio(infos: Sequence[MediaInfo], options: JoinOptions, labels: Sequence[str] | None,
           video: StreamMode) -> tuple[StreamMode, str, int, str]:
    with_sound = [i for i in infos if i.audio is not None]
    if not options.audio:
        return StreamMode.NONE, "no sound was asked for", 0, ""
    if not with_sound:
        return StreamMode.NONE, "no clip has sound", 0, ""
    rates = {i.audio.sample_rate for i in with_sound if i.audio}
    rate = rates.pop() if len(rates) == 1 else DEFAULT_RATE
    rate = rate if rate in AAC_RATES else DEFAULT_RATE
    channel_layout = "mono" if all(i.audio and i.audio.channels == 1 for i in with_sound) else "stereo"
    silent = [k for k, i in enumerate(infos) if i.audio is None]
    if silent:
        names = ", ".join(_label(k, infos[k], labels) for k in silent)
        return StreamMode.ENCODE, f"{names} has no sound: silence is made for it", rate, channel_layout
    if video is StreamMode.ENCODE:
        return StreamMode.ENCODE, "the sound is encoded with the pictures", rate, channel_layout
    first = with_sound[0].audio
    assert first is not None
    for k, info in enumerate(infos):
        a = info.audio
        assert a is not None
        if a.copy_key != first.copy_key or a.codec != "aac":
            return (StreamMode.ENCODE, f"the sound of {_label(k, info, labels)} is in another format",
                    rate, channel_layout)
        packet = Fraction(a.frame_size or 1024, a.sample_rate)
        if abs(a.duration - info.duration) > float(packet) + 0.002:
            return (StreamMode.ENCODE, f"the sound of {_label(k, info, labels)} is {a.duration:.2f} s long and "
                    f"its pictures {info.duration:.2f} s: it is made anew to stay in step", rate, channel_layout)
    return StreamMode.COPY, "", first.sample_rate, first.layout
