"""The spending budget and the one rule that enforces it, checked before any request is sent.

The rule: an action (one Generate, a set of variations, a retry, a whole storyboard run, a keyframe) is
allowed only when what is already billed this period, plus the estimate of every job not yet billed (queued,
on the wire, pending: they will be billed when they complete), plus the action's whole cost stays within the
budget. The month and the day are the creator's local ones. An action whose price is not listed cannot be
checked, so it is refused while a budget is set. Several generations are checked as one action with their
total: a storyboard never gets half-sent and then stopped by the budget.

Pure: no Qt, no I/O. The window, the command line and the engine all call `check_budget`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal

from getimg_studio.api.types import Balance, CostEstimate, format_money
from getimg_studio.jobs.spend import ZERO, local_date, next_month

log = logging.getLogger(__name__)

MAX_AMOUNT = Decimal(1_000_000)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
Where = Literal["window", "cli"]


class Limit(StrEnum):
    MONTH = "month"
    DAY = "day"


def parse_amount(text: str) -> Decimal:
    """A budget amount typed by a creator (Settings or `budget set`): ValueError with a message to show."""
    cleaned = text.strip().removeprefix("$").replace(",", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{text.strip()}” is not an amount: type one such as 50 or 12.50.") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError("A budget is an amount above zero: type one such as 50 or 12.50.")
    if amount > MAX_AMOUNT:
        raise ValueError(f"A budget is at most {format_money(MAX_AMOUNT)}.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("A budget has at most two decimals (cents), such as 12.50.")
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Budget:
    """A monthly budget and an optional daily one; None means no limit for that period."""

    monthly: Decimal | None = None
    daily: Decimal | None = None
    currency: str = "USD"

    def __post_init__(self) -> None:
        for amount in (self.monthly, self.daily):
            if amount is not None and (not amount.is_finite() or amount <= 0):
                raise ValueError("a budget amount is above zero")

    @property
    def is_set(self) -> bool:
        return self.monthly is not None or self.daily is not None

    def amount(self, limit: Limit) -> Decimal | None:
        return self.monthly if limit is Limit.MONTH else self.daily


def budget_from_text(monthly: str, daily: str) -> Budget | None:
    """The budget as the settings keep it (decimal text, "" for none); None when neither is set.

    An amount the settings file holds that `parse_amount` would refuse (edited by hand) counts as none, and
    says so in the log: the app never guesses at what a limit was meant to be.
    """
    amounts: list[Decimal | None] = []
    for name, text in (("budget_monthly", monthly), ("budget_daily", daily)):
        try:
            amounts.append(parse_amount(text) if text.strip() else None)
        except ValueError as exc:
            log.warning("setting %s is not an amount (%s): no %s budget", name, exc, name.removeprefix("budget_"))
            amounts.append(None)
    budget = Budget(amounts[0], amounts[1])
    return budget if budget.is_set else None


def budget_to_text(amount: Decimal | None) -> str:
    """An amount as the settings keep it: plain decimal text with cents, "" for none."""
    return format(amount.quantize(Decimal("0.01")), "f") if amount is not None else ""


@dataclass(frozen=True, slots=True)
class Breach:
    """One period's limit that the action would pass."""

    limit: Limit
    budget: Decimal
    spent: Decimal
    queued: Decimal
    cost: Decimal
    resets_on: date  # the first local day of the next period

    @property
    def after(self) -> Decimal:
        return self.spent + self.queued + self.cost

    @property
    def over(self) -> Decimal:
        return self.after - self.budget


@dataclass(frozen=True, slots=True)
class BudgetVerdict:
    allowed: bool
    cost: Decimal | None  # None: no listed price
    breaches: tuple[Breach, ...]
    message: str  # "" when allowed: the numbers, in words
    left_this_month: Decimal | None  # after this action; None when there is no monthly budget
    left_today: Decimal | None
    currency: str = "USD"
    unknown_price: bool = False
    # Allowed, but the known getimg balance will not cover it (`balance_warning`): told before anything is sent.
    warning: str | None = None

    def text(self, where: Where = "window") -> str:
        """The message with the ways out, for the window or for the command line."""
        if self.allowed:
            return ""
        return f"{self.message} {_way_out(self, where)}"


def action_cost(estimates: Iterable[CostEstimate]) -> Decimal | None:
    """The total of several generations (variations, a storyboard); None when any has no listed price."""
    total = ZERO
    for e in estimates:
        if e.amount is None:
            return None
        total += e.amount
    return total


def _period_words(b: Breach) -> str:
    return "today's" if b.limit is Limit.DAY else f"{_MONTH_NAMES[(b.resets_on - timedelta(days=1)).month - 1]}'s"


def _breach_words(b: Breach, currency: str) -> str:
    def m(x: Decimal) -> str:
        return format_money(x, currency)

    queued = f", {m(b.queued)} queued and not yet billed" if b.queued else ""
    return (f"this would bring {_period_words(b)} spending to {m(b.after)}, {m(b.over)} over your "
            f"{'daily' if b.limit is Limit.DAY else 'monthly'} budget of {m(b.budget)} ({m(b.spent)} spent"
            f"{queued}, {m(b.cost)} for this)")


def _suggested(b: Breach) -> Decimal:
    return b.after.quantize(Decimal(1), rounding=ROUND_CEILING)


def _way_out(v: BudgetVerdict, where: Where) -> str:
    if v.unknown_price:
        fix = "run `getimg-studio budget clear`" if where == "cli" else "clear the budget in Settings"
        return f"Choose settings with a listed price, or {fix}."
    steps = []
    for b in v.breaches:
        flag = " --daily" if b.limit is Limit.DAY else ""
        which = "daily" if b.limit is Limit.DAY else "monthly"
        raise_it = (f"run `getimg-studio budget set {_suggested(b)}{flag}`" if where == "cli"
                    else f"raise the {which} budget in Settings (to {format_money(_suggested(b), v.currency)} or more)")
        when = "tomorrow" if b.limit is Limit.DAY else f"{b.resets_on.day} {_MONTH_NAMES[b.resets_on.month - 1]}"
        steps.append(f"To go ahead, {raise_it}, remove queued jobs, or wait until {when}.")
    return " ".join(steps)


def check_budget(budget: Budget | None, spent_this_month: Decimal, spent_today: Decimal, queued_estimates: Decimal,
                 new_estimate: Decimal | None, now: datetime, tz: tzinfo) -> BudgetVerdict:
    """Whether an action costing `new_estimate` (its whole total) fits in the budget, with the numbers.

    `spent_*` are the ledger's billed totals for the local month and day of `now` in `tz`; `queued_estimates`
    is the sum of the estimates of every job not billed yet that still may be (queued, sending, pending,
    uncertain). Every amount is in the budget's currency.
    """
    currency = budget.currency if budget is not None else "USD"
    if budget is None or not budget.is_set:
        return BudgetVerdict(True, new_estimate, (), "", None, None, currency)
    if new_estimate is None:
        limits = [f"{format_money(a, currency)} a {w}" for a, w in ((budget.monthly, "month"), (budget.daily, "day"))
                  if a is not None]
        message = (f"Not sent: this has no listed price for these settings, so it cannot be checked against your "
                   f"budget of {' and '.join(limits)}.")
        return BudgetVerdict(False, None, (), message, None, None, currency, unknown_price=True)
    today = local_date(now, tz)
    periods = ((Limit.MONTH, budget.monthly, spent_this_month, next_month(today)),
               (Limit.DAY, budget.daily, spent_today, today + timedelta(days=1)))
    breaches, left = [], {}
    for limit, amount, spent, resets in periods:
        if amount is None:
            continue
        b = Breach(limit, amount, spent, queued_estimates, new_estimate, resets)
        left[limit] = amount - b.after
        if b.over > 0:
            breaches.append(b)
    message = ""
    if breaches:
        message = "Not sent: " + "; and ".join(_breach_words(b, currency) for b in breaches) + "."
    return BudgetVerdict(not breaches, new_estimate, tuple(breaches), message, left.get(Limit.MONTH),
                         left.get(Limit.DAY), currency)


def balance_warning(estimate_total: Decimal | None, known_balance: Balance | None, *,
                    unbilled: Decimal = ZERO) -> str | None:
    """What to tell the creator before sending when the balance will not cover the action (None: it will).

    `unbilled` is what jobs already sent but not yet billed will take from the balance. Unknown balance or
    price: nothing to say (the budget check handles an unknown price).
    """
    if estimate_total is None or known_balance is None:
        return None
    available = known_balance.amount - unbilled
    if estimate_total <= available:
        return None
    cur = known_balance.currency

    def m(x: Decimal) -> str:
        return format_money(x, cur)

    pending = f" ({m(unbilled)} of it is promised to jobs not billed yet)" if unbilled else ""
    return (f"This costs about {m(estimate_total)}, more than your getimg balance of {m(known_balance.amount)}"
            f"{pending}. getimg refuses what the balance cannot cover: top up at getimg.ai (Billing) first, or "
            f"send fewer.")


def budget_status(budget: Budget | None, spent_this_month: Decimal, spent_today: Decimal,
                  queued_estimates: Decimal = ZERO, currency: str = "USD") -> str:
    """The status bar's text: month-to-date spend and what the budget leaves."""
    cur = budget.currency if budget is not None else currency

    def m(x: Decimal) -> str:
        return format_money(x, cur)

    text = f"This month: {m(spent_this_month)}"
    if budget is None or not budget.is_set:
        return text
    parts = []
    for amount, spent, word in ((budget.monthly, spent_this_month, "this month"), (budget.daily, spent_today, "today")):
        if amount is None:
            continue
        left = amount - spent - queued_estimates
        parts.append(f"{m(left)} left {word}" if left >= 0 else f"{m(-left)} over {word}'s budget")
    return f"{text} · " + " · ".join(parts)


def budget_report(budget: Budget | None, spent_this_month: Decimal, spent_today: Decimal,
                  queued_estimates: Decimal = ZERO) -> str:
    """What `getimg-studio budget` prints: each limit, what is billed and queued against it, what is left."""
    cur = budget.currency if budget is not None else "USD"

    def m(x: Decimal) -> str:
        return format_money(x, cur)

    lines = []
    for amount, spent, word, flag in ((budget.monthly if budget else None, spent_this_month, "Monthly", ""),
                                      (budget.daily if budget else None, spent_today, "Daily", " --daily")):
        period = "this month" if not flag else "today"
        if amount is None:
            lines.append(f"{word} budget: not set (set one with `getimg-studio budget set AMOUNT{flag}`); "
                         f"{m(spent)} billed {period}.")
            continue
        left = amount - spent - queued_estimates
        queued = f", {m(queued_estimates)} queued" if queued_estimates else ""
        state = f"{m(left)} left" if left >= 0 else f"{m(-left)} over"
        lines.append(f"{word} budget: {m(amount)}; {m(spent)} billed {period}{queued}; {state}.")
    return "\n".join(lines)
