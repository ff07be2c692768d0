"""Row thumbnails: the first video frame off the UI thread, cached as PNG by path, size and mtime."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

from getimg_studio.api.types import FrameRef, GenerationRequest, Role
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.simulator.render import RenderSpec, render_video
from getimg_studio.ui.queue.thumbnails import THUMB_WIDTH, ThumbnailCache, thumbnail_source

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def job(state: JobState, file_path: Path | None = None, frame: Path | None = None, job_id: int = 1) -> Job:
    frames = (FrameRef(Role.FIRST_FRAME, path=frame),) if frame else ()
    return Job(id=job_id, state=state, request=GenerationRequest("sim-fixed-lite", "thumb", frames=frames),
               created_at=T0, updated_at=T0, file_path=file_path)


def test_first_frame_then_cache_then_fresh_after_a_change(run: Any, tmp_path: Path, image_file: Any) -> None:
    clip = tmp_path / "clip.mp4"
    render_video(RenderSpec("a thumbnail test", 640, 360, 1), clip)
    frame = image_file("first.png", (640, 360), "#c03030")
    cache = ThumbnailCache(tmp_path / "thumbs")
    pending = job(JobState.PENDING, frame=frame)
    ready = job(JobState.READY, file_path=clip, frame=frame)
    assert thumbnail_source(pending) == frame
    assert thumbnail_source(ready) == clip
    assert thumbnail_source(job(JobState.FAILED)) is None

    async def make(j: Job) -> Any:
        assert cache.pixmap(j) is None  # never blocks: made in the background
        await cache.wait_idle()
        return cache.pixmap(j)

    before = run(make(pending))
    assert before is not None
    assert before.toImage().pixelColor(10, 10).name() == "#c03030"
    pixmap = run(make(ready))
    assert pixmap is not None
    assert pixmap.width() == THUMB_WIDTH
    pngs = sorted((tmp_path / "thumbs").glob("*.png"))
    assert len(pngs) == 2
    with av.open(str(clip)) as container:
        first = next(container.decode(video=0)).to_image().resize((THUMB_WIDTH, 180))
    images = [load_rgb(p) for p in pngs]
    video_thumb = next(i for i in images if tuple(i[10, 10]) != (192, 48, 48))
    diff = np.abs(video_thumb.astype(np.int16) - np.asarray(first, dtype=np.int16))
    assert diff.mean() < 6  # the clip's first frame, scaled

    # A new cache (the next start) reuses the PNGs; a changed file gets a new one.
    again = ThumbnailCache(tmp_path / "thumbs")
    run(make_with(again, ready))
    assert len(list((tmp_path / "thumbs").glob("*.png"))) == 2
    render_video(RenderSpec("a different clip", 640, 360, 1), clip)
    os.utime(clip, ns=(1, 1))
    run(make_with(ThumbnailCache(tmp_path / "thumbs"), ready))
    assert len(list((tmp_path / "thumbs").glob("*.png"))) == 3


def load_rgb(path: Path) -> Any:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


async def make_with(cache: ThumbnailCache, j: Job) -> None:
    cache.pixmap(j)
    await cache.wait_idle()
    assert cache.pixmap(j) is not None
    await cache.close()


def test_unreadable_video_gives_no_thumbnail_and_no_error(run: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 1000)
    cache = ThumbnailCache(tmp_path / "thumbs")
    ready = job(JobState.READY, file_path=broken)

    async def scenario() -> None:
        cache.pixmap(ready)
        await cache.wait_idle()

    run(scenario())
    assert cache.pixmap(ready) is None
    assert not list((tmp_path / "thumbs").glob("*.png"))
