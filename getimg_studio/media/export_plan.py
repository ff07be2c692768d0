"""What an export will be, worked out before any decoding: format, size, rate, span, frames (pure logic).

Size presets are heights (the shape is kept, never enlarged); frame-rate presets never go above the
source's rate. GIF and WebP have their own defaults, chosen so a 5 s 720p clip stays small (see gif.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from .errors import bad_option
from .geometry import as_rate, output_times, scaled_to_height
from .probe import MediaInfo
from .recipe import Recipe


class ExportFormat(StrEnum):
    MP4 = "mp4"  # H.264 + AAC
    WEBM = "webm"  # VP9 + Opus
    GIF = "gif"  # 256 colours per clip, ordered dithering
    WEBP = "webp"  # animated, lossy
    PNG = "png"  # one frame, lossless

    @property
    def suffix(self) -> str:
        return f".{self.value}"

    @property
    def animated_image(self) -> bool:
        return self in (ExportFormat.GIF, ExportFormat.WEBP)


SIZE_PRESETS: dict[str, int | None] = {"Original": None, "1080p": 1080, "720p": 720, "480p": 480, "360p": 360}
FPS_PRESETS: dict[str, Fraction | None] = {"Original": None, "30 fps": Fraction(30), "24 fps": Fraction(24),
                                           "15 fps": Fraction(15), "12 fps": Fraction(12),
                                           "10 fps": Fraction(10)}
# animated images are heavy per frame: smaller and slower by default (a 5 s 720p clip -> about 3 MB GIF)
DEFAULT_HEIGHT = {ExportFormat.GIF: 360, ExportFormat.WEBP: 480}
DEFAULT_FPS = {ExportFormat.GIF: Fraction(15), ExportFormat.WEBP: Fraction(15)}
_MIN_SPAN = Fraction(1, 100)


@dataclass(frozen=True, slots=True)
class ExportOptions:
    format: ExportFormat = ExportFormat.MP4
    start: float = 0.0  # in point, seconds; for PNG the frame's time
    end: float | None = None  # out point, seconds; None: the clip's end
    height: int | None = None  # a size preset; None: the format's default (original for MP4/WebM)
    fps: Fraction | float | None = None  # a frame-rate preset; None: the format's default (original for MP4/WebM)
    loop: bool = False  # forward then backward, so it repeats without a jump
    audio: bool = True  # MP4/WebM keep the clip's sound (reversed on the way back of a loop)
    quality: int | None = None  # H.264 CRF / VP9 CRF / WebP quality 0-100; None: the format's default
    recipes: tuple[Recipe, ...] = ()  # written where the format allows


@dataclass(frozen=True, slots=True)
class ExportPlan:
    format: ExportFormat
    width: int
    height: int
    fps: Fraction
    start: Fraction  # clip time of the first frame
    end: Fraction
    times: tuple[Fraction, ...]  # clip time of each output frame, in order (a loop goes back)
    audio: bool

    @property
    def frame_count(self) -> int:
        return len(self.times)

    @property
    def duration(self) -> float:
        return float(len(self.times) / self.fps)

    @property
    def forward_count(self) -> int:
        """Frames of the forward pass (all of them unless it loops)."""
        return len(output_times(self.start, self.end, self.fps))


def _seconds(value: float) -> Fraction:
    return Fraction(value).limit_denominator(1_000_000)


def plan_export(info: MediaInfo, options: ExportOptions) -> ExportPlan:
    """Check the options against the clip; `MediaError(INVALID)` naming the option when they do not fit."""
    length = _seconds(info.duration)
    start = _seconds(options.start)
    end = length if options.end is None else min(length, _seconds(options.end))
    if start < 0:
        raise bad_option("trim", "The in point cannot be before the start of the clip.")
    if start >= length:
        raise bad_option("trim", f"The in point ({float(start):.2f} s) is at or past the end of the clip "
                                 f"({info.duration:.2f} s).")
    if options.format is not ExportFormat.PNG and end - start < _MIN_SPAN:
        raise bad_option("trim", f"The out point ({float(end):.2f} s) must come after the in point "
                                 f"({float(start):.2f} s).")
    height = options.height if options.height is not None else DEFAULT_HEIGHT.get(options.format)
    if height is not None and height < 16:
        raise bad_option("height", "Choose a height of at least 16 pixels.")
    width, out_height = scaled_to_height(info.width, info.height, height)
    source_fps = info.video.frame_rate or Fraction(info.fps).limit_denominator(1001) or Fraction(24)
    fps = as_rate(options.fps) if options.fps else DEFAULT_FPS.get(options.format) or source_fps
    if fps <= 0:
        raise bad_option("fps", "Choose a frame rate above zero.")
    fps = min(fps, source_fps)
    if options.format is ExportFormat.PNG:
        return ExportPlan(options.format, width, out_height, fps, start, start, (start,), False)
    forward = output_times(start, end, fps)
    times = forward + forward[-2:0:-1] if options.loop else forward
    audio = options.audio and info.has_audio and options.format in (ExportFormat.MP4, ExportFormat.WEBM)
    return ExportPlan(options.format, width, out_height, fps, start, end, tuple(times), audio)
