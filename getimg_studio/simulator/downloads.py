"""``GET|HEAD /v2/downloads/{id}/{index}?exp=&sig=``: signed, no API key, Range/If-Range aware, never compressed.

Every item of a generation (one, unless a fault listed more) is the same rendered file.

A custom streaming handler rather than ``web.FileResponse`` because tests need per-request byte counters and a
fault that drops the connection after K bytes. Order of checks: bad or missing signature 403
(``invalid_signature``), unknown id 404, past ``deletes_at`` 404 (``not_found``), past ``exp`` 403
(``url_expired``). One byte range is honoured (``bytes=a-b``, ``a-``, ``-n``); several ranges or a malformed
header get the whole file (200), as RFC 9110 allows; an unsatisfiable one gets 416.
"""

from __future__ import annotations

import asyncio
import os
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from .errors import ApiError
from .faults import Fault
from .signing import verify

if TYPE_CHECKING:
    from .server import SimulatorServer

CHUNK = 256 * 1024


def _read(path: Path, offset: int, size: int) -> bytes:
    # local file, page-cached: a plain read is cheaper than a thread hop
    with path.open("rb") as fh:
        fh.seek(offset)
        return fh.read(size)


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(start, end inclusive), None for 'send everything', or "unsatisfiable"."""
    if not header:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    first, last = first.strip(), last.strip()
    if (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
        return None
    if not first:  # suffix: the last n bytes
        n = int(last)
        if n == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, end


def if_range_matches(value: str, etag: str, mtime: int) -> bool:
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag  # strong comparison: a weak tag never matches
    try:
        return int(parsedate_to_datetime(value).timestamp()) == mtime
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


class DownloadHandler:
    def __init__(self, server: SimulatorServer) -> None:
        self.server = server

    async def handle(self, request: web.Request) -> web.StreamResponse:
        gid = request.match_info["generation_id"]
        state = self.server.state
        now = self.server.clock.now()
        exp = verify(state.secret, gid, request.query.get("exp"), request.query.get("sig"),
                     int(request.match_info["index"]) if request.match_info["index"].isdigit() else -1)
        if exp is None:
            raise ApiError(403, "invalid_signature", "The download URL's signature is missing or invalid.")
        g = state.generations.get(gid)
        index = request.match_info["index"]
        if g is None or not index.isdigit() or int(index) >= g.items:
            raise ApiError(404, "not_found", "No such file.")
        self.server.engine.settle(g, now)
        if g.deletes_at is not None and now >= g.deletes_at:
            raise ApiError(404, "not_found", "This video has been deleted (past deletes_at).")
        if exp < now:
            raise ApiError(403, "url_expired", "The download URL has expired: fetch the generation again.")
        path = state.root / g.video_file if g.video_file else None
        if g.status != "completed" or path is None or not path.exists():
            raise ApiError(404, "not_found", "No such file.")
        return await self._send(request, gid, path, g.mime_type, self.server.request_faults.get(id(request)))

    async def _send(self, request: web.Request, gid: str, path: Path, mime_type: str,
                    fault: Fault | None) -> web.StreamResponse:
        st = os.stat(path)  # a local stat is cheap; not worth a thread hop
        size, mtime = st.st_size, int(st.st_mtime)
        etag = f'"{gid}-{size:x}-{st.st_mtime_ns:x}"'
        headers = {
            "Content-Type": mime_type,
            "Accept-Ranges": "bytes",
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
            "Cache-Control": "private, max-age=0",
            "Content-Disposition": f'attachment; filename="{gid}{path.suffix}"',
        }
        rng = parse_range(request.headers.get("Range"), size)
        if_range = request.headers.get("If-Range")
        if rng is not None and if_range is not None and not if_range_matches(if_range, etag, mtime):
            rng = None
        if rng == "unsatisfiable":
            raise ApiError(416, "range_not_satisfiable", "The requested range is not satisfiable.",
                           headers={"Content-Range": f"bytes */{size}"})
        if isinstance(rng, tuple):
            start, end = rng
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        else:
            start, end, status = 0, size - 1, 200
        length = end - start + 1
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        resp = web.StreamResponse(status=status, headers=headers)
        resp.content_length = length
        sent = 0
        dropped = False
        try:
            await resp.prepare(request)
            if request.method == "HEAD":
                return resp
            limit = length
            if fault is not None and fault.drop_after_bytes is not None:
                limit = min(length, fault.drop_after_bytes)
                dropped = limit < length
            pos = start
            while sent < limit:
                chunk = _read(path, pos, min(CHUNK, limit - sent))
                if not chunk:
                    break
                await resp.write(chunk)
                sent += len(chunk)
                pos += len(chunk)
            if dropped and request.transport is not None:
                request.transport.abort()  # announced Content-Length, delivered fewer bytes
            return resp
        finally:
            self.server.record_download(gid, request.method, status, start, end, sent, dropped)
