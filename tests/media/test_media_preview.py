"""The storyboard's play-ready preview: one gapless file, the shots' start times, cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ClipMaker
from media_files import stream_summary

from getimg_studio.media import preview as preview_module
from getimg_studio.media.preview import make_preview


def test_preview_of_matching_takes_is_a_copy_and_is_reused(make_clip: ClipMaker, tmp_path: Path) -> None:
    takes = [make_clip(f"take {i} of a glass city") for i in range(3)]
    seen: list[float] = []
    first = make_preview(takes, tmp_path / "cache", progress=seen.append)
    assert first.copied
    assert not first.cached
    assert first.starts == (0.0, 2.0, 4.0)
    assert first.duration == pytest.approx(6.0)
    assert first.shot_at(0.0) == 0
    assert first.shot_at(2.0) == 1
    assert first.shot_at(5.9) == 2
    assert seen[-1] == 1.0
    summary = stream_summary(first.path)
    assert (summary["video"], summary["audio"], summary["frames"]) == (1, 1, 144)
    again = make_preview(takes, tmp_path / "cache")
    assert again.cached
    assert again.path == first.path


def test_preview_of_mixed_takes_is_re_encoded_and_old_ones_are_pruned(make_clip: ClipMaker, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview_module, "KEEP_PREVIEWS", 2)
    cache = tmp_path / "cache"
    takes = [make_clip("take 0 of a glass city"), make_clip("a tall take", 180, 320, seconds=1, sound=False)]
    mixed = make_preview(takes, cache)
    assert not mixed.copied
    assert mixed.starts == (0.0, 2.0)
    assert mixed.duration == pytest.approx(3.0)
    for i in range(3):
        make_preview([make_clip(f"take {i} of a glass city")], cache)
    assert len(list(cache.glob("preview-*.mp4"))) == 2
    assert not mixed.path.exists()
