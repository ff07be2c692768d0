"""The words and figures the Spending view shows, out of reports: pure, so tests read what a creator reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from decimal import ROUND_HALF_UP, Decimal

from getimg_studio.api.types import format_money
from getimg_studio.jobs.budget import Budget
from getimg_studio.jobs.ledger import LedgerEntry
from getimg_studio.jobs.reconcile import Reconciliation
from getimg_studio.jobs.spend import ZERO, DateRange, Period, SpendReport, short_label

KIND_WORDS = {"video": "Video", "image": "Image"}


@dataclass(frozen=True, slots=True)
class Card:
    key: str  # names the card for tests and accessibility: "total", "count", "month", "today", "budget", "server"
    caption: str
    value: str
    detail: str = ""
    tip: str = ""  # the exact figures behind a rounded value


def money(amount: Decimal, currency: str = "USD") -> str:
    """format_money for any sign: -$1.25 rather than $-1.25."""
    return ("-" if amount < 0 else "") + format_money(abs(amount), currency)


def cents(amount: Decimal, currency: str = "USD") -> str:
    """A headline figure to the cent ($14.33); tables and tooltips keep the exact $14.331."""
    return money(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), currency)


def signed(amount: Decimal, currency: str = "USD") -> str:
    return ("+" if amount > 0 else "") + money(amount, currency)


def range_words(days: DateRange) -> str:
    """9 Mar 2026, 1 Mar – 31 Mar 2026, 10 Dec 2025 – 9 Mar 2026."""
    last = f"{short_label(days.last, Period.DAY)} {days.last.year}"
    if days.first == days.last:
        return last
    first = short_label(days.first, Period.DAY)
    return f"{first if days.first.year == days.last.year else f'{first} {days.first.year}'} – {last}"


def cards(report: SpendReport, month_to_date: Decimal, today: Decimal, budget: Budget | None,
          queued: Decimal = ZERO) -> tuple[Card, ...]:
    cur = report.currency
    flagged = (f"{report.flagged} billed other than estimated" if report.flagged
               else "every one billed as estimated" if report.count else "")
    shown = [
        Card("total", "Spent", cents(report.total, cur), range_words(report.days), money(report.total, cur)),
        Card("count", "Generations", f"{report.count:,}", flagged),
        Card("month", "This month", cents(month_to_date, cur), "month to date", money(month_to_date, cur)),
        Card("today", "Today", cents(today, cur), "", money(today, cur)),
    ]
    if budget is not None and budget.monthly is not None:
        left = budget.monthly - month_to_date - queued
        shown.append(Card("budget", "Budget left", cents(left, cur),
                          f"of {cents(budget.monthly, cur)} this month"
                          + (f", {cents(queued, cur)} queued" if queued else ""),
                          f"{money(budget.monthly, cur)} − {money(month_to_date, cur)} billed − {money(queued, cur)} "
                          f"queued and not billed yet"))
    if report.other_currencies:
        others = ", ".join(f"{money(t, c)} ({n})" for c, t, n in report.other_currencies)
        shown.append(Card("other", "Other currencies", others, "not added to the totals"))
    return tuple(shown)


def server_card(rec: Reconciliation | None, note: str) -> Card:
    """getimg's own figure beside ours, or why there is none."""
    if rec is None:
        return Card("server", "getimg's bill", "—", note)
    cur, days = rec.currency, rec.window.utc_days
    detail = ("matches this app" if not rec.differing
              else f"{signed(rec.difference.quantize(Decimal('0.01'), ROUND_HALF_UP), cur)} against this app")
    tip = (f"getimg billed {money(rec.server_total, cur)} and this app recorded {money(rec.local_total, cur)} over "
           f"the UTC days {range_words(days)}.")
    return Card("server", "getimg's bill", cents(rec.server_total, cur), detail, tip)


def entry_cells(entry: LedgerEntry, tz: tzinfo) -> tuple[str, ...]:
    """Billed (local time), model, kind, billed, estimate, difference."""
    local = entry.billed_at.astimezone(tz)
    cur = entry.currency
    billed = money(entry.total, cur) + ("" if entry.reported else " (estimated)")
    estimate = money(entry.estimate, cur) if entry.estimate is not None else "no listed price"
    difference = "" if not entry.differs else (signed(entry.difference, cur) if entry.difference is not None else "?")
    return (local.strftime("%Y-%m-%d %H:%M"), entry.model_name, KIND_WORDS[entry.kind], billed, estimate, difference)


def share_words(fraction: Decimal) -> str:
    """42 %, and "<1 %" for a share that is not nothing but rounds to it."""
    percent = fraction * 100
    if 0 < percent < Decimal("0.5"):
        return "<1 %"
    return f"{percent:.0f} %"


def entry_tooltip(entry: LedgerEntry) -> str:
    u = entry.usage
    parts = [f"{u.quantity} × {money(u.unit_price, entry.currency)} per {u.billable_unit or 'unit'}"]
    if not entry.reported:
        parts.append("getimg sent no usage for this job: its estimate stands in for what was billed")
    elif entry.estimate is None:
        parts.append("no price was listed for these settings when it was sent")
    elif entry.differs:
        more = "more" if entry.total > entry.estimate else "less"
        parts.append(f"billed {money(abs(entry.total - entry.estimate), entry.currency)} {more} than estimated")
    if entry.remote_id:
        parts.append(f"getimg id {entry.remote_id}")
    return "\n".join(parts)
