"""``/_sim/*`` control routes (not part of the real API; the server answers them only to loopback peers)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import ApiError
from .faults import FaultError, parse_fault
from .handlers import json_response

if TYPE_CHECKING:
    from .server import SimulatorServer


async def _json(request: web.Request, default: Any) -> Any:
    raw = await request.read()
    if not raw.strip():
        return default
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from None


class ControlHandlers:
    def __init__(self, server: SimulatorServer) -> None:
        self.server = server

    async def stats(self, request: web.Request) -> web.Response:
        return json_response(self.server.stats())

    async def faults(self, request: web.Request) -> web.Response:
        body = await _json(request, None)
        specs = body if isinstance(body, list) else [body]
        try:
            for spec in specs:  # validate all first so a bad list queues nothing
                parse_fault(spec)
            for spec in specs:
                self.server.add_fault(spec)
        except FaultError as exc:
            raise ApiError(400, "invalid_fault", str(exc)) from None
        return json_response({"queued": self.server.faults.pending()})

    async def reset(self, request: web.Request) -> web.Response:
        body = await _json(request, {})
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "Expected a JSON object.")
        try:
            self.server.reset(balance=body.get("balance"))
        except ValueError as exc:
            raise ApiError(400, "invalid_parameter", str(exc), "balance") from None
        return json_response({"ok": True, "balance": str(self.server.state.balance)})

    async def get_clock(self, request: web.Request) -> web.Response:
        clock = self.server.clock
        return json_response({"now": clock.now(), "offset": clock.offset})

    async def set_clock(self, request: web.Request) -> web.Response:
        body = await _json(request, {})
        advance = body.get("advance") if isinstance(body, dict) else None
        if isinstance(advance, bool) or not isinstance(advance, int | float) or advance < 0:
            raise ApiError(400, "invalid_parameter", "Send {\"advance\": seconds}, seconds >= 0.", "advance")
        self.server.clock.advance(float(advance))
        self.server.engine.settle_all(self.server.clock.now())
        return await self.get_clock(request)

    async def get_config(self, request: web.Request) -> web.Response:
        return json_response(self.server.config_view())

    async def set_config(self, request: web.Request) -> web.Response:
        body = await _json(request, {})
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "Expected a JSON object of knobs.")
        try:
            self.server.configure(**body)
        except ValueError as exc:
            raise ApiError(400, "invalid_parameter", str(exc)) from None
        return json_response(self.server.config_view())
