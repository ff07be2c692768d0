"""POST /v2/images/generations over loopback: validation and error shapes like videos, limits, faults, the
signed download, billing, and the models filter."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.process import spawn_simulator
from getimg_studio.simulator.testing import (
    AUTH,
    IMAGE_LITE,
    LITE,
    create,
    data_url,
    generate_image,
    image_bytes,
    open_image,
    png_data_url,
)

PNG = png_data_url()


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[httpx.Client]:
    sim.configure(image_seconds=0)
    with httpx.Client(base_url=sim.base_url, timeout=30) as c:
        yield c


def _error(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    assert set(body) == {"error"}
    assert {"message", "type", "param", "code", "doc_url"} <= set(body["error"])
    return dict(body["error"])


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({"model": None}, "parameter_missing", "model"),
        ({"prompt": None}, "parameter_missing", "prompt"),
        ({"model": 5}, "invalid_parameter", "model"),
        ({"prompt": ""}, "invalid_parameter", "prompt"),
        ({"prompt": "x" * 4097}, "invalid_parameter", "prompt"),
        ({"model": "no-such-model"}, "invalid_parameter", "model"),
        ({"model": LITE}, "invalid_parameter", "model"),  # a video model
        ({"aspect_ratio": "4:3"}, "invalid_parameter", "aspect_ratio"),
        ({"resolution": "2K"}, "invalid_parameter", "resolution"),
        ({"output_format": "gif"}, "invalid_parameter", "output_format"),
        ({"output_format": 1}, "invalid_parameter", "output_format"),
        ({"images": "a.png"}, "invalid_parameter", "images"),
        ({"images": [{"url": PNG}] * 5}, "invalid_parameter", "images"),
        ({"images": [{}]}, "parameter_missing", "images"),
        ({"images": [{"url": PNG, "role": "first_frame"}]}, "invalid_parameter", "images"),
        ({"images": [{"url": "http://example.com/a.png"}]}, "invalid_parameter", "images"),
        ({"images": [{"url": base64.b64encode(image_bytes()).decode()}]}, "invalid_parameter", "images"),
        ({"images": [{"url": data_url(image_bytes("JPEG"), "image/png")}]}, "invalid_parameter", "images"),
    ],
)
def test_bad_bodies_are_refused_like_videos(sim: RunningSimulator, client: httpx.Client, body: dict[str, Any],
                                            code: str, param: str) -> None:
    full = {"model": IMAGE_LITE, "prompt": "a test", **body}
    r = client.post("/v2/images/generations", json={k: v for k, v in full.items() if v is not None}, headers=AUTH)
    assert r.status_code == 400
    error = _error(r)
    assert (error["code"], error["param"], error["type"]) == (code, param, "invalid_request_error")
    assert sim.stats()["total_creations"] == 0
    assert sim.balance() == "50.00"


def test_not_json_no_key_and_oversized(sim: RunningSimulator, client: httpx.Client) -> None:
    r = client.post("/v2/images/generations", content=b"{nope", headers={**AUTH, "Content-Type": "application/json"})
    assert (r.status_code, _error(r)["code"]) == (400, "invalid_json")
    r = client.post("/v2/images/generations", json={"model": IMAGE_LITE, "prompt": "a"})
    assert (r.status_code, _error(r)["code"]) == (401, "invalid_api_key")
    r = generate_image(client, images=[{"url": "data:image/png;base64," + "A" * (26 * 1024 * 1024)}])
    assert (r.status_code, _error(r)["code"]) == (413, "request_too_large")
    assert sim.stats()["total_creations"] == 0


def test_a_generation_answers_the_image_and_bills_it(sim: RunningSimulator, client: httpx.Client) -> None:
    r = generate_image(client, model="sim-image-pro", prompt="a fox in snow", aspect_ratio="9:16", resolution="2K",
                       output_format="png", images=[{"url": PNG}, {"url": "https://cdn.example.com/style.jpg"}])
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"id", "status", "model", "data", "usage"}
    assert (body["status"], body["model"]) == ("completed", "sim-image-pro")
    (item,) = body["data"]
    assert set(item) == {"url", "mime_type", "deletes_at", "width", "height"}
    assert (item["mime_type"], item["width"], item["height"]) == ("image/png", 1152, 2048)
    deletes_at = datetime.fromisoformat(item["deletes_at"])
    assert timedelta(hours=23) < deletes_at - datetime.now(UTC) <= timedelta(hours=24)
    assert body["usage"] == {"total_cost": 0.024, "billable_unit": "image", "unit_price": 0.024, "quantity": 1.0}
    assert r.headers["X-RateLimit-Limit"] == "60"
    assert r.headers["X-RateLimit-Remaining"] == "59"
    assert sim.balance() == "49.976"
    with httpx.Client() as plain:
        head = plain.head(item["url"])
        got = plain.get(item["url"])
    assert head.status_code == 200
    assert head.headers["Content-Type"] == "image/png"
    assert got.status_code == 200
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["Content-Disposition"].endswith('.png"')
    assert "authorization" not in {k.lower() for k in got.request.headers}
    image = open_image(got.content)
    assert (image.format, image.size) == ("PNG", (1152, 2048))
    assert int(got.headers["Content-Length"]) == len(got.content)
    # an image is not a video generation
    assert client.get(f"/v2/videos/generations/{body['id']}", headers=AUTH).status_code == 404
    stats = sim.stats()
    assert stats["creations_by_prompt"] == {"a fox in snow": 1}
    assert stats["requests"]["images"] == {"200": 1}


def test_image_spend_is_in_the_costs_beside_videos(sim: RunningSimulator, client: httpx.Client) -> None:
    for resolution in ("2K", "4K"):
        assert generate_image(client, model="seedream-5-lite", resolution=resolution, aspect_ratio="1:1",
                              prompt=f"costs {resolution}").status_code == 200
    assert create(client).status_code == 202  # a 4 s video at $0.01/s, charged once it completes
    deadline = time.monotonic() + 30
    while sim.stats()["pending"]:
        assert time.monotonic() < deadline, "the video never completed"
        time.sleep(0.1)
    now = datetime.now(UTC)
    r = client.get("/v2/billing/costs", params={"start": (now - timedelta(hours=1)).isoformat(),
                                                "end": (now + timedelta(minutes=1)).isoformat()}, headers=AUTH)
    assert r.status_code == 200
    assert Decimal(str(r.json()["total_cost"])) == Decimal("0.035") + Decimal("0.055") + Decimal("0.04")
    assert Decimal(sim.balance()) == Decimal("50.00") - Decimal("0.13")


def test_content_policy_quota_and_failure(sim: RunningSimulator, client: httpx.Client) -> None:
    r = generate_image(client, prompt="something [nsfw]")
    assert (r.status_code, _error(r)["code"], _error(r)["param"]) == (422, "content_policy_violation", "prompt")
    r = generate_image(client, prompt="this one [fail]s")
    assert (r.status_code, _error(r)["code"]) == (500, "generation_failed")
    sim.configure(balance="0.001")
    r = generate_image(client)
    assert (r.status_code, _error(r)["code"]) == (402, "quota_exceeded")
    assert sim.balance() == "0.001"  # the failed one was not charged either
    assert sim.stats()["creations_by_prompt"] == {"this one [fail]s": 1}


def test_image_rpm_is_its_own_window(sim: RunningSimulator, client: httpx.Client) -> None:
    sim.configure(image_rpm=2)
    assert [generate_image(client, prompt=f"rpm {i}").status_code for i in range(2)] == [200, 200]
    r = generate_image(client, prompt="rpm 3")
    assert r.status_code == 429
    assert _error(r)["code"] == "rate_limit"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.headers["X-RateLimit-Remaining"] == "0"
    assert create(client).status_code == 202  # videos count in a window of their own
    sim.reset()
    assert generate_image(client, prompt="after reset").status_code == 200


def test_images_in_flight_count_against_the_shared_cap(sim: RunningSimulator, client: httpx.Client) -> None:
    sim.configure(max_pending=1, image_seconds=1.5)
    answers: list[int] = []
    slow = threading.Thread(target=lambda: answers.append(generate_image(client, prompt="slow").status_code))
    slow.start()
    deadline = time.monotonic() + 10
    while sim.stats()["images_in_flight"] == 0:
        assert time.monotonic() < deadline, "the first image never started"
        time.sleep(0.02)
    second = generate_image(client, prompt="second")
    video = create(client)
    slow.join(10)
    assert answers == [200]
    assert (second.status_code, second.json()["code"]) == (429, "rate_limit")  # the cap's own shape
    assert "Retry-After" not in second.headers
    assert video.status_code == 429
    assert sim.stats()["creations_by_prompt"] == {"slow": 1}


def test_the_latency_knob(sim: RunningSimulator, client: httpx.Client) -> None:
    sim.configure(image_seconds=1.0)
    started = time.monotonic()
    assert generate_image(client).status_code == 200
    assert time.monotonic() - started >= 1.0


def test_faults_apply_to_images(sim: RunningSimulator, client: httpx.Client) -> None:
    sim.add_fault("images", status=503, retry_after=2)
    r = generate_image(client, prompt="refused")
    assert (r.status_code, r.headers["Retry-After"]) == (503, "2")
    assert sim.stats()["total_creations"] == 0
    sim.add_fault("images", reset_after_body=True)
    with pytest.raises(httpx.RemoteProtocolError):
        generate_image(client, prompt="reset")
    sim.add_fault("images", delay=0.5)
    started = time.monotonic()
    assert generate_image(client, prompt="late").status_code == 200
    assert time.monotonic() - started >= 0.5
    stats = sim.stats()
    # the reset one was made (and billed) although no answer came back
    assert stats["creations_by_prompt"] == {"reset": 1, "late": 1}
    assert stats["requests"]["images"] == {"503": 1, "reset": 1, "200": 1}
    assert Decimal(stats["balance"]) == Decimal("50.00") - 2 * Decimal("0.002")


def test_an_image_is_deleted_after_its_retention(sim: RunningSimulator, client: httpx.Client) -> None:
    sim.configure(retention_seconds=60)
    url = generate_image(client).json()["data"][0]["url"]
    with httpx.Client() as plain:
        assert plain.get(url).status_code == 200
        sim.advance_clock(61)
        r = plain.get(url)
    assert (r.status_code, _error(r)["code"]) == (404, "not_found")


def test_models_filter_by_type(client: httpx.Client) -> None:
    def ids(params: dict[str, str]) -> list[tuple[str, str]]:
        r = client.get("/v2/models", params=params, headers=AUTH)
        assert r.status_code == 200
        return [(m["id"], m["type"]) for m in r.json()]

    images = ids({"type": "image"})
    assert [i for i, _ in images] == ["sim-image-lite", "seedream-5-lite", "sim-image-pro"]
    videos = ids({"type": "video"})
    assert {t for _, t in videos} == {"video"}
    assert len(videos) == 3
    assert sorted(ids({})) == sorted(images + videos)
    r = client.get("/v2/models", params={"type": "audio"}, headers=AUTH)
    assert (r.status_code, _error(r)["param"]) == (400, "type")
    seedream = client.get("/v2/models/seedream-5-lite", headers=AUTH).json()
    assert seedream["supported_durations"] == []
    assert seedream["supports_sound"] is False
    assert seedream["supported_references"] == {"reference_image": 6}
    assert seedream["pricing"]["rates"] == [
        {"billable_unit": "image", "resolution": "2K", "sound": "not_applicable", "unit_price": "0.035"},
        {"billable_unit": "image", "resolution": "4K", "sound": "not_applicable", "unit_price": "0.055"},
    ]


def test_the_command_line_sets_the_latency() -> None:
    with spawn_simulator(["--image-seconds", "0.25"]) as proc, httpx.Client(base_url=proc.base_url) as c:
        assert c.get("/_sim/config").json()["image_seconds"] == 0.25
        started = time.monotonic()
        assert generate_image(c).status_code == 200
        assert time.monotonic() - started >= 0.25
