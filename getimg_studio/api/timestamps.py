"""Instants as the API (or a proxy in front of it) may write them, read defensively.

`deletes_at` is typed as a datetime in the SDK, which also accepts a unix number; real answers have been seen
with `Z` and with offsets, and HTTP-style dates come from proxies. Whatever cannot be read is None: the caller
decides what "unknown" means (for a download: fetch it at once).
"""

from __future__ import annotations

import email.utils
import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# Above this a number is taken as milliseconds: 1e11 s is the year 5138, 1e11 ms is March 1973.
_MILLISECONDS_FROM = 1e11


def _from_number(value: float) -> datetime | None:
    if not math.isfinite(value) or value < 0:
        return None
    seconds = value / 1000 if value >= _MILLISECONDS_FROM else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None and value.utcoffset() is not None else value.replace(tzinfo=UTC)


def parse_instant(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 (any case, `Z` or an offset, naive taken as UTC), unix seconds or
    milliseconds (number or numeric string), or an RFC 2822 / HTTP date; None when it is none of these."""
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return _from_number(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return _from_number(float(text))
    except ValueError:
        pass
    try:
        return _aware(datetime.fromisoformat(text.upper().replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return _aware(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None
