"""Spending totals: local days across DST changes, ISO weeks and months at their edges, currencies apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from getimg_studio.jobs import spend
from getimg_studio.jobs.spend import DateRange, MixedCurrencies, Period, RangeChoice, spend_report

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SANTIAGO = ZoneInfo("America/Santiago")  # springs forward at midnight: 00:00 does not exist that day


def at(tz: Any, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)  # type: ignore[misc]


def test_days_across_daylight_saving_are_23_and_25_hours() -> None:
    spring = spend.utc_bounds(DateRange(date(2026, 3, 29), date(2026, 3, 29)), BERLIN)
    autumn = spend.utc_bounds(DateRange(date(2026, 10, 25), date(2026, 10, 25)), BERLIN)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    assert spring[0] == datetime(2026, 3, 28, 23, tzinfo=UTC)
    assert autumn[1] == datetime(2026, 10, 25, 23, tzinfo=UTC)


def test_a_day_whose_midnight_does_not_exist_starts_at_the_change() -> None:
    # Chile moved its clocks from 00:00 to 01:00 on 6 September 2026
    start = spend.start_of_day(date(2026, 9, 6), SANTIAGO)
    assert start.astimezone(SANTIAGO).hour == 1
    assert start == spend.start_of_day(date(2026, 9, 5), SANTIAGO) + timedelta(hours=24)
    assert spend.local_date(start, SANTIAGO) == date(2026, 9, 6)
    assert spend.local_date(start - timedelta(microseconds=1), SANTIAGO) == date(2026, 9, 5)


def test_every_hour_of_the_autumn_change_lands_on_its_local_day(ledger_entry: Any) -> None:
    # 25 entries, one per real hour of 25 October 2026 in Berlin (the 02:00-03:00 hour happens twice)
    start, _ = spend.utc_bounds(DateRange(date(2026, 10, 25), date(2026, 10, 25)), BERLIN)
    entries = [ledger_entry(start + timedelta(hours=h, minutes=30), "1") for h in range(25)]
    entries += [ledger_entry(start - timedelta(minutes=1), "100"), ledger_entry(start + timedelta(hours=25), "100")]
    report = spend_report(entries, days=DateRange(date(2026, 10, 25), date(2026, 10, 25)), period=Period.DAY,
                          tz=BERLIN, currency="USD")
    assert report.total == Decimal(25)
    assert report.count == 25
    assert [b.total for b in report.buckets] == [Decimal(25)]


def test_the_same_instant_is_a_different_day_in_another_zone(ledger_entry: Any) -> None:
    late = ledger_entry(datetime(2026, 3, 10, 2, 30, tzinfo=UTC), "3")  # 22:30 on the 9th in New York
    days = DateRange(date(2026, 3, 9), date(2026, 3, 10))
    ny = spend_report([late], days=days, period=Period.DAY, tz=NEW_YORK, currency="USD")
    berlin = spend_report([late], days=days, period=Period.DAY, tz=BERLIN, currency="USD")
    assert [b.total for b in ny.buckets] == [Decimal(3), Decimal(0)]
    assert [b.total for b in berlin.buckets] == [Decimal(0), Decimal(3)]


def test_iso_weeks_start_on_monday_and_are_clipped_to_the_range(ledger_entry: Any) -> None:
    # 1 March 2026 is a Sunday: the range's first week is the one of Monday 23 February (ISO 2026-W09)
    days = DateRange(date(2026, 3, 1), date(2026, 3, 31))
    entries = [ledger_entry(at(BERLIN, 2026, 3, 1, 12), "1"), ledger_entry(at(BERLIN, 2026, 3, 2, 0, 1), "2"),
               ledger_entry(at(BERLIN, 2026, 3, 8, 23, 59), "4"), ledger_entry(at(BERLIN, 2026, 3, 31, 9), "8"),
               ledger_entry(at(BERLIN, 2026, 2, 28, 12), "100")]
    report = spend_report(entries, days=days, period=Period.WEEK, tz=BERLIN, currency="USD")
    assert [b.label for b in report.buckets] == ["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13",
                                                 "2026-W14"]
    assert [b.total for b in report.buckets] == [Decimal(1), Decimal(6), 0, 0, 0, Decimal(8)]
    first, last = report.buckets[0], report.buckets[-1]
    assert (first.period_first, first.first, first.last) == (date(2026, 2, 23), date(2026, 3, 1), date(2026, 3, 1))
    assert (last.first, last.last) == (date(2026, 3, 30), date(2026, 3, 31))


def test_iso_week_labels_at_the_turn_of_the_year() -> None:
    assert spend.period_label(spend.period_start(date(2027, 1, 1), Period.WEEK), Period.WEEK) == "2026-W53"
    assert spend.period_label(spend.period_start(date(2025, 12, 29), Period.WEEK), Period.WEEK) == "2026-W01"


def test_months_at_their_edges(ledger_entry: Any) -> None:
    days = DateRange(date(2025, 12, 15), date(2026, 2, 10))
    entries = [ledger_entry(at(NEW_YORK, 2025, 12, 31, 23, 59), "1"), ledger_entry(at(NEW_YORK, 2026, 1, 1, 0, 0), "2"),
               ledger_entry(at(NEW_YORK, 2026, 1, 31, 23, 0), "4"), ledger_entry(at(NEW_YORK, 2026, 2, 1), "8"),
               ledger_entry(at(NEW_YORK, 2026, 2, 11, 0, 0), "100")]
    report = spend_report(entries, days=days, period=Period.MONTH, tz=NEW_YORK, currency="USD")
    assert [b.label for b in report.buckets] == ["2025-12", "2026-01", "2026-02"]
    assert [b.total for b in report.buckets] == [Decimal(1), Decimal(6), Decimal(8)]
    assert report.buckets[0].first == date(2025, 12, 15)
    assert report.buckets[-1].last == date(2026, 2, 10)
    assert spend.next_month(date(2025, 12, 1)) == date(2026, 1, 1)


def test_an_empty_range_has_every_bucket_at_zero() -> None:
    report = spend_report([], days=DateRange(date(2026, 3, 1), date(2026, 3, 30)), period=Period.DAY, tz=BERLIN,
                          currency="USD")
    assert report.empty
    assert len(report.buckets) == 30
    assert all(b.total == 0 and b.count == 0 and b.by_model == () for b in report.buckets)
    assert report.by_model == ()
    assert [(s.key, s.total, s.fraction) for s in report.by_kind] == [("image", 0, 0), ("video", 0, 0)]


def test_a_range_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        DateRange(date(2026, 3, 2), date(2026, 3, 1))


def test_breakdown_by_model_and_kind(ledger_entry: Any) -> None:
    t = at(BERLIN, 2026, 3, 9, 12)
    entries = [ledger_entry(t, "3", model="seedance-v1-5-pro", name="Seedance 1.5"),
               ledger_entry(t, "1", model="seedance-v1-5-pro", name="Seedance 1.5 Pro"),  # renamed later
               ledger_entry(t - timedelta(days=1), "2", model="seedance-v1-pro", name="Seedance 1.0 Pro"),
               ledger_entry(t, "0.5", model="seedream", name="Seedream", kind="image", estimate="0.4")]
    report = spend_report(entries, days=DateRange(date(2026, 3, 8), date(2026, 3, 9)), period=Period.DAY, tz=BERLIN,
                          currency="USD")
    assert [(s.key, s.name, s.total, s.count) for s in report.by_model] == [
        ("seedance-v1-5-pro", "Seedance 1.5 Pro", Decimal(4), 2), ("seedance-v1-pro", "Seedance 1.0 Pro", 2, 1),
        ("seedream", "Seedream", Decimal("0.5"), 1)]
    assert [(s.key, s.name, s.total) for s in report.by_kind] == [("video", "Videos", 6), ("image", "Images", 0.5)]
    assert sum(s.fraction for s in report.by_model) == 1
    assert report.buckets[1].by_model == (("seedance-v1-5-pro", Decimal(4)), ("seedream", Decimal("0.5")))
    assert report.flagged == 1
    assert report.estimated == Decimal("6.4")


def test_other_currencies_are_kept_apart(ledger_entry: Any) -> None:
    t = at(UTC, 2026, 3, 9, 12)
    entries = [ledger_entry(t, "1"), ledger_entry(t, "2", currency="EUR"), ledger_entry(t, "3", currency="EUR")]
    report = spend_report(entries, days=DateRange(date(2026, 3, 9), date(2026, 3, 9)), period=Period.DAY, tz=UTC,
                          currency="USD")
    assert report.total == Decimal(1)
    assert report.count == 1
    assert report.other_currencies == (("EUR", Decimal(5), 2),)
    with pytest.raises(MixedCurrencies, match="EUR"):
        spend.sum_totals(entries)
    assert spend.sum_totals(entries[1:]) == Decimal(5)
    assert spend.spent_in(entries, DateRange(date(2026, 3, 9), date(2026, 3, 9)), UTC, "EUR") == Decimal(5)


def test_month_to_date_and_today_in_the_creators_zone(ledger_entry: Any) -> None:
    now = at(NEW_YORK, 2026, 3, 1, 20, 0)  # already 2 March in UTC
    entries = [ledger_entry(at(NEW_YORK, 2026, 2, 28, 23, 30), "1"), ledger_entry(at(NEW_YORK, 2026, 3, 1, 0, 30), "2"),
               ledger_entry(at(NEW_YORK, 2026, 3, 1, 19, 0), "4")]
    assert spend.spent_month_to_date(entries, now, NEW_YORK, "USD") == Decimal(6)
    assert spend.spent_today(entries, now, NEW_YORK, "USD") == Decimal(6)
    # in UTC, the evening of 28 February in New York is already March, and "today" is 2 March
    assert spend.spent_month_to_date(entries, now, UTC, "USD") == Decimal(7)
    assert spend.spent_today(entries, now, UTC, "USD") == Decimal(4)
    assert spend.spent_today(entries, now.replace(hour=23), NEW_YORK, "USD") == Decimal(6)


def test_range_choices_end_today() -> None:
    today = date(2026, 3, 9)
    assert spend.resolve_range(RangeChoice.THIS_MONTH, today) == DateRange(date(2026, 3, 1), today)
    assert spend.resolve_range(RangeChoice.LAST_30_DAYS, today).days == 30
    assert spend.resolve_range(RangeChoice.LAST_90_DAYS, today) == DateRange(date(2025, 12, 10), today)
    custom = DateRange(date(2025, 1, 1), date(2025, 2, 1))
    assert spend.resolve_range(RangeChoice.CUSTOM, today, custom) == custom
    with pytest.raises(ValueError, match="custom"):
        spend.resolve_range(RangeChoice.CUSTOM, today)


def test_a_fixed_offset_zone_works_without_dst(ledger_entry: Any) -> None:
    plus2 = timezone(timedelta(hours=2))
    entry = ledger_entry(datetime(2026, 3, 8, 22, 30, tzinfo=UTC), "1")
    report = spend_report([entry], days=DateRange(date(2026, 3, 9), date(2026, 3, 9)), period=Period.DAY, tz=plus2,
                          currency="USD")
    assert report.total == Decimal(1)
