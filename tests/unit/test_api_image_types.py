"""Reading image answers defensively: instants in every form seen, items with missing or odd fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from getimg_studio.api.image_responses import image_result
from getimg_studio.api.image_types import ImageRequest, sniff_image_mime
from getimg_studio.api.responses import load_json
from getimg_studio.api.timestamps import parse_timestamp
from getimg_studio.api.types import FrameRef, Role
from getimg_studio.simulator.testing import image_bytes

WHEN = datetime(2026, 5, 2, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-05-02T12:30:00.000Z", "2026-05-02T12:30:00Z", "2026-05-02t12:30:00z", "2026-05-02T12:30:00+00:00",
        "2026-05-02 12:30:00+0000", "2026-05-02T14:30:00+02:00", "2026-05-02T12:30:00.000000000Z",
        "2026-05-02T12:30:00", " 2026-05-02T12:30:00Z ",
        int(WHEN.timestamp()), float(WHEN.timestamp()), Decimal(int(WHEN.timestamp())), str(int(WHEN.timestamp())),
        int(WHEN.timestamp() * 1000), str(int(WHEN.timestamp() * 1000)),
        "Sat, 02 May 2026 12:30:00 GMT", "Sat, 02 May 2026 14:30:00 +0200", "Sat, 02 May 2026 12:30:00 -0000",
        WHEN, WHEN.replace(tzinfo=None),
    ],
)
def test_instants_in_every_form_read_the_same(value: Any) -> None:
    parsed = parse_timestamp(value)
    assert parsed is not None
    assert parsed.tzinfo is not None
    assert parsed == WHEN


@pytest.mark.parametrize("value", [None, "", "  ", "soon", "2026-13-40T00:00:00Z", True, False, -1, float("nan"),
                                   float("inf"), 1e30, "1e400", [], {}])
def test_unreadable_instants_are_none(value: Any) -> None:
    assert parse_timestamp(value) is None


def test_an_offset_is_read_as_the_same_instant_in_utc() -> None:
    parsed = parse_timestamp("2026-05-02T14:30:00+02:00")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)
    assert parsed == WHEN


def _answer(**item: Any) -> Any:
    data = {"url": "https://api.getimg.ai/v2/downloads/req-1/0?exp=1&sig=ab", "mime_type": "image/png",
            "deletes_at": "2026-05-02T12:30:00.000Z", "width": 2048, "height": 1152}
    data.update(item)
    body = {"id": "req-1", "status": "completed", "model": "seedream-5-lite", "data": [data],
            "usage": {"total_cost": 0.035, "billable_unit": "image", "unit_price": 0.035, "quantity": 1}}
    return load_json(json.dumps(body))


def test_a_full_answer() -> None:
    result = image_result(_answer(), {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "59"}, "image/jpeg")
    assert result is not None
    assert (result.id, result.model) == ("req-1", "seedream-5-lite")
    (item,) = result.items
    assert (item.mime_type, item.deletes_at, item.width, item.height) == ("image/png", WHEN, 2048, 1152)
    assert item.extension == ".png"
    assert result.usage is not None
    assert result.usage.total_cost == Decimal("0.035")  # exact, not 0.035000000000000003
    assert result.usage.billable_unit == "image"
    assert (result.rate_limit.limit, result.rate_limit.remaining) == (60, 59)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"deletes_at": None}, (None, "image/png", 2048, 1152)),
        ({"deletes_at": 1777725000}, (datetime.fromtimestamp(1777725000, UTC), "image/png", 2048, 1152)),
        ({"deletes_at": 1777725000123}, (datetime.fromtimestamp(1777725000.123, UTC), "image/png", 2048, 1152)),
        ({"deletes_at": "Sat, 02 May 2026 12:30:00 GMT"}, (WHEN, "image/png", 2048, 1152)),
        ({"mime_type": None}, (WHEN, "image/webp", 2048, 1152)),
        ({"mime_type": " IMAGE/PNG "}, (WHEN, "image/png", 2048, 1152)),
        ({"width": "2048", "height": -1}, (WHEN, "image/png", None, None)),
        ({"width": 2048.5, "height": True}, (WHEN, "image/png", None, None)),
        ({"width": 2048.0, "height": 1152.0}, (WHEN, "image/png", 2048, 1152)),
    ],
)
def test_items_are_read_defensively(item: dict[str, Any], expected: tuple[Any, ...]) -> None:
    result = image_result(_answer(**item), {}, "image/webp")
    assert result is not None
    (got,) = result.items
    assert (got.deletes_at, got.mime_type, got.width, got.height) == expected


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b.pop("id"),
        lambda b: b.update(data=[]),
        lambda b: b.update(data="nope"),
        lambda b: b["data"][0].pop("url"),
        lambda b: b.update(status="pending"),
        lambda b: b.update(status="failed"),
    ],
)
def test_an_answer_without_a_usable_image_is_none(mangle: Any) -> None:
    body = _answer()
    mangle(body)
    assert image_result(body, {}, "image/jpeg") is None
    assert image_result("not an object", {}, "image/jpeg") is None


def test_a_missing_usage_or_model_is_none_not_a_crash() -> None:
    body = _answer()
    del body["usage"]
    del body["model"]
    result = image_result(body, {}, "image/jpeg")
    assert result is not None
    assert result.usage is None
    assert result.model is None


def test_request_round_trips_and_knows_its_mime_type(tmp_path: Path) -> None:
    request = ImageRequest("seedream-5-lite", "a fox", aspect_ratio="16:9", resolution="4K", output_format="webp",
                           references=(FrameRef(Role.REFERENCE_IMAGE, path=tmp_path / "a.png"),
                                       FrameRef(Role.REFERENCE_IMAGE, url="https://cdn.example.com/b.jpg")))
    assert ImageRequest.from_json(request.to_json()) == request
    assert request.to_json()["kind"] == "image"
    assert request.mime_type == "image/webp"
    assert ImageRequest("m", "p").mime_type == "image/jpeg"  # the API's default format


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"),
                                           ("GIF", None), ("BMP", None)])
def test_sniffing_downloaded_bytes(fmt: str, mime: str | None) -> None:
    assert sniff_image_mime(image_bytes(fmt)[:12]) == mime
