"""Injected faults, queued per route through ``POST /_sim/faults`` or ``RunningSimulator.add_fault``.

Schema (JSON object; only ``route`` is required)::

    {
      "route": "create" | "retrieve" | "download" | "models" | "model" | "balance" | "costs" | "images",
      "count": 1,                 # how many of the next answers of that route this fault applies to

      # Transport faults: what reaches the client, whatever the handler would have answered.
      "status": 503,              # answer this status with an error envelope (code from the status, e.g.
                                  # 429 -> rate_limit, 503 -> service_unavailable); for create the
                                  # generation is NOT created (refused before acceptance); the same for
                                  # images (POST /v2/images/generations, made synchronously)
      "retry_after": 2,           # with status: a Retry-After header (seconds)...
      "retry_after_form": "date", # ...written as "seconds" (default), an HTTP "date", or "ms" (retry-after-ms)
      "html": true,               # with status: a text/html page instead of the envelope, as a proxy, CDN or
                                  # firewall sends it (nothing is processed); without status: the request is
                                  # processed and a 200 text/html page (a Wi-Fi login page) answers instead
      "gzip": true,               # the answer body is sent gzip-compressed (Content-Encoding: gzip)
      "delay": 1.5,               # the request is processed first, then the answer is sent this many
                                  # seconds late (a create IS created even if the client gives up)
      "drop_after_bytes": 1000,   # headers announce the full length, then the connection is dropped
                                  # after this many body bytes (downloads: of the requested range)
      "malformed": true,          # a Content-Type: application/json body that is not JSON. Without
                                  # "status" the request is processed normally (a create IS created) and
                                  # only the answer's body is garbled; with "status" nothing is processed
      "reset_after_body": true,   # the request body is read and the request is processed (a create IS
                                  # created server-side) but the connection is closed with no answer

      # Content faults of retrieve: the generation's answer says something the real API may say.
      "status_text": "cancelled", # the answer's status string (any generation state)...
      "error": true,              # ...with an `error` object ({code, message}) or, false, without one
      "items": 3,                 # a completed answer lists this many items (0: `"data": []`)
      "deletes_at": "unix_ms",    # a completed answer writes deletes_at as: missing, unix, unix_ms, rfc2822,
                                  # iso_offset, iso_naive, iso_nanos, iso_space, garbage
      "url_ttl": 0.5,             # a completed answer's signed URLs expire this many seconds after it (a
                                  # shorter expiry than deletes_at, which is the default)
      # Content fault of models/model: every video model lists these supported_durations (and the
      # simulator accepts, until a reset, the whole second nearest each of them: the API takes integers).
      "durations": [5, 7.5]
    }

Transport faults (``drop_after_bytes`` and ``delay`` combine with the others; for downloads the delay comes
before the first byte) are taken by the middleware, content faults by the handler: a content fault waits
for an answer it applies to (`items`, `deletes_at` and `url_ttl` for one of a completed generation). A fault
is one or the other. Several faults may be queued for one route; each kind applies in the order added, each
to ``count`` consecutive answers.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

ROUTES = ("create", "retrieve", "download", "models", "model", "balance", "costs", "images")
DELETES_AT_FORMS = ("missing", "unix", "unix_ms", "rfc2822", "iso_offset", "iso_naive", "iso_nanos", "iso_space",
                    "garbage")
RETRY_AFTER_FORMS = ("seconds", "date", "ms")
_TRANSPORT = {"status", "retry_after", "retry_after_form", "html", "gzip", "delay", "drop_after_bytes", "malformed",
              "reset_after_body"}
_CONTENT = {"retrieve": {"status_text", "error", "items", "deletes_at", "url_ttl"},
            "models": {"durations"}, "model": {"durations"}}
_ALL_CONTENT = {k for keys in _CONTENT.values() for k in keys}
_KEYS = {"route", "count"} | _TRANSPORT | _ALL_CONTENT


class FaultError(ValueError):
    """A fault spec that does not follow the schema."""


@dataclass(frozen=True)
class Fault:
    route: str
    status: int | None = None
    retry_after: float | None = None
    retry_after_form: str = "seconds"
    html: bool = False
    gzip: bool = False
    delay: float | None = None
    drop_after_bytes: int | None = None
    malformed: bool = False
    reset_after_body: bool = False
    status_text: str | None = None
    error: bool = False
    items: int | None = None
    deletes_at: str | None = None
    url_ttl: float | None = None
    durations: tuple[float, ...] | None = None

    @property
    def content(self) -> bool:
        return (self.status_text is not None or self.items is not None or self.deletes_at is not None
                or self.url_ttl is not None or self.durations is not None)

    @property
    def needs_completed(self) -> bool:
        return self.items is not None or self.deletes_at is not None or self.url_ttl is not None


def _number(spec: dict[str, Any], key: str, kind: type, minimum: float) -> Any:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and isinstance(value, float)):
        raise FaultError(f"{key} must be a {kind.__name__}")
    if value < minimum:
        raise FaultError(f"{key} must be >= {minimum}")
    return kind(value)


def _choice(spec: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = spec.get(key)
    if value is not None and value not in allowed:
        raise FaultError(f"{key} must be one of {', '.join(allowed)}")
    return value


def _durations(spec: dict[str, Any]) -> tuple[float, ...] | None:
    value = spec.get("durations")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value):
        raise FaultError("durations must be a non-empty list of positive numbers")
    return tuple(float(v) for v in value)


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
    content = set(spec) & _ALL_CONTENT
    if content - _CONTENT.get(route, set()):
        raise FaultError(f"{', '.join(sorted(content))} apply to other routes than {route}")
    if content and set(spec) & _TRANSPORT:
        raise FaultError("a fault changes either the transport or the content of an answer, not both")
    count = _number(spec, "count", int, 1)
    status = _number(spec, "status", int, 100)
    if status is not None and status > 599:
        raise FaultError("status must be an HTTP status")
    for flag in ("malformed", "reset_after_body", "html", "gzip", "error"):
        if not isinstance(spec.get(flag, False), bool):
            raise FaultError(f"{flag} must be a boolean")
    status_text = spec.get("status_text")
    if status_text is not None and not isinstance(status_text, str):
        raise FaultError("status_text must be a string")
    if spec.get("error") and status_text is None:
        raise FaultError("error goes with status_text")
    fault = Fault(
        route=route,
        status=status,
        retry_after=_number(spec, "retry_after", float, 0),
        retry_after_form=_choice(spec, "retry_after_form", RETRY_AFTER_FORMS) or "seconds",
        html=bool(spec.get("html", False)),
        gzip=bool(spec.get("gzip", False)),
        delay=_number(spec, "delay", float, 0),
        drop_after_bytes=_number(spec, "drop_after_bytes", int, 0),
        malformed=bool(spec.get("malformed", False)),
        reset_after_body=bool(spec.get("reset_after_body", False)),
        status_text=status_text,
        error=bool(spec.get("error", False)),
        items=_number(spec, "items", int, 0),
        deletes_at=_choice(spec, "deletes_at", DELETES_AT_FORMS),
        url_ttl=_number(spec, "url_ttl", float, 0),
        durations=_durations(spec),
    )
    if fault == Fault(route=route):
        raise FaultError("a fault needs at least one of status, delay, drop_after_bytes, malformed, "
                         "reset_after_body, html, gzip, or a content change")
    return fault, count if count is not None else 1


class FaultQueue:
    """Per-route FIFO of pending faults. Used only from the server's event loop."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[list[Any]]] = {}

    def add(self, fault: Fault, count: int) -> None:
        self._queues.setdefault(fault.route, deque()).append([fault, count])

    def take(self, route: str, *, content: bool = False, completed: bool = True) -> Fault | None:
        """The next transport fault of `route` (or, `content`, the next content fault this answer can take)."""
        queue = self._queues.get(route)
        if not queue:
            return None
        for entry in queue:
            fault: Fault = entry[0]
            if fault.content != content or (content and fault.needs_completed and not completed):
                continue
            entry[1] -= 1
            if entry[1] <= 0:
                queue.remove(entry)
            return fault
        return None

    def pending(self) -> dict[str, int]:
        return {route: sum(e[1] for e in q) for route, q in self._queues.items() if q}

    def clear(self) -> None:
        self._queues.clear()
