"""``POST /v2/images/generations``: a synchronous image generation, with the video endpoint's rules.

Order of checks, as for videos: the API key (401), the body size (413), the image RPM window (429
``rate_limit`` with ``Retry-After``; images have a per-minute limit of their own, ``image_rpm``), JSON (400
``invalid_json``), the fields (400 ``parameter_missing`` / ``invalid_parameter`` naming ``param``), the
content-policy marker ``[nsfw]`` in the prompt (422 ``content_policy_violation``), the one in-flight cap
shared with pending videos (429 ``rate_limit``, no ``Retry-After``) and the balance (402 ``quota_exceeded``).

Then the image is rendered in a worker thread and the answer waits until ``image_seconds`` have passed since
the request (the latency knob). A prompt with ``[fail]`` (or a ``fail_rate`` draw) fails after that wait with
500 ``generation_failed``, not charged: the SDK's answer type knows only ``completed``, so a failure can only
be an HTTP error, and a 500 is what leaves a client unsure (the docs are silent). Otherwise the price is
charged, the file is kept for ``retention_seconds`` under the same signed download route as videos, and the
answer is 200 ``{id, status: "completed", model, data: [{url, mime_type, deletes_at, width, height}], usage}``
with the rate-limit headers. The server keeps making the image when the client gives up or the connection
drops (aiohttp does not cancel handlers): a request that timed out has still made, and billed, an image.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import random
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from . import catalog
from .engine import FAIL_MARKER, iso_z, new_id
from .errors import ApiError
from .handlers import CONTENT_POLICY_MARKER, ApiHandlers, base_url, cap_refusal, json_response, rate_headers
from .image_render import ImageSpec, RenderedImage, render_image
from .image_validation import MIME_TYPES, ImageCreateRequest, validate_image_create
from .signing import signature
from .state import Generation

if TYPE_CHECKING:
    from .server import SimulatorServer

BILLABLE_UNIT = "image"
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def _write_file(spec: ImageSpec, path: Path) -> RenderedImage:
    """Render and write atomically (runs in a worker thread)."""
    rendered = render_image(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(rendered.data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return rendered


class ImageHandlers:
    def __init__(self, server: SimulatorServer, api: ApiHandlers) -> None:
        self.server = server
        self.api = api  # authentication and body reading, shared with the video routes
        self.rng = random.Random(server.config.seed)
        # How often each exact request body was made: the nth repeat is drawn as variant n (same look, other
        # arrangement), as a real model answers the same prompt with a new image each time.
        self._repeats: Counter[str] = Counter()

    async def generate(self, request: web.Request) -> web.Response:
        self.api.authenticate(request)
        raw = await self.api.read_body(request)
        started = time.monotonic()
        server, config = self.server, self.server.config
        now = server.clock.now()
        window = server.image_window(now)
        if len(window) >= config.image_rpm:
            retry = max(1, math.ceil(window[0] + 60.0 - now))
            headers = {**rate_headers(window, config.image_rpm, now), "Retry-After": str(retry)}
            raise ApiError(429, "rate_limit", f"Too many image generations per minute (limit {config.image_rpm}).",
                           headers=headers)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
        req = validate_image_create(body, config.max_image_bytes)
        if CONTENT_POLICY_MARKER in req.prompt.lower():
            raise ApiError(422, "content_policy_violation", "The prompt violates the content policy.", "prompt")
        server.engine.settle_all(now)
        if server.in_flight() >= config.max_pending:
            return cap_refusal(config.max_pending)
        price = catalog.unit_price(req.model, req.resolution, sound=False)
        available = server.state.balance - server.reserved()
        if available < price:
            raise ApiError(402, "quota_exceeded",
                           f"Insufficient balance: this image costs ${price}, ${available} available.")
        gid = new_id()
        window.append(now)
        server.record_creation(gid, req.prompt)
        fails = FAIL_MARKER in req.prompt.lower() or self.rng.random() < config.fail_rate
        server.images_in_flight += 1
        server.images_reserved += price
        try:
            rendered = None if fails else await self._render(gid, req, self._variant(raw))
            wait = config.image_seconds - (time.monotonic() - started)
            if wait > 0:
                await asyncio.sleep(wait)
        finally:
            server.images_in_flight -= 1
            server.images_reserved -= price
        if rendered is None:
            raise ApiError(500, "generation_failed", "The model could not generate this image.",
                           type_="api_error")
        g = self._record(gid, req, rendered, price, self.server.clock.now())
        return json_response(self._view(g, base_url(request)), headers=rate_headers(window, config.image_rpm, now))

    # ------------------------------------------------------------------ steps
    @staticmethod
    def _relative_path(gid: str, mime_type: str) -> str:
        return f"images/{gid}{_EXTENSIONS[mime_type]}"

    def _variant(self, raw: bytes) -> int:
        key = hashlib.sha256(raw).hexdigest()
        variant = self._repeats[key]
        self._repeats[key] += 1
        return variant

    async def _render(self, gid: str, req: ImageCreateRequest, variant: int) -> RenderedImage:
        width, height = catalog.image_dimensions(req.resolution, req.aspect_ratio)
        spec = ImageSpec(req.prompt, width, height, req.output_format, req.references, variant)
        path = self.server.state.root / self._relative_path(gid, MIME_TYPES[req.output_format])
        return await asyncio.to_thread(_write_file, spec, path)

    def _record(self, gid: str, req: ImageCreateRequest, rendered: RenderedImage, price: Decimal,
                done: float) -> Generation:
        """The image as a completed, charged generation: billing, costs, downloads and expiry treat it as any."""
        state = self.server.state
        g = Generation(
            id=gid, model=req.model.id, prompt=req.prompt, aspect_ratio=req.aspect_ratio,
            resolution=req.resolution, duration=0, sound=False, width=rendered.width, height=rendered.height,
            images=[{"role": r.role, "path": None, "remote_host": r.remote_host} for r in req.references],
            created_at=done, ready_at=done, unit_price=str(price), estimated_cost=str(price), status="completed",
            video_file=self._relative_path(gid, rendered.mime_type),
            info={"width": rendered.width, "height": rendered.height}, rendered_at=done, completed_at=done,
            deletes_at=done + self.server.config.retention_seconds, charged=str(price), kind="image",
            mime_type=rendered.mime_type,
        )
        state.generations[gid] = g
        state.balance -= price
        state.save()
        return g

    def _view(self, g: Generation, base: str) -> dict[str, object]:
        assert g.deletes_at is not None
        exp = int(g.deletes_at)  # a signed URL is valid until the file is deleted
        sig = signature(self.server.state.secret, g.id, exp, 0)
        price = Decimal(g.unit_price)
        return {
            "id": g.id,
            "status": "completed",
            "model": g.model,
            "data": [{
                "url": f"{base}/v2/downloads/{g.id}/0?exp={exp}&sig={sig}",
                "mime_type": g.mime_type,
                "deletes_at": iso_z(g.deletes_at),
                "width": g.width,
                "height": g.height,
            }],
            "usage": {"total_cost": float(g.cost), "billable_unit": BILLABLE_UNIT, "unit_price": float(price),
                      "quantity": 1.0},
        }
