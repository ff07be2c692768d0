"""The ledger built from what the simulator billed equals the simulator's own `/v2/billing/costs`, day by day."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from getimg_studio.api.client import GetimgClient
from getimg_studio.api.pricing import estimate_cost
from getimg_studio.api.types import GenerationRequest, RemoteState, RemoteStatus
from getimg_studio.jobs.ledger import LedgerEntry, entry_from_usage
from getimg_studio.jobs.reconcile import ServerCosts, reconcile, server_window
from getimg_studio.jobs.spend import DateRange, Period, spend_report
from getimg_studio.simulator.harness import RunningSimulator

REQUESTS = (
    GenerationRequest("sim-fixed-lite", "a lighthouse at dusk", aspect_ratio="1:1"),
    GenerationRequest("seedance-v1-5-pro", "a fox in the snow", aspect_ratio="1:1", resolution="480p", sound=True),
    GenerationRequest("seedance-v1-pro", "a drone over a forest", aspect_ratio="1:1", resolution="720p"),
    GenerationRequest("sim-fixed-lite", "a paper boat [fail]", aspect_ratio="1:1"),  # fails: never billed
)


async def _wait(client: GetimgClient, gid: str) -> RemoteStatus:
    deadline = time.monotonic() + 60
    while (status := await client.get_generation(gid)).state is RemoteState.PENDING:
        assert time.monotonic() < deadline, f"{gid} still pending after 60 s"
        await asyncio.sleep(0.2)
    return status


def test_ledger_days_equal_the_simulators_billing_costs(sim: RunningSimulator) -> None:
    async def run() -> tuple[list[LedgerEntry], ServerCosts, datetime]:
        client = GetimgClient(sim.base_url, "sk-test")
        try:
            models = {m.id: m for m in await client.list_models()}
            created = [(n, r, await client.create_generation(r, [])) for n, r in enumerate(REQUESTS, 1)]
            entries = []
            for job_id, request, c in created:
                status = await _wait(client, c.id)
                if status.state is not RemoteState.COMPLETED:
                    continue
                model = models[request.model]
                # what the engine will do on completion: the status's usage, the estimate made before sending
                entry = entry_from_usage(job_id=job_id, kind="video", model_id=model.id, model_name=model.name,
                                         billed_at=datetime.now(UTC), usage=status.usage,
                                         estimate=estimate_cost(request, model), remote_id=c.id, backend="demo")
                assert entry is not None
                entries.append(entry)
            now = datetime.now(UTC)
            report = await client.costs(now - timedelta(days=2), now)
            return entries, ServerCosts(report.currency, report.days, report.total), now
        finally:
            await client.aclose()

    entries, server, now = asyncio.run(run())
    assert len(entries) == 3
    assert all(e.reported and not e.differs for e in entries)  # billed exactly what was estimated
    assert sum((e.total for e in entries), Decimal(0)) == Decimal("0.04") + Decimal("0.225") + Decimal("0.30")

    # the local side, by UTC day, exactly as getimg buckets it
    today = now.date()
    report = spend_report(entries, days=DateRange(today - timedelta(days=2), today), period=Period.DAY, tz=UTC,
                          currency="USD")
    assert {b.first: b.total for b in report.buckets} == dict(server.days)
    assert report.total == server.total

    window = server_window(DateRange(today - timedelta(days=2), today), UTC, now)
    assert window is not None
    result = reconcile(entries, server, window, UTC, now=now, history_start=today)
    assert result.differing == ()
    assert result.local_total == result.server_total == Decimal("0.565")
