"""The budget rule: what is refused, with which numbers, and how a creator gets past it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from getimg_studio.api.types import Balance, CostEstimate
from getimg_studio.jobs.budget import (
    Budget,
    Limit,
    action_cost,
    balance_warning,
    budget_status,
    check_budget,
    parse_amount,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 20, 15, tzinfo=BERLIN)
D = Decimal


def test_no_budget_allows_anything() -> None:
    for budget in (None, Budget()):
        verdict = check_budget(budget, D(1000), D(100), D(50), D(25), NOW, BERLIN)
        assert verdict.allowed
        assert verdict.text() == ""
        assert verdict.breaches == ()
    assert check_budget(None, D(0), D(0), D(0), None, NOW, BERLIN).allowed  # unknown price, no budget


def test_within_the_budget_is_allowed_with_what_is_left() -> None:
    verdict = check_budget(Budget(D(50), D(10)), D("30"), D("4"), D("2"), D("3"), NOW, BERLIN)
    assert verdict.allowed
    assert verdict.left_this_month == D(15)
    assert verdict.left_today == D(1)


def test_exactly_reaching_the_budget_is_allowed() -> None:
    assert check_budget(Budget(D(50)), D("45"), D(0), D("2.5"), D("2.5"), NOW, BERLIN).allowed


def test_over_the_monthly_budget_is_refused_with_the_numbers() -> None:
    verdict = check_budget(Budget(D(50)), D("42.10"), D("3"), D("5"), D("6"), NOW, BERLIN)
    assert not verdict.allowed
    [breach] = verdict.breaches
    assert breach.limit is Limit.MONTH
    assert (breach.budget, breach.spent, breach.queued, breach.cost, breach.over) == (
        D(50), D("42.10"), D(5), D(6), D("3.10"))
    text = verdict.text("window")
    for figure in ("$53.10", "$3.10 over", "monthly budget of $50.00", "$42.10 spent", "$5.00 queued",
                   "$6.00 for this"):
        assert figure in text, text
    assert "March's spending" in text
    assert "raise the monthly budget in Settings (to $54.00 or more)" in text
    assert "wait until 1 April" in text
    assert "`getimg-studio budget set 54`" in verdict.text("cli")


def test_queued_jobs_alone_can_make_an_action_refused() -> None:
    # nothing billed yet, but queued jobs are promised money: one more does not fit
    verdict = check_budget(Budget(D(10)), D(0), D(0), D("9.50"), D("1"), NOW, BERLIN)
    assert not verdict.allowed
    assert "$9.50 queued and not yet billed" in verdict.text()


def test_a_storyboard_is_one_action_with_its_total() -> None:
    shots = [CostEstimate(D("0.75")) for _ in range(10)]
    total = action_cost(shots)
    assert total == D("7.50")
    verdict = check_budget(Budget(D(20)), D("14"), D(0), D(0), total, NOW, BERLIN)
    assert not verdict.allowed
    assert verdict.breaches[0].cost == D("7.50")
    assert action_cost([CostEstimate(D(1)), CostEstimate(None)]) is None


def test_the_daily_budget_and_both_at_once() -> None:
    daily = check_budget(Budget(D(100), D(5)), D(20), D("4.50"), D(0), D(1), NOW, BERLIN)
    assert [b.limit for b in daily.breaches] == [Limit.DAY]
    assert "today's spending" in daily.text()
    assert "wait until tomorrow" in daily.text()
    assert "`getimg-studio budget set 6 --daily`" in daily.text("cli")
    both = check_budget(Budget(D(20), D(5)), D(20), D("4.50"), D(0), D(1), NOW, BERLIN)
    assert [b.limit for b in both.breaches] == [Limit.MONTH, Limit.DAY]
    assert "monthly budget" in both.text()
    assert "daily budget" in both.text()


def test_an_unknown_price_cannot_be_checked_so_it_is_refused() -> None:
    verdict = check_budget(Budget(D(50), D(5)), D(0), D(0), D(0), None, NOW, BERLIN)
    assert not verdict.allowed
    assert verdict.unknown_price
    assert "$50.00 a month and $5.00 a day" in verdict.text()
    assert "clear the budget in Settings" in verdict.text()
    assert "getimg-studio budget clear" in verdict.text("cli")


def test_the_month_is_the_creators_local_month() -> None:
    # 23:30 on 31 March in Berlin is still March there: the monthly budget resets on 1 April
    late = datetime(2026, 3, 31, 23, 30, tzinfo=BERLIN)
    verdict = check_budget(Budget(D(1)), D(1), D(0), D(0), D(1), late, BERLIN)
    assert verdict.breaches[0].resets_on.isoformat() == "2026-04-01"
    # the same instant is 06:30 on 1 April in Tokyo: April's budget, which resets on 1 May
    tokyo = check_budget(Budget(D(1)), D(1), D(0), D(0), D(1), late, ZoneInfo("Asia/Tokyo"))
    assert tokyo.breaches[0].resets_on.isoformat() == "2026-05-01"
    assert "April's spending" in tokyo.text()


def test_amounts_as_typed() -> None:
    assert parse_amount(" $1,250.5 ") == D("1250.50")
    assert parse_amount("50") == D("50.00")
    for bad, words in (("fifty", "not an amount"), ("0", "above zero"), ("-3", "above zero"), ("NaN", "above zero"),
                       ("12.345", "two decimals"), ("2000000", "at most")):
        with pytest.raises(ValueError, match=words):
            parse_amount(bad)
    with pytest.raises(ValueError, match="above zero"):
        Budget(D(0))


def test_balance_warning() -> None:
    balance = Balance(D("3.00"))
    assert balance_warning(D("2.99"), balance) is None
    assert balance_warning(D(3), balance) is None
    assert balance_warning(None, balance) is None
    assert balance_warning(D(99), None) is None
    text = balance_warning(D("2.50"), balance, unbilled=D(1))
    assert text is not None
    assert "$2.50" in text
    assert "$3.00" in text
    assert "$1.00 of it is promised" in text
    assert "top up" in text


def test_status_text() -> None:
    assert budget_status(None, D("12.3"), D(1)) == "This month: $12.30"
    assert budget_status(Budget(D(50)), D("12.3"), D(1), D("2")) == "This month: $12.30 · $35.70 left this month"
    assert budget_status(Budget(D(50), D(5)), D("12.3"), D(6)) == (
        "This month: $12.30 · $37.70 left this month · $1.00 over today's budget")


def test_utc_now_is_read_in_the_given_zone() -> None:
    now = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Berlin (summer time)
    verdict = check_budget(Budget(D(1)), D(1), D(0), D(0), D(1), now, BERLIN)
    assert verdict.breaches[0].resets_on.isoformat() == "2026-05-01"


def test_budget_report_for_the_command_line() -> None:
    from getimg_studio.jobs.budget import budget_report

    assert budget_report(None, D("12.3"), D(1)) == (
        "Monthly budget: not set (set one with `getimg-studio budget set AMOUNT`); $12.30 billed this month.\n"
        "Daily budget: not set (set one with `getimg-studio budget set AMOUNT --daily`); $1.00 billed today.")
    assert budget_report(Budget(D(50), D(5)), D("12.3"), D(6), D("0.5")) == (
        "Monthly budget: $50.00; $12.30 billed this month, $0.50 queued; $37.20 left.\n"
        "Daily budget: $5.00; $6.00 billed today, $0.50 queued; $1.50 over.")
