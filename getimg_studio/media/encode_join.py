"""Joining by re-encoding: every clip decoded, fitted to one size and frame rate, optionally crossfaded, and
encoded as H.264 with one AAC track made by `AudioMix` on the same frame clock.

A crossfade holds the last `overlap` pictures of a clip (at the output size) until the next clip's first
pictures arrive to blend with them: memory is one crossfade's worth of frames, whatever the number of clips.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.frame import VideoFrame

from .control import Control
from .decode import Retimer, video_frames
from .encoder import AudioSink, Fitter, VideoSink, blend
from .geometry import layout, sample_at
from .join_plan import JoinOptions, JoinPlan, StreamMode
from .mixer import AudioMix, Span, Track
from .output import writing
from .probe import MediaInfo, open_input
from .remux import AUDIO_BIT_RATE, MP4_OPTIONS
from .tags import set_container_tags


def x264_options(crf: int, preset: str, fps: Fraction) -> dict[str, str]:
    # a key frame every 2 s keeps seeking quick; yuv420p high profile plays everywhere
    return {"crf": str(crf), "preset": preset, "g": str(max(1, round(fps * 2))), "profile": "high"}


def encode_join(infos: Sequence[MediaInfo], plan: JoinPlan, out: Path, options: JoinOptions,
                control: Control) -> None:
    grid = layout(plan.frame_counts, plan.overlap_frames)
    fps, overlap = plan.fps, plan.overlap_frames
    with writing(out, [i.path for i in infos]) as tmp, \
            av.open(str(tmp), "w", format="mp4", options=MP4_OPTIONS) as output:
        set_container_tags(output, options.recipes)
        video = VideoSink(output, "libx264", plan.width, plan.height, fps,
                          options=x264_options(options.crf, options.preset, fps), what="H.264 video")
        track: Track | None = None
        if plan.audio is not StreamMode.NONE:
            track = Track(AudioMix(_spans(infos, plan), plan.audio_rate, plan.audio_layout),
                          AudioSink(output, "aac", plan.audio_rate, plan.audio_layout, AUDIO_BIT_RATE))
        fitter = Fitter(plan.width, plan.height, options.fit)
        held: list[np.ndarray] = []  # the previous clip's last pictures, waiting for their crossfade

        def emit(frame: VideoFrame) -> None:
            video.write(frame)
            if track is not None:
                track.up_to(sample_at(video.frames, fps, plan.audio_rate))
            control.report(video.frames / grid.total)

        try:
            for index, info in enumerate(infos):
                count = grid.counts[index]
                last = index == len(infos) - 1
                with open_input(info.path) as container:
                    retimer = Retimer(video_frames(container, info.path, control))
                    incoming = held
                    held = []
                    for j in range(count):
                        frame = retimer.at(Fraction(j) / fps)
                        if frame is None:
                            raise av.error.InvalidDataError(0, "no picture", str(info.path))
                        if j < len(incoming):  # the head of a crossfade
                            weight = (j + 1) / (len(incoming) + 1)
                            mixed = blend(incoming[j], fitter.array(frame), weight)
                            emit(VideoFrame.from_ndarray(mixed, format="yuv420p"))
                        elif not last and overlap and j >= count - overlap:
                            held.append(fitter.array(frame))
                        else:
                            emit(fitter.frame(frame))
            video.close()
            if track is not None:
                track.finish()
        finally:
            if track is not None:
                track.close()


def _spans(infos: Sequence[MediaInfo], plan: JoinPlan) -> list[Span]:
    grid = layout(plan.frame_counts, plan.overlap_frames)
    rate, fps = plan.audio_rate, plan.fps
    fade = sample_at(plan.overlap_frames, fps, rate)
    spans = []
    for i, info in enumerate(infos):
        start = sample_at(grid.firsts[i], fps, rate)
        end = sample_at(grid.firsts[i] + grid.counts[i], fps, rate)
        spans.append(Span(info.path, info.audio is not None, start, end,
                          fade_in=fade if i > 0 else 0, fade_out=fade if i < len(infos) - 1 else 0))
    return spans
