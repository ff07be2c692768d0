"""Exports of real clips: each format opens with the expected size, frames and duration; exact cuts; loops."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import ClipMaker
from media_files import Counter, frames_rgb, leftovers, stream_summary
from PIL import Image

from getimg_studio.api.errors import ErrorKind
from getimg_studio.media.errors import Cancelled, MediaError
from getimg_studio.media.export import ExportFormat, ExportOptions, export, format_for
from getimg_studio.media.frames import frame_at
from getimg_studio.media.recipe import Recipe
from getimg_studio.media.tags import read_recipes

RECIPE = Recipe(model="seedance-v1-5-pro", prompt="a paper boat on a puddle", remote_id="req-7")


def _mean_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.mark.parametrize(("fmt", "size", "frames", "seconds", "sound"), [
    (ExportFormat.MP4, (320, 180), 24, 1.0, True),
    (ExportFormat.WEBM, (320, 180), 24, 1.0, True),
    (ExportFormat.GIF, (320, 180), 15, 1.0, False),
])
def test_each_format_opens_with_the_expected_shape(make_clip: ClipMaker, out_dir: Path, fmt: ExportFormat,
                                                   size: tuple[int, int], frames: int, seconds: float,
                                                   sound: bool) -> None:
    clip = make_clip("a paper boat on a puddle")
    seen: list[float] = []
    out = out_dir / f"cut{fmt.suffix}"
    result = export(clip, out, ExportOptions(fmt, start=0.5, end=1.5, recipes=(RECIPE,)), progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    summary = stream_summary(out)
    assert (summary["video"], summary["audio"]) == (1, int(sound))
    assert summary["frames"] == frames == result.plan.frame_count
    assert summary["duration"] == pytest.approx(seconds, abs=0.03)
    with av.open(str(out)) as container:
        v = container.streams.video[0]
        assert (v.codec_context.width, v.codec_context.height) == size
    assert read_recipes(out) == (RECIPE,)
    assert leftovers(out_dir) == [out.name]


def test_animated_webp_has_the_expected_frames_and_timing(make_clip: ClipMaker, out_dir: Path) -> None:
    # FFmpeg decodes no animated WebP, so Pillow (libwebp's own demuxer) checks this one
    out = out_dir / "loop.webp"
    export(make_clip("a paper boat on a puddle"), out,
           ExportOptions(ExportFormat.WEBP, height=90, fps=Fraction(10), recipes=(RECIPE,)))
    with Image.open(out) as image:
        assert image.size == (160, 90)
        assert image.n_frames == 20
        total = 0
        for index in range(image.n_frames):
            image.seek(index)
            image.load()
            total += image.info["duration"]
        assert total == pytest.approx(2000, abs=2)
    assert read_recipes(out) == (RECIPE,)


def test_mp4_cut_starts_on_the_chosen_frame(make_clip: ClipMaker, out_dir: Path) -> None:
    clip = make_clip("a paper boat on a puddle")
    source = frames_rgb(clip)
    out = export(clip, out_dir / "cut.mp4", ExportOptions(ExportFormat.MP4, start=0.75, end=1.25)).path
    cut = frames_rgb(out)
    assert len(cut) == 12
    nearest = [_mean_diff(cut[0], f) for f in source]
    assert int(np.argmin(nearest)) == 18  # 0.75 s x 24 fps: frame accurate, not the key frame before
    assert int(np.argmin([_mean_diff(cut[-1], f) for f in source])) == 29


def test_a_loop_plays_forward_then_back(make_clip: ClipMaker, out_dir: Path) -> None:
    clip = make_clip("a paper boat on a puddle")
    out = export(clip, out_dir / "loop.mp4", ExportOptions(ExportFormat.MP4, loop=True, end=1.0)).path
    frames = frames_rgb(out)
    assert len(frames) == 46  # 24 forward + 22 back (neither end twice)
    assert _mean_diff(frames[23 + 5], frames[23 - 5]) < 3.0  # mirror images around the turn
    assert _mean_diff(frames[0], frames[23]) > 3.0
    summary = stream_summary(out)
    assert summary["audio"] == 1
    assert summary["audio_duration"] == pytest.approx(46 / 24, abs=0.03)


def test_gif_loop_and_size_preset(make_clip: ClipMaker, out_dir: Path) -> None:
    out = export(make_clip("a paper boat on a puddle"), out_dir / "loop.gif",
                 ExportOptions(ExportFormat.GIF, loop=True, height=90, fps=Fraction(10))).path
    summary = stream_summary(out)
    assert summary["frames"] == 38
    assert summary["duration"] == pytest.approx(3.8, abs=0.02)
    with Image.open(out) as image:
        assert image.size == (160, 90)
        assert image.info.get("loop") == 0


def test_png_of_any_frame_carries_the_recipe(make_clip: ClipMaker, out_dir: Path) -> None:
    clip = make_clip("a paper boat on a puddle")
    out = export(clip, out_dir / "frame.png", ExportOptions(ExportFormat.PNG, start=1.0, recipes=(RECIPE,))).path
    with Image.open(out) as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), np.asarray(frame_at(clip, 1.0)))
    assert read_recipes(out) == (RECIPE,)


@pytest.mark.parametrize("fmt", [ExportFormat.MP4, ExportFormat.GIF, ExportFormat.WEBP])
def test_cancel_leaves_nothing(make_clip: ClipMaker, out_dir: Path, fmt: ExportFormat) -> None:
    cancel = Counter(30)
    with pytest.raises(Cancelled):
        export(make_clip("a paper boat on a puddle"), out_dir / f"x{fmt.suffix}", ExportOptions(fmt, loop=True),
               cancel=cancel)
    assert leftovers(out_dir) == []


def test_names_choose_formats_and_bad_ones_are_refused(tmp_path: Path) -> None:
    assert format_for(Path("a.GIF")) is ExportFormat.GIF
    with pytest.raises(MediaError) as caught:
        format_for(tmp_path / "a.avi")
    assert ".webm" in caught.value.message


def test_an_export_may_not_replace_its_source(make_clip: ClipMaker, tmp_path: Path) -> None:
    clip = tmp_path / "served.mp4"
    clip.write_bytes(make_clip("a paper boat on a puddle").read_bytes())
    with pytest.raises(MediaError) as caught:
        export(clip, clip, ExportOptions(ExportFormat.MP4))
    assert caught.value.param == "output"


@pytest.mark.slow
def test_gif_of_a_5s_720p_clip_stays_under_8_mb(make_clip: ClipMaker, out_dir: Path) -> None:
    clip = make_clip("a red fox running in the snow at dusk", 1280, 720, seconds=5, sound=True)
    result = export(clip, out_dir / "fox.gif", ExportOptions(ExportFormat.GIF))
    assert (result.plan.width, result.plan.height, result.plan.frame_count) == (640, 360, 75)
    assert result.size_bytes < 8_000_000, f"{result.size_bytes / 1e6:.2f} MB"
    assert stream_summary(result.path)["frames"] == 75


def test_an_unwritable_destination_is_a_disk_error_naming_it(make_clip: ClipMaker, tmp_path: Path) -> None:
    blocker = tmp_path / "exports"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(MediaError) as caught:
        export(make_clip("a paper boat on a puddle"), blocker / "x.mp4", ExportOptions(ExportFormat.MP4))
    assert caught.value.kind is ErrorKind.DISK
    assert str(blocker) in caught.value.message
    assert leftovers(tmp_path) == ["exports"]
