"""`Downloader`: a finished video saved from its signed URL, streamed, resumable and atomic.

- Its own httpx client with no credentials: the signed URL needs none, and the API key must never leave for
  a download host. The URL itself is a secret too: only its redacted form is ever logged.
- `Accept-Encoding: identity` and `aiter_raw`, so the bytes on disk are the bytes of the file and a byte
  offset into `<dest>.part` is an offset into the remote file: a break resumes with `Range` + `If-Range`
  (the validator is kept beside the part in `<dest>.part.json`, so a resume survives a restart).
- A stall watchdog (httpx's read timeout): no byte for `stall_timeout` seconds means reconnect and resume.
- Length checked against Content-Length/Content-Range, the signature checked (MP4 for a video, PNG, JPEG or
  WebP for an image: `image_types.sniff_image_mime`), fsync, then an atomic rename: `dest` exists only when
  it is complete.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from getimg_studio.fsutil import fsync_dir, write_atomic

from ..logs import redact
from .errors import ErrorKind, GetimgError
from .image_types import sniff_image_mime

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
Progress = Callable[[int, int | None], None]


_SYNC_EVERY = 16 * 1024 * 1024
_datasync: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)  # macOS and Windows lack fdatasync


def _write(f: IO[bytes], data: bytearray) -> None:
    f.write(data)


def _open_at(path: Path, offset: int) -> IO[bytes]:
    f = path.open("r+b")
    f.seek(offset)
    return f


def _close(f: IO[bytes]) -> None:
    with f:
        f.flush()


class _Restart(Exception):
    """The part file cannot be continued (validator changed, bad range): start again from byte 0."""


class _Retry(Exception):
    """A network break or stall: reconnect and resume from what is on disk."""

    def __init__(self, why: str, offline: bool = False) -> None:
        super().__init__(why)
        self.offline = offline


@dataclass
class _Part:
    path: Path
    meta_path: Path
    validator: str | None = None  # a strong ETag, else Last-Modified: what If-Range sends
    total: int | None = None

    def load(self) -> int:
        """Bytes already on disk that can be resumed (0 when there is no usable part)."""
        try:
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
            size = self.path.stat().st_size
        except (OSError, ValueError):
            return 0
        if not isinstance(meta, dict) or not isinstance(meta.get("validator"), str):
            return 0
        self.validator = meta["validator"]
        total = meta.get("total")
        self.total = total if isinstance(total, int) else None
        if self.total is not None and size > self.total:
            return 0
        return size

    def save_meta(self) -> None:
        data = json.dumps({"validator": self.validator, "total": self.total}).encode()
        write_atomic(self.meta_path, data)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)


def _disk_error(dest: Path, exc: OSError) -> GetimgError:
    why = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
           errno.EROFS: "the folder is read-only", errno.ENOENT: "the folder no longer exists"}.get(
        exc.errno or 0, exc.strerror or str(exc))
    return GetimgError(ErrorKind.DISK, f"Cannot save the video in {dest.parent}: {why}. Free some space or "
                       f"choose another output folder in Settings.")


def _content_range(value: str | None) -> tuple[int, int | None] | None:
    """(first byte, total or None) of `bytes a-b/total`."""
    if not value or not value.startswith("bytes "):
        return None
    spec, _, total = value[6:].partition("/")
    first, _, _last = spec.partition("-")
    try:
        return int(first), (int(total) if total.strip() != "*" else None)
    except ValueError:
        return None


def _validator(headers: httpx.Headers) -> str | None:
    etag = headers.get("etag")
    if etag and not etag.startswith("W/"):  # If-Range needs a strong validator
        return etag
    return headers.get("last-modified")


class Downloader:
    def __init__(self, *, stall_timeout: float = 30.0, chunk_size: int = 1024 * 1024, max_failures: int = 5,
                 connect_timeout: float = 20.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """`max_failures` bounds consecutive breaks that bring no new byte before giving up."""
        self._chunk = chunk_size
        self._max_failures = max(1, max_failures)
        self._sleep = sleep
        self._timeouts = (connect_timeout, stall_timeout)
        self._made: httpx.AsyncClient | None = None

    @property
    def _client(self) -> httpx.AsyncClient:
        """Made by the first download: httpx (and its TLS context) is not needed before the first paint."""
        if self._made is None:
            import httpx

            connect, stall = self._timeouts
            timeout = httpx.Timeout(connect=connect, read=stall, write=stall, pool=None)
            # No auth, no cookies kept between URLs, and no compression: offsets must be file offsets.
            self._made = httpx.AsyncClient(timeout=timeout, follow_redirects=True,
                                           headers={"Accept-Encoding": "identity"})
        return self._made

    async def aclose(self) -> None:
        if self._made is not None:
            await self._made.aclose()

    async def download(self, url: str, dest: Path, *, progress: Progress | None = None,
                       mime_type: str = "video/mp4") -> int:
        """Save `url` to `dest` (see the module docstring); returns the file's size. `mime_type` is what the
        file must be: an MP4 video (the default), or an image (`image/...`: any of the formats getimg makes)."""
        part = _Part(dest.with_name(dest.name + ".part"), dest.with_name(dest.name + ".part.json"))
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, lambda: dest.parent.mkdir(parents=True, exist_ok=True))
            offset = await loop.run_in_executor(None, part.load)
        except OSError as exc:
            raise _disk_error(dest, exc) from None
        if offset and part.total == offset:
            return await self._finish(part, dest, offset, mime_type)  # complete before a crash, not yet renamed
        failures = 0
        while True:
            before = offset
            try:
                offset = await self._attempt(url, part, offset, progress)
                return await self._finish(part, dest, offset, mime_type)
            except _Restart as why:
                log.info("download of %s restarts from 0: %s", redact(url), why)
                await loop.run_in_executor(None, part.clear)
                offset, part.validator, part.total = 0, None, None
                failures += 1
            except _Retry as why:
                offset = await loop.run_in_executor(None, part.load)
                failures = 0 if offset > before else failures + 1
                if failures >= self._max_failures:
                    kind = ErrorKind.OFFLINE if why.offline else ErrorKind.DOWNLOAD
                    raise GetimgError(kind, f"The download keeps breaking ({why}): it will resume from "
                                      f"{offset:,} bytes next time.") from None
                log.info("download of %s broke (%s); resuming at %d", redact(url), why, offset)
            except OSError as exc:
                raise _disk_error(dest, exc) from None
            if failures >= self._max_failures:
                raise GetimgError(ErrorKind.DOWNLOAD, "The download keeps restarting: the file on the server "
                                  "changes while it is fetched. Try again later.")
            await self._sleep(min(8.0, 0.25 * 2**failures) * (0.75 + random.random() / 2))

    async def _attempt(self, url: str, part: _Part, offset: int, progress: Progress | None) -> int:
        import httpx

        headers = {}
        if offset and part.validator:
            headers = {"Range": f"bytes={offset}-", "If-Range": part.validator}
        else:
            offset = 0
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                offset = await self._check_answer(response, part, offset)
                if progress is not None:
                    progress(offset, part.total)
                return await self._receive(response, part, offset, progress)
        except httpx.ConnectError as exc:
            raise _Retry(f"cannot connect: {exc}", offline=True) from None
        except (httpx.TransportError, TimeoutError) as exc:
            raise _Retry(type(exc).__name__) from None

    async def _check_answer(self, response: httpx.Response, part: _Part, offset: int) -> int:
        status = response.status_code
        if status == 403:
            raise GetimgError(ErrorKind.EXPIRED, "The download link has expired: a fresh one is needed.",
                              status=403)
        if status == 404:
            raise GetimgError(ErrorKind.EXPIRED, "The video is no longer on getimg's servers (past its "
                              "deletion time).", status=404)
        if status == 416:
            raise _Restart("range not satisfiable")
        if status in (408, 429) or status >= 500:
            raise _Retry(f"HTTP {status}")
        if status not in (200, 206):
            raise GetimgError(ErrorKind.DOWNLOAD, f"The download failed: the server answered HTTP {status}.",
                              status=status)
        length = response.headers.get("content-length")
        if status == 206:
            parsed = _content_range(response.headers.get("content-range"))
            if parsed is None or parsed[0] != offset:
                raise _Restart("the server sent another range than the one asked for")
            total = parsed[1]
        else:
            offset = 0  # a 200 to a ranged request: the file changed (or ranges are unsupported)
            total = int(length) if length and length.isdigit() else None
        part.validator, part.total = _validator(response.headers), total
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._prepare_part, part, offset)
        return offset

    @staticmethod
    def _prepare_part(part: _Part, offset: int) -> None:
        part.path.parent.mkdir(parents=True, exist_ok=True)
        with part.path.open("r+b" if offset and part.path.exists() else "wb") as f:
            f.truncate(offset)
        if part.validator:
            part.save_meta()
        else:
            part.meta_path.unlink(missing_ok=True)  # no validator: this part cannot be resumed safely

    async def _receive(self, response: httpx.Response, part: _Part, offset: int, progress: Progress | None) -> int:
        """Stream the body into the part file; returns the offset reached.

        The stall watchdog is httpx's read timeout (`stall_timeout`): it fires when one socket read waits that
        long for a byte, which is exactly "no data for N s". Network chunks are gathered up to `chunk_size`
        and written in a worker thread while the next ones arrive (one write in flight, so order holds and
        memory stays flat). Every `_SYNC_EVERY` bytes another worker flushes what is written so far to the
        disk while the download goes on, so the final fsync is short instead of a pause as long as writing
        the whole file. Whatever arrived before a break is still written: a resume starts where bytes stopped.
        """
        loop = asyncio.get_running_loop()
        f: IO[bytes] = await loop.run_in_executor(None, _open_at, part.path, offset)
        buffer = bytearray()
        writing: asyncio.Future[None] | None = None
        syncing: asyncio.Future[None] | None = None
        unsynced = 0
        try:
            async for chunk in response.aiter_raw():
                buffer += chunk
                if len(buffer) < self._chunk:
                    continue
                if writing is not None:
                    await writing
                if unsynced >= _SYNC_EVERY and (syncing is None or syncing.done()):
                    if syncing is not None:
                        syncing.result()  # a sync that failed (disk trouble) stops the download here
                    syncing, unsynced = loop.run_in_executor(None, _datasync, f.fileno()), 0
                # Handed over whole (no copy): the next chunks gather in a new buffer while this one is written.
                data, buffer = buffer, bytearray()
                writing = loop.run_in_executor(None, _write, f, data)
                unsynced += len(data)
                offset += len(data)
                if progress is not None:
                    progress(offset, part.total)
        finally:
            try:
                for pending in (writing, syncing):
                    if pending is not None:
                        await pending
                if buffer:
                    await loop.run_in_executor(None, _write, f, buffer)
                    offset += len(buffer)
                    if progress is not None:
                        progress(offset, part.total)
            finally:
                await loop.run_in_executor(None, _close, f)
        if part.total is not None and offset < part.total:
            raise _Retry(f"the connection closed at {offset:,} of {part.total:,} bytes")
        if part.total is not None and offset > part.total:
            raise _Restart("more bytes than announced")
        return offset

    async def _finish(self, part: _Part, dest: Path, size: int, mime_type: str) -> int:
        loop = asyncio.get_running_loop()
        try:
            ok = await loop.run_in_executor(None, self._seal, part, dest, mime_type)
        except OSError as exc:
            raise _disk_error(dest, exc) from None
        if not ok:
            await loop.run_in_executor(None, part.clear)
            what = "an image" if _is_image(mime_type) else "an MP4 video"
            raise GetimgError(ErrorKind.DOWNLOAD, f"The downloaded file is not {what}: it was discarded.")
        return size

    @staticmethod
    def _seal(part: _Part, dest: Path, mime_type: str) -> bool:
        """Check the signature, fsync, rename into place. False when the file is not what was expected."""
        with part.path.open("r+b") as f:
            head = f.read(12)
            if not _signature_ok(head, mime_type):
                return False
            os.fsync(f.fileno())
        os.replace(part.path, dest)
        fsync_dir(dest.parent)
        part.meta_path.unlink(missing_ok=True)
        return True


def _is_image(mime_type: str) -> bool:
    return mime_type.startswith("image/")


def _signature_ok(head: bytes, mime_type: str) -> bool:
    # An image is accepted in any format getimg makes (an answer's `mime_type` may name another than the bytes).
    if _is_image(mime_type):
        return sniff_image_mime(head) is not None
    return len(head) >= 8 and head[4:8] == b"ftyp"
