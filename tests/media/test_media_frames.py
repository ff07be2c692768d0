"""Probing real files and taking pictures out of them: exact last frames and lossless PNGs."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from conftest import ClipMaker
from media_files import frames_rgb
from PIL import Image

from getimg_studio.api.errors import ErrorKind
from getimg_studio.media.errors import MediaError
from getimg_studio.media.export import ExportFormat, ExportOptions, export
from getimg_studio.media.frames import first_frame, frame_at, last_frame, save_png
from getimg_studio.media.probe import probe


def test_probe_reads_what_decides_a_copy(make_clip: ClipMaker) -> None:
    info = probe(make_clip("a red kite over the dunes"))
    assert info.container == "mp4"
    assert (info.width, info.height, info.frame_count) == (320, 180, 48)
    assert info.duration == pytest.approx(2.0)
    assert info.video.codec == "h264"
    assert info.video.pix_fmt == "yuv420p"
    assert info.video.frame_rate == Fraction(24)
    assert len(info.video.extradata_sha256) == 64
    assert info.audio is not None
    assert (info.audio.codec, info.audio.channels) == ("aac", 2)
    assert info.audio.duration == pytest.approx(2.0, abs=0.03)
    silent = probe(make_clip("a red kite over the dunes", sound=False))
    assert silent.audio is None
    assert silent.video.copy_key == info.video.copy_key  # same renderer settings: joinable by copy


def test_last_frame_is_the_final_decoded_picture_even_with_b_frames(make_clip: ClipMaker, tmp_path: Path) -> None:
    clip = make_clip("waves breaking on black sand", seconds=2)
    # our own MP4 exports use B-frames and a 2 s key frame interval: the hard case for "last"
    reencoded = export(clip, tmp_path / "b.mp4", ExportOptions(ExportFormat.MP4)).path
    for path in (clip, reencoded):
        decoded = frames_rgb(path)
        assert np.array_equal(np.asarray(last_frame(path)), decoded[-1])
        assert np.array_equal(np.asarray(first_frame(path)), decoded[0])
        assert not np.array_equal(decoded[-1], decoded[-2])  # the clip moves: "last" is a real choice


def test_frame_at_is_the_frame_on_screen(make_clip: ClipMaker) -> None:
    clip = make_clip("waves breaking on black sand", seconds=2)
    decoded = frames_rgb(clip)
    assert np.array_equal(np.asarray(frame_at(clip, 1.0)), decoded[24])
    assert np.array_equal(np.asarray(frame_at(clip, 1.0 + 1 / 48)), decoded[24])  # between 24 and 25
    assert np.array_equal(np.asarray(frame_at(clip, 99.0)), decoded[-1])


def test_png_of_the_last_frame_is_lossless(make_clip: ClipMaker, tmp_path: Path) -> None:
    clip = make_clip("waves breaking on black sand", seconds=2)
    image = last_frame(clip)
    target = tmp_path / "chain" / "last.png"
    save_png(image, target)
    with Image.open(target) as again:
        assert again.format == "PNG"
        assert np.array_equal(np.asarray(again.convert("RGB")), np.asarray(image))
    assert [p.name for p in target.parent.iterdir()] == ["last.png"]


def test_a_file_that_is_not_a_video_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.mp4"
    junk.write_text("not a video")
    with pytest.raises(MediaError) as caught:
        probe(junk)
    assert caught.value.kind is ErrorKind.INVALID
    assert "cannot be read as a video" in caught.value.message
    with pytest.raises(MediaError) as gone:
        last_frame(tmp_path / "missing.mp4")
    assert "not there any more" in gone.value.message
