"""getimg's answers turned into domain objects, and its error envelopes into `GetimgError`s a person can act on.

Bodies are parsed with `parse_float=Decimal` so a billed 0.225 stays exactly 0.225 (the SDK's models use float).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from .catalogue import parse_datetime, parse_decimal
from .errors import ErrorKind, GetimgError
from .types import Balance, CostReport, RateLimit, RemoteState, RemoteStatus, ResultItem, Usage

log = logging.getLogger(__name__)

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


def looks_like_a_page(text: str, headers: Mapping[str, str] | None = None) -> bool:
    """An HTML (or other non-JSON) page rather than an API answer."""
    kind = (headers or {}).get("content-type", "")
    head = text.lstrip()[:64].lower()
    return "html" in kind or head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body"))


def load_json(body: bytes | str, headers: Mapping[str, str] | None = None) -> Any:
    """JSON with decimals kept exact; GetimgError(SERVER) when the answer is not JSON."""
    try:
        return json.loads(body, parse_float=Decimal)
    except (ValueError, RecursionError):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        if looks_like_a_page(text, headers):
            raise GetimgError(ErrorKind.INTERMEDIARY, "A web page came back instead of getimg's answer: something "
                              "between you and getimg (a proxy, a firewall or a Wi-Fi login page) answered. "
                              "Check the network.") from None
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
    import email.utils  # eight modules, for the rare Retry-After given as an HTTP date

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


def envelope(text: str) -> tuple[str | None, str | None, str | None, str | None] | None:
    """(message, type, param, code) of getimg's `{"error": {...}}` (or `{"message", "code"}`); None when the body
    is something else (an HTML page, plain text, another JSON shape)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, str):
        return error, None, None, None
    if not isinstance(error, dict):
        message, code = data.get("message"), data.get("code")
        if not isinstance(message, str):
            return None
        return message, None, None, code if isinstance(code, str) else None

    def field(name: str) -> str | None:
        value = error.get(name)
        return value if isinstance(value, str) and value else None

    return field("message"), field("type"), field("param"), field("code")


def envelope_code(text: str) -> str | None:
    parsed = envelope(text)
    return parsed[3] if parsed is not None else None


def _wait_text(seconds: float | None) -> str:
    if seconds is None:
        return "wait a moment and try again"
    if seconds < 90:
        return f"try again in {max(1, round(seconds))} s"
    return f"try again in {round(seconds / 60)} min"


def intermediary_message(status: int) -> str:
    return (f"Something between you and getimg (a proxy or firewall) answered HTTP {status} instead of getimg, "
            f"so the request did not reach getimg. Check the network (VPN, proxy, firewall).")


def error_from_response(status: int, text: str, headers: Mapping[str, str]) -> GetimgError:
    """The error envelope (or the status alone) of an HTTP error as a message a person can act on.

    A body that is not getimg's JSON envelope never reaches the message (it may be a whole HTML page), and a
    4xx page is never blamed on the key: it came from something in between.
    """
    parsed = envelope(text) if not looks_like_a_page(text, headers) else None
    wait = retry_after(headers)
    if parsed is None:
        if status == 429:
            return GetimgError(ErrorKind.RATE_LIMIT, f"getimg (or a proxy in between) is limiting requests: "
                               f"{_wait_text(wait)}.", status=status, retry_after=wait)
        if 400 <= status < 500:
            return GetimgError(ErrorKind.INTERMEDIARY, intermediary_message(status), status=status,
                               retry_after=wait)
        if status >= 500:
            return GetimgError(ErrorKind.SERVER, f"getimg, or something between you and getimg, answered HTTP "
                               f"{status}: {_wait_text(wait)}.", status=status, retry_after=wait)
        return GetimgError(ErrorKind.UNKNOWN, f"getimg answered HTTP {status}.", status=status, retry_after=wait)
    message, _type, param, code = parsed
    detail = message or f"HTTP {status}"
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


def _item(data: Any) -> ResultItem | str:
    """The item, or why it cannot be used."""
    if not isinstance(data, dict):
        return "an item that is not an object"
    url = data.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return "an item without a download URL"
    raw_deletes = data.get("deletes_at")
    deletes_at = parse_datetime(raw_deletes)
    if deletes_at is None and raw_deletes is not None:
        log.warning("deletes_at in a form this app cannot read (%.40r): fetching at once", raw_deletes)
    width, height = _number(data.get("width")), _number(data.get("height"))
    has_sound = data.get("has_sound")
    mime = data.get("mime_type")
    return ResultItem(
        url=url,
        mime_type=mime if isinstance(mime, str) and mime else "video/mp4",
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


def _error_of(data: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """(code, message) of a status answer's `error`, None when it carries none."""
    raw = data.get("error")
    if isinstance(raw, str) and raw:
        return None, raw
    if not isinstance(raw, dict):
        return None
    message = raw.get("message") if isinstance(raw.get("message"), str) else None
    code = raw.get("code") if isinstance(raw.get("code"), str) else None
    return (code, message) if (code or message) else None


def remote_status(data: Any, requested_id: str, headers: Mapping[str, str]) -> RemoteStatus:
    if not isinstance(data, dict):
        raise GetimgError(ErrorKind.SERVER, "getimg sent a generation status this app cannot read.")
    raw_id = data.get("id")
    gid: str = raw_id if isinstance(raw_id, str) and raw_id else requested_id
    raw = data.get("status")
    status = raw.strip() if isinstance(raw, str) else ""
    wait = retry_after(headers)
    error = _error_of(data)
    if status == "pending":
        return RemoteStatus(gid, RemoteState.PENDING, retry_after=wait, raw_status=status)
    if status == "failed":
        code, message = error or (None, None)
        return RemoteStatus(gid, RemoteState.FAILED, error_code=code, error_message=message or "The generation failed.",
                            retry_after=wait, raw_status=status)
    if status == "completed":
        listed = data.get("data")
        raw_items: list[Any] = listed if isinstance(listed, list) else []
        parsed = [_item(i) for i in raw_items]
        items = tuple(i for i in parsed if isinstance(i, ResultItem))
        problems = [p for p in parsed if isinstance(p, str)]
        problem = None
        if not raw_items:
            problem = "no file was listed"
        elif problems:
            problem = f"{len(problems)} of {len(raw_items)} files unusable: {problems[0]}"
        model = data.get("model") if isinstance(data.get("model"), str) else None
        return RemoteStatus(gid, RemoteState.COMPLETED, model=model, items=items, usage=_usage(data.get("usage")),
                            retry_after=wait, raw_status=status, problem=problem)
    # A status this app does not know ("cancelled", "expired", a newer API's...): the engine decides.
    code, message = error or (None, None)
    return RemoteStatus(gid, RemoteState.UNKNOWN, error_code=code, error_message=message, retry_after=wait,
                        raw_status=status or repr(raw))


def balance(data: Any) -> Balance:
    amount = parse_decimal(data.get("balance")) if isinstance(data, dict) else None
    if amount is None:
        raise GetimgError(ErrorKind.SERVER, "getimg sent a balance this app cannot read.")
    currency = data.get("currency")
    return Balance(amount, currency if isinstance(currency, str) else "USD")


def costs(data: Any) -> CostReport:
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
    currency = data.get("currency")
    return CostReport(total, tuple(days), currency if isinstance(currency, str) and currency else "USD")
