"""The official SDK's `images.generate`, sync and async, cannot tell the simulator from the real API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import getimg
import httpx
import numpy as np
import pytest

from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import data_url, image_bytes, open_image


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(open_image(data).convert("RGB"), dtype=np.float32)


def test_sync_sdk_generates_downloads_and_is_billed(sim: RunningSimulator) -> None:
    with getimg.GetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
        models = client.models.list(type="image")
        assert [m.id for m in models] == ["sim-image-lite", "seedream-5-lite", "sim-image-pro"]
        assert all(m.type == "image" and m.supported_durations == [] for m in models)
        assert client.models.retrieve("seedream-5-lite").supported_resolutions == ["2K", "4K"]
        result = client.images.generate(model="seedream-5-lite", prompt="a paper boat on a pond",
                                        aspect_ratio="16:9", output_format="webp")
        assert result.status == "completed"
        assert result.model == "seedream-5-lite"
        (item,) = result.data
        assert (item.mime_type, item.width, item.height) == ("image/webp", 2048, 1152)
        assert item.deletes_at.tzinfo is not None
        assert item.deletes_at > datetime.now(UTC) + timedelta(hours=23)
        assert (result.usage.billable_unit, result.usage.quantity) == ("image", 1.0)
        assert result.usage.total_cost == pytest.approx(0.035)
        with httpx.Client() as plain:
            r = plain.get(item.url)
        assert r.status_code == 200
        image = open_image(r.content)
        assert (image.format, image.size) == ("WEBP", (2048, 1152))
        assert client.billing.retrieve_balance().balance == "49.965"
        now = datetime.now(UTC)
        costs = client.billing.list_costs(start=now - timedelta(hours=1), end=now + timedelta(minutes=1))
        assert costs.total_cost == pytest.approx(0.035)


def test_sync_sdk_maps_image_errors(sim: RunningSimulator) -> None:
    with getimg.GetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
        with pytest.raises(getimg.BadRequestError) as bad:
            client.images.generate(model="seedream-5-lite", prompt="x", resolution="1K")
        assert bad.value.body["error"]["param"] == "resolution"  # type: ignore[index]
        with pytest.raises(getimg.BadRequestError) as unknown:
            client.images.generate(model="seedance-v1-pro", prompt="x")
        assert unknown.value.body["error"]["param"] == "model"  # type: ignore[index]
        with pytest.raises(getimg.UnprocessableEntityError):
            client.images.generate(model="sim-image-lite", prompt="[nsfw]")
        sim.configure(balance="0.001")
        with pytest.raises(getimg.APIStatusError) as quota:
            client.images.generate(model="sim-image-lite", prompt="x")
        assert quota.value.status_code == 402
    assert sim.stats()["total_creations"] == 0


def test_async_sdk_with_references_keeps_their_look(sim: RunningSimulator) -> None:
    sim.configure(image_seconds=0)
    reference = data_url(image_bytes("PNG", (160, 90), (20, 140, 150)))

    async def scenario() -> list[bytes]:
        async with getimg.AsyncGetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
            assert {m.type for m in await client.models.list(type="image")} == {"image"}
            out: list[bytes] = []
            async with httpx.AsyncClient() as plain:
                for prompt, images in (("a castle", []), ("a castle", [{"url": reference}]),
                                       ("a river", [{"url": reference}]), ("a castle", [])):
                    result = await client.images.generate(model="sim-image-pro", prompt=prompt, aspect_ratio="1:1",
                                                          resolution="1K", output_format="png", images=images)
                    assert (result.data[0].width, result.data[0].height) == (1024, 1024)
                    r = await plain.get(result.data[0].url)
                    r.raise_for_status()
                    out.append(r.content)
            return out

    plain_castle, ref_castle, ref_river, plain_again = asyncio.run(scenario())
    def mean(data: bytes) -> Any:
        return _pixels(data).reshape(-1, 3).mean(axis=0)

    # Asked again, the same request is a new image (as a real model draws anew) with the same look.
    assert plain_castle != plain_again
    assert np.linalg.norm(mean(plain_castle) - mean(plain_again)) < np.linalg.norm(mean(plain_castle)
                                                                                  - mean(ref_castle))
    assert np.abs(_pixels(plain_castle) - _pixels(ref_castle)).mean() > 15  # the reference changes it
    target = np.array([20, 140, 150], dtype=np.float32)

    def distance(data: bytes) -> float:
        return float(np.linalg.norm(_pixels(data).reshape(-1, 3).mean(axis=0) - target))

    # both keyframes made with the reference carry its colour; the plain one does not
    assert max(distance(ref_castle), distance(ref_river)) < distance(plain_castle)
    assert sim.stats()["total_creations"] == 4
