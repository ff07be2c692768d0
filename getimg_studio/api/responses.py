"""getimg's answers turned into domain objects, and its error envelopes into `GetimgError`s a person can act on.

Bodies are parsed with `parse_float=Decimal` so a billed 0.225 stays exactly 0.225 (the SDK's models use float).
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from .catalogue import parse_datetime, parse_decimal
from .errors import ErrorKind, GetimgError
from .types import Balance, RateLimit, RemoteState, RemoteStatus, ResultItem, Usage

# Codes that say the server looked at the request and refused it: nothing was created.
REFUSAL_CODES = {
    "invalid_api_key": ErrorKind.AUTH,
    "parameter_missing": ErrorKind.INVALID,
    "invalid_parameter": ErrorKind.INVALID,
    "invalid_json": ErrorKind.INVALID,
    "invalid_request": ErrorKind.INVALID,
    "request_too_large": ErrorKind.INVALID,
    "quota_exceeded": ErrorKind.QUOTA,
    "content_policy_violation": ErrorKind.CONTENT_POLICY,
    "rate_limit": ErrorKind.RATE_LIMIT,
}


def load_json(body: bytes | str) -> Any:
    """JSON with decimals kept exact; GetimgError(SERVER) when the answer is not JSON."""
    try:
        return json.loads(body, parse_float=Decimal)
    except (ValueError, RecursionError):
        raise GetimgError(ErrorKind.SERVER, "getimg sent an answer this app cannot read; try again later.") from None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms`, or `Retry-After` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def rate_limit(headers: Mapping[str, str]) -> RateLimit:
    def number(name: str) -> float | None:
        try:
            return float(headers[name])
        except (KeyError, ValueError):
            return None

    limit, remaining = number("x-ratelimit-limit"), number("x-ratelimit-remaining")
    return RateLimit(
        limit=int(limit) if limit is not None else None,
        remaining=int(remaining) if remaining is not None else None,
        reset_at=number("x-ratelimit-reset"),
    )


def envelope(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(message, type, param, code) of `{"error": {...}}`, all None when the body is something else."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None, None, None, None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, str):
        return error, None, None, None
    if not isinstance(error, dict):
        message = data.get("message") if isinstance(data, dict) else None
        return (message if isinstance(message, str) else None), None, None, None

    def field(name: str) -> str | None:
        value = error.get(name)
        return value if isinstance(value, str) and value else None

    return field("message"), field("type"), field("param"), field("code")


def _wait_text(seconds: float | None) -> str:
    if seconds is None:
        return "wait a moment and try again"
    if seconds < 90:
        return f"try again in {max(1, round(seconds))} s"
    return f"try again in {round(seconds / 60)} min"


def error_from_response(status: int, text: str, headers: Mapping[str, str]) -> GetimgError:
    """The error envelope (or the raw text) of an HTTP error as a message a person can act on."""
    message, _type, param, code = envelope(text)
    detail = message or text.strip()[:300] or f"HTTP {status}"
    wait = retry_after(headers)
    kind = REFUSAL_CODES.get(code or "")
    if status == 401 or kind is ErrorKind.AUTH:
        return GetimgError(ErrorKind.AUTH, "getimg refused the API key: check it in Settings (a key from "
                           "getimg.ai → API keys).", code=code, status=status)
    if status == 402 or kind is ErrorKind.QUOTA:
        return GetimgError(ErrorKind.QUOTA, f"Your getimg balance or quota is used up: top up at getimg.ai, "
                           f"then try again. ({detail})", code=code, status=status)
    if status == 429 or kind is ErrorKind.RATE_LIMIT:
        return GetimgError(ErrorKind.RATE_LIMIT, f"getimg is rate limiting this key: {_wait_text(wait)}. "
                           f"({detail})", code=code, status=status, retry_after=wait)
    if kind is ErrorKind.CONTENT_POLICY or code == "content_policy_violation":
        return GetimgError(ErrorKind.CONTENT_POLICY, f"getimg refused this request under its content policy: "
                           f"change the prompt or images. ({detail})", code=code, param=param, status=status)
    if status == 403:
        return GetimgError(ErrorKind.AUTH, f"This API key is not allowed to do that. ({detail})", code=code,
                           status=status)
    if status == 404:
        return GetimgError(ErrorKind.NOT_FOUND, f"getimg does not know this item. ({detail})", code=code,
                           param=param, status=status)
    if status in (400, 413, 422) or kind is ErrorKind.INVALID:
        what = f"the {param.replace('_', ' ')}" if param else "the request"
        return GetimgError(ErrorKind.INVALID, f"getimg refused {what}: {detail}", code=code, param=param,
                           status=status)
    if status >= 500:
        return GetimgError(ErrorKind.SERVER, f"getimg is having trouble (HTTP {status}): {_wait_text(wait)}. "
                           f"({detail})", code=code, status=status, retry_after=wait)
    return GetimgError(ErrorKind.UNKNOWN, f"getimg answered HTTP {status}: {detail}", code=code, param=param,
                       status=status, retry_after=wait)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return float(value)
    return None


def _item(data: Any) -> ResultItem | None:
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    deletes_at = parse_datetime(data.get("deletes_at"))
    if deletes_at is None:
        return None
    width, height = _number(data.get("width")), _number(data.get("height"))
    has_sound = data.get("has_sound")
    return ResultItem(
        url=data["url"],
        mime_type=str(data.get("mime_type") or "video/mp4"),
        deletes_at=deletes_at,
        width=int(width) if width is not None else None,
        height=int(height) if height is not None else None,
        duration=_number(data.get("duration")),
        fps=_number(data.get("fps")),
        has_sound=has_sound if isinstance(has_sound, bool) else None,
    )


def _usage(data: Any) -> Usage | None:
    if not isinstance(data, dict):
        return None
    total, price = parse_decimal(data.get("total_cost")), parse_decimal(data.get("unit_price"))
    quantity = _number(data.get("quantity"))
    if total is None or price is None:
        return None
    return Usage(total_cost=total, billable_unit=str(data.get("billable_unit") or ""), unit_price=price,
                 quantity=quantity if quantity is not None else 0.0)


def remote_status(data: Any, requested_id: str, headers: Mapping[str, str]) -> RemoteStatus:
    if not isinstance(data, dict):
        raise GetimgError(ErrorKind.SERVER, "getimg sent a generation status this app cannot read.")
    raw_id = data.get("id")
    gid: str = raw_id if isinstance(raw_id, str) and raw_id else requested_id
    status = data.get("status")
    wait = retry_after(headers)
    if status == "failed":
        raw_error = data.get("error")
        error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        message = error.get("message") if isinstance(error.get("message"), str) else "The generation failed."
        code = error.get("code") if isinstance(error.get("code"), str) else None
        return RemoteStatus(gid, RemoteState.FAILED, error_code=code, error_message=message, retry_after=wait)
    if status == "completed":
        listed = data.get("data")
        raw_items: list[Any] = listed if isinstance(listed, list) else []
        items = tuple(i for i in map(_item, raw_items) if i is not None)
        if not items:
            raise GetimgError(ErrorKind.SERVER, "getimg says the video is ready but sent no file to download.")
        model = data.get("model") if isinstance(data.get("model"), str) else None
        return RemoteStatus(gid, RemoteState.COMPLETED, model=model, items=items, usage=_usage(data.get("usage")),
                            retry_after=wait)
    # "pending", and any state a newer API may add before it settles: keep polling.
    return RemoteStatus(gid, RemoteState.PENDING, retry_after=wait)


def balance(data: Any) -> Balance:
    amount = parse_decimal(data.get("balance")) if isinstance(data, dict) else None
    if amount is None:
        raise GetimgError(ErrorKind.SERVER, "getimg sent a balance this app cannot read.")
    currency = data.get("currency")
    return Balance(amount, currency if isinstance(currency, str) else "USD")


def costs(data: Any) -> tuple[Decimal, list[tuple[date, Decimal]]]:
    total = parse_decimal(data.get("total_cost")) if isinstance(data, dict) else None
    if total is None:
        raise GetimgError(ErrorKind.SERVER, "getimg sent a cost report this app cannot read.")
    days: list[tuple[date, Decimal]] = []
    for bucket in data.get("data") or []:
        if not isinstance(bucket, dict):
            continue
        cost = parse_decimal(bucket.get("cost"))
        try:
            day = date.fromisoformat(str(bucket.get("date")))
        except ValueError:
            continue
        if cost is not None:
            days.append((day, cost))
    return total, days
