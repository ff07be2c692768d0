"""The ledger against getimg's own bill (`GET /v2/billing/costs`), day by day, with the difference in words.

getimg reports one bucket per UTC day, whatever the creator's time zone; the ledger's charts use local days.
A local day and a UTC day cover different hours (in Berlin, the UTC day runs 01:00 to 01:00 in winter and
02:00 to 02:00 in summer), so comparing a local day's total with a UTC bucket would show differences that are
only a matter of hours. The comparison is therefore made on UTC days on both sides: `server_window` turns the
creator's range of local days into the whole UTC days that cover it (at most 180, the API's limit), the
ledger's entries are summed by the UTC date of `billed_at`, and `tz_note` tells the creator where a UTC day
begins on their clock. Pure functions: no Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal

from getimg_studio.api.types import format_money
from getimg_studio.jobs.ledger import LedgerEntry
from getimg_studio.jobs.spend import ZERO, DateRange, start_of_day, utc_bounds

MAX_SERVER_DAYS = 180  # GET /v2/billing/costs refuses a longer range
# getimg may round a day's bucket to the cent where the ledger keeps the exact usage (0.045 x 5 = 0.225).
ROUNDING = Decimal("0.005")
# getimg's report for the last hours may lag behind the generations it has already completed.
RECENT = timedelta(days=1)

MATCHES = "Matches"
OTHER_SPEND = "Other devices or keys on the same account spent this"
BEFORE_LEDGER = "Billed outside this app's history (before its spending ledger began)"
NOT_YET_REPORTED = "Not yet reported by getimg: its figures for the last hours can lag"
LESS_ON_SERVER = "getimg reports less than this app recorded: a refund or a correction on getimg's side"


@dataclass(frozen=True, slots=True)
class ServerCosts:
    """What `/v2/billing/costs` answered: one bucket per UTC day."""

    currency: str
    days: tuple[tuple[date, Decimal], ...]
    total: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ServerWindow:
    """The UTC days to ask getimg about, and the instants to send (`start` < `end`, both aware UTC)."""

    utc_days: DateRange
    start: datetime
    end: datetime
    clipped: bool  # the local range was longer than getimg reports at once: only its last 180 days


@dataclass(frozen=True, slots=True)
class DayComparison:
    day: date  # a UTC day
    local: Decimal
    server: Decimal  # 0 where getimg sent no bucket
    difference: Decimal  # server - local
    explanation: str

    @property
    def matches(self) -> bool:
        return self.explanation == MATCHES


@dataclass(frozen=True, slots=True)
class Reconciliation:
    currency: str
    window: ServerWindow
    days: tuple[DayComparison, ...]
    local_total: Decimal
    server_total: Decimal
    summary: str  # one sentence a creator reads first
    tz_note: str  # where a UTC day begins on the creator's clock

    @property
    def difference(self) -> Decimal:
        return self.server_total - self.local_total

    @property
    def differing(self) -> tuple[DayComparison, ...]:
        return tuple(d for d in self.days if not d.matches)


def server_window(days: DateRange, tz: tzinfo, now: datetime) -> ServerWindow | None:
    """Whole UTC days covering the local days of `days`, the last 180 at most, not past `now`.

    None when the range lies wholly in the future (there is nothing to compare).
    """
    local_start, local_end = utc_bounds(days, tz)
    first = local_start.astimezone(UTC).date()
    last = (local_end - timedelta(microseconds=1)).astimezone(UTC).date()
    last = min(last, now.astimezone(UTC).date())
    if last < first:
        return None
    clipped = (last - first).days + 1 > MAX_SERVER_DAYS
    if clipped:
        first = last - timedelta(days=MAX_SERVER_DAYS - 1)
    utc_days = DateRange(first, last)
    start, end = utc_bounds(utc_days, UTC)
    return ServerWindow(utc_days, start, min(end, max(now, start + timedelta(seconds=1))), clipped)


def loading_bounds(days: DateRange, tz: tzinfo, window: ServerWindow | None) -> tuple[datetime, datetime]:
    """The instants of ledger entries to load so both the local report and the UTC comparison are whole."""
    start, end = utc_bounds(days, tz)
    if window is None:
        return start, end
    return min(start, window.start), max(end, start_of_day(window.utc_days.last + timedelta(days=1), UTC))


def tz_note(tz: tzinfo, window: ServerWindow) -> str:
    """getimg counts by UTC day: where such a day begins on the creator's clock, over the window."""
    offsets = sorted({start_of_day(window.utc_days.first + timedelta(days=n), UTC).astimezone(tz).utcoffset()
                      or timedelta(0) for n in range(window.utc_days.days)})
    if offsets == [timedelta(0)]:
        return "getimg counts spending by UTC day, which is also your clock's day."
    starts = " or ".join(_clock(o) for o in offsets)
    return f"getimg counts spending by UTC day: here a day starts at {starts} your time."


def _clock(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _explain(day: date, difference: Decimal, history_start: date | None, now: datetime) -> str:
    if abs(difference) <= ROUNDING:
        return MATCHES
    if difference > 0:
        return BEFORE_LEDGER if history_start is None or day < history_start else OTHER_SPEND
    if start_of_day(day + timedelta(days=1), UTC) > now - RECENT:
        return NOT_YET_REPORTED
    return LESS_ON_SERVER


def reconcile(entries: Iterable[LedgerEntry], server: ServerCosts, window: ServerWindow, tz: tzinfo, *,
              now: datetime, history_start: date | None) -> Reconciliation:
    """Compare, per UTC day of `window`, the ledger's totals in getimg's currency with getimg's buckets.

    `history_start` is the UTC day the ledger began (its first entry, or when it was created): getimg's spend
    before it is "outside this app's history" rather than another device's.
    """
    local: dict[date, Decimal] = {}
    other_currency = 0
    for e in entries:
        day = e.billed_at.astimezone(UTC).date()
        if day not in window.utc_days:
            continue
        if e.currency != server.currency:
            other_currency += 1
            continue
        local[day] = local.get(day, ZERO) + e.total
    reported = {d: c for d, c in server.days if d in window.utc_days}
    comparisons = []
    for n in range(window.utc_days.days):
        day = window.utc_days.first + timedelta(days=n)
        mine, theirs = local.get(day, ZERO), reported.get(day, ZERO)
        comparisons.append(DayComparison(day, mine, theirs, theirs - mine,
                                         _explain(day, theirs - mine, history_start, now)))
    local_total = sum((c.local for c in comparisons), ZERO)
    server_total = sum((c.server for c in comparisons), ZERO)
    result = Reconciliation(server.currency, window, tuple(comparisons), local_total, server_total, "",
                            tz_note(tz, window))
    return _with_summary(result, other_currency)


def _with_summary(r: Reconciliation, other_currency: int) -> Reconciliation:
    days = r.window.utc_days
    span = f"the {days.days} UTC day{'s' if days.days != 1 else ''} {days.first.isoformat()} to {days.last.isoformat()}"
    if not r.differing:
        summary = f"getimg's bill matches this app's ledger over {span}."
    else:
        n = len(r.differing)
        summary = (f"getimg billed {format_money(r.server_total, r.currency)} over {span}; this app recorded "
                   f"{format_money(r.local_total, r.currency)}. {n} day{'s' if n != 1 else ''} differ"
                   f"{'s' if n == 1 else ''}: see why beside each.")
    if r.window.clipped:
        summary += (f" getimg reports at most {MAX_SERVER_DAYS} days at once: only the last {MAX_SERVER_DAYS} are "
                    f"compared.")
    if other_currency:
        summary += (f" {other_currency} entr{'y' if other_currency == 1 else 'ies'} in another currency than "
                    f"getimg's ({r.currency}) {'is' if other_currency == 1 else 'are'} left out.")
    return Reconciliation(r.currency, r.window, r.days, r.local_total, r.server_total, summary, r.tz_note)
