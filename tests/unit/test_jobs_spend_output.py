"""What `getimg-studio spend` prints: its date range, and the totals as text, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from getimg_studio.jobs.spend import DateRange, Period, SpendReport, spend_report
from getimg_studio.jobs.spend_output import GroupBy, as_csv, as_json, as_text, cli_range

TODAY = date(2026, 3, 20)


def test_range_defaults_to_this_month_and_reads_iso_dates() -> None:
    assert cli_range(None, None, TODAY) == DateRange(date(2026, 3, 1), TODAY)
    assert cli_range("2026-02-01", None, TODAY) == DateRange(date(2026, 2, 1), TODAY)
    assert cli_range(None, "2026-02-10", TODAY) == DateRange(date(2026, 2, 10), date(2026, 2, 10))
    for first, last, words in (("March", None, "is not a date"), ("2026-03-10", "2026-03-01", "comes before"),
                               ("0202-01-01", None, "longer than")):
        with pytest.raises(ValueError, match=words):
            cli_range(first, last, TODAY)


@pytest.fixture
def report(ledger_entry: Any) -> SpendReport:
    entries = [ledger_entry(datetime(2026, 3, 1, 10, tzinfo=UTC), "0.225", name="Seedance 1.5 Pro"),
               ledger_entry(datetime(2026, 3, 3, 10, tzinfo=UTC), "1.20", model="seedance-v1-pro",
                            name="Seedance 1.0 Pro", estimate="1"),
               ledger_entry(datetime(2026, 3, 3, 11, tzinfo=UTC), "3", currency="EUR")]
    return spend_report(entries, days=DateRange(date(2026, 3, 1), date(2026, 3, 3)), period=Period.DAY, tz=UTC,
                        currency="USD")


def test_text_by_day(report: SpendReport) -> None:
    assert as_text(report, GroupBy.DAY) == (
        "Day         Jobs   Spent\n"
        "2026-03-01     1  $0.225\n"
        "2026-03-02     0   $0.00\n"
        "2026-03-03     1   $1.20\n"
        "Total 2026-03-01 to 2026-03-03: $1.425 for 2 generations\n"
        "1 billed other than estimated.\n"
        "Also EUR 3.00 for 1 in EUR, not added to the total.\n")


def test_json_by_model_keeps_decimals_exact(report: SpendReport) -> None:
    data = json.loads(json.dumps(as_json(report, GroupBy.MODEL)))
    assert data["total"] == "1.425"
    assert data["currency"] == "USD"
    assert data["models"] == [{"model": "Seedance 1.0 Pro", "model_id": "seedance-v1-pro", "count": 1, "spent": "1.20"},
                              {"model": "Seedance 1.5 Pro", "model_id": "seedance-v1-5-pro", "count": 1,
                               "spent": "0.225"}]
    assert data["other_currencies"] == [{"currency": "EUR", "total": "3", "count": 1}]
    assert sum(Decimal(m["spent"]) for m in data["models"]) == Decimal(data["total"])


def test_csv_by_day(report: SpendReport) -> None:
    text = as_csv(report, GroupBy.DAY)
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["day", "generations", "spent", "currency"], ["2026-03-01", "1", "0.225", "USD"],
        ["2026-03-02", "0", "0", "USD"], ["2026-03-03", "1", "1.20", "USD"]]
