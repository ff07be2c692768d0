"""The cost estimate equals what the simulator bills, for every model and resolution/sound combination."""

from __future__ import annotations

import asyncio
import time

import pytest

from getimg_studio.api.client import GetimgClient
from getimg_studio.api.pricing import estimate_cost
from getimg_studio.api.types import CostEstimate, GenerationRequest, RemoteState, RemoteStatus
from getimg_studio.simulator.harness import RunningSimulator


@pytest.mark.slow
def test_estimate_equals_billed_usage(sim_factory: object) -> None:
    sim: RunningSimulator = sim_factory(pending_seconds=0.1, seed=3, max_pending=40, render_workers=2)  # type: ignore[operator]

    async def run() -> list[tuple[GenerationRequest, CostEstimate, RemoteStatus]]:
        client = GetimgClient(sim.base_url, "sk-test")
        try:
            models = await client.list_models()
            requests: list[GenerationRequest] = []
            for model in models:
                # the price does not depend on the aspect ratio: the square one renders fastest
                square = "1:1" if "1:1" in model.aspect_ratios else None
                sounds = (False, True) if model.supports_sound else (False,)
                for resolution in model.resolutions:
                    for sound in sounds:
                        requests.append(GenerationRequest(model.id, f"price {model.id} {resolution} {sound}",
                                                          aspect_ratio=square, resolution=resolution, sound=sound))
            # one non-default duration, and one request left entirely at the model's defaults
            requests.append(GenerationRequest("seedance-v1-5-pro", "price ten seconds", resolution="480p",
                                              duration=10, sound=True))
            requests.append(GenerationRequest("seedance-v1-pro", "price defaults"))
            by_id = {m.id: m for m in models}
            estimates = [estimate_cost(r, by_id[r.model]) for r in requests]
            created = [await client.create_generation(r, []) for r in requests]
            done: list[RemoteStatus] = []
            deadline = time.monotonic() + 90
            for c in created:
                while (status := await client.get_generation(c.id)).state is RemoteState.PENDING:
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.25)
                done.append(status)
            return list(zip(requests, estimates, done, strict=True))
        finally:
            await client.aclose()

    results = asyncio.run(run())
    assert len(results) == 6 + 2 + 1 + 2
    for request, estimate, status in results:
        assert status.state is RemoteState.COMPLETED, request
        assert status.usage is not None
        assert estimate.amount == status.usage.total_cost, request
        assert estimate.unit_price == status.usage.unit_price, request
        assert estimate.quantity == status.usage.quantity, request
