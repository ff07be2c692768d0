"""Everything the Spending view's controller gets from the rest of the app: a few callables, never the engine.

The window builds one `SpendingServices` from its engine and settings; tests build one from fakes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.fsutil import write_atomic
from getimg_studio.jobs.budget import Budget
from getimg_studio.jobs.ledger import LedgerEntry

if TYPE_CHECKING:
    from getimg_studio.jobs.reconcile import ServerCosts


def utcnow() -> datetime:
    return datetime.now(UTC)


async def _no_start() -> datetime | None:
    return None


def _no_budget() -> Budget | None:
    return None


def _nothing_unbilled() -> Decimal:
    return Decimal(0)


async def save_csv_file(path: Path, text: str) -> None:
    """The default `save_csv`: UTF-8 with a BOM, written atomically, off the painting thread."""
    from getimg_studio.jobs.ledger_csv import csv_bytes

    await asyncio.to_thread(write_atomic, path, csv_bytes(text))


@dataclass(frozen=True)
class SpendingServices:
    # Entries billed in [start, end) (aware UTC), on the backend the window runs; oldest first.
    load_entries: Callable[[datetime, datetime], Awaitable[list[LedgerEntry]]]
    # getimg's `/v2/billing/costs` for [start, end); None in demo mode or offline (nothing to compare with).
    # May raise GetimgError: its message is shown beside the local figures.
    fetch_server_costs: Callable[[datetime, datetime], Awaitable[ServerCosts | None]]
    save_csv: Callable[[Path, str], Awaitable[None]] = save_csv_file
    tz: tzinfo = UTC  # the creator's zone (`getimg_studio.localzone.local_zone()`)
    currency: str = "USD"
    clock: Callable[[], datetime] = utcnow
    budget: Callable[[], Budget | None] = _no_budget  # read at every refresh: Settings may change it
    # The estimates of jobs sent or queued but not billed yet (they count against the budget).
    unbilled: Callable[[], Decimal] = _nothing_unbilled
    # When the ledger began (its first entry on this backend): getimg's spend before it is not another device's.
    ledger_start: Callable[[], Awaitable[datetime | None]] = _no_start
    export_dir: Callable[[], Path] = field(default=Path.home)
