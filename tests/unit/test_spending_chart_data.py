"""What the spending chart draws for a seeded month, checked as data (no pixels)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bench.spending_seed import seeded_entries
from getimg_studio.jobs.spend import ZERO, DateRange, Period, spend_report
from getimg_studio.ui.spending.chart_data import OTHER_KEY, OTHER_NAME, chart_data, label_step

BERLIN = ZoneInfo("Europe/Berlin")
MARCH = DateRange(date(2026, 3, 1), date(2026, 3, 31))


def test_a_seeded_month_per_day() -> None:
    entries = seeded_entries(date(2026, 3, 1), BERLIN, days=31)
    report = spend_report(entries, days=MARCH, period=Period.DAY, tz=BERLIN, currency="USD")
    data = chart_data(report)
    assert len(data.buckets) == 31
    assert data.buckets[0] == "1 Mar"
    assert data.buckets[-1] == "31 Mar"
    # one series per model, most spent at the bottom of the stack
    assert [s.name for s in data.series] == ["Seedance 1.5 Pro", "Seedance 1.0 Pro", "Simulator Lite (fixed 4 s)",
                                             "Simulator Image Lite"]
    assert [s.total for s in data.series] == sorted((s.total for s in data.series), reverse=True)
    # the stacks add up to each day's total, and the days to the month's
    for i, total in enumerate(data.totals):
        assert sum((s.values[i] for s in data.series), ZERO) == total
    assert sum(data.totals, ZERO) == report.total == sum((e.total for e in entries), ZERO)
    assert data.maximum == max(data.totals)
    # the axis names Mondays, a week apart: 2, 9, 16, 23 and 30 March 2026
    assert [(a.index, a.text) for a in data.axis_labels] == [(1, "2 Mar"), (8, "9 Mar"), (15, "16 Mar"),
                                                            (22, "23 Mar"), (29, "30 Mar")]
    assert not data.empty


def test_a_seeded_month_per_week_names_clipped_weeks_by_their_first_day() -> None:
    entries = seeded_entries(date(2026, 3, 1), BERLIN, days=31)
    data = chart_data(spend_report(entries, days=MARCH, period=Period.WEEK, tz=BERLIN, currency="USD"))
    assert [a.text for a in data.axis_labels] == ["1 Mar", "2 Mar", "9 Mar", "16 Mar", "23 Mar", "30 Mar"]
    assert data.buckets[0] == "week of 1 Mar"


def test_models_beyond_five_are_one_other_series(ledger_entry: Any) -> None:
    t = datetime(2026, 3, 9, 12, tzinfo=UTC)
    entries = [ledger_entry(t + timedelta(days=n % 2), str(10 - n), model=f"model-{n}", name=f"Model {n}")
               for n in range(8)]
    report = spend_report(entries, days=DateRange(date(2026, 3, 9), date(2026, 3, 10)), period=Period.DAY, tz=UTC,
                          currency="USD")
    data = chart_data(report)
    assert [s.name for s in data.series] == ["Model 0", "Model 1", "Model 2", "Model 3", "Model 4", OTHER_NAME]
    other = data.series[-1]
    assert other.key == OTHER_KEY
    # models 5..7 cost 5, 4 and 3, billed on day 1, 0 and 1
    assert other.values == (Decimal(4), Decimal(5 + 3))
    assert other.total == Decimal(12)
    assert data.totals == (Decimal(10 + 8 + 6 + 4), Decimal(9 + 7 + 5 + 3))


def test_an_empty_range_draws_nothing() -> None:
    data = chart_data(spend_report([], days=MARCH, period=Period.DAY, tz=BERLIN, currency="USD"))
    assert data.empty
    assert data.series == ()
    assert len(data.totals) == 31


def test_label_steps() -> None:
    assert label_step(7, Period.DAY) == 1
    assert label_step(20, Period.DAY) == 2
    assert label_step(31, Period.DAY) == 7
    assert label_step(90, Period.DAY) == 14
    assert label_step(13, Period.WEEK) == 2
    assert label_step(6, Period.MONTH) == 1
