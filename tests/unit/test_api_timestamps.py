"""`deletes_at` in every form getimg (or the SDK) has been seen to use."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from getimg_studio.api.timestamps import parse_timestamp

WHEN = datetime(2026, 5, 2, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    "2026-05-02T12:30:00.000Z",
    "2026-05-02T12:30:00Z",
    "2026-05-02t12:30:00z",
    "2026-05-02T12:30:00+00:00",
    "2026-05-02T14:30:00+02:00",
    "2026-05-02T12:30:00",  # naive: taken as UTC
    "2026-05-02 12:30:00Z",
    "2026-05-02T12:30:00.000000000Z",  # nanoseconds
    1777725000,  # unix seconds
    1777725000.0,
    1777725000000,  # unix milliseconds
    Decimal("1777725000"),
    "1777725000",
    "1777725000000",
    "Sat, 02 May 2026 12:30:00 GMT",  # RFC 2822 / HTTP date
    "Sat, 02 May 2026 12:30:00 +0000",
    "Sat, 02 May 2026 14:30:00 +0200",
])
def test_every_form_reads_as_the_same_instant(value: object) -> None:
    parsed = parse_timestamp(value)
    assert parsed == WHEN
    assert parsed is not None
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("value", [None, "", "soon", True, [], {}, "2026-13-45T99:00:00Z"])
def test_anything_else_is_none(value: object) -> None:
    assert parse_timestamp(value) is None
