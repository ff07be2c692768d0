"""Joining real clips: stream counts, durations, untouched packets when copied, cancel and progress."""

from __future__ import annotations

import hashlib
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import ClipMaker
from media_files import Counter, frames_rgb, leftovers, stream_summary

from getimg_studio.media.errors import Cancelled
from getimg_studio.media.export import ExportFormat, ExportOptions, export
from getimg_studio.media.geometry import Fit
from getimg_studio.media.join import join
from getimg_studio.media.join_plan import JoinOptions, StreamMode
from getimg_studio.media.recipe import Recipe
from getimg_studio.media.tags import read_recipes

FRAME = 1 / 24


def _video_packets(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [hashlib.sha256(bytes(p)).hexdigest() for p in container.demux(video=0) if p.size]


def test_copy_join_keeps_every_picture_packet_and_one_sound_track(make_clip: ClipMaker, out_dir: Path) -> None:
    clips = [make_clip(f"shot {i} of a lighthouse at night") for i in range(3)]
    seen: list[float] = []
    recipes = tuple(Recipe(model="m", prompt=f"shot {i}") for i in range(3))
    result = join(clips, out_dir / "story.mp4", JoinOptions(recipes=recipes), progress=seen.append)
    assert result.plan.video is StreamMode.COPY
    assert result.plan.audio is StreamMode.COPY
    summary = stream_summary(result.path)
    assert (summary["video"], summary["audio"], summary["frames"]) == (1, 1, 144)
    assert summary["video_duration"] == pytest.approx(6.0)
    assert summary["audio_duration"] == pytest.approx(6.0, abs=0.03)  # within about one AAC packet
    assert _video_packets(result.path) == [h for c in clips for h in _video_packets(c)]
    assert result.plan.starts == (0.0, 2.0, 4.0)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert read_recipes(result.path) == recipes
    assert leftovers(out_dir) == ["story.mp4"]


def test_a_silent_shot_gets_silence_and_the_pictures_are_still_copied(make_clip: ClipMaker, out_dir: Path) -> None:
    clips = [make_clip("rain on a tin roof"), make_clip("rain on a tin roof", sound=False),
             make_clip("thunder far away")]
    result = join(clips, out_dir / "story.mp4")
    assert result.plan.video is StreamMode.COPY
    assert result.plan.audio is StreamMode.ENCODE
    summary = stream_summary(result.path)
    assert (summary["video"], summary["audio"]) == (1, 1)
    assert summary["audio_duration"] == pytest.approx(6.0, abs=0.03)
    with av.open(str(result.path)) as container:
        sound = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
    rate = 44100
    middle = sound[:, int(2.2 * rate):int(3.8 * rate)]
    outer = sound[:, int(0.5 * rate):int(1.5 * rate)]
    assert np.abs(middle).max() < 1e-3 < np.abs(outer).max()  # silence exactly where the silent shot plays


def test_re_encoded_join_fits_mixed_shapes_and_crossfades(make_clip: ClipMaker, out_dir: Path) -> None:
    clips = [make_clip("a desert road"), make_clip("a square window", 180, 180, sound=False),
             make_clip("a desert road at dusk")]
    result = join(clips, out_dir / "story.mp4", JoinOptions(crossfade=0.5, fit=Fit.LETTERBOX))
    plan = result.plan
    assert plan.video is StreamMode.ENCODE
    assert plan.mixed_shapes
    assert plan.duration == pytest.approx(6.0 - 2 * 0.5)
    summary = stream_summary(result.path)
    assert (summary["video"], summary["audio"], summary["frames"]) == (1, 1, 120)
    assert summary["video_duration"] == pytest.approx(5.0)
    assert summary["audio_duration"] == pytest.approx(5.0, abs=0.03)
    frames = frames_rgb(result.path)
    assert frames[0].shape == (180, 320, 3)
    square = frames[60]  # 2.5 s: the middle of the square shot, letterboxed
    assert square[:, :60].max() < 30
    assert square[:, 260:].max() < 30
    assert square[:, 100:220].mean() > 30


def test_crop_fills_the_frame(make_clip: ClipMaker, out_dir: Path) -> None:
    clips = [make_clip("a desert road"), make_clip("a square window", 180, 180, sound=False)]
    result = join(clips, out_dir / "story.mp4", JoinOptions(fit=Fit.CROP, audio=False))
    assert stream_summary(result.path)["audio"] == 0
    square = frames_rgb(result.path)[72]
    assert square[:, :40].mean() > 30
    assert square[:, 280:].mean() > 30


def test_copy_join_of_b_frame_exports(make_clip: ClipMaker, tmp_path: Path, out_dir: Path) -> None:
    parts = [export(make_clip(f"part {i}"), tmp_path / f"p{i}.mp4", ExportOptions(ExportFormat.MP4)).path
             for i in range(2)]
    result = join(parts, out_dir / "both.mp4")
    assert result.plan.copies
    summary = stream_summary(result.path)
    assert summary["frames"] == 96
    assert summary["video_duration"] == pytest.approx(4.0)


@pytest.mark.parametrize("options", [JoinOptions(), JoinOptions(crossfade=0.25)], ids=["copy", "encode"])
def test_cancel_leaves_no_partial_file(make_clip: ClipMaker, out_dir: Path, options: JoinOptions) -> None:
    clips = [make_clip(f"shot {i} of a lighthouse at night") for i in range(3)]
    cancel = Counter(40)
    with pytest.raises(Cancelled):
        join(clips, out_dir / "story.mp4", options, cancel=cancel)
    assert cancel.calls > 40
    assert leftovers(out_dir) == []


def test_an_existing_file_survives_a_cancelled_join(make_clip: ClipMaker, out_dir: Path) -> None:
    target = out_dir / "story.mp4"
    target.write_bytes(b"the creator's earlier export")
    with pytest.raises(Cancelled):
        join([make_clip("rain on a tin roof")] * 2, target, cancel=Counter(10))
    assert target.read_bytes() == b"the creator's earlier export"
    assert leftovers(out_dir) == ["story.mp4"]
