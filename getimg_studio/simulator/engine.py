"""Generation lifecycle: create, render off the event loop, settle (complete/fail, charge once), expire.

All methods run on the server's event loop thread; only :func:`render.render_video` runs in worker threads.
A generation stays pending until ``pending_seconds`` have passed since creation AND its file is rendered; then
it completes (and is charged exactly its cost) or fails (``fail_rate`` with a seeded RNG, decided at
creation, or always when the prompt contains ``[fail]``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from email.utils import formatdate
from functools import partial
from pathlib import Path
from typing import Any

from . import catalog
from .clock import SimClock
from .config import SimulatorConfig
from .faults import Fault
from .render import TAKES, RenderCancelled, RenderImage, RenderSpec, VideoInfo, probe_video, render_cached
from .signing import signature
from .state import Generation, State
from .validation import CreateRequest

log = logging.getLogger(__name__)

FAIL_MARKER = "[fail]"


def iso_z(ts: float) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, like the real API's deletes_at."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


def new_id() -> str:
    # time-ordered like the vendor's ids; random part from secrets so ids never repeat across restarts
    return f"req-{int(time.time() * 1000):012X}{secrets.token_hex(6).upper()}"


class Engine:
    def __init__(self, config: SimulatorConfig, state: State, clock: SimClock) -> None:
        self.config = config
        self.state = state
        self.clock = clock
        self.rng = random.Random(config.seed)
        # How often each exact request was made: its nth repeat is drawn as take n (render.TAKES apart)
        self._repeats: Counter[str] = Counter()
        self._executor = ThreadPoolExecutor(max_workers=max(1, config.render_workers),
                                            thread_name_prefix="sim-render")
        self._cancel = threading.Event()
        self._renders: dict[str, asyncio.Future[VideoInfo]] = {}
        self._stopped = False

    # ------------------------------------------------------------------ lifecycle
    def resume(self) -> None:
        """After a restart: pick up files rendered just before a kill, restart unfinished renders."""
        for g in self.state.generations.values():
            if g.status == "pending" and g.fail_code is None and g.video_file is None:
                path = self._video_path(g)
                if path.exists():
                    try:
                        self._record_render(g, probe_video(path))
                        continue
                    except Exception:  # half-written by a killed process: render again
                        path.unlink(missing_ok=True)
                self._ensure_render(g)
        self.state.save()

    async def stop(self) -> None:
        self._stopped = True
        self._cancel.set()
        futures = list(self._renders.values())
        if futures:
            await asyncio.wait(futures, timeout=10)
        self._executor.shutdown(wait=True, cancel_futures=True)

    @property
    def rendering(self) -> int:
        return len(self._renders)

    # ------------------------------------------------------------------ create
    def create(self, req: CreateRequest, now: float) -> Generation:
        gid = new_id()
        images: list[dict[str, str | None]] = []
        for n, img in enumerate(req.images):
            rel: str | None = None
            if img.data is not None:
                rel = f"inputs/{gid}-{n}.{img.ext}"
                (self.state.root / rel).write_bytes(img.data)
            images.append({"role": img.role, "path": rel, "remote_host": img.remote_host})
        price, cost = catalog.estimate_cost(req.model, req.resolution, req.sound, req.duration)
        width, height = catalog.dimensions(req.resolution, req.aspect_ratio)
        fail_code = fail_message = None
        roll = self.rng.random()  # drawn for every creation so a seed gives a repeatable sequence
        if FAIL_MARKER in req.prompt.lower():
            fail_code, fail_message = "generation_failed", "The generation failed (the prompt asked for it)."
        elif roll < self.config.fail_rate:
            fail_code, fail_message = "generation_failed", "The model could not generate this video."
        g = Generation(
            id=gid, take=self._take(req), model=req.model.id, prompt=req.prompt, aspect_ratio=req.aspect_ratio,
            resolution=req.resolution, duration=req.duration, sound=req.sound, width=width, height=height,
            images=images, created_at=now, ready_at=now + self.config.pending_seconds,
            unit_price=str(price), estimated_cost=str(cost), fail_code=fail_code, fail_message=fail_message,
        )
        self.state.generations[gid] = g
        self.state.save()
        if fail_code is None:
            self._ensure_render(g)
        return g

    def _take(self, req: CreateRequest) -> int:
        """How often this exact request was made before, modulo `TAKES`: a repeat is drawn as another take."""
        key = hashlib.sha256(repr((req.model.id, req.prompt, req.aspect_ratio, req.resolution, req.duration,
                                   req.sound, [(i.role, i.remote_host) for i in req.images])).encode())
        for image in req.images:
            if image.data is not None:
                key.update(image.data)
        digest = key.hexdigest()
        take = self._repeats[digest] % TAKES
        self._repeats[digest] += 1
        return take

    # ------------------------------------------------------------------ rendering
    def _video_path(self, g: Generation) -> Path:
        return self.state.videos_dir / f"{g.id}.mp4"

    def _ensure_render(self, g: Generation) -> None:
        if self._stopped or g.id in self._renders:
            return
        spec = RenderSpec(
            prompt=g.prompt, width=g.width, height=g.height, duration=g.duration, sound=g.sound, take=g.take,
            images=tuple(RenderImage(str(i["role"]), str(self.state.root / i["path"]) if i["path"] else None,
                                     i["remote_host"]) for i in g.images),
        )
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(self._executor, render_cached, spec, self._video_path(g), self._cancel,
                                   self.config.render_cache)
        self._renders[g.id] = fut
        fut.add_done_callback(partial(self._render_done, g.id))

    def _render_done(self, gid: str, fut: asyncio.Future[VideoInfo]) -> None:
        self._renders.pop(gid, None)
        g = self.state.generations.get(gid)
        if fut.cancelled():
            return
        exc = fut.exception()
        if g is None or isinstance(exc, RenderCancelled):
            return
        if exc is not None:
            log.error("render of %s failed", gid, exc_info=exc)
            g.fail_code, g.fail_message = "internal_error", "The video could not be rendered."
        else:
            self._record_render(g, fut.result())
        self.state.save()
        self.settle(g, self.clock.now())

    def _record_render(self, g: Generation, info: VideoInfo) -> None:
        g.video_file = f"videos/{g.id}.mp4"
        g.info = asdict(info)
        g.rendered_at = self.clock.now()

    # ------------------------------------------------------------------ settle
    def settle(self, g: Generation, now: float) -> None:
        if g.status == "completed":
            if g.deletes_at is not None and now >= g.deletes_at and g.video_file is not None:
                (self.state.root / g.video_file).unlink(missing_ok=True)
                g.video_file = None
                self.state.save()
            return
        if g.status != "pending" or now < g.ready_at:
            return
        if g.fail_code is not None:
            g.status = "failed"
            g.completed_at = now
            self.state.save()
            return
        if g.video_file is None or not (self.state.root / g.video_file).exists():
            g.video_file = None
            self._ensure_render(g)
            return
        g.status = "completed"
        g.completed_at = max(g.ready_at, g.rendered_at or now)
        g.deletes_at = g.completed_at + self.config.retention_seconds
        if g.charged is None:
            cost = Decimal(g.estimated_cost)
            g.charged = str(cost)
            self.state.balance -= cost
        self.state.save()

    def settle_all(self, now: float) -> None:
        for g in list(self.state.generations.values()):
            self.settle(g, now)

    # ------------------------------------------------------------------ views
    def view(self, g: Generation, base_url: str, now: float, fault: Fault | None = None) -> dict[str, Any]:
        """The status answer; a content fault (see faults.py) makes it say what the real API may say."""
        if fault is not None and fault.status_text is not None:
            body: dict[str, Any] = {"id": g.id, "status": fault.status_text}
            if fault.error:
                body["error"] = {"code": fault.status_text, "message": f"The generation was {fault.status_text}."}
            return body
        if g.status == "pending":
            return {"id": g.id, "status": "pending"}
        if g.status == "failed":
            return {"id": g.id, "status": "failed", "error": {"code": g.fail_code, "message": g.fail_message}}
        assert g.deletes_at is not None
        if fault is not None and fault.items is not None and fault.items > g.items:
            g.items = fault.items  # its extra files stay downloadable
            self.state.save()
        count = fault.items if fault is not None and fault.items is not None else g.items
        # A signed URL is valid until the file is deleted, unless a fault asks for a shorter life.
        exp = int(now + fault.url_ttl) if fault is not None and fault.url_ttl is not None else int(g.deletes_at)
        form = fault.deletes_at if fault is not None else None
        info = g.info or {}
        price = Decimal(g.unit_price)
        data = []
        for index in range(count):
            sig = signature(self.state.secret, g.id, exp, index)
            item: dict[str, Any] = {
                "url": f"{base_url}/v2/downloads/{g.id}/{index}?exp={exp}&sig={sig}",
                "mime_type": "video/mp4",
                "width": info.get("width", g.width),
                "height": info.get("height", g.height),
                "duration": info.get("duration", float(g.duration)),
                "fps": info.get("fps"),
                "has_sound": info.get("has_sound", g.sound),
            }
            if form != "missing":
                item["deletes_at"] = deletes_at_text(g.deletes_at, form)
            data.append(item)
        return {
            "id": g.id,
            "status": "completed",
            "model": g.model,
            "data": data,
            "usage": {
                "total_cost": float(g.cost),
                "billable_unit": "video_second",
                "unit_price": float(price),
                "quantity": float(g.duration),
            },
        }


def deletes_at_text(ts: float, form: str | None) -> Any:
    """`deletes_at` as the real API writes it (ISO with milliseconds and Z), or in another form seen in the wild."""
    moment = datetime.fromtimestamp(ts, UTC)
    if form == "unix":
        return int(ts)
    if form == "unix_ms":
        return int(ts * 1000)
    if form == "rfc2822":
        return formatdate(ts, usegmt=True)
    if form == "iso_offset":
        return moment.astimezone(timezone(timedelta(hours=2))).isoformat()
    if form == "iso_naive":
        return moment.replace(tzinfo=None).isoformat()
    if form == "iso_nanos":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1e9) % 1_000_000_000:09d}Z"
    if form == "iso_space":
        return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")
    if form == "garbage":
        return "when the moon is full"
    return iso_z(ts)
