"""ImageClient against the simulator over loopback: the money rule for images, error mapping, prices, catalogue."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from getimg_studio.api.catalogue import ModelCatalogue
from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.frames import PreparedFrame
from getimg_studio.api.image_client import ImageClient
from getimg_studio.api.image_pricing import estimate_image_cost
from getimg_studio.api.image_types import ImageRequest, ImageResult, sniff_image_mime
from getimg_studio.api.types import Role
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import png_data_url

T = TypeVar("T")
REQUEST = ImageRequest("sim-image-lite", "a lighthouse at dusk", aspect_ratio="16:9")


def run(sim: RunningSimulator | str, body: Callable[[ImageClient], Awaitable[T]], **options: Any) -> T:
    base = sim if isinstance(sim, str) else sim.base_url

    async def go() -> T:
        client = ImageClient(base, "sk-test-key-123", **options)
        try:
            return await body(client)
        finally:
            await client.aclose()

    return asyncio.run(go())


def recorder() -> tuple[list[float], Callable[[float], Awaitable[None]]]:
    """A sleep that only records what the client asked to wait."""
    calls: list[float] = []

    async def sleep(seconds: float) -> None:
        calls.append(seconds)

    return calls, sleep


def image_requests(sim: RunningSimulator, settled: int | None = None) -> dict[str, int]:
    """The route's answers by status; with `settled`, waits (bounded) until that many were answered."""
    deadline = time.monotonic() + 10
    while True:
        counts: dict[str, int] = sim.stats()["requests"].get("images", {})
        if settled is None or sum(counts.values()) >= settled:
            return counts
        assert time.monotonic() < deadline, f"only {counts} answered"
        time.sleep(0.05)


def generate(client: ImageClient) -> Awaitable[ImageResult]:
    return client.generate_image(REQUEST, [])


def test_generate_parse_and_download(sim: RunningSimulator) -> None:
    result = run(sim, generate)
    (item,) = result.items
    assert (item.width, item.height, item.mime_type) == (1024, 576, "image/jpeg")
    assert item.deletes_at is not None
    assert item.deletes_at > datetime.now(UTC) + timedelta(hours=23)
    assert result.usage is not None
    assert result.usage.total_cost == Decimal("0.002")
    assert result.rate_limit.remaining == 59
    with httpx.Client() as plain:
        data = plain.get(item.url).content
    assert sniff_image_mime(data[:12]) == "image/jpeg"
    assert sim.stats()["total_creations"] == 1


def test_a_timed_out_image_is_sent_once_and_uncertain(sim: RunningSimulator) -> None:
    sim.add_fault("images", delay=1.5)
    calls, sleep = recorder()
    with pytest.raises(GetimgError) as caught:
        run(sim, generate, image_timeout=0.5, sleep=sleep)
    assert caught.value.kind is ErrorKind.UNCERTAIN
    assert not caught.value.surely_not_created
    assert "The image may have been made and billed: it was not sent again" in caught.value.message
    assert calls == []
    assert image_requests(sim, settled=1) == {"200": 1}  # the server made it and answered, too late
    assert sim.stats()["creations_by_prompt"] == {REQUEST.prompt: 1}
    assert Decimal(sim.balance()) == Decimal("50.00") - Decimal("0.002")


@pytest.mark.parametrize("fault", [{"reset_after_body": True}, {"drop_after_bytes": 10}, {"malformed": True}])
def test_an_answer_lost_after_sending_is_uncertain(sim: RunningSimulator, fault: dict[str, Any]) -> None:
    sim.add_fault("images", **fault)
    with pytest.raises(GetimgError) as caught:
        run(sim, generate, sleep=recorder()[1])
    assert caught.value.kind is ErrorKind.UNCERTAIN
    assert sum(image_requests(sim, settled=1).values()) == 1
    assert sim.stats()["total_creations"] == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_is_uncertain_and_not_resent(sim: RunningSimulator, status: int) -> None:
    sim.add_fault("images", status=status)
    with pytest.raises(GetimgError) as caught:
        run(sim, generate, sleep=recorder()[1])
    assert caught.value.kind is ErrorKind.UNCERTAIN
    assert f"HTTP {status}" in caught.value.message
    assert image_requests(sim) == {str(status): 1}


def test_a_failed_generation_is_uncertain_with_the_servers_words(sim: RunningSimulator) -> None:
    with pytest.raises(GetimgError) as caught:
        run(sim, lambda c: c.generate_image(ImageRequest("sim-image-lite", "[fail] please"), []),
            sleep=recorder()[1])
    assert caught.value.kind is ErrorKind.UNCERTAIN
    assert "The model could not generate this image." in caught.value.message
    assert image_requests(sim) == {"500": 1}


def test_a_429_is_raised_as_surely_not_created_with_its_wait(sim: RunningSimulator) -> None:
    # Sent once: the engine's queue keeps the job and sends it again when getimg said it may.
    sim.add_fault("images", status=429, retry_after=1)
    calls, sleep = recorder()
    with pytest.raises(GetimgError) as caught:
        run(sim, generate, sleep=sleep)
    assert caught.value.kind is ErrorKind.RATE_LIMIT
    assert caught.value.surely_not_created
    assert caught.value.retry_after == 1.0
    assert calls == []
    assert image_requests(sim) == {"429": 1}
    assert sim.stats()["total_creations"] == 0


def test_a_429_asking_too_long_is_refused_not_waited(sim: RunningSimulator) -> None:
    sim.configure(image_rpm=1)
    calls, sleep = recorder()

    async def twice(client: ImageClient) -> None:
        await generate(client)
        await generate(client)

    with pytest.raises(GetimgError) as caught:
        run(sim, twice, sleep=sleep, max_wait=5)
    assert caught.value.kind is ErrorKind.RATE_LIMIT
    assert caught.value.surely_not_created
    assert caught.value.retry_after is not None
    assert 5 < caught.value.retry_after <= 60
    assert calls == []
    assert image_requests(sim) == {"200": 1, "429": 1}
    assert sim.stats()["total_creations"] == 1


def test_a_503_is_surely_not_created_and_not_resent_here(sim: RunningSimulator) -> None:
    sim.add_fault("images", status=503)
    calls, sleep = recorder()
    with pytest.raises(GetimgError) as caught:
        run(sim, generate, sleep=sleep)
    assert caught.value.surely_not_created
    assert calls == []
    assert image_requests(sim) == {"503": 1}
    assert sim.stats()["total_creations"] == 0


@pytest.mark.parametrize(
    ("fault", "kind"),
    [({"status": 401}, ErrorKind.AUTH), ({"status": 402}, ErrorKind.QUOTA),
     ({"status": 422}, ErrorKind.CONTENT_POLICY), ({"status": 400}, ErrorKind.INVALID)],
)
def test_refusals_map_to_kinds_and_are_not_resent(sim: RunningSimulator, fault: dict[str, Any],
                                                  kind: ErrorKind) -> None:
    sim.add_fault("images", **fault)
    with pytest.raises(GetimgError) as caught:
        run(sim, generate, sleep=recorder()[1])
    assert caught.value.kind is kind
    assert caught.value.surely_not_created
    assert sum(image_requests(sim).values()) == 1


def test_the_servers_validation_names_the_parameter(sim: RunningSimulator) -> None:
    with pytest.raises(GetimgError) as caught:
        run(sim, lambda c: c.generate_image(ImageRequest("sim-image-lite", "a", resolution="4K"), []))
    assert (caught.value.kind, caught.value.param) == (ErrorKind.INVALID, "resolution")
    assert caught.value.message.startswith("getimg refused the resolution: ")
    assert sim.stats()["total_creations"] == 0


def test_references_are_sent_and_an_oversized_body_is_never_sent(sim: RunningSimulator) -> None:
    small = PreparedFrame(Role.REFERENCE_IMAGE, png_data_url(), "image/png", 64, 48, 100, "")
    result = run(sim, lambda c: c.generate_image(REQUEST, [small, small]))
    assert result.items
    huge = PreparedFrame(Role.REFERENCE_IMAGE, "data:image/png;base64," + "A" * (9 * 1024 * 1024), "image/png",
                         1, 1, 9 * 1024 * 1024, "")
    with pytest.raises(GetimgError) as caught:
        run(sim, lambda c: c.generate_image(REQUEST, [huge, huge, huge]))
    assert caught.value.kind is ErrorKind.FRAME
    assert image_requests(sim) == {"200": 1}


def test_connection_refused_is_offline_and_surely_not_created() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nothing listens there
    calls, sleep = recorder()
    with pytest.raises(GetimgError) as caught:
        run(f"http://127.0.0.1:{port}", generate, sleep=sleep)
    assert caught.value.kind is ErrorKind.OFFLINE
    assert caught.value.surely_not_created
    assert calls == []


def test_estimates_equal_billed_usage_for_every_image_model_and_resolution(sim: RunningSimulator) -> None:
    sim.configure(image_seconds=0)

    async def body(client: ImageClient) -> tuple[list[tuple[ImageRequest, Any, ImageResult]], Decimal]:
        models = await client.list_image_models()
        assert {m.id for m in models} == {"sim-image-lite", "seedream-5-lite", "sim-image-pro"}
        out = []
        for model in models:
            # the price does not depend on the aspect ratio: the widest is the smallest image to draw
            for resolution in (*model.resolutions, None):
                request = ImageRequest(model.id, f"price {model.id} {resolution}", aspect_ratio=model.aspect_ratios[-1],
                                       resolution=resolution)
                estimate = estimate_image_cost(request, model)
                out.append((request, estimate, await client.generate_image(request, [])))
        now = datetime.now(UTC)
        report = await client.costs(now - timedelta(hours=1), now + timedelta(minutes=1))
        return out, report.total

    results, billed_total = run(sim, body)
    assert len(results) == 2 + 3 + 3
    for request, estimate, result in results:
        assert result.usage is not None, request
        assert estimate.amount == result.usage.total_cost, request
        assert estimate.unit_price == result.usage.unit_price, request
        assert estimate.quantity == result.usage.quantity, request
        assert result.usage.billable_unit == "image"
    spent = sum((e.amount for _, e, _ in results), Decimal(0))
    assert billed_total == spent
    assert Decimal(sim.balance()) == Decimal("50.00") - spent


def test_the_catalogue_keeps_image_and_video_models_apart(sim: RunningSimulator, tmp_path: Path) -> None:
    catalogue = ModelCatalogue(tmp_path / "models.json")

    async def body(client: ImageClient) -> None:
        await catalogue.refresh_images(client)
        await catalogue.refresh(client)  # videos: the image models stay

    run(sim, body)
    assert [m.id for m in catalogue.image_models()] == ["sim-image-lite", "seedream-5-lite", "sim-image-pro"]
    assert {m.type for m in catalogue.models()} == {"video"}
    assert catalogue.get("seedream-5-lite") is None
    seedream = catalogue.get_image("seedream-5-lite")
    assert seedream is not None
    assert seedream.max_count(Role.REFERENCE_IMAGE) == 6
    offline = ModelCatalogue(tmp_path / "models.json")
    assert offline.load_cache()
    assert offline.image_models() == catalogue.image_models()
    assert offline.models() == catalogue.models()
