"""Saved video names: readable, unique, and never outside the output folder."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from getimg_studio.jobs.files import is_inside, slugify, unique_path, video_name

WHEN = datetime(2026, 11, 25, 14, 3, 12)
NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_[a-z0-9-]+_[0-9a-f]{6}\.mp4$")


def test_name_is_readable() -> None:
    name = video_name(WHEN, "A Drone shot over a futuristic city, at sunset!", 12, "gen-1")
    assert name.startswith("2026-11-25_14-03-12_a-drone-shot-over-a-futuristic-city-at-sunset_")
    assert NAME.match(name)


def test_names_differ_between_jobs_with_the_same_prompt() -> None:
    assert video_name(WHEN, "same", 1, "a") != video_name(WHEN, "same", 2, "b")


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("Café crème brûlée", "cafe-creme-brulee"),
        ("🎬🎥", "video"),
        ("", "video"),
        ("CON", "video-con"),
        ("nul", "video-nul"),
        ("x" * 500, "x" * 48),
    ],
)
def test_slug(prompt: str, expected: str) -> None:
    assert slugify(prompt) == expected


def test_long_prompt_cut_at_a_word() -> None:
    slug = slugify("word " * 100)
    assert len(slug) <= 48
    assert not slug.endswith("-")
    assert slug.endswith("word")


@given(prompt=st.text(max_size=3000), remote=st.text(max_size=200))
def test_any_prompt_or_id_stays_inside(prompt: str, remote: str) -> None:
    folder = Path("/tmp/out-folder")
    name = video_name(datetime(2026, 1, 1, tzinfo=UTC), prompt, 7, remote)
    assert len(name) < 100
    assert name.isascii()
    assert "/" not in name
    assert "\\" not in name
    assert "\x00" not in name
    assert (folder / name).parent == folder
    assert NAME.match(name)


def test_unique_path_skips_existing_and_partial_files(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "a-2.mp4.part").write_bytes(b"x")
    assert unique_path(tmp_path, "a.mp4") == tmp_path / "a-3.mp4"
    assert unique_path(tmp_path, "b.mp4") == tmp_path / "b.mp4"


@pytest.mark.parametrize("bad", ["../x.mp4", "sub/x.mp4", "..", ""])
def test_unique_path_refuses_non_plain_names(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        unique_path(tmp_path, bad)


def test_is_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert is_inside(out, out / "a.mp4")
    assert is_inside(out, out / "sub" / "a.mp4")
    assert not is_inside(out, out)
    assert not is_inside(out, tmp_path / "a.mp4")
    assert not is_inside(out, out / ".." / "a.mp4")
    (out / "link").symlink_to(tmp_path)
    assert not is_inside(out, out / "link" / "a.mp4")
