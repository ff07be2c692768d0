"""The ledger entry a job's change records, if any: the one place a bill becomes money spent.

`Lifecycle` asks `bill_for` on every write and hands the entry to the store, which writes it in the same
transaction as the change itself. Two changes record a bill:
- the first `cost` a job gets (getimg's `usage` of a completed, or failed but charged, generation), with the
  usage's own unit figures when the caller passes them, else the estimate's;
- completion with no cost at all (getimg sent no `usage`): it was billed all the same, so the estimate stands
  in (`reported` False), and budgets never undercount. Should a usage come later, it replaces the estimate.
Every kind of job (video, image) goes through here, whichever part of the engine made the change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from getimg_studio.api.types import CostEstimate, Usage
from getimg_studio.jobs.ledger import BilledUsage, Kind, LedgerEntry, entry_from_usage, exact
from getimg_studio.jobs.model import Job, JobKind
from getimg_studio.jobs.rows import KEEP, JobChange


def bill_for(job: Job, change: JobChange, now: datetime, usage: Usage | None,
             model_name: Callable[[str], str]) -> LedgerEntry | None:
    """The entry `change` records for `job` (the row as it was before the change), or None."""
    estimate = change.estimate if isinstance(change.estimate, CostEstimate | None) else job.estimate
    billed_at = change.completed_at if isinstance(change.completed_at, datetime) else now
    remote_id = change.remote_id if isinstance(change.remote_id, str) else job.remote_id
    model = job.request.model
    kind: Kind = "image" if job.kind is JobKind.IMAGE else "video"
    cost = change.cost
    if isinstance(cost, Decimal) and job.cost is None:
        return LedgerEntry(job_id=job.id, kind=kind, model_id=model, model_name=model_name(model),
                           billed_at=billed_at.astimezone(UTC), usage=_usage(cost, usage, estimate),
                           currency=change.currency if isinstance(change.currency, str) else job.currency,
                           estimate=estimate.amount if estimate is not None else None, remote_id=remote_id,
                           backend=job.backend)
    if cost is KEEP and job.cost is None and job.completed_at is None and isinstance(change.completed_at, datetime):
        return entry_from_usage(job_id=job.id, kind=kind, model_id=model, model_name=model_name(model),
                                billed_at=billed_at, usage=None, estimate=estimate, remote_id=remote_id,
                                backend=job.backend)
    return None


def _usage(cost: Decimal, usage: Usage | None, estimate: CostEstimate | None) -> BilledUsage:
    """getimg's figures when they are the cost being recorded; otherwise the cost with the estimate's units."""
    if usage is not None and usage.total_cost == cost:
        return BilledUsage(cost, usage.billable_unit, exact(usage.unit_price), exact(usage.quantity))
    if estimate is None:
        return BilledUsage(cost, "", cost, Decimal(1))
    unit = estimate.billable_unit or ""
    if estimate.quantity and estimate.unit_price is not None:
        price = estimate.unit_price if estimate.amount == cost else cost / estimate.quantity
        return BilledUsage(cost, unit, price, estimate.quantity)
    return BilledUsage(cost, unit, cost, Decimal(1))
