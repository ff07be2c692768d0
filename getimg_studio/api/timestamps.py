"""Times as getimg (and the proxies in front of it) write them, read into aware UTC datetimes.

`deletes_at` is typed as a datetime, and the SDK also accepts a unix number, so every form seen is read:
ISO 8601 with `Z`, an offset or nothing (taken as UTC), a space instead of `T`, any number of fractional
digits; unix seconds or milliseconds, as numbers or digit strings; RFC 2822 / HTTP dates.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# Unix times above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
_MS_THRESHOLD = 1e11
_FRACTION = re.compile(r"(\.\d+)")


def _from_number(value: float) -> datetime | None:
    if not math.isfinite(value) or value < 0:  # before 1970: no expiry getimg would write
        return None
    seconds = value / 1000 if abs(value) >= _MS_THRESHOLD else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_iso(text: str) -> datetime | None:
    text = text.strip()
    if text[-1:] in "zZ":
        text = text[:-1] + "+00:00"
    # Python reads at most six fractional digits; nanosecond timestamps are cut to microseconds.
    text = _FRACTION.sub(lambda m: m.group(1)[:7], text, count=1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _from_rfc2822(text: str) -> datetime | None:
    import email.utils  # eight modules of the email package, for the rare answer that dates this way

    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_timestamp(value: Any) -> datetime | None:
    """An aware datetime (UTC) from any form listed above; None when it is none of them."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return _from_number(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return _from_number(float(text))
    parsed = _from_iso(text)
    if parsed is None:
        parsed = _from_rfc2822(text)
    return parsed.astimezone(UTC) if parsed is not None else None
