"""The budget, enforced where jobs are made: the figures it is checked against, and the refusal it raises.

One check for every action that creates generations (Generate, variations, Retry, image jobs, a storyboard
run): `Lifecycle.add` asks `SpendGuard.admit` before any row is written, so nothing is queued, and therefore
nothing is sent, over the budget. A storyboard checks its whole run first (`EngineFacade.check_spend`) so it
is never half-sent. The rule itself is `budget.check_budget`; this module gathers its numbers from the
history (the ledger's bills this local month and day, the estimates of jobs not billed yet) on the engine's
thread, and turns a refusal into a `BudgetExceeded` error the window and the command line both understand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Protocol

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import Balance, CostEstimate
from getimg_studio.jobs.budget import Budget, BudgetVerdict, Limit, balance_warning, budget_status, check_budget
from getimg_studio.jobs.model import BalanceChanged, JobEvent
from getimg_studio.jobs.spend import month_to_date, today_range, utc_bounds


class SpendReads(Protocol):
    """The history's money reads (`JobStore` and `JobReader` both have them)."""

    def ledger_spent(self, start: datetime, end: datetime, *, currency: str,
                     backend: str | None = None) -> Decimal: ...
    def unbilled_estimates(self, backend: str | None, *, since: datetime, currency: str) -> Decimal: ...


class BudgetExceeded(GetimgError):
    """An action refused by the creator's budget before anything was queued or sent; carries the numbers."""

    def __init__(self, verdict: BudgetVerdict) -> None:
        super().__init__(ErrorKind.BUDGET, verdict.text("window"), code="budget")
        self.verdict = verdict

    @property
    def cli_message(self) -> str:
        """The same numbers, with the command that raises the budget."""
        return self.verdict.text("cli")

    @property
    def limit(self) -> Limit:
        """The period whose budget to raise first (the month when both are passed)."""
        return self.verdict.breaches[0].limit if self.verdict.breaches else Limit.MONTH


@dataclass(frozen=True, slots=True)
class SpendFigures:
    """What this backend has spent this local month and day, what is promised to jobs not billed yet, and
    the budget they are held against (None: no budget)."""

    spent_this_month: Decimal
    spent_today: Decimal
    unbilled: Decimal
    budget: Budget | None
    currency: str
    now: datetime
    balance: Balance | None = None  # getimg's balance as last read (None: not known)

    @property
    def budget_left(self) -> Decimal | None:
        """What the monthly budget leaves once billed and unbilled jobs are counted (None: no monthly one)."""
        if self.budget is None or self.budget.monthly is None:
            return None
        return self.budget.monthly - self.spent_this_month - self.unbilled

    @property
    def status_text(self) -> str:
        """The status bar's words: month-to-date spend and what the budget leaves."""
        return budget_status(self.budget, self.spent_this_month, self.spent_today, self.unbilled, self.currency)

    def verdict(self, cost: Decimal | None, tz: tzinfo) -> BudgetVerdict:
        return check_budget(self.budget, self.spent_this_month, self.spent_today, self.unbilled, cost, self.now, tz)


def spend_figures(reads: SpendReads, budget: Budget | None, backend: str | None, now: datetime, tz: tzinfo,
                  currency: str = "USD", balance: Balance | None = None) -> SpendFigures:
    """The figures for `now` in `tz`: bills of this backend only (a demo job's are not real money)."""
    currency = budget.currency if budget is not None else currency
    month_start, month_end = utc_bounds(month_to_date(now, tz), tz)
    day_start, day_end = utc_bounds(today_range(now, tz), tz)
    return SpendFigures(
        spent_this_month=reads.ledger_spent(month_start, month_end, currency=currency, backend=backend),
        spent_today=reads.ledger_spent(day_start, day_end, currency=currency, backend=backend),
        unbilled=reads.unbilled_estimates(backend, since=month_start, currency=currency),
        budget=budget, currency=currency, now=now, balance=balance)


def action_amount(total: CostEstimate | Decimal | None) -> Decimal | None:
    """An action's whole cost as the check takes it (None: no listed price)."""
    return total.amount if isinstance(total, CostEstimate) else total


class SpendGuard:
    """The engine's budget check: its budget (from Settings), its backend's history, the creator's zone."""

    def __init__(self, reads: SpendReads, backend: str | None, clock: Callable[[], datetime], tz: tzinfo,
                 budget: Budget | None = None) -> None:
        self._reads = reads
        self._backend = backend
        self._clock = clock
        self.tz = tz
        self.budget = budget
        self.balance: Balance | None = None

    def observe(self, event: JobEvent) -> None:
        """An engine observer: keeps the last balance getimg reported, for the warning before sending."""
        if isinstance(event, BalanceChanged):
            self.balance = Balance(event.amount, event.currency) if event.amount is not None else None

    @property
    def currency(self) -> str:
        return self.budget.currency if self.budget is not None else "USD"

    def figures(self) -> SpendFigures:
        return spend_figures(self._reads, self.budget, self._backend, self._clock(), self.tz, balance=self.balance)

    def check(self, total: CostEstimate | Decimal | None) -> BudgetVerdict:
        """The verdict for an action costing `total`; raises `BudgetExceeded` when it is refused.

        An allowed verdict carries a `warning` when the known balance will not cover the action and what is
        already promised to unbilled jobs: the caller tells the creator before sending.
        """
        amount = action_amount(total)
        if self.budget is None or not self.budget.is_set:
            verdict = check_budget(None, Decimal(0), Decimal(0), Decimal(0), amount, self._clock(), self.tz)
            if self.balance is None or amount is None:
                return verdict
            figures = self.figures()
        else:
            figures = self.figures()
            verdict = figures.verdict(amount, self.tz)
            if not verdict.allowed:
                raise BudgetExceeded(verdict)
        if self.balance is not None and self.balance.currency == figures.currency:
            verdict = replace(verdict, warning=balance_warning(amount, self.balance, unbilled=figures.unbilled))
        return verdict

    def admit(self, cost: Decimal | None) -> None:
        """`Lifecycle.add`'s hook: new jobs costing `cost` in all, or BudgetExceeded."""
        self.check(cost)
