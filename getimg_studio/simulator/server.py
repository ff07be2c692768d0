"""The simulator's aiohttp application: routes, the fault/stats middleware, lifecycle and control operations.

Routes and their names (the names are what faults and stats use)::

    models    GET  /v2/models[?type=video|image]
    model     GET  /v2/models/{id}
    create    POST /v2/videos/generations
    retrieve  GET  /v2/videos/generations/{id}
    images    POST /v2/images/generations          (synchronous: answers 200 with the image, see .images)
    download  GET|HEAD /v2/downloads/{id}/{index}?exp=&sig=
    balance   GET  /v2/billing/balance
    costs     GET  /v2/billing/costs?start=&end=

Control routes, answered only to loopback peers (404 otherwise): ``GET /_sim/stats``, ``POST /_sim/faults``
(one fault object or a list, schema in :mod:`.faults`), ``POST /_sim/reset`` (``{"balance": "..."}``
optional), ``GET|POST /_sim/config`` (runtime knobs, see :data:`.config.RUNTIME_KNOBS`), ``GET|POST
/_sim/clock`` (``{"advance": seconds}`` moves the simulator's clock forward, see :mod:`.clock`).

Every answer of the generation routes carries the rate-limit headers (``X-RateLimit-Limit``, ``-Remaining``,
``-Reset``), refusals included.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import ipaddress
import logging
import math
import socket
import tempfile
from collections import deque
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from email.utils import formatdate
from pathlib import Path
from typing import Any

from aiohttp import web

from .clock import SimClock
from .config import RUNTIME_KNOBS, SimulatorConfig
from .control import ControlHandlers
from .downloads import DownloadHandler
from .engine import Engine
from .errors import ApiError, generic_for_status
from .faults import ROUTES, Fault, FaultQueue, parse_fault
from .handlers import ApiHandlers, json_response, rate_headers
from .images import ImageHandlers
from .state import State

log = logging.getLogger(__name__)

MALFORMED_BODY = b'<html><body><h1>502 Bad Gateway</h1></body></html>\n{"id": '
_RATE_LIMITED_ROUTES = ("create", "retrieve")
_TICK_SECONDS = 0.25
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class SimulatorServer:
    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.clock = SimClock()
        self.faults = FaultQueue()
        self.durations: dict[str, tuple[float, ...]] = {}  # listed durations a `durations` fault put in place
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._creates: deque[float] = deque()
        self._image_creates: deque[float] = deque()
        self.images_in_flight = 0  # image requests being rendered: they count against the in-flight cap
        self.images_reserved = Decimal(0)  # and their price against the balance until they are charged
        self.base_url = ""
        self.outcomes: dict[int, str] = {}
        self.request_faults: dict[int, Fault] = {}
        self.state: State
        self.engine: Engine
        self.reset_stats()

    # ------------------------------------------------------------------ lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0, *, sock: socket.socket | None = None) -> str:
        """Load state, resume renders, listen (on `sock` when given: a bound, listening socket). Returns the
        base URL."""
        root = self.config.state_dir
        if root is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="getimg-sim-")
            root = Path(self._tmp.name)
        self.state = State.open(Path(root), self.config.balance)
        self.engine = Engine(self.config, self.state, self.clock)
        self.engine.resume()
        app = web.Application(middlewares=[self._middleware],
                              client_max_size=self.config.max_body_bytes + (1 << 20))
        self._add_routes(app)
        # access_log=None: access lines would carry signed URLs, which are secrets
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.SockSite(self._runner, sock) if sock is not None else web.TCPSite(self._runner, host, port)
        await site.start()
        addr = self._runner.addresses[0]
        shown = f"[{addr[0]}]" if ":" in addr[0] else addr[0]
        self.base_url = f"http://{shown}:{addr[1]}"
        self._ticker = asyncio.create_task(self._tick(), name="sim-ticker")
        return self.base_url

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if hasattr(self, "engine"):
            await self.engine.stop()
            self.state.save()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def _tick(self) -> None:
        # completes and charges generations on time even when nobody polls, and removes expired files
        while True:
            await asyncio.sleep(_TICK_SECONDS)
            try:
                self.engine.settle_all(self.clock.now())
            except Exception:
                log.exception("settling generations failed")

    def _add_routes(self, app: web.Application) -> None:
        api = ApiHandlers(self)
        control = ControlHandlers(self)
        images = ImageHandlers(self, api)
        r = app.router
        r.add_get("/v2/models", api.models, name="models")
        r.add_get("/v2/models/{model_id}", api.model, name="model")
        r.add_post("/v2/videos/generations", api.create, name="create")
        r.add_get("/v2/videos/generations/{generation_id}", api.retrieve, name="retrieve")
        r.add_post("/v2/images/generations", images.generate, name="images")
        r.add_get("/v2/downloads/{generation_id}/{index}", DownloadHandler(self).handle, name="download")
        r.add_get("/v2/billing/balance", api.balance, name="balance")
        r.add_get("/v2/billing/costs", api.costs, name="costs")
        r.add_get("/_sim/stats", control.stats, name="sim_stats")
        r.add_post("/_sim/faults", control.faults, name="sim_faults")
        r.add_post("/_sim/reset", control.reset, name="sim_reset")
        r.add_get("/_sim/config", control.get_config, name="sim_config_get")
        r.add_post("/_sim/config", control.set_config, name="sim_config")
        r.add_get("/_sim/clock", control.get_clock, name="sim_clock_get")
        r.add_post("/_sim/clock", control.set_clock, name="sim_clock")

    # ------------------------------------------------------------------ middleware
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route.name
        if route is not None and route.startswith("sim_"):
            if not _is_loopback(request.remote):
                return ApiError(404, "not_found", "Not found.").response()
            return await _guarded(request, handler)
        fault = self.faults.take(route) if route in ROUTES else None
        try:
            resp = await self._apply(request, handler, route, fault)
            if route in _RATE_LIMITED_ROUTES:
                for name, value in self.rate_headers(self.clock.now()).items():
                    resp.headers.setdefault(name, value)
            self._count(route or "unknown", self.outcomes.get(id(request), str(resp.status)))
        finally:
            # per-request side channel (request storage wants aiohttp>=3.14 RequestKey objects)
            self.outcomes.pop(id(request), None)
            self.request_faults.pop(id(request), None)
        return resp

    async def _apply(self, request: web.Request, handler: Handler, route: str | None,
                     fault: Fault | None) -> web.StreamResponse:
        if fault is None:
            return await _guarded(request, handler)
        if fault.status is not None:  # refused before acceptance: nothing is processed
            await request.read()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            code, message = generic_for_status(fault.status)
            headers = self._retry_after(fault)
            if fault.html:
                return self._finish(_html_page(fault.status, headers), fault)
            if fault.malformed:
                return web.Response(status=fault.status, body=MALFORMED_BODY, headers=headers,
                                    content_type="application/json")
            return self._finish(ApiError(fault.status, code, message, headers=headers).response(), fault)
        if route == "download":
            if fault.reset_after_body:
                await request.read()
                return self._reset(request)
            self.request_faults[id(request)] = fault  # delay and drop_after_bytes happen inside the streaming handler
            return await _guarded(request, handler)
        resp = await _guarded(request, handler)
        if fault.reset_after_body:
            return self._reset(request)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if not isinstance(resp, web.Response):
            return resp
        body = MALFORMED_BODY if fault.malformed else (resp.body if isinstance(resp.body, bytes) else b"")
        if fault.drop_after_bytes is not None and fault.drop_after_bytes < len(body):
            partial = web.StreamResponse(status=resp.status, headers=resp.headers)
            partial.content_length = len(body)
            await partial.prepare(request)
            await partial.write(body[:fault.drop_after_bytes])
            if request.transport is not None:
                request.transport.abort()
            self.outcomes[id(request)] = "dropped"
            return partial
        if fault.malformed:
            return web.Response(status=resp.status, body=body, headers={
                k: v for k, v in resp.headers.items() if k.lower() not in ("content-length", "content-type")},
                content_type="application/json")
        if fault.html:  # processed, but a login page (or any HTML) came back instead of the answer
            return self._finish(_html_page(200, {}), fault)
        return self._finish(resp, fault)

    def _retry_after(self, fault: Fault) -> dict[str, str]:
        ra = fault.retry_after
        if ra is None:
            return {}
        if fault.retry_after_form == "ms":
            return {"retry-after-ms": str(int(ra * 1000))}
        if fault.retry_after_form == "date":
            # HTTP dates have whole seconds: round up so the client never comes back early
            return {"Retry-After": formatdate(math.ceil(self.clock.now() + ra), usegmt=True)}
        return {"Retry-After": str(int(ra)) if float(ra).is_integer() else str(ra)}

    @staticmethod
    def _finish(resp: web.Response, fault: Fault) -> web.Response:
        """Compress the answer when the fault asks for it (a CDN in front of the API may)."""
        if not fault.gzip or not isinstance(resp.body, bytes):
            return resp
        headers = {k: v for k, v in resp.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        headers["Content-Encoding"] = "gzip"
        return web.Response(status=resp.status, body=gzip.compress(resp.body), headers=headers)

    def rate_headers(self, now: float) -> dict[str, str]:
        return rate_headers(self.create_window(now), self.config.rpm, now)

    def _reset(self, request: web.Request) -> web.StreamResponse:
        """Close the connection without an answer (the request has been read and processed)."""
        if request.transport is not None:
            request.transport.abort()
        self.outcomes[id(request)] = "reset"
        return web.Response(status=499)  # never sent: aiohttp finds the transport closed

    # ------------------------------------------------------------------ stats
    def reset_stats(self) -> None:
        self._requests: dict[str, dict[str, int]] = {}
        self._creations: dict[str, int] = {}
        self._creations_by_prompt: dict[str, int] = {}
        self._downloads: dict[str, dict[str, Any]] = {}
        self._create_bodies: list[dict[str, Any]] = []

    def _count(self, route: str, status: str) -> None:
        per_route = self._requests.setdefault(route, {})
        per_route[status] = per_route.get(status, 0) + 1

    def record_creation(self, gid: str, prompt: str) -> None:
        self._creations[gid] = self._creations.get(gid, 0) + 1
        self._creations_by_prompt[prompt] = self._creations_by_prompt.get(prompt, 0) + 1

    def record_create_body(self, body: Any) -> None:
        """What a create request sent (image URLs cut short), for tests that check the wire format."""
        if not isinstance(body, dict):
            return
        kept = {k: v for k, v in body.items() if k != "images"}
        if isinstance(body.get("images"), list):
            kept["images"] = [{k: (str(v)[:40] if k == "url" else v) for k, v in i.items()}
                              for i in body["images"] if isinstance(i, dict)]
        self._create_bodies.append(kept)
        del self._create_bodies[:-100]

    def record_download(self, gid: str, method: str, status: int, start: int, end: int, sent: int,
                        dropped: bool) -> None:
        entry = self._downloads.setdefault(gid, {"bytes": 0, "requests": []})
        entry["bytes"] += sent
        entry["requests"].append({"method": method, "status": status, "start": start, "end": end,
                                  "bytes": sent, "dropped": dropped})

    def create_window(self, now: float) -> deque[float]:
        """Accepted creations in the last 60 s (the RPM window)."""
        while self._creates and self._creates[0] <= now - 60.0:
            self._creates.popleft()
        return self._creates

    def image_window(self, now: float) -> deque[float]:
        """Accepted image creations in the last 60 s: images have an RPM limit of their own."""
        while self._image_creates and self._image_creates[0] <= now - 60.0:
            self._image_creates.popleft()
        return self._image_creates

    def in_flight(self) -> int:
        """Generations counting against the one in-flight cap: pending videos and images being made."""
        return self.state.pending_count() + self.images_in_flight

    def reserved(self) -> Decimal:
        """Money promised to generations not yet charged (videos pending, images being made)."""
        return self.state.reserved() + self.images_reserved

    def stats(self) -> dict[str, Any]:
        self.engine.settle_all(self.clock.now())
        return {
            "requests": {route: dict(v) for route, v in self._requests.items()},
            "total_requests": sum(sum(v.values()) for v in self._requests.values()),
            "creations": dict(self._creations),
            "creations_by_prompt": dict(self._creations_by_prompt),
            "total_creations": sum(self._creations.values()),
            "downloads": {gid: {"bytes": d["bytes"], "requests": list(d["requests"])}
                          for gid, d in self._downloads.items()},
            "create_bodies": list(self._create_bodies),
            "faults_pending": self.faults.pending(),
            "pending": self.state.pending_count(),
            "rendering": self.engine.rendering,
            "images_in_flight": self.images_in_flight,
            "balance": str(self.state.balance),
        }

    # ------------------------------------------------------------------ control operations
    def add_fault(self, spec: dict[str, Any]) -> None:
        fault, count = parse_fault(spec)
        self.faults.add(fault, count)

    def reset(self, balance: str | Decimal | None = None) -> None:
        self.faults.clear()
        self.reset_stats()
        self._creates.clear()
        self.durations.clear()
        self._image_creates.clear()
        if balance is not None:
            self.configure(balance=balance)

    def configure(self, **knobs: Any) -> None:
        """Change runtime knobs; ValueError for unknown names or bad values."""
        parsed: dict[str, Any] = {}
        for name, value in knobs.items():
            kind = RUNTIME_KNOBS.get(name)
            if kind is None:
                raise ValueError(f"unknown knob {name!r}; known: {', '.join(RUNTIME_KNOBS)}")
            if isinstance(value, bool) or value is None:
                raise ValueError(f"bad value for {name}")
            try:
                parsed[name] = Decimal(str(value)) if kind is Decimal else kind(value)
            except (TypeError, ValueError, InvalidOperation):
                raise ValueError(f"bad value for {name}: {value!r}") from None
            if kind is not Decimal and parsed[name] < 0:
                raise ValueError(f"{name} must be >= 0")
        for name, value in parsed.items():
            if name == "balance":
                self.state.balance = value
                self.state.save()
            else:
                setattr(self.config, name, value)

    def config_view(self) -> dict[str, Any]:
        view = {name: getattr(self.config, name) for name in RUNTIME_KNOBS if name != "balance"}
        view["balance"] = str(self.state.balance)
        return view


def _html_page(status: int, headers: dict[str, str]) -> web.Response:
    """A page as a proxy, CDN or firewall sends it: HTML, nothing of getimg's envelope."""
    reason = _REASONS.get(status, "Error")
    body = (f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head><body>"
            f"<h1>{status} {reason}</h1><p>The request was blocked by the network's security policy.</p>"
            f"<hr><address>corporate-proxy/1.0</address></body></html>\n")
    return web.Response(status=status, text=body, content_type="text/html", headers=headers)


_REASONS = {200: "OK", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure into the getimg error envelope (never aiohttp's HTML pages, never a bare 500)."""
    try:
        return await handler(request)
    except ApiError as exc:
        return exc.response()
    except web.HTTPException as exc:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}
        code = codes.get(exc.status, "invalid_request")
        allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return ApiError(exc.status, code, exc.reason or "Error.", headers=allow).response()
    except (ConnectionError, asyncio.CancelledError):
        raise
    except Exception:
        log.exception("simulator bug while handling %s %s", request.method, request.path)
        return json_response({"error": {"message": "Internal simulator error.", "type": "api_error",
                                        "param": None, "code": "internal_error"}}, status=500)


def _is_loopback(remote: str | None) -> bool:
    if remote is None:
        return False
    try:
        return ipaddress.ip_address(remote.split("%")[0]).is_loopback
    except ValueError:
        return False

