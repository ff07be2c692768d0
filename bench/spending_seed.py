"""A seeded month of billed generations, the way a busy creator's ledger looks (bench, screenshots, tests).

Prices are the simulator's catalogue's, so every entry is a billable combination; busy weekdays, quiet Sundays,
evening peaks; a handful of jobs billed other than estimated and one with no usage report, so the flags show.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from getimg_studio.jobs.ledger import BilledUsage, LedgerEntry
from getimg_studio.jobs.reconcile import ServerCosts
from getimg_studio.simulator.catalog import MODELS, estimate_cost

if TYPE_CHECKING:
    from getimg_studio.ui.spending.services import SpendingServices

# (model id, resolution, sound, duration, weight): what creators pick, most used first
_CHOICES = (
    ("seedance-v1-5-pro", "720p", False, 5, 30), ("seedance-v1-5-pro", "720p", True, 5, 12),
    ("seedance-v1-5-pro", "1080p", False, 5, 8), ("seedance-v1-5-pro", "480p", False, 10, 8),
    ("seedance-v1-5-pro", "1080p", True, 10, 3), ("seedance-v1-pro", "1080p", False, 5, 10),
    ("seedance-v1-pro", "720p", False, 10, 7), ("sim-fixed-lite", "480p", False, 4, 10),
)
_IMAGE_SHARE = 0.12


def seeded_entries(first_day: date, tz: tzinfo, *, count: int = 1000, days: int = 30, seed: int = 15,
                   backend: str = "demo") -> list[LedgerEntry]:
    """`count` entries billed over `days` local days from `first_day`, oldest first."""
    rng = random.Random(seed)
    models = {m.id: m for m in MODELS}
    weights = [c[4] for c in _CHOICES]
    day_weights = [0.35 if (first_day + timedelta(days=d)).weekday() == 6 else
                   0.7 if (first_day + timedelta(days=d)).weekday() == 5 else 1.0 + rng.random() * 0.8
                   for d in range(days)]
    entries: list[LedgerEntry] = []
    for n in range(count):
        day = first_day + timedelta(days=rng.choices(range(days), day_weights)[0])
        hour = min(22, max(7, int(rng.gauss(16, 4))))  # all billed by 23:00
        local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)
        if rng.random() < _IMAGE_SHARE:
            model, quantity, unit, kind = models["sim-image-lite"], Decimal(1), "image", "image"
            price = model.rates[0].unit_price
            total = price
        else:
            model_id, resolution, sound, duration, _ = rng.choices(_CHOICES, weights)[0]
            model = models[model_id]
            price, total = estimate_cost(model, resolution, sound, duration)
            quantity, unit, kind = Decimal(duration), "video_second", "video"
        estimate: Decimal | None = total
        if n % 211 == 7:  # the price changed between the estimate and the bill
            estimate = total - price
        reported = n != 500
        entries.append(LedgerEntry(
            job_id=n + 1, kind=kind,  # type: ignore[arg-type]  # "video" | "image" literals above
            model_id=model.id, model_name=model.name, billed_at=local, usage=BilledUsage(total, unit, price, quantity),
            currency="USD", estimate=estimate, remote_id=f"req-{n + 1:05d}", backend=backend, reported=reported))
    entries.sort(key=lambda e: e.billed_at)
    return entries


def server_costs_for(entries: list[LedgerEntry], start: datetime, end: datetime,
                     extra: dict[date, Decimal] | None = None) -> ServerCosts:
    """What getimg would report for the entries in [start, end): their UTC-day totals, plus `extra` per day
    (spending from another device, say)."""
    days: dict[date, Decimal] = {}
    day = start.astimezone(UTC).date()
    while day <= (end - timedelta(microseconds=1)).astimezone(UTC).date():
        days[day] = Decimal(0)
        day += timedelta(days=1)
    for e in entries:
        if start <= e.billed_at < end:
            days[e.billed_at.astimezone(UTC).date()] += e.total
    for d, amount in (extra or {}).items():
        if d in days:
            days[d] += amount
    return ServerCosts("USD", tuple(sorted(days.items())), sum(days.values(), Decimal(0)))


def seeded_services(entries: list[LedgerEntry], now: datetime, tz: tzinfo, *,
                    extra: dict[date, Decimal] | None = None, live: bool = True) -> SpendingServices:
    """Services over an in-memory ledger, with getimg's figures when `live` (the demo has none)."""
    from getimg_studio.jobs.budget import Budget
    from getimg_studio.ui.spending.services import SpendingServices

    async def load(start: datetime, end: datetime) -> list[LedgerEntry]:
        return [e for e in entries if start <= e.billed_at < end]

    async def server(start: datetime, end: datetime) -> ServerCosts | None:
        return server_costs_for(entries, start, end, extra) if live else None

    async def first() -> datetime | None:
        return entries[0].billed_at if entries else None

    return SpendingServices(load_entries=load, fetch_server_costs=server, tz=tz,
                            clock=lambda: now, budget=lambda: Budget(Decimal(400), Decimal(25)),
                            unbilled=lambda: Decimal("3.75"), ledger_start=first)
