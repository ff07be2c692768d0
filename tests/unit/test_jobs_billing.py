"""Where a bill becomes a ledger entry (`billing.bill_for` through `Lifecycle`) and where the budget admits jobs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import Balance, CostEstimate, GenerationRequest, Usage
from getimg_studio.jobs.budget import Budget
from getimg_studio.jobs.lifecycle import Lifecycle
from getimg_studio.jobs.model import BalanceChanged, JobEvent, JobKind, JobState
from getimg_studio.jobs.rows import JobChange
from getimg_studio.jobs.spend_guard import BudgetExceeded, SpendGuard
from getimg_studio.jobs.store import JobStore

T0 = datetime(2026, 11, 25, 14, 3, 12, tzinfo=UTC)
ESTIMATE = CostEstimate(Decimal("0.225"), "USD", Decimal("0.045"), Decimal("5"), "video_second")
REQUEST = GenerationRequest("seedance-v1-5-pro", "a fox in the snow", resolution="480p")
IMAGE = ImageRequest("seedance-v1-5-pro", "a fox in the snow")  # the kind comes from the request
WIDE = (T0 - timedelta(days=400), T0 + timedelta(days=400))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "history.sqlite3")
    yield s
    s.close()


def lifecycle(store: JobStore, guard: SpendGuard | None = None) -> Lifecycle:
    events: list[JobEvent] = []
    return Lifecycle(store, events.append, lambda: T0, admit=guard.admit if guard else lambda _c: None,
                     model_name=lambda m: {"seedance-v1-5-pro": "Seedance 1.5 Pro"}.get(m, m))


def sent(life: Lifecycle, kind: JobKind = JobKind.VIDEO) -> int:
    request = IMAGE if kind is JobKind.IMAGE else REQUEST
    [job] = life.add(request, count=1, estimate=ESTIMATE, batch_id="b", backend="demo")
    assert job.kind is kind
    life.move(job.id, JobState.SUBMITTING)
    life.move(job.id, JobState.PENDING, JobChange(remote_id="gen-1", submitted_at=T0))
    return job.id


@pytest.mark.parametrize("kind", [JobKind.VIDEO, JobKind.IMAGE])
def test_the_first_cost_writes_one_entry_with_getimgs_figures(store: JobStore, kind: JobKind) -> None:
    life = lifecycle(store)
    job_id = sent(life, kind)
    usage = Usage(Decimal("0.25"), "video_second", Decimal("0.05"), 5.0)
    life.move(job_id, JobState.DOWNLOADING, JobChange(completed_at=T0, cost=usage.total_cost), usage=usage)
    [entry] = store.ledger_entries(*WIDE, all_backends=True)
    assert entry.kind == kind.value
    assert entry.model_name == "Seedance 1.5 Pro"
    assert (entry.usage.total, entry.usage.unit_price, entry.usage.quantity) == (
        Decimal("0.25"), Decimal("0.05"), Decimal(5))
    assert entry.estimate == Decimal("0.225")
    assert entry.differs  # billed other than shown: the row's flag
    assert entry.remote_id == "gen-1"
    life.note(job_id, JobChange(attention="x"))  # later writes bill nothing more
    assert len(store.ledger_entries(*WIDE, all_backends=True)) == 1


def test_a_completion_without_usage_is_billed_its_estimate_until_getimg_reports(store: JobStore) -> None:
    life = lifecycle(store)
    job_id = sent(life)
    life.move(job_id, JobState.DOWNLOADING, JobChange(completed_at=T0))
    [entry] = store.ledger_entries(*WIDE, all_backends=True)
    assert not entry.reported
    assert entry.total == Decimal("0.225")
    usage = Usage(Decimal("0.225"), "video_second", Decimal("0.045"), 5.0)
    life.note(job_id, JobChange(cost=usage.total_cost), usage=usage)
    [entry] = store.ledger_entries(*WIDE, all_backends=True)
    assert entry.reported
    assert not entry.differs


def test_the_guard_counts_bills_and_queued_jobs_and_refuses_before_a_row(store: JobStore) -> None:
    guard = SpendGuard(store, "demo", lambda: T0, UTC, Budget(monthly=Decimal("0.50")))
    life = lifecycle(store, guard)
    job_id = sent(life)
    life.move(job_id, JobState.DOWNLOADING, JobChange(completed_at=T0, cost=Decimal("0.225")))
    [queued] = life.add(REQUEST, count=1, estimate=ESTIMATE, batch_id="c", backend="demo")
    figures = guard.figures()
    assert (figures.spent_this_month, figures.spent_today, figures.unbilled) == (
        Decimal("0.225"), Decimal("0.225"), Decimal("0.225"))
    assert figures.budget_left == Decimal("0.05")
    assert figures.status_text == "This month: $0.225 · $0.05 left this month"
    before = store.ids()
    with pytest.raises(BudgetExceeded) as refused:
        life.add(REQUEST, count=1, estimate=ESTIMATE, batch_id="d", backend="demo")
    assert store.ids() == before
    assert refused.value.verdict.breaches[0].over == Decimal("0.175")
    assert "getimg-studio budget set 1`" in refused.value.cli_message
    guard.observe(BalanceChanged(Decimal("0.10")))
    assert guard.balance == Balance(Decimal("0.10"))
    warning = guard.check(Decimal("0.04")).warning
    assert warning is not None
    assert "$0.225 of it is promised to jobs not billed yet" in warning
    assert queued.id in store.ids()
