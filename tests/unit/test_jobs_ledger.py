"""The ledger's entries, its table and its statements, run on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from getimg_studio.api.types import CostEstimate, Usage
from getimg_studio.jobs import ledger
from getimg_studio.jobs.ledger import LEDGER_MIGRATION, LedgerEntry, entry_from_usage

DATA = Path(__file__).parent.parent / "data"
T0 = datetime(2026, 3, 9, 14, 3, 12, 345678, tzinfo=UTC)
ESTIMATE = CostEstimate(Decimal("0.225"), "USD", Decimal("0.045"), Decimal("5"), "video_second")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, remote_id TEXT, backend TEXT, kind TEXT, model TEXT, "
                 "completed_at TEXT, finished_at TEXT, updated_at TEXT, cost TEXT, estimate TEXT, currency TEXT)")
    conn.execute("BEGIN")
    for statement in LEDGER_MIGRATION:
        conn.execute(statement)
    conn.execute("COMMIT")
    yield conn
    conn.close()


def test_entry_from_usage_keeps_the_billed_figures_exactly() -> None:
    usage = Usage(total_cost=Decimal("0.225"), billable_unit="video_second", unit_price=Decimal("0.045"), quantity=5.0)
    entry = entry_from_usage(job_id=7, kind="video", model_id="seedance-v1-5-pro", model_name="Seedance 1.5 Pro",
                             billed_at=T0.astimezone(timezone(timedelta(hours=2))), usage=usage, estimate=ESTIMATE,
                             remote_id="req-1", backend="demo")
    assert entry is not None
    assert entry.usage.quantity == Decimal(5)
    assert str(entry.usage.quantity) == "5"  # the float 5.0 becomes the exact 5, not 5.0 or 5.00000001
    assert entry.billed_at == T0
    assert entry.billed_at.tzinfo is UTC
    assert entry.currency == "USD"
    assert entry.difference == Decimal(0)
    assert not entry.differs
    assert entry.reported


def test_a_billed_amount_other_than_the_estimate_is_flagged() -> None:
    usage = Usage(total_cost=Decimal("0.25"), billable_unit="video_second", unit_price=Decimal("0.05"), quantity=5.0)
    entry = entry_from_usage(job_id=1, kind="video", model_id="m", model_name="M", billed_at=T0, usage=usage,
                             estimate=ESTIMATE)
    assert entry is not None
    assert entry.differs
    assert entry.difference == Decimal("0.025")


def test_no_usage_records_the_estimate_and_says_so() -> None:
    entry = entry_from_usage(job_id=1, kind="video", model_id="m", model_name="", billed_at=T0, usage=None,
                             estimate=ESTIMATE)
    assert entry is not None
    assert not entry.reported
    assert entry.total == Decimal("0.225")
    assert entry.model_name == "m"
    assert entry_from_usage(job_id=1, kind="video", model_id="m", model_name="", billed_at=T0, usage=None,
                            estimate=CostEstimate(None)) is None


def test_a_missing_estimate_is_a_difference() -> None:
    usage = Usage(total_cost=Decimal("0.04"), billable_unit="video_second", unit_price=Decimal("0.01"), quantity=4.0)
    entry = entry_from_usage(job_id=1, kind="video", model_id="m", model_name="M", billed_at=T0, usage=usage,
                             estimate=None)
    assert entry is not None
    assert entry.estimate is None
    assert entry.difference is None
    assert entry.differs


def test_entries_refuse_a_naive_time_or_an_unknown_kind(ledger_entry: Any) -> None:
    with pytest.raises(ValueError, match="aware"):
        ledger_entry(datetime(2026, 3, 9, 12))
    with pytest.raises(ValueError, match="kind"):
        ledger_entry(T0, kind="audio")


def test_round_trip_through_the_table(db: sqlite3.Connection, ledger_entry: Any) -> None:
    entry: LedgerEntry = ledger_entry(T0, "0.225", quantity="5", estimate="0.2", reported=False)
    assert ledger.insert_entry(db, entry)
    [back] = ledger.entries_between(db, T0 - timedelta(hours=1), T0 + timedelta(hours=1), backend="demo")
    # milliseconds are what the ledger keeps (SQLite's own %f)
    assert back == LedgerEntry(**{**_fields(entry), "billed_at": T0.replace(microsecond=345000)})
    row = db.execute("SELECT total, unit_price, quantity, estimate, billed_at FROM ledger").fetchone()
    assert tuple(row) == ("0.225", "0.045", "5", "0.2", "2026-03-09T14:03:12.345Z")


def _fields(entry: LedgerEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in entry.__slots__}  # type: ignore[attr-defined]


def test_recording_a_job_twice_is_a_no_op(db: sqlite3.Connection, ledger_entry: Any) -> None:
    entry = ledger_entry(T0, job_id=5)
    assert ledger.insert_entry(db, entry)
    assert not ledger.insert_entry(db, ledger_entry(T0 + timedelta(minutes=5), "9.99", job_id=5))
    [only] = ledger.entries_between(db, T0 - timedelta(days=1), T0 + timedelta(days=1), all_backends=True)
    assert only.total == Decimal("0.25")


def test_range_is_half_open_and_filters_backends(db: sqlite3.Connection, ledger_entry: Any) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    end = datetime(2026, 4, 1, tzinfo=UTC)
    for entry in (ledger_entry(start, "1"), ledger_entry(end - timedelta(milliseconds=1), "2"),
                  ledger_entry(end, "4"), ledger_entry(start + timedelta(days=3), "8", backend="https://api.getimg.ai"),
                  ledger_entry(start + timedelta(days=4), "16", backend=None),
                  ledger_entry(start + timedelta(days=5), "32", currency="EUR")):
        ledger.insert_entry(db, entry)
    demo = ledger.entries_between(db, start, end, backend="demo")
    assert [e.total for e in demo] == [Decimal(1), Decimal(32), Decimal(2)]  # oldest first
    assert [e.total for e in ledger.entries_between(db, start, end, backend=None)] == [Decimal(16)]
    assert len(ledger.entries_between(db, start, end, all_backends=True)) == 5
    assert ledger.spent_between(db, start, end, currency="USD", backend="demo") == Decimal(3)
    assert ledger.spent_between(db, start, end, currency="USD", all_backends=True) == Decimal(27)
    assert ledger.spent_between(db, start, end, currency="EUR", backend="demo") == Decimal(32)


def test_the_range_query_uses_the_index(db: sqlite3.Connection) -> None:
    plan = db.execute("EXPLAIN QUERY PLAN " + ledger.SELECT_BETWEEN_SQL,
                      {"start": "a", "end": "b", "backend": None, "all_backends": 1}).fetchall()
    assert any("ledger_billed_at" in str(tuple(r)) for r in plan), [tuple(r) for r in plan]


def test_instants_sort_as_text_across_offsets_and_precision() -> None:
    moments = [T0, T0.replace(microsecond=0), T0 + timedelta(hours=3), T0.astimezone(timezone(timedelta(hours=-5)))]
    texts = [ledger.format_instant(m) for m in moments]
    assert sorted(texts) == [ledger.format_instant(m) for m in sorted(moments)]
    assert len(set(map(len, texts))) == 1
    with pytest.raises(ValueError, match="aware"):
        ledger.format_instant(datetime(2026, 3, 9))


def test_migration_backfills_jobs_billed_before_the_ledger(tmp_path: Path) -> None:
    """The step applied to a saved version-3 history: its billed job becomes a ledger row, the others not."""
    conn = sqlite3.connect(tmp_path / "v3.sqlite3", isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.executescript((DATA / "history_v3.sql").read_text())  # a test fixture, not a migration
    conn.execute("BEGIN")
    for statement in LEDGER_MIGRATION:
        conn.execute(statement)
    conn.execute("COMMIT")
    [entry] = ledger.entries_between(conn, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC),
                                     all_backends=True)
    conn.close()
    assert entry.job_id == 1
    assert entry.remote_id == "gen-1"
    assert entry.backend == "demo"
    assert entry.kind == "video"
    assert entry.model_id == "sim-fixed-lite"
    assert entry.billed_at == datetime(2026, 11, 25, 14, 3, 20, tzinfo=UTC)  # its completed_at
    assert entry.usage.total == Decimal("0.04")
    assert entry.usage.unit_price == Decimal("0.01")
    assert entry.usage.quantity == Decimal(4)
    assert entry.usage.billable_unit == "video_second"
    assert entry.estimate == Decimal("0.04")
    assert not entry.differs


def test_first_billed_is_where_the_ledger_begins(db: sqlite3.Connection, ledger_entry: Any) -> None:
    assert ledger.first_billed_at(db, backend="demo") is None
    ledger.insert_entry(db, ledger_entry(T0 + timedelta(days=2), backend="demo"))
    ledger.insert_entry(db, ledger_entry(T0, backend="https://api.getimg.ai"))
    assert ledger.first_billed_at(db, backend="demo") == (T0 + timedelta(days=2)).replace(microsecond=345000)
    assert ledger.first_billed_at(db, all_backends=True) == T0.replace(microsecond=345000)
