"""The answer of `POST /v2/images/generations` read defensively into an `ImageResult`.

Only the shape is checked here; what an unreadable answer means for money (the image exists and may be
billed) is the client's call. An item needs a URL; `deletes_at` may be ISO (any variant), unix seconds or
milliseconds, an HTTP date or missing (None); `mime_type` falls back to the requested format's; `width` and
`height` are kept only when they are positive whole numbers. Numbers arrive as Decimal (`responses.load_json`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .image_types import ImageItem, ImageResult
from .responses import _usage, rate_limit
from .timestamps import parse_timestamp


def _pixels(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(str(value))
    return int(number) if number.is_finite() and number > 0 and number == number.to_integral_value() else None


def _item(data: Any, fallback_mime: str) -> ImageItem | None:
    if not isinstance(data, dict):
        return None
    url = data.get("url")
    if not isinstance(url, str) or not url:
        return None
    mime = data.get("mime_type")
    return ImageItem(
        url=url,
        mime_type=mime.strip().lower() if isinstance(mime, str) and mime.strip() else fallback_mime,
        deletes_at=parse_timestamp(data.get("deletes_at")),
        width=_pixels(data.get("width")),
        height=_pixels(data.get("height")),
    )


def image_result(data: Any, headers: Mapping[str, str], fallback_mime: str) -> ImageResult | None:
    """The result, or None when the answer carries no id, no usable image or a status other than completed."""
    if not isinstance(data, dict):
        return None
    gid = data.get("id")
    listed = data.get("data")
    raw_items: list[Any] = listed if isinstance(listed, list) else []
    items = tuple(i for i in (_item(raw, fallback_mime) for raw in raw_items) if i is not None)
    if not isinstance(gid, str) or not gid or not items or data.get("status", "completed") != "completed":
        return None
    model = data.get("model")
    return ImageResult(id=gid, model=model if isinstance(model, str) and model else None, items=items,
                       usage=_usage(data.get("usage")), rate_limit=rate_limit(headers))
