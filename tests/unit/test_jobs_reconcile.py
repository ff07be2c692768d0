"""The ledger against getimg's UTC-day buckets: the window asked for, the comparison, the words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from getimg_studio.jobs import reconcile as rc
from getimg_studio.jobs.reconcile import ServerCosts, reconcile, server_window
from getimg_studio.jobs.spend import DateRange

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


def test_window_covers_the_local_days_with_whole_utc_days() -> None:
    days = DateRange(date(2026, 3, 1), date(2026, 3, 10))
    w = server_window(days, BERLIN, NOW)
    assert w is not None
    # 1 March 00:00 in Berlin is 28 February 23:00 UTC: that UTC day is part of the comparison
    assert w.utc_days == DateRange(date(2026, 2, 28), date(2026, 3, 10))
    assert w.start == datetime(2026, 2, 28, tzinfo=UTC)
    assert w.end == datetime(2026, 3, 11, tzinfo=UTC)
    assert not w.clipped
    tokyo = server_window(days, TOKYO, NOW)
    assert tokyo is not None
    assert tokyo.utc_days == DateRange(date(2026, 2, 28), date(2026, 3, 10))


def test_window_stops_at_now_and_at_180_days() -> None:
    w = server_window(DateRange(date(2025, 1, 1), date(2026, 3, 25)), UTC, NOW)
    assert w is not None
    assert w.clipped
    assert w.utc_days.days == 180
    assert w.utc_days.last == date(2026, 3, 20)
    assert w.end == NOW  # never asks about the future
    assert w.end - w.start <= timedelta(days=180)
    assert server_window(DateRange(date(2026, 4, 1), date(2026, 4, 2)), UTC, NOW) is None


def test_loading_bounds_cover_both_the_local_report_and_the_utc_days() -> None:
    days = DateRange(date(2026, 3, 1), date(2026, 3, 10))
    w = server_window(days, TOKYO, NOW)
    start, end = rc.loading_bounds(days, TOKYO, w)
    assert start == datetime(2026, 2, 28, 0, tzinfo=UTC)  # UTC day start, before Tokyo's 1 March (15:00 UTC)
    assert end == datetime(2026, 3, 11, tzinfo=UTC)


def test_matching_days_and_the_three_explanations(ledger_entry: Any) -> None:
    w = server_window(DateRange(date(2026, 3, 15), date(2026, 3, 20)), UTC, NOW)
    assert w is not None
    entries = [ledger_entry(datetime(2026, 3, 16, 10, tzinfo=UTC), "1.25"),
               ledger_entry(datetime(2026, 3, 17, 10, tzinfo=UTC), "1"),
               ledger_entry(datetime(2026, 3, 18, 23, 59, tzinfo=UTC), "0.225"),
               ledger_entry(datetime(2026, 3, 20, 9, tzinfo=UTC), "2")]
    server = ServerCosts("USD", ((date(2026, 3, 15), Decimal("4")), (date(2026, 3, 16), Decimal("1.25")),
                                 (date(2026, 3, 17), Decimal("3")), (date(2026, 3, 18), Decimal("0.23")),
                                 (date(2026, 3, 19), Decimal("0")), (date(2026, 3, 20), Decimal("1"))))
    r = reconcile(entries, server, w, UTC, now=NOW, history_start=date(2026, 3, 16))
    why = {d.day.day: d.explanation for d in r.days}
    assert why == {15: rc.BEFORE_LEDGER, 16: rc.MATCHES, 17: rc.OTHER_SPEND, 18: rc.MATCHES, 19: rc.MATCHES,
                   20: rc.NOT_YET_REPORTED}
    day17 = next(d for d in r.days if d.day.day == 17)
    assert (day17.local, day17.server, day17.difference) == (Decimal(1), Decimal(3), Decimal(2))
    assert r.local_total == Decimal("4.475")
    assert r.server_total == Decimal("9.48")
    assert len(r.differing) == 3
    assert "3 days differ" in r.summary
    assert "$9.48" in r.summary


def test_an_old_day_with_less_on_the_server_is_getimgs_correction(ledger_entry: Any) -> None:
    w = server_window(DateRange(date(2026, 3, 10), date(2026, 3, 10)), UTC, NOW)
    assert w is not None
    r = reconcile([ledger_entry(datetime(2026, 3, 10, 8, tzinfo=UTC), "2")], ServerCosts("USD", ()), w, UTC,
                  now=NOW, history_start=date(2026, 3, 1))
    [day] = r.days
    assert day.server == 0
    assert day.difference == Decimal(-2)
    assert day.explanation == rc.LESS_ON_SERVER


def test_everything_matching_says_so(ledger_entry: Any) -> None:
    w = server_window(DateRange(date(2026, 3, 10), date(2026, 3, 11)), UTC, NOW)
    assert w is not None
    entries = [ledger_entry(datetime(2026, 3, 10, 8, tzinfo=UTC), "2"),
               ledger_entry(datetime(2026, 3, 12, 8, tzinfo=UTC), "50")]  # outside the window: not compared
    r = reconcile(entries, ServerCosts("USD", ((date(2026, 3, 10), Decimal(2)),)), w, UTC, now=NOW,
                  history_start=None)
    assert not r.differing
    assert r.summary.startswith("getimg's bill matches this app's ledger over the 2 UTC days")


def test_comparison_is_by_utc_day_whatever_the_local_zone(ledger_entry: Any) -> None:
    # 23:30 on 9 March in Berlin is 22:30 UTC: still the 9th on both sides; 00:30 on the 10th is 23:30 UTC on the 9th
    entries = [ledger_entry(datetime(2026, 3, 9, 23, 30, tzinfo=BERLIN), "1"),
               ledger_entry(datetime(2026, 3, 10, 0, 30, tzinfo=BERLIN), "2")]
    w = server_window(DateRange(date(2026, 3, 10), date(2026, 3, 10)), BERLIN, NOW)
    assert w is not None
    assert w.utc_days == DateRange(date(2026, 3, 9), date(2026, 3, 10))
    r = reconcile(entries, ServerCosts("USD", ((date(2026, 3, 9), Decimal(3)),)), w, BERLIN, now=NOW,
                  history_start=date(2026, 3, 1))
    assert not r.differing
    assert r.tz_note == "getimg counts spending by UTC day: here a day starts at 01:00 your time."


def test_tz_note_across_a_dst_change_and_in_utc() -> None:
    w = server_window(DateRange(date(2026, 3, 25), date(2026, 4, 2)), BERLIN, datetime(2026, 4, 5, tzinfo=UTC))
    assert w is not None
    assert rc.tz_note(BERLIN, w).endswith("a day starts at 01:00 or 02:00 your time.")
    assert rc.tz_note(UTC, w) == "getimg counts spending by UTC day, which is also your clock's day."
    assert "09:00" in rc.tz_note(TOKYO, w)


def test_entries_in_another_currency_are_left_out_and_said(ledger_entry: Any) -> None:
    w = server_window(DateRange(date(2026, 3, 10), date(2026, 3, 10)), UTC, NOW)
    assert w is not None
    entries = [ledger_entry(datetime(2026, 3, 10, 8, tzinfo=UTC), "2"),
               ledger_entry(datetime(2026, 3, 10, 9, tzinfo=UTC), "7", currency="EUR")]
    r = reconcile(entries, ServerCosts("USD", ((date(2026, 3, 10), Decimal(2)),)), w, UTC, now=NOW,
                  history_start=None)
    assert not r.differing
    assert "1 entry in another currency than getimg's (USD) is left out" in r.summary
