"""Injected faults, queued per route through ``POST /_sim/faults`` or ``RunningSimulator.add_fault``.

Schema (JSON object; only ``route`` is required)::

    {
      "route": "create" | "retrieve" | "download" | "models" | "model" | "balance" | "costs" | "images",
      "count": 1,                 # how many of the next answers of that route this fault applies to
      "status": 503,              # answer this status with an error envelope (code from the status, e.g.
                                  # 429 -> rate_limit, 503 -> service_unavailable); for create the
                                  # generation is NOT created (refused before acceptance); the same for
                                  # images (POST /v2/images/generations, made synchronously)
      "retry_after": 2,           # with status: a Retry-After header (seconds)
      "delay": 1.5,               # the request is processed first, then the answer is sent this many
                                  # seconds late (a create IS created even if the client gives up)
      "drop_after_bytes": 1000,   # headers announce the full length, then the connection is dropped
                                  # after this many body bytes (downloads: of the requested range)
      "malformed": true,          # a Content-Type: application/json body that is not JSON. Without
                                  # "status" the request is processed normally (a create IS created) and
                                  # only the answer's body is garbled; with "status" nothing is processed
      "reset_after_body": true    # the request body is read and the request is processed (a create IS
                                  # created server-side) but the connection is closed with no answer
    }

``drop_after_bytes`` and ``delay`` combine with the others; for downloads the delay comes before the first
byte. Several faults may be queued for one route; they apply in the order they were added, each to ``count``
consecutive answers. ``status`` + ``malformed`` together give a malformed body with that status.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

ROUTES = ("create", "retrieve", "download", "models", "model", "balance", "costs", "images")
_KEYS = {"route", "count", "status", "retry_after", "delay", "drop_after_bytes", "malformed", "reset_after_body"}


class FaultError(ValueError):
    """A fault spec that does not follow the schema."""


@dataclass(frozen=True)
class Fault:
    route: str
    status: int | None = None
    retry_after: float | None = None
    delay: float | None = None
    drop_after_bytes: int | None = None
    malformed: bool = False
    reset_after_body: bool = False


def _number(spec: dict[str, Any], key: str, kind: type, minimum: float) -> Any:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and isinstance(value, float)):
        raise FaultError(f"{key} must be a {kind.__name__}")
    if value < minimum:
        raise FaultError(f"{key} must be >= {minimum}")
    return kind(value)


def parse_fault(spec: object) -> tuple[Fault, int]:
    """(fault, count) from a JSON spec, or FaultError."""
    if not isinstance(spec, dict):
        raise FaultError("a fault must be a JSON object")
    unknown = set(spec) - _KEYS
    if unknown:
        raise FaultError(f"unknown fault keys: {', '.join(sorted(unknown))}")
    route = spec.get("route")
    if route not in ROUTES:
        raise FaultError(f"route must be one of {', '.join(ROUTES)}")
    count = _number(spec, "count", int, 1)
    status = _number(spec, "status", int, 100)
    if status is not None and status > 599:
        raise FaultError("status must be an HTTP status")
    for flag in ("malformed", "reset_after_body"):
        if not isinstance(spec.get(flag, False), bool):
            raise FaultError(f"{flag} must be a boolean")
    fault = Fault(
        route=route,
        status=status,
        retry_after=_number(spec, "retry_after", float, 0),
        delay=_number(spec, "delay", float, 0),
        drop_after_bytes=_number(spec, "drop_after_bytes", int, 0),
        malformed=bool(spec.get("malformed", False)),
        reset_after_body=bool(spec.get("reset_after_body", False)),
    )
    if fault == Fault(route=route):
        raise FaultError("a fault needs at least one of status, delay, drop_after_bytes, malformed, "
                         "reset_after_body")
    return fault, count if count is not None else 1


class FaultQueue:
    """Per-route FIFO of pending faults. Used only from the server's event loop."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[list[Any]]] = {}

    def add(self, fault: Fault, count: int) -> None:
        self._queues.setdefault(fault.route, deque()).append([fault, count])

    def take(self, route: str) -> Fault | None:
        queue = self._queues.get(route)
        if not queue:
            return None
        entry = queue[0]
        entry[1] -= 1
        if entry[1] <= 0:
            queue.popleft()
        fault: Fault = entry[0]
        return fault

    def pending(self) -> dict[str, int]:
        return {route: sum(e[1] for e in q) for route, q in self._queues.items() if q}

    def clear(self) -> None:
        self._queues.clear()
