"""Handlers of the getimg v2 API routes (models, video generations, billing; images are in :mod:`.images`).

Rate limits: the RPM window counts accepted creations in the last 60 s (refused requests do not count);
the concurrency cap counts generations still pending. Both answer 429 ``rate_limit``: the RPM one with the
error envelope and ``Retry-After``, the concurrency one with ``{message, code}`` and no wait (as the vendor's
rate-limit guide shows them). The balance check subtracts the estimated cost of generations still pending.

Request size: a create body larger than ``max_body_bytes`` is read to the end (so the client sees the answer,
not a broken pipe) and answered **413** with code ``request_too_large`` (type ``invalid_request_error``).
"""

from __future__ import annotations

import json
import math
from collections import deque
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import catalog
from .errors import ApiError, invalid, missing
from .validation import validate_create

if TYPE_CHECKING:
    from .server import SimulatorServer

CONTENT_POLICY_MARKER = "[nsfw]"
MAX_COST_RANGE = timedelta(days=180)
_DRAIN_LIMIT_FACTOR = 4  # beyond this many times the limit we stop draining and just drop the connection


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=json.dumps(data), content_type="application/json",
                        headers=headers)


def base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"



def rate_headers(window: deque[float], limit: int, now: float) -> dict[str, str]:
    reset = (window[0] + 60.0) if window else now
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(0, limit - len(window))),
        "X-RateLimit-Reset": str(math.ceil(reset)),
    }



def cap_refusal(limit: int) -> web.Response:
    """The concurrency cap's 429, as the vendor's guide shows it: `{message, code}`, no Retry-After."""
    return json_response({"message": f"Too many generations in progress at once (limit {limit}).",
                          "code": "rate_limit"}, status=429)

class ApiHandlers:
    def __init__(self, server: SimulatorServer) -> None:
        self.server = server

    # ------------------------------------------------------------------ helpers
    def authenticate(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise ApiError(401, "invalid_api_key", "Missing API key: send 'Authorization: Bearer <key>'.")
        keys = self.server.config.api_keys
        if keys is not None and key not in keys:
            raise ApiError(401, "invalid_api_key", "Invalid API key.")

    async def read_body(self, request: web.Request) -> bytes:
        limit = self.server.config.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await request.content.read(1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size <= limit:
                chunks.append(chunk)
            elif size > limit * _DRAIN_LIMIT_FACTOR:
                break
        if size > limit:
            raise ApiError(413, "request_too_large",
                           f"The request body is larger than the {limit} byte limit.")
        return b"".join(chunks)

    # ------------------------------------------------------------------ models
    async def models(self, request: web.Request) -> web.Response:
        self.authenticate(request)
        model_type = request.query.get("type")
        if model_type is not None and model_type not in ("image", "video"):
            raise invalid("type", "'type' must be 'image' or 'video'.")
        models = catalog.list_models(model_type)
        self._take_durations("models", models)
        return json_response([self._listed(m) for m in models])

    async def model(self, request: web.Request) -> web.Response:
        self.authenticate(request)
        model = catalog.find_model(request.match_info["model_id"])
        if model is None:
            raise ApiError(404, "not_found", f"No model '{request.match_info['model_id']}'.", "model")
        self._take_durations("model", [model])
        return json_response(self._listed(model))

    def _take_durations(self, route: str, models: list[catalog.ModelSpec]) -> None:
        fault = self.server.faults.take(route, content=True)
        if fault is not None and fault.durations is not None:
            for model in models:
                if model.type == "video":
                    self.server.durations[model.id] = fault.durations

    def _listed(self, model: catalog.ModelSpec) -> dict[str, Any]:
        listed = model.to_json()
        if model.id in self.server.durations:
            listed["supported_durations"] = list(self.server.durations[model.id])
        return listed

    # ------------------------------------------------------------------ generations
    async def create(self, request: web.Request) -> web.Response:
        self.authenticate(request)
        raw = await self.read_body(request)
        now = self.server.clock.now()
        config = self.server.config
        window = self.server.create_window(now)
        if len(window) >= config.rpm:
            retry = max(1, math.ceil(window[0] + 60.0 - now))
            raise ApiError(429, "rate_limit", f"Too many video generations per minute (limit {config.rpm}).",
                           headers={"Retry-After": str(retry)})
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
        self.server.record_create_body(body)
        req = validate_create(body, config.max_image_bytes, self.server.durations)
        if CONTENT_POLICY_MARKER in req.prompt.lower():
            raise ApiError(422, "content_policy_violation", "The prompt violates the content policy.", "prompt")
        engine = self.server.engine
        engine.settle_all(now)
        if self.server.in_flight() >= config.max_pending:
            return cap_refusal(config.max_pending)
        _, cost = catalog.estimate_cost(req.model, req.resolution, req.sound, req.duration)
        available = self.server.state.balance - self.server.reserved()
        if available < cost:
            raise ApiError(402, "quota_exceeded",
                           f"Insufficient balance: this generation costs about ${cost}, ${available} available.")
        g = engine.create(req, now)
        window.append(now)
        self.server.record_creation(g.id, g.prompt)
        return json_response({"id": g.id, "status": "pending"}, status=202)

    async def retrieve(self, request: web.Request) -> web.Response:
        self.authenticate(request)
        gid = request.match_info["generation_id"]
        g = self.server.state.generations.get(gid)
        if g is None or g.kind != "video":
            raise ApiError(404, "not_found", f"No generation '{gid}'.", "id")
        now = self.server.clock.now()
        self.server.engine.settle(g, now)
        fault = self.server.faults.take("retrieve", content=True, completed=g.status == "completed")
        return json_response(self.server.engine.view(g, base_url(request), now, fault))

    # ------------------------------------------------------------------ billing
    async def balance(self, request: web.Request) -> web.Response:
        self.authenticate(request)
        self.server.engine.settle_all(self.server.clock.now())
        return json_response({"balance": str(self.server.state.balance), "currency": catalog.CURRENCY})

    async def costs(self, request: web.Request) -> web.Response:
        self.authenticate(request)
        start = _parse_time(request.query.get("start"), "start")
        end = _parse_time(request.query.get("end"), "end")
        if end <= start:
            raise invalid("end", "'end' must fall after 'start'.")
        if end - start > MAX_COST_RANGE:
            raise invalid("end", "The range may span at most 180 days.")
        self.server.engine.settle_all(self.server.clock.now())
        s_ts, e_ts = start.timestamp(), end.timestamp()
        buckets: dict[date, Decimal] = {}
        day = start.astimezone(UTC).date()
        while day <= end.astimezone(UTC).date():
            buckets[day] = Decimal(0)
            day += timedelta(days=1)
        for g in self.server.state.generations.values():
            if g.charged is not None and g.completed_at is not None and s_ts <= g.completed_at <= e_ts:
                d = datetime.fromtimestamp(g.completed_at, UTC).date()
                buckets[d] = buckets.get(d, Decimal(0)) + g.cost
        total = sum(buckets.values(), Decimal(0))
        return json_response({
            "currency": catalog.CURRENCY,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "total_cost": float(total),
            "data": [{"date": d.isoformat(), "cost": float(c)} for d, c in sorted(buckets.items())],
        })


def _parse_time(value: str | None, name: str) -> datetime:
    if value is None or value == "":
        raise missing(name)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise invalid(name, f"'{name}' must be an ISO 8601 timestamp.") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise invalid(name, f"'{name}' must include a time zone.")
    try:
        parsed.astimezone(UTC)  # year 1 or 9999 with an offset falls off the calendar
    except OverflowError:
        raise invalid(name, f"'{name}' is out of range.") from None
    return parsed
