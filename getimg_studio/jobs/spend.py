"""Spending totals out of ledger entries: per day, ISO week or month in the creator's time zone, per model, per kind.

Days are the creator's local days: an entry belongs to the date its `billed_at` shows on the creator's clock,
which is what "spent today" means to a person. Day boundaries are computed with the zone's rules for that very
date (`ZoneInfo`), so a day across a daylight-saving change is 23 or 25 hours long and nothing is counted twice
or lost. Pass a `zoneinfo.ZoneInfo` (see `getimg_studio.localzone`); a fixed offset works but knows no DST.

Money in different currencies is never added up: `sum_totals` refuses a mix, and a report covers one currency
and lists the others apart. Pure functions: no Qt, no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum

from getimg_studio.jobs.ledger import KINDS, Kind, LedgerEntry

ZERO = Decimal(0)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KIND_NAMES: dict[Kind, str] = {"video": "Videos", "image": "Images"}


class MixedCurrencies(ValueError):
    """Amounts in different currencies were about to be added together."""


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week: Monday to Sunday
    MONTH = "month"


class RangeChoice(StrEnum):
    THIS_MONTH = "this_month"
    LAST_30_DAYS = "last_30_days"
    LAST_90_DAYS = "last_90_days"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Local calendar days, both ends included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the range ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


# ---------------------------------------------------------------------------------------------- time
def local_date(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def start_of_day(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which `day` begins in `tz`.

    Where midnight does not exist (a zone that springs forward at 00:00), `fold=0` reads it with the offset
    before the change, which is exactly the instant the day begins.
    """
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def utc_bounds(days: DateRange, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC covering the local days of `days` (for the store's range query)."""
    return start_of_day(days.first, tz), start_of_day(days.last + timedelta(days=1), tz)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def period_start(day: date, period: Period) -> date:
    if period is Period.DAY:
        return day
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    return month_start(day)


def period_after(start: date, period: Period) -> date:
    if period is Period.DAY:
        return start + timedelta(days=1)
    if period is Period.WEEK:
        return start + timedelta(days=7)
    return next_month(start)


def period_label(start: date, period: Period) -> str:
    """ISO text: 2026-03-09 (day), 2026-W11 (ISO week), 2026-03 (month)."""
    if period is Period.DAY:
        return start.isoformat()
    if period is Period.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def short_label(start: date, period: Period) -> str:
    """A chart axis's text: 9 Mar (day), 9 Mar (the week's Monday), Mar 2026 (month)."""
    if period is Period.MONTH:
        return f"{_MONTHS[start.month - 1]} {start.year}"
    return f"{start.day} {_MONTHS[start.month - 1]}"


def resolve_range(choice: RangeChoice, today: date, custom: DateRange | None = None) -> DateRange:
    """The local days a range choice covers, ending today (custom: as given)."""
    if choice is RangeChoice.THIS_MONTH:
        return DateRange(month_start(today), today)
    if choice is RangeChoice.LAST_30_DAYS:
        return DateRange(today - timedelta(days=29), today)
    if choice is RangeChoice.LAST_90_DAYS:
        return DateRange(today - timedelta(days=89), today)
    if custom is None:
        raise ValueError("a custom range needs its first and last day")
    return custom


def month_to_date(now: datetime, tz: tzinfo) -> DateRange:
    today = local_date(now, tz)
    return DateRange(month_start(today), today)


def today_range(now: datetime, tz: tzinfo) -> DateRange:
    today = local_date(now, tz)
    return DateRange(today, today)


# ---------------------------------------------------------------------------------------------- sums
def sum_totals(entries: Iterable[LedgerEntry]) -> Decimal:
    """The billed total of entries all in one currency; MixedCurrencies otherwise."""
    total, currency = ZERO, None
    for e in entries:
        if currency is None:
            currency = e.currency
        elif e.currency != currency:
            raise MixedCurrencies(f"cannot add {e.currency} to {currency}")
        total += e.total
    return total


def spent_in(entries: Iterable[LedgerEntry], days: DateRange, tz: tzinfo, currency: str) -> Decimal:
    """The total billed in `currency` on the local days of `days`."""
    return sum((e.total for e in entries if e.currency == currency and local_date(e.billed_at, tz) in days), ZERO)


def spent_month_to_date(entries: Iterable[LedgerEntry], now: datetime, tz: tzinfo, currency: str) -> Decimal:
    return spent_in(entries, month_to_date(now, tz), tz, currency)


def spent_today(entries: Iterable[LedgerEntry], now: datetime, tz: tzinfo, currency: str) -> Decimal:
    return spent_in(entries, today_range(now, tz), tz, currency)


# ---------------------------------------------------------------------------------------------- report
@dataclass(frozen=True, slots=True)
class Bucket:
    """One day, week or month. `first`/`last` are clipped to the report's range; `period_first` is not."""

    period_first: date
    first: date
    last: date
    label: str
    total: Decimal
    count: int
    by_model: tuple[tuple[str, Decimal], ...]  # model id -> total, models with spend only


@dataclass(frozen=True, slots=True)
class Share:
    key: str  # a model id or a kind
    name: str
    total: Decimal
    count: int
    fraction: Decimal  # of the report's total, 0..1 (0 when the total is 0)


@dataclass(frozen=True, slots=True)
class SpendReport:
    currency: str
    days: DateRange
    period: Period
    buckets: tuple[Bucket, ...]  # every period of the range, empty ones included, oldest first
    by_model: tuple[Share, ...]  # most spent first
    by_kind: tuple[Share, ...]  # both kinds, most spent first
    total: Decimal
    count: int
    estimated: Decimal  # the estimates of the entries that had one
    flagged: int  # entries whose billed amount is not their estimate
    unreported: int  # entries getimg sent no usage for (their estimate stands in)
    other_currencies: tuple[tuple[str, Decimal, int], ...]  # (currency, total, count), kept apart, never added

    @property
    def empty(self) -> bool:
        return self.count == 0

    def model_name(self, model_id: str) -> str:
        return next((s.name for s in self.by_model if s.key == model_id), model_id)


def _fraction(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else ZERO


def _shares(totals: dict[str, Decimal], counts: dict[str, int], names: dict[str, str], whole: Decimal,
            keys: Sequence[str] = ()) -> tuple[Share, ...]:
    wanted = list(dict.fromkeys([*keys, *totals]))
    shares = [Share(k, names.get(k, k), totals.get(k, ZERO), counts.get(k, 0), _fraction(totals.get(k, ZERO), whole))
              for k in wanted]
    return tuple(sorted(shares, key=lambda s: (-s.total, s.name)))


def spend_report(entries: Iterable[LedgerEntry], *, days: DateRange, period: Period, tz: tzinfo,
                 currency: str) -> SpendReport:
    """Totals of the entries billed on the local days of `days`, grouped by `period`, for one currency."""
    starts: list[date] = []
    cursor = period_start(days.first, period)
    while cursor <= days.last:
        starts.append(cursor)
        cursor = period_after(cursor, period)
    index = {s: i for i, s in enumerate(starts)}
    bucket_totals = [ZERO] * len(starts)
    bucket_counts = [0] * len(starts)
    bucket_models: list[dict[str, Decimal]] = [defaultdict(lambda: ZERO) for _ in starts]
    model_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    model_counts: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    kind_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    kind_counts: dict[str, int] = defaultdict(int)
    others: dict[str, tuple[Decimal, int]] = {}
    total, estimated, count, flagged, unreported = ZERO, ZERO, 0, 0, 0
    for e in sorted(entries, key=lambda e: e.billed_at):
        day = local_date(e.billed_at, tz)
        if day not in days:
            continue
        if e.currency != currency:
            prev_total, prev_count = others.get(e.currency, (ZERO, 0))
            others[e.currency] = (prev_total + e.total, prev_count + 1)
            continue
        i = index[period_start(day, period)]
        bucket_totals[i] += e.total
        bucket_counts[i] += 1
        bucket_models[i][e.model_id] += e.total
        model_totals[e.model_id] += e.total
        model_counts[e.model_id] += 1
        names[e.model_id] = e.model_name  # oldest first: the latest name a model was billed under wins
        kind_totals[e.kind] += e.total
        kind_counts[e.kind] += 1
        total += e.total
        count += 1
        estimated += e.estimate if e.estimate is not None else ZERO
        flagged += e.differs
        unreported += not e.reported
    buckets = tuple(
        Bucket(period_first=s, first=max(s, days.first),
               last=min(period_after(s, period) - timedelta(days=1), days.last), label=period_label(s, period),
               total=bucket_totals[i], count=bucket_counts[i],
               by_model=tuple(sorted(bucket_models[i].items())))
        for i, s in enumerate(starts)
    )
    kind_names = {str(k): v for k, v in KIND_NAMES.items()}
    return SpendReport(
        currency=currency, days=days, period=period, buckets=buckets,
        by_model=_shares(model_totals, model_counts, names, total),
        by_kind=_shares(kind_totals, kind_counts, kind_names, total, keys=KINDS),
        total=total, count=count, estimated=estimated, flagged=flagged, unreported=unreported,
        other_currencies=tuple((c, t, n) for c, (t, n) in sorted(others.items())),
    )
