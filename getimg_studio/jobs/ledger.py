"""The spending ledger: one row per billed generation, its table, and the statements that read and write it.

A ledger row is the money side of a job: what getimg billed (`usage`), for which model and kind, when, and
what the app estimated before sending. It is its own table, not columns of `jobs`, because money spent stays
spent: removing a job from the history must not remove it from the spending figures, so a row carries its
model's name and has no foreign key to `jobs`.

No Qt and no I/O of its own: the statements run on the `sqlite3.Connection` the caller passes in, inside the
caller's transaction (the store owns the connection and its `BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from getimg_studio.api.types import CostEstimate, Usage

Kind = Literal["video", "image"]
KINDS: tuple[Kind, ...] = ("video", "image")


def exact(value: Decimal | float | int | str) -> Decimal:
    """A quantity or price as an exact Decimal: floats through their shortest text (5.0 -> 5, 0.1 -> 0.1)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


@dataclass(frozen=True, slots=True)
class BilledUsage:
    """getimg's `usage` of one generation, exact: total = unit price x quantity as billed."""

    total: Decimal
    billable_unit: str  # "video_second", "image", ... ("" when getimg named none)
    unit_price: Decimal
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One billed generation. `billed_at` is aware UTC; `estimate` is None when no listed price matched.

    `reported` is False when getimg completed the job without a `usage`: the row then carries the estimate
    in its place, so budgets and totals never undercount, and the row says so.
    """

    job_id: int
    kind: Kind
    model_id: str
    model_name: str
    billed_at: datetime
    usage: BilledUsage
    currency: str
    estimate: Decimal | None
    remote_id: str | None = None
    backend: str | None = None  # "demo" or the API's base URL, as the job's own `backend`
    reported: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a ledger entry's kind is one of {KINDS}, not {self.kind!r}")
        if self.billed_at.tzinfo is None or self.billed_at.utcoffset() is None:
            raise ValueError("a ledger entry's billed_at must be time-zone aware")

    @property
    def total(self) -> Decimal:
        return self.usage.total

    @property
    def difference(self) -> Decimal | None:
        """Billed minus estimated (positive: billed more than shown), None when there was no estimate."""
        return None if self.estimate is None else self.usage.total - self.estimate

    @property
    def differs(self) -> bool:
        """The flag on the row: what was billed is not what was shown before sending."""
        return billed_differs(self.usage.total, self.estimate)


def billed_differs(billed: Decimal, estimate: Decimal | None) -> bool:
    """The one rule for flagging a bill: it is not what was shown before sending (or nothing was shown)."""
    return estimate is None or billed != estimate


def entry_from_usage(
    *,
    job_id: int,
    kind: Kind,
    model_id: str,
    model_name: str,
    billed_at: datetime,
    usage: Usage | None,
    estimate: CostEstimate | None,
    currency: str | None = None,
    remote_id: str | None = None,
    backend: str | None = None,
) -> LedgerEntry | None:
    """The entry the engine records when a job completes (None when there is neither usage nor a price).

    `usage` is the completed status's; `estimate` the job's own, made before sending. The currency is the
    estimate's (the model's pricing currency) unless given.
    """
    amount = estimate.amount if estimate is not None else None
    money = currency or (estimate.currency if estimate is not None else "USD")
    if usage is not None:
        billed = BilledUsage(exact(usage.total_cost), usage.billable_unit, exact(usage.unit_price),
                             exact(usage.quantity))
        reported = True
    elif estimate is not None and amount is not None:
        billed = BilledUsage(amount, estimate.billable_unit or "", estimate.unit_price or amount,
                             exact(estimate.quantity) if estimate.quantity is not None else Decimal(1))
        reported = False
    else:
        return None
    return LedgerEntry(job_id=job_id, kind=kind, model_id=model_id, model_name=model_name or model_id,
                       billed_at=billed_at.astimezone(UTC), usage=billed, currency=money, estimate=amount,
                       remote_id=remote_id, backend=backend, reported=reported)


# ---------------------------------------------------------------------------------------------- table
# Timestamps are UTC text in one fixed-width format (SQLite's own `strftime('%Y-%m-%dT%H:%M:%fZ')`), so text
# order is time order and range queries use the index. Money is decimal text, never REAL: SUM() over floats
# would drift from getimg's figures, so totals are summed in Python over Decimals.
# `job_id` is the history's job id, unique (a job is billed once; recording it again after a restart is a
# no-op), with no foreign key: the ledger outlives a job removed from the history.
LEDGER_TABLE = """
    CREATE TABLE ledger (
        job_id INTEGER PRIMARY KEY,
        remote_id TEXT,
        backend TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('video', 'image')),
        model_id TEXT NOT NULL,
        model_name TEXT NOT NULL,
        billed_at TEXT NOT NULL,
        total TEXT NOT NULL,
        billable_unit TEXT NOT NULL,
        unit_price TEXT NOT NULL,
        quantity TEXT NOT NULL,
        currency TEXT NOT NULL,
        estimate TEXT,
        reported INTEGER NOT NULL DEFAULT 1
    )
    """

# Jobs billed before the ledger existed, read from the v3 `jobs` columns (id, remote_id, backend, kind, model,
# completed_at, finished_at, updated_at, cost, estimate as JSON, currency): a job with a `cost` was billed that
# much (a failed one too: getimg reported a charge), at its completion or, failing that, when it ended. The
# per-unit figures were not kept, so the estimate's stand in for them. A job getimg completed without a `usage`
# was billed all the same: its estimate stands in (`reported` 0), as the engine records it now.
_BACKFILL_INSERT = """
    INSERT OR IGNORE INTO ledger (job_id, remote_id, backend, kind, model_id, model_name, billed_at, total,
                                  billable_unit, unit_price, quantity, currency, estimate, reported)
    """
_BACKFILL_KIND = "CASE WHEN kind = 'image' THEN 'image' ELSE 'video' END"
LEDGER_BACKFILL = f"""{_BACKFILL_INSERT}
    SELECT id, remote_id, backend, {_BACKFILL_KIND}, model, model,
           strftime('%Y-%m-%dT%H:%M:%fZ', coalesce(completed_at, finished_at, updated_at)), cost,
           coalesce(json_extract(estimate, '$.billable_unit'), ''),
           coalesce(json_extract(estimate, '$.unit_price'), cost),
           coalesce(json_extract(estimate, '$.quantity'), '1'),
           currency, json_extract(estimate, '$.amount'), 1
    FROM jobs
    WHERE cost IS NOT NULL
    """
LEDGER_BACKFILL_UNREPORTED = f"""{_BACKFILL_INSERT}
    SELECT id, remote_id, backend, {_BACKFILL_KIND}, model, model,
           strftime('%Y-%m-%dT%H:%M:%fZ', completed_at), json_extract(estimate, '$.amount'),
           coalesce(json_extract(estimate, '$.billable_unit'), ''),
           coalesce(json_extract(estimate, '$.unit_price'), json_extract(estimate, '$.amount')),
           coalesce(json_extract(estimate, '$.quantity'), '1'),
           currency, json_extract(estimate, '$.amount'), 0
    FROM jobs
    WHERE cost IS NULL AND completed_at IS NOT NULL AND json_extract(estimate, '$.amount') IS NOT NULL
    """

# The step the store's migration list takes (one tuple of statements, run in one transaction). It reads only
# the v3 `jobs` table, so it does not depend on any other step's tables.
LEDGER_MIGRATION: tuple[str, ...] = (
    LEDGER_TABLE,
    "CREATE INDEX ledger_billed_at ON ledger (billed_at)",
    LEDGER_BACKFILL,
    LEDGER_BACKFILL_UNREPORTED,
)

_COLUMNS = ("job_id", "remote_id", "backend", "kind", "model_id", "model_name", "billed_at", "total",
            "billable_unit", "unit_price", "quantity", "currency", "estimate", "reported")
# A job is billed once: recording it again is a no-op, except that getimg's own figures replace an estimate
# that stood in for them (a usage reported after all).
INSERT_SQL = (f"INSERT INTO ledger ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)}) "
              f"ON CONFLICT (job_id) DO UPDATE SET "
              f"{', '.join(f'{c} = excluded.{c}' for c in _COLUMNS if c != 'job_id')} "
              f"WHERE ledger.reported = 0 AND excluded.reported = 1")
# `backend IS :backend` matches NULL too; `:backend IS NULL` (no filter) takes every backend.
_WHERE = "billed_at >= :start AND billed_at < :end AND (:all_backends OR backend IS :backend)"
SELECT_BETWEEN_SQL = f"SELECT {', '.join(_COLUMNS)} FROM ledger WHERE {_WHERE} ORDER BY billed_at, job_id"
TOTALS_BETWEEN_SQL = f"SELECT total, currency FROM ledger WHERE {_WHERE}"
FIRST_BILLED_SQL = "SELECT min(billed_at) FROM ledger WHERE (:all_backends OR backend IS :backend)"


def format_instant(moment: datetime) -> str:
    """The ledger's text for an instant: UTC, milliseconds, `Z` (the same as SQLite's `%f` format)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the ledger stores aware datetimes only")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _plain(value: Decimal) -> str:
    return format(value, "f")


def entry_to_row(entry: LedgerEntry) -> dict[str, Any]:
    """The named parameters of `INSERT_SQL`."""
    usage = entry.usage
    return {
        "job_id": entry.job_id, "remote_id": entry.remote_id, "backend": entry.backend, "kind": entry.kind,
        "model_id": entry.model_id, "model_name": entry.model_name, "billed_at": format_instant(entry.billed_at),
        "total": _plain(usage.total), "billable_unit": usage.billable_unit, "unit_price": _plain(usage.unit_price),
        "quantity": _plain(usage.quantity), "currency": entry.currency,
        "estimate": _plain(entry.estimate) if entry.estimate is not None else None,
        "reported": 1 if entry.reported else 0,
    }


def row_to_entry(row: Mapping[str, Any] | sqlite3.Row) -> LedgerEntry:
    estimate = row["estimate"]
    kind = str(row["kind"])
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    return LedgerEntry(
        job_id=int(row["job_id"]),
        kind=kind,
        model_id=str(row["model_id"]),
        model_name=str(row["model_name"]),
        billed_at=parse_timestamp(str(row["billed_at"])),
        usage=BilledUsage(Decimal(str(row["total"])), str(row["billable_unit"]), Decimal(str(row["unit_price"])),
                          Decimal(str(row["quantity"]))),
        currency=str(row["currency"]),
        estimate=Decimal(str(estimate)) if estimate is not None else None,
        remote_id=row["remote_id"],
        backend=row["backend"],
        reported=bool(row["reported"]),
    )


def _range(start: datetime, end: datetime, backend: str | None, all_backends: bool) -> dict[str, Any]:
    return {"start": format_instant(start), "end": format_instant(end), "backend": backend,
            "all_backends": 1 if all_backends else 0}


def insert_entry(db: sqlite3.Connection, entry: LedgerEntry) -> bool:
    """Record a billed job; False when it was already recorded (a job is billed once; getimg's figures still
    replace an estimate that stood in for them)."""
    return db.execute(INSERT_SQL, entry_to_row(entry)).rowcount > 0


def entries_between(db: sqlite3.Connection, start: datetime, end: datetime, *, backend: str | None = None,
                    all_backends: bool = False) -> list[LedgerEntry]:
    """Entries billed in [start, end) on one backend (or every backend), oldest first."""
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row  # by name, whatever the connection's own row factory
    return [row_to_entry(r) for r in cursor.execute(SELECT_BETWEEN_SQL, _range(start, end, backend, all_backends))]


def spent_between(db: sqlite3.Connection, start: datetime, end: datetime, *, currency: str,
                  backend: str | None = None, all_backends: bool = False) -> Decimal:
    """The sum billed in [start, end) in one currency (what a budget check needs, without building entries)."""
    rows = db.execute(TOTALS_BETWEEN_SQL, _range(start, end, backend, all_backends)).fetchall()
    return sum((Decimal(str(r[0])) for r in rows if r[1] == currency), Decimal(0))



def first_billed_at(db: sqlite3.Connection, *, backend: str | None = None,
                    all_backends: bool = False) -> datetime | None:
    """When the ledger's first entry on a backend was billed (where its history begins), None when empty."""
    row = db.execute(FIRST_BILLED_SQL, {"backend": backend, "all_backends": 1 if all_backends else 0}).fetchone()
    return parse_timestamp(str(row[0])) if row is not None and row[0] is not None else None
