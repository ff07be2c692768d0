from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime

import pytest

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.responses import error_from_response, load_json, remote_status, retry_after


def _env(code: str, message: str, param: str | None = None) -> str:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": param,
                                 "code": code, "doc_url": "https://docs.test"}})


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "3"}) == 3.0
    future = datetime.fromtimestamp(datetime.now(UTC).timestamp() + 30, UTC)
    assert 25 < (retry_after({"retry-after": format_datetime(future, usegmt=True)}) or 0) <= 30
    assert retry_after({}) is None
    assert retry_after({"retry-after": "soon"}) is None


@pytest.mark.parametrize(
    ("status", "body", "kind", "words"),
    [
        (401, _env("invalid_api_key", "Invalid API key."), ErrorKind.AUTH, "refused the API key"),
        (402, _env("quota_exceeded", "Insufficient balance"), ErrorKind.QUOTA, "top up"),
        (422, _env("content_policy_violation", "nope", "prompt"), ErrorKind.CONTENT_POLICY, "content policy"),
        (400, _env("invalid_parameter", "Unsupported role.", "images"), ErrorKind.INVALID,
         "getimg refused the images: Unsupported role."),
        (400, _env("invalid_parameter", "Duration must be 5 or 10.", "duration"), ErrorKind.INVALID,
         "getimg refused the duration"),
        (503, "<html>Bad gateway</html>", ErrorKind.SERVER, "answered HTTP 503"),
        (403, "<html><body>Access denied by policy</body></html>", ErrorKind.INTERMEDIARY,
         "Something between you and getimg (a proxy or firewall) answered HTTP 403"),
        (404, "Not Found", ErrorKind.INTERMEDIARY, "answered HTTP 404"),
        (429, "<html>slow down</html>", ErrorKind.RATE_LIMIT, "limiting requests"),
        (500, "", ErrorKind.SERVER, "HTTP 500"),
        (429, _env("rate_limit", "Too many generations in progress"), ErrorKind.RATE_LIMIT,
         "Too many generations in progress"),
    ],
)
def test_envelopes_become_actionable_errors(status: int, body: str, kind: ErrorKind, words: str) -> None:
    err = error_from_response(status, body, {})
    assert err.kind is kind
    assert words in err.message
    assert err.status == status
    assert "<html" not in err.message  # a page never reaches the creator
    if not body.startswith("{"):
        assert "key" not in err.message.lower()  # and is never blamed on the key


def test_rate_limit_message_gives_the_wait() -> None:
    err = error_from_response(429, _env("rate_limit", "slow down"), {"retry-after": "12"})
    assert err.retry_after == 12
    assert "try again in 12 s" in err.message


def test_remote_status_shapes() -> None:
    pending = remote_status({"id": "g1", "status": "pending"}, "g1", {"retry-after": "7"})
    assert pending.state == "pending"
    assert pending.retry_after == 7
    failed = remote_status({"id": "g1", "status": "failed", "error": {"code": "x", "message": "Boom"}}, "g1", {})
    assert (failed.state, failed.error_code, failed.error_message) == ("failed", "x", "Boom")
    body = load_json(json.dumps({
        "id": "g1", "status": "completed", "model": "m",
        "data": [{"url": "https://x/d?sig=s", "mime_type": "video/mp4", "deletes_at": "2026-05-02T12:30:00.000Z",
                  "width": 1920, "height": 1080, "duration": 5, "fps": 24, "has_sound": True, "extra": 1}],
        "usage": {"total_cost": 0.225, "billable_unit": "video_second", "unit_price": 0.045, "quantity": 5},
    }))
    done = remote_status(body, "g1", {})
    (item,) = done.items
    assert item.deletes_at == datetime(2026, 5, 2, 12, 30, tzinfo=UTC)
    assert (item.width, item.height, item.fps, item.has_sound) == (1920, 1080, 24.0, True)
    assert done.usage is not None
    assert done.usage.total_cost == Decimal("0.225")
    empty = remote_status({"id": "g1", "status": "completed", "data": []}, "g1", {})
    assert (empty.state, empty.items, empty.problem) == ("completed", (), "no file was listed")
    odd = remote_status({"id": "g1", "status": "cancelled", "error": {"message": "Stopped by the operator"}},
                        "g1", {})
    assert (odd.state, odd.raw_status, odd.error_message) == ("unknown", "cancelled", "Stopped by the operator")
    bare = remote_status({"id": "g1", "status": "expired"}, "g1", {})
    assert (bare.state, bare.raw_status, bare.error_message) == ("unknown", "expired", None)
    several = remote_status({"id": "g1", "status": "completed", "data": [
        {"url": "https://x/0", "deletes_at": 1767225600}, {"url": "https://x/1"}, {"mime_type": "video/mp4"}]},
        "g1", {})
    assert [i.url for i in several.items] == ["https://x/0", "https://x/1"]
    assert several.items[0].deletes_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert several.items[1].deletes_at is None  # absent: fetched at once, expiry unknown
    assert several.problem == "1 of 3 files unusable: an item without a download URL"
    with pytest.raises(GetimgError):
        load_json(b"{not json")
