"""Real clips for media tests: rendered once per session by the simulator's renderer (H.264 + AAC), small."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from getimg_studio.simulator.render import RenderSpec, render_video

ClipMaker = Callable[..., Path]


@pytest.fixture(scope="session")
def make_clip(tmp_path_factory: pytest.TempPathFactory) -> ClipMaker:
    """`make_clip(prompt, width=320, height=180, seconds=2, sound=True)` -> a cached MP4 (do not modify it)."""
    folder = tmp_path_factory.mktemp("clips")

    def make(prompt: str, width: int = 320, height: int = 180, seconds: int = 2, sound: bool = True) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", prompt.lower()).strip("-")[:40]
        path = folder / f"{slug}-{width}x{height}-{seconds}s{'-sound' if sound else ''}.mp4"
        if not path.exists():
            render_video(RenderSpec(prompt, width, height, seconds, sound=sound), path)
        return path

    return make


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A destination folder that must hold only what the test expects when it ends (no temp files left)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder
