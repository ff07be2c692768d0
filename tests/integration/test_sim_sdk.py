"""The official getimg SDK cannot tell the simulator from the real API."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import getimg
import httpx
import pytest

from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import LITE, probe_bytes

FRAME = 1 / 24


def _check_video(data: bytes, tmp_path: Path, width: int, height: int, duration: float, sound: bool) -> None:
    info = probe_bytes(data, tmp_path)
    assert (info.width, info.height) == (width, height)
    assert abs(info.duration - duration) <= FRAME
    assert info.has_sound is sound


def test_sync_sdk_lists_models_and_retrieves_one(sim: RunningSimulator) -> None:
    with getimg.GetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
        videos = client.models.list(type="video")
        assert {m.id for m in videos} >= {"seedance-v1-5-pro", "seedance-v1-pro", LITE}
        assert all(m.type == "video" for m in videos)
        assert any(m.type == "image" for m in client.models.list())
        model = client.models.retrieve("seedance-v1-5-pro")
        assert model.supports_sound
        assert model.supported_durations == [5.0, 10.0]
        assert model.supported_references == {"first_frame": 1, "last_frame": 1}
        prices = [r.unit_price for r in model.pricing.rates]
        assert len(set(prices)) == len(prices)  # distinct per resolution and sound
        with pytest.raises(getimg.NotFoundError):
            client.models.retrieve("no-such-model")


def test_sync_sdk_full_generation_lite(sim: RunningSimulator, tmp_path: Path) -> None:
    with getimg.GetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
        before = client.billing.retrieve_balance()
        created = client.videos.generations.create(model=LITE, prompt="a red kite over hills", aspect_ratio="1:1")
        assert created.status == "pending"
        deadline = time.monotonic() + 30
        result = client.videos.generations.retrieve(created.id)
        while result.status == "pending":
            assert time.monotonic() < deadline
            time.sleep(0.1)
            result = client.videos.generations.retrieve(created.id)
        assert result.status == "completed"
        item = result.data[0]
        assert item.mime_type == "video/mp4"
        assert (item.width, item.height, item.duration, item.has_sound) == (480, 480, 4.0, False)
        assert item.deletes_at.tzinfo is not None
        assert result.usage is not None
        assert result.usage.total_cost == pytest.approx(0.04)
        with httpx.Client() as plain:
            r = plain.get(item.url)
        assert r.status_code == 200
        assert "authorization" not in {k.lower() for k in r.request.headers}
        _check_video(r.content, tmp_path, 480, 480, 4.0, sound=False)
        after = client.billing.retrieve_balance()
        assert float(before.balance) - float(after.balance) == pytest.approx(0.04)
        now = datetime.now(UTC)
        costs = client.billing.list_costs(start=now - timedelta(days=1), end=now + timedelta(minutes=1))
        assert costs.total_cost == pytest.approx(0.04)
        assert len(costs.data) in (2, 3)


@pytest.mark.slow
def test_sync_sdk_720p_with_sound(sim: RunningSimulator, tmp_path: Path) -> None:
    with getimg.GetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
        created = client.videos.generations.create(model="seedance-v1-5-pro", prompt="ocean waves at dusk",
                                                   aspect_ratio="16:9", resolution="720p", duration=5, sound=True)
        deadline = time.monotonic() + 60
        result = client.videos.generations.retrieve(created.id)
        while result.status == "pending":
            assert time.monotonic() < deadline
            time.sleep(0.2)
            result = client.videos.generations.retrieve(created.id)
        assert result.status == "completed"
        item = result.data[0]
        assert (item.width, item.height, item.fps, item.has_sound) == (1280, 720, 24.0, True)
        assert result.usage is not None
        assert result.usage.unit_price == pytest.approx(0.075)
        assert result.usage.total_cost == pytest.approx(0.375)
        with httpx.Client() as plain:
            data = plain.get(item.url).content
        _check_video(data, tmp_path, 1280, 720, 5.0, sound=True)


@pytest.mark.slow
def test_async_sdk_full_generation(sim: RunningSimulator, tmp_path: Path) -> None:
    async def scenario() -> bytes:
        async with getimg.AsyncGetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
            models = await client.models.list(type="video")
            assert LITE in {m.id for m in models}
            assert (await client.models.retrieve(LITE)).supported_durations == [4.0]
            created = await client.videos.generations.create(model="seedance-v1-pro", prompt="city at night",
                                                             aspect_ratio="9:16", resolution="720p", duration=5)
            result = await client.videos.generations.retrieve(created.id)
            for _ in range(600):
                if result.status != "pending":
                    break
                await asyncio.sleep(0.1)
                result = await client.videos.generations.retrieve(created.id)
            assert result.status == "completed"
            balance = await client.billing.retrieve_balance()
            assert balance.currency == "USD"
            now = datetime.now(UTC)
            costs = await client.billing.list_costs(start=now - timedelta(hours=1), end=now + timedelta(hours=1))
            assert costs.total_cost == pytest.approx(0.3)
            async with httpx.AsyncClient() as plain:
                r = await plain.get(result.data[0].url)
                r.raise_for_status()
                return r.content

    data = asyncio.run(scenario())
    _check_video(data, tmp_path, 720, 1280, 5.0, sound=False)


def test_sdk_maps_errors(sim: RunningSimulator) -> None:
    sim.configure(balance="0.01")
    with getimg.GetimgAI(base_url=sim.base_url, api_key="test", max_retries=0) as client:
        with pytest.raises(getimg.BadRequestError) as bad:
            client.videos.generations.create(model=LITE, prompt="x", duration=5)
        assert bad.value.body["error"]["param"] == "duration"  # type: ignore[index]
        with pytest.raises(getimg.APIStatusError) as quota:
            client.videos.generations.create(model=LITE, prompt="x")
        assert quota.value.status_code == 402
        with pytest.raises(getimg.NotFoundError):
            client.videos.generations.retrieve("req-unknown")


def test_sdk_with_configured_keys(sim_factory: Any) -> None:
    keyed = sim_factory(pending_seconds=0.1, api_keys=frozenset({"good-key"}))
    with getimg.GetimgAI(base_url=keyed.base_url, api_key="bad-key", max_retries=0) as client, \
            pytest.raises(getimg.AuthenticationError):
        client.models.list()
    with getimg.GetimgAI(base_url=keyed.base_url, api_key="good-key", max_retries=0) as client:
        assert client.billing.retrieve_balance().balance == "50.00"
