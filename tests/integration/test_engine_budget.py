"""The budget and the ledger through the engine, against the simulator.

Over budget, Generate, variations, Retry and a storyboard-sized check send nothing (the simulator counts every
POST); under it, what the engine writes to the ledger equals the simulator's `/v2/billing/costs`, and every
estimate equals its bill.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from getimg_studio.api.errors import ErrorKind
from getimg_studio.api.types import Balance, GenerationRequest
from getimg_studio.jobs.budget import Budget
from getimg_studio.jobs.model import BalanceChanged, JobFilter, JobState
from getimg_studio.jobs.spend_guard import BudgetExceeded
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import LITE

EngineOpener = Any  # the `open_engine` fixture of tests/integration/conftest.py
Counts = Callable[[str], int]  # the `sim_counts` fixture

LITE_REQUEST = GenerationRequest(model=LITE, prompt="A red kite over green hills", aspect_ratio="1:1")  # $0.04


def test_submit_and_variations_over_budget_send_nothing(open_engine: EngineOpener, sim_counts: Counts) -> None:
    async def scenario() -> None:
        async with open_engine() as engine:
            engine.set_budget(Budget(monthly=Decimal("0.10")))
            with pytest.raises(BudgetExceeded) as refused:
                await engine.submit(LITE_REQUEST, 3, until_sent=True)  # 3 x $0.04 = $0.12
            assert refused.value.kind is ErrorKind.BUDGET
            assert "$0.12" in str(refused.value)
            assert "$0.10" in str(refused.value)
            assert "raise the monthly budget in Settings" in str(refused.value)
            assert "getimg-studio budget set 1" in refused.value.cli_message
            assert engine.store.count(JobFilter.ALL) == 0  # nothing queued, so nothing to send
            engine.set_budget(Budget(daily=Decimal("0.03")))
            with pytest.raises(BudgetExceeded, match=r"daily budget of \$0.03"):
                await engine.submit(LITE_REQUEST)
            assert engine.store.count(JobFilter.ALL) == 0

    asyncio.run(scenario())
    assert sim_counts("create") == 0
    assert sim_counts("creations") == 0


def test_retry_over_budget_sends_nothing_and_queued_jobs_count(open_engine: EngineOpener, sim_counts: Counts) -> None:
    async def scenario() -> None:
        async with open_engine() as engine:
            engine.set_budget(Budget(monthly=Decimal("0.10")))
            [job] = await engine.submit(LITE_REQUEST)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY
            figures = engine.spend_figures()
            assert figures.spent_this_month == Decimal("0.04")  # the ledger has the bill
            await engine.pause_queue()
            [queued] = await engine.submit(LITE_REQUEST)  # $0.08 with the one billed
            assert engine.queued_cost() == Decimal("0.04")
            with pytest.raises(BudgetExceeded, match=r"\$0.04 queued and not yet billed"):
                await engine.retry(done.id)  # $0.12: the queued one counts at its estimate
            await engine.remove_queued([queued.id])
            assert engine.queued_cost() == Decimal(0)
            engine.set_budget(Budget(monthly=Decimal("0.05")))
            with pytest.raises(BudgetExceeded):
                await engine.retry(done.id)
            assert [j.id for j in engine.store.page(JobFilter.ALL, "", 0, 10)] == [done.id]

    asyncio.run(scenario())
    assert sim_counts("create") == 1


def test_a_storyboard_sized_check_counts_every_shot(open_engine: EngineOpener, sim_counts: Counts) -> None:
    async def scenario() -> None:
        async with open_engine() as engine:
            model = engine.model(LITE)
            assert model is not None
            from getimg_studio.api.pricing import estimate_cost

            shot = estimate_cost(LITE_REQUEST, model)
            engine.set_budget(Budget(monthly=Decimal("0.30")))
            assert engine.check_spend_for([shot] * 7).left_this_month == Decimal("0.02")
            with pytest.raises(BudgetExceeded, match=r"\$0.40"):
                engine.check_spend_for([shot] * 10)
            engine.set_budget(None)
            assert engine.check_spend_for([shot] * 10).allowed

    asyncio.run(scenario())
    assert sim_counts("create") == 0


def test_the_known_balance_warns_before_sending(open_engine: EngineOpener) -> None:
    async def scenario() -> None:
        async with open_engine() as engine:
            engine._emit(BalanceChanged(None))  # offline: the balance is not known
            assert engine.check_spend(Decimal("60")).warning is None
            balance = await engine.refresh_balance()
            assert balance == Balance(Decimal("50.00"))
            verdict = engine.check_spend(Decimal("60"))
            assert verdict.allowed
            assert verdict.warning is not None
            assert "$50.00" in verdict.warning
            assert "$60.00" in verdict.warning
            assert engine.check_spend(Decimal("0.04")).warning is None
            engine._emit(BalanceChanged(None))
            assert engine.check_spend(Decimal("60")).warning is None

    asyncio.run(scenario())


@pytest.mark.slow
def test_ledger_equals_billing_costs_and_every_estimate_its_bill(open_engine: EngineOpener,
                                                               sim_factory: Any) -> None:
    sim: RunningSimulator = sim_factory(pending_seconds=0.1, seed=3, max_pending=40, render_workers=2)

    async def scenario() -> None:
        async with open_engine(base_url=sim.base_url, auto_download=False, max_in_flight=20) as engine:
            requests = []
            for model in engine.catalogue.models():
                square = "1:1" if "1:1" in model.aspect_ratios else None
                for resolution in model.resolutions:
                    for sound in (False, True) if model.supports_sound else (False,):
                        requests.append(GenerationRequest(model.id, f"price {model.id} {resolution} {sound}",
                                                          aspect_ratio=square, resolution=resolution, sound=sound))
            requests.append(GenerationRequest(LITE, "a paper boat [fail]", aspect_ratio="1:1"))  # not billed
            jobs = [j for r in requests for j in await engine.submit(r)]
            done = await engine.wait_idle([j.id for j in jobs], timeout=90)
            assert sum(j.state is JobState.FAILED for j in done) == 1
            now = datetime.now(UTC)
            entries = engine.ledger_entries(now - timedelta(days=2), now + timedelta(minutes=1))
            assert len(entries) == len(requests) - 1
            for entry in entries:  # every model, resolution and sound: billed what was shown before sending
                assert entry.reported, entry
                assert not entry.differs, entry
            report = await engine.client.costs(now - timedelta(days=2), now + timedelta(minutes=1))
            local: dict[Any, Decimal] = {}
            for entry in entries:
                local[entry.billed_at.date()] = local.get(entry.billed_at.date(), Decimal(0)) + entry.total
            assert {d: c for d, c in report.days if c} == local
            assert report.total == sum(local.values())

    asyncio.run(scenario())


def test_image_jobs_are_billed_in_the_ledger_and_refused_over_budget(open_engine: EngineOpener, sim: RunningSimulator,
                                                                     sim_counts: Counts) -> None:
    from getimg_studio.api.image_types import ImageRequest
    from getimg_studio.simulator.testing import IMAGE_LITE

    sim.configure(image_seconds=0.05)
    request = ImageRequest(model=IMAGE_LITE, prompt="A lighthouse on a cliff at dawn", aspect_ratio="16:9")

    async def scenario() -> None:
        async with open_engine() as engine:
            [job] = await engine.submit_image(request)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY
            assert done.cost is not None
            now = datetime.now(UTC)
            [entry] = engine.ledger_entries(now - timedelta(hours=1), now + timedelta(minutes=1))
            assert entry.kind == "image"
            assert entry.total == done.cost
            assert not entry.differs
            engine.set_budget(Budget(monthly=done.cost))  # spent to the cent: one more image passes it
            with pytest.raises(BudgetExceeded):
                await engine.submit_image(request, 2)
            assert len(engine.store.ids()) == 1

    asyncio.run(scenario())
    assert sum(sim.stats()["requests"].get("images", {}).values()) == 1
