"""Row thumbnails: the first frame of a finished video, else the job's first-frame input, as small PNGs.

Decoding (PyAV), scaling (Pillow) and every file access run in an executor; the UI thread only turns
a finished QImage into a pixmap. PNGs are cached on disk under a key of the source's path, size and
modification time, so a re-rendered or replaced file gets a fresh thumbnail and an unchanged one is
never decoded twice. Requests come from painting, so only visible rows ever cost anything.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from getimg_studio.api.types import Role
from getimg_studio.jobs.model import Job, JobState, request_frames
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.player.frames import first_video_frame, save_png

log = logging.getLogger(__name__)

THUMB_WIDTH = 320
THUMB_HEIGHT = 180
_VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv"})


def thumbnail_source(job: Job) -> Path | None:
    """What a row's picture is made from: the video once saved, else the first-frame input."""
    if job.state is JobState.READY and job.file_path is not None:
        return job.file_path
    frames = request_frames(job.request)
    firsts = [f for f in frames if f.role is Role.FIRST_FRAME] or [f for f in frames if f.role is Role.REFERENCE_IMAGE]
    for frame in firsts:
        if frame.path is not None:
            return frame.path
    return None


def cache_key(path: Path, stat: os.stat_result) -> str:
    raw = f"{path.resolve()}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def make_thumbnail(source: Path, folder: Path) -> Path:
    """Blocking: the cached PNG for `source`, made if needed. Raises OSError/ValueError when unreadable."""
    from PIL import Image, ImageOps

    stat = source.stat()
    target = folder / f"{cache_key(source, stat)}.png"
    if target.exists():
        return target
    if source.suffix.lower() in _VIDEO_SUFFIXES:
        image = first_video_frame(source)
    else:
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    image.thumbnail((THUMB_WIDTH, THUMB_HEIGHT))
    save_png(image, target)
    return target


def _load_image(source: Path, folder: Path) -> QImage:
    image = QImage(str(make_thumbnail(source, folder)))
    if image.isNull():
        raise ValueError(f"cannot read the thumbnail of {source.name}")
    return image


class ThumbnailCache(QObject):
    """Pixmaps by job, made on demand; `thumbnailReady(job_id)` tells the view to repaint that row."""

    thumbnailReady = Signal(int)

    def __init__(self, folder: Path, parent: QObject | None = None, *, memory_items: int = 400,
                 workers: int = 2) -> None:
        super().__init__(parent)
        self._folder = folder
        self._memory: OrderedDict[tuple[int, str], QPixmap | None] = OrderedDict()
        self._memory_items = memory_items
        self._pending: set[tuple[int, str]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks = TaskOwner("thumbnails")
        self._limit = asyncio.Semaphore(workers)

    @property
    def folder(self) -> Path:
        return self._folder

    def pixmap(self, job: Job) -> QPixmap | None:
        """The row's picture if it is ready; otherwise starts making it and returns None for now."""
        source = thumbnail_source(job)
        if source is None:
            return None
        key = (job.id, str(source))
        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        if key not in self._pending and not self._tasks.closed:
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # painted outside a running loop (a plain Qt loop): no thumbnails then
                return None
            self._tasks.start(self._make(key, source))
            self._pending.add(key)
            self._idle.clear()
        return None

    async def wait_idle(self) -> None:
        """For tests and screenshots: until every requested thumbnail is made."""
        await self._idle.wait()

    async def _make(self, key: tuple[int, str], source: Path) -> None:
        pixmap: QPixmap | None = None
        try:
            async with self._limit:
                loop = asyncio.get_running_loop()
                image = await loop.run_in_executor(None, _load_image, source, self._folder)
            pixmap = QPixmap.fromImage(image)
        except Exception as exc:  # OSError, ValueError, and PyAV's own errors for damaged files
            log.info("no thumbnail for job %s: %s", key[0], exc)
        finally:
            self._pending.discard(key)
            if not self._pending:
                self._idle.set()
        self._memory[key] = pixmap
        while len(self._memory) > self._memory_items:
            self._memory.popitem(last=False)
        self.thumbnailReady.emit(key[0])

    async def close(self) -> None:
        await self._tasks.close()
