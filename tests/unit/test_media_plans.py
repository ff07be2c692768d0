"""Join and export plans decided from probes alone: copy or re-encode and why, spans, presets, bad options."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from getimg_studio.api.errors import ErrorKind
from getimg_studio.media.errors import MediaError
from getimg_studio.media.export_plan import ExportFormat, ExportOptions, plan_export
from getimg_studio.media.join_plan import JoinOptions, StreamMode, plan_join
from getimg_studio.media.probe import AudioParams, MediaInfo, VideoParams

VIDEO = VideoParams(codec="h264", profile="High", width=1280, height=720, pix_fmt="yuv420p",
                    time_base=Fraction(1, 12288), frame_rate=Fraction(24), extradata_sha256="ab" * 32)
AUDIO = AudioParams(codec="aac", profile="LC", sample_rate=44100, channels=2, layout="stereo",
                    time_base=Fraction(1, 44100), frame_size=1024, duration=5.0, extradata_sha256="cd" * 32)


def clip(name: str = "a.mp4", duration: float = 5.0, audio: AudioParams | None = AUDIO, **video: object) -> MediaInfo:
    params = replace(VIDEO, **video)  # type: ignore[arg-type]
    return MediaInfo(path=Path(name), container="mp4", duration=duration,
                     frame_count=round(duration * float(params.frame_rate or 24)), video=params,
                     audio=replace(audio, duration=duration) if audio else None, size_bytes=1000)


def test_matching_clips_are_copied_with_their_sound() -> None:
    plan = plan_join([clip("a.mp4"), clip("b.mp4", 4.0), clip("c.mp4")])
    assert plan.copies
    assert plan.audio is StreamMode.COPY
    assert plan.reasons == ()
    assert plan.starts == (0.0, 5.0, 9.0)
    assert plan.duration == pytest.approx(14.0)
    assert (plan.width, plan.height, plan.fps) == (1280, 720, Fraction(24))
    assert "without re-encoding" in plan.summary


def test_a_silent_clip_keeps_the_pictures_copied_and_makes_the_sound() -> None:
    plan = plan_join([clip("a.mp4"), clip("b.mp4", audio=None)], labels=["shot 1", "shot 2"])
    assert plan.copies
    assert plan.audio is StreamMode.ENCODE
    assert "shot 2 has no sound" in plan.audio_note
    assert plan.audio_rate == 44100


def test_no_sound_anywhere_or_asked_means_no_track() -> None:
    assert plan_join([clip(audio=None), clip(audio=None)]).audio is StreamMode.NONE
    assert plan_join([clip(), clip()], JoinOptions(audio=False)).audio is StreamMode.NONE


def test_sound_shorter_than_its_pictures_is_made_anew() -> None:
    short = clip("b.mp4")
    short = replace(short, audio=replace(AUDIO, duration=4.5))
    plan = plan_join([clip(), short])
    assert plan.copies
    assert plan.audio is StreamMode.ENCODE
    assert "4.50 s" in plan.audio_note


@pytest.mark.parametrize(("other", "words"), [
    ({"width": 1920, "height": 1080}, "is 1920x1080, not 1280x720"),
    ({"frame_rate": Fraction(30)}, "runs at 30 fps, not 24"),
    ({"codec": "hevc"}, "is HEVC, not H264"),
    ({"extradata_sha256": "ef" * 32}, "encoded with other settings"),
])
def test_different_clips_are_re_encoded_and_the_plan_says_why(other: dict[str, object], words: str) -> None:
    plan = plan_join([clip("a.mp4"), clip("b.mp4", **other)], labels=["shot 1", "shot 2"])
    assert not plan.copies
    assert plan.audio is StreamMode.ENCODE
    assert any(words in r and r.startswith("shot 2") for r in plan.reasons), plan.reasons
    assert "re-encoded" in plan.summary


def test_re_encode_takes_the_size_and_rate_most_clips_have() -> None:
    infos = [clip("a.mp4", width=640, height=360), clip("b.mp4"), clip("c.mp4", width=640, height=360,
                                                                     frame_rate=Fraction(30))]
    plan = plan_join(infos)
    assert (plan.width, plan.height) == (640, 360)
    assert plan.fps == Fraction(24)  # two of three at 24
    assert plan.frame_counts == (120, 120, 120)
    chosen = plan_join(infos, JoinOptions(width=1280, height=720, fps=Fraction(30)))
    assert (chosen.width, chosen.height, chosen.fps) == (1280, 720, Fraction(30))
    assert chosen.frame_counts == (150, 150, 150)


def test_mixed_shapes_are_flagged_for_the_letterbox_or_crop_question() -> None:
    assert plan_join([clip(), clip("b.mp4", width=720, height=720)]).mixed_shapes
    assert not plan_join([clip(), clip("b.mp4", width=640, height=360)]).mixed_shapes


def test_a_crossfade_re_encodes_and_shortens_the_result() -> None:
    plan = plan_join([clip(), clip("b.mp4"), clip("c.mp4")], JoinOptions(crossfade=0.5))
    assert not plan.copies
    assert plan.overlap_frames == 12
    assert plan.duration == pytest.approx(15.0 - 2 * 0.5)
    assert plan.starts == pytest.approx((0.0, 4.5, 9.0))
    assert "crossfade" in plan.reasons[0]


def test_a_crossfade_longer_than_a_clip_is_refused_with_its_name() -> None:
    with pytest.raises(MediaError) as caught:
        plan_join([clip(), clip("b.mp4", 0.6), clip("c.mp4")], JoinOptions(crossfade=0.5),
                  labels=["shot 1", "shot 2", "shot 3"])
    assert caught.value.kind is ErrorKind.INVALID
    assert caught.value.param == "crossfade"
    assert "shot 2" in caught.value.message


def test_nothing_to_join_is_refused() -> None:
    with pytest.raises(MediaError):
        plan_join([])


def test_a_vp9_clip_is_re_encoded_to_h264() -> None:
    plan = plan_join([clip(codec="vp9", extradata_sha256="")])
    assert not plan.copies
    assert "VP9" in plan.reasons[0]


# ---------------------------------------------------------------- exports
def test_export_trims_to_exact_frames() -> None:
    plan = plan_export(clip(), ExportOptions(ExportFormat.MP4, start=1.0, end=3.0))
    assert plan.frame_count == 48
    assert plan.duration == pytest.approx(2.0)
    assert plan.times[0] == 1
    assert plan.audio
    assert (plan.width, plan.height, plan.fps) == (1280, 720, Fraction(24))


def test_gif_and_webp_defaults_are_small_and_slow() -> None:
    gif = plan_export(clip(), ExportOptions(ExportFormat.GIF))
    assert (gif.width, gif.height, gif.fps, gif.frame_count) == (640, 360, Fraction(15), 75)
    assert not gif.audio
    webp = plan_export(clip(), ExportOptions(ExportFormat.WEBP))
    assert (webp.width, webp.height) == (854, 480)


def test_presets_never_enlarge_or_speed_up() -> None:
    plan = plan_export(clip(), ExportOptions(ExportFormat.MP4, height=1080, fps=Fraction(60)))
    assert (plan.width, plan.height, plan.fps) == (1280, 720, Fraction(24))
    assert plan_export(clip(), ExportOptions(ExportFormat.WEBM, height=480, fps=Fraction(12))).frame_count == 60


def test_a_loop_goes_back_without_repeating_its_ends() -> None:
    plan = plan_export(clip(duration=1.0), ExportOptions(ExportFormat.GIF, loop=True, fps=Fraction(10)))
    assert plan.forward_count == 10
    assert plan.frame_count == 18
    assert plan.times[9] == Fraction(9, 10)
    assert plan.times[10] == Fraction(8, 10)
    assert plan.times[-1] == Fraction(1, 10)


def test_png_is_one_frame_at_the_in_point() -> None:
    plan = plan_export(clip(), ExportOptions(ExportFormat.PNG, start=2.5))
    assert plan.times == (Fraction(5, 2),)
    assert plan.frame_count == 1


@pytest.mark.parametrize(("start", "end", "words"), [
    (-1.0, None, "before the start"),
    (5.0, None, "past the end"),
    (3.0, 2.0, "must come after"),
])
def test_bad_trims_say_what_is_wrong(start: float, end: float | None, words: str) -> None:
    with pytest.raises(MediaError) as caught:
        plan_export(clip(), ExportOptions(ExportFormat.MP4, start=start, end=end))
    assert caught.value.param == "trim"
    assert words in caught.value.message


def test_an_out_point_past_the_end_is_the_end() -> None:
    assert plan_export(clip(duration=2.0), ExportOptions(ExportFormat.MP4, end=9.0)).frame_count == 48


def test_a_silent_clip_exports_without_sound() -> None:
    assert not plan_export(clip(audio=None), ExportOptions(ExportFormat.MP4)).audio
    assert not plan_export(clip(), ExportOptions(ExportFormat.MP4, audio=False)).audio


def test_rates_given_as_floats_become_exact() -> None:
    plan = plan_export(clip(frame_rate=Fraction(30000, 1001)), ExportOptions(ExportFormat.MP4, fps=29.97))
    assert plan.fps == Fraction(30000, 1001)
    joined = plan_join([clip(), clip("b.mp4")], JoinOptions(fps=12.0))
    assert joined.fps == Fraction(12)
    assert joined.frame_counts == (60, 60)
