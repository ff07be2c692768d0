"""ModelCatalogue.refresh against the simulator: the cache is written, and kept when offline."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from getimg_studio.api.catalogue import ModelCatalogue
from getimg_studio.api.client import GetimgClient
from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.simulator.harness import RunningSimulator


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


async def _refresh(catalogue: ModelCatalogue, base_url: str) -> None:
    client = GetimgClient(base_url, "sk-test", sleep=_no_wait)
    try:
        await catalogue.refresh(client)
    finally:
        await client.aclose()


def test_refresh_writes_the_cache_and_offline_keeps_it(sim: RunningSimulator, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "models.json"
    catalogue = ModelCatalogue(cache)
    asyncio.run(_refresh(catalogue, sim.base_url))
    ids = [m.id for m in catalogue.models()]
    assert ids == ["seedance-v1-5-pro", "seedance-v1-pro", "sim-fixed-lite"]
    assert catalogue.fetched_at is not None
    assert cache.exists()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(GetimgError) as caught:
        asyncio.run(_refresh(catalogue, dead))
    assert caught.value.kind is ErrorKind.OFFLINE
    assert [m.id for m in catalogue.models()] == ids

    started_offline = ModelCatalogue(cache)
    assert started_offline.load_cache()
    assert started_offline.models() == catalogue.models()
    assert started_offline.fetched_at == catalogue.fetched_at
