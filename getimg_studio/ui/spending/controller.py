"""Decides what the Spending view shows: which entries to load, the totals, getimg's bill beside them, the export.

It gets a `SpendingServices` (callables), never the engine. Loading runs as one named task, so changing the
range while a load is under way replaces it; getimg's figures are fetched at the same time as the ledger is
read, and shown when they come (the local figures never wait for the network).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC
from pathlib import Path

from getimg_studio.api.errors import GetimgError
from getimg_studio.jobs.ledger import LedgerEntry
from getimg_studio.jobs.ledger_csv import ledger_csv
from getimg_studio.jobs.reconcile import Reconciliation, ServerCosts, ServerWindow, reconcile, server_window
from getimg_studio.jobs.reconcile import loading_bounds as reconcile_bounds
from getimg_studio.jobs.spend import (
    DateRange,
    RangeChoice,
    SpendReport,
    local_date,
    month_to_date,
    resolve_range,
    spend_report,
    spent_in,
    utc_bounds,
)
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.spending.chart_data import chart_data
from getimg_studio.ui.spending.services import SpendingServices
from getimg_studio.ui.spending.texts import cards, server_card
from getimg_studio.ui.spending.view import SpendingView

log = logging.getLogger(__name__)

NO_SERVER = ("getimg's own bill is shown here in live mode, when getimg can be reached: the demo has no account "
             "to compare with.")
FUTURE = "This range has not happened yet: getimg has nothing to report for it."
ASKING = "asking getimg…"


class SpendingController:
    def __init__(self, view: SpendingView, services: SpendingServices) -> None:
        self._view = view
        self._services = services
        self._tasks = TaskOwner("spending")
        self.report: SpendReport | None = None
        self.reconciliation: Reconciliation | None = None
        self._in_range: list[LedgerEntry] = []
        self.last_load: asyncio.Task[None] | None = None  # the refresh under way or last done
        today = local_date(services.clock(), services.tz)
        view.set_custom_range(resolve_range(RangeChoice.LAST_30_DAYS, today))
        view.refresh_requested.connect(self.refresh)
        view.export_requested.connect(self.export)
        view.export_path_chosen.connect(lambda path: self._tasks.start(self.export_to(Path(path)), name="export"))

    def refresh(self) -> asyncio.Task[None]:
        """Load again (replacing a load under way); the task ends when the local and getimg's figures are shown."""
        self.last_load = self._tasks.start(self.load(), name="load")
        return self.last_load

    async def close(self) -> None:
        await self._tasks.close()

    # ------------------------------------------------------------------------------------------ loading
    async def load(self) -> None:
        s, view = self._services, self._view
        now, tz = s.clock(), s.tz
        today = local_date(now, tz)
        days = resolve_range(view.range_choice(), today, view.custom_range())
        window = server_window(days, tz, now)
        month = month_to_date(now, tz)
        start, end = reconcile_bounds(days, tz, window)
        month_start, month_end = utc_bounds(month, tz)
        start, end = min(start, month_start), max(end, month_end)  # month-to-date is shown whatever the range
        server = self._tasks.start(self._fetch(window), name="server") if window is not None else None
        view.show_status("Reading the spending history…")
        try:
            entries = await s.load_entries(start, end)
        except (GetimgError, OSError) as exc:
            view.show_status(f"The spending history could not be read: {exc}", error=True)
            return
        report = spend_report(entries, days=days, period=view.period(), tz=tz, currency=s.currency)
        self.report = report
        self._in_range = [e for e in entries if local_date(e.billed_at, tz) in days]
        local_cards = cards(report, spent_in(entries, month, tz, s.currency),
                            spent_in(entries, DateRange(today, today), tz, s.currency), s.budget(), s.unbilled())
        view.show_cards((*local_cards, server_card(None, ASKING if server is not None else FUTURE)))
        view.show_report(report, chart_data(report), self._in_range, tz)
        view.show_status(_status_words(report))
        if server is None:
            self.reconciliation = None
            view.show_server(None, FUTURE)
            return
        assert window is not None
        costs, problem = await server
        if costs is None:
            self.reconciliation = None
            view.show_cards((*local_cards, server_card(None, "not available" if not problem else "could not be read")))
            view.show_server(None, problem or NO_SERVER)
            return
        first = await s.ledger_start()
        history_start = first.astimezone(UTC).date() if first is not None else None
        rec = reconcile(entries, costs, window, tz, now=now, history_start=history_start)
        self.reconciliation = rec
        view.show_cards((*local_cards, server_card(rec, "")))
        view.show_server(rec, "")

    async def _fetch(self, window: ServerWindow) -> tuple[ServerCosts | None, str]:
        try:
            return await self._services.fetch_server_costs(window.start, window.end), ""
        except GetimgError as exc:
            log.info("billing costs unavailable: %s", exc.kind.value)
            return None, f"getimg's own figures could not be fetched: {exc.message}"

    # ------------------------------------------------------------------------------------------ export
    def suggested_export_path(self) -> Path:
        days = self.report.days if self.report is not None else None
        name = (f"getimg-spending-{days.first.isoformat()}-to-{days.last.isoformat()}.csv" if days is not None
                else "getimg-spending.csv")
        return self._services.export_dir() / name

    def export(self) -> None:
        self._view.ask_export_path(self.suggested_export_path())

    async def export_to(self, path: Path) -> None:
        """Save the range's entries (the ones the table lists) as CSV."""
        entries = list(self._in_range)
        text = ledger_csv(entries, self._services.tz)
        try:
            await self._services.save_csv(path, text)
        except OSError as exc:
            self._view.show_status(f"Could not save {path.name}: {exc.strerror or exc}", error=True)
            return
        self._view.show_status(f"Saved {len(entries):,} billed generation{'s' if len(entries) != 1 else ''} "
                               f"to {path}.")


def _status_words(report: SpendReport) -> str:
    if report.empty:
        return "Nothing was billed in this range."
    parts = []
    if report.flagged:
        parts.append(f"{report.flagged} billed other than estimated (see the Difference column)")
    if report.unreported:
        parts.append(f"{report.unreported} without a usage report from getimg: their estimate is counted")
    return "; ".join(parts) + ("." if parts else "")

