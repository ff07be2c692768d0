"""The Spending view with fake services: the figures a creator reads, getimg's bill beside them, the export."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QFileDialog

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.jobs.budget import Budget
from getimg_studio.jobs.ledger import LedgerEntry
from getimg_studio.jobs.ledger_csv import HEADER
from getimg_studio.jobs.reconcile import OTHER_SPEND, ServerCosts
from getimg_studio.ui.spending.controller import NO_SERVER
from getimg_studio.ui.spending.services import SpendingServices
from getimg_studio.ui.spending.window import SpendingWindow

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 20, 18, 0, tzinfo=BERLIN)


class FakeLedger:
    """The services the window would build from its engine, over a list; records what was asked."""

    def __init__(self, entries: list[LedgerEntry], server: ServerCosts | GetimgError | None = None) -> None:
        self.entries = entries
        self.server = server
        self.loads: list[tuple[datetime, datetime]] = []
        self.server_asks: list[tuple[datetime, datetime]] = []

    async def load(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        self.loads.append((start, end))
        return [e for e in self.entries if start <= e.billed_at < end]

    async def fetch(self, start: datetime, end: datetime) -> ServerCosts | None:
        self.server_asks.append((start, end))
        if isinstance(self.server, GetimgError):
            raise self.server
        return self.server

    def services(self, **overrides: Any) -> SpendingServices:
        base = SpendingServices(load_entries=self.load, fetch_server_costs=self.fetch, tz=BERLIN, clock=lambda: NOW,
                                budget=lambda: Budget(Decimal(50)), unbilled=lambda: Decimal("0.75"))
        return replace(base, **overrides)


@pytest.fixture
def march(ledger_entry: Any) -> list[LedgerEntry]:
    return [
        ledger_entry(datetime(2026, 3, 2, 10, tzinfo=BERLIN), "1.25", model="seedance-v1-5-pro",
                     name="Seedance 1.5 Pro"),
        ledger_entry(datetime(2026, 3, 19, 23, 30, tzinfo=BERLIN), "0.60", model="seedance-v1-pro",
                     name="Seedance 1.0 Pro", estimate="0.50"),
        ledger_entry(datetime(2026, 3, 20, 9, tzinfo=BERLIN), "0.002", model="seedream", name="Seedream",
                     kind="image", unit="image", quantity="1"),
        ledger_entry(datetime(2026, 2, 27, 9, tzinfo=BERLIN), "9", model="seedance-v1-pro",
                     name="Seedance 1.0 Pro"),  # last month
    ]


def _open(qtbot: Any, services: SpendingServices) -> SpendingWindow:
    window = SpendingWindow(services)
    qtbot.addWidget(window.view)
    window.view.resize(1280, 720)
    return window


async def _loaded(window: SpendingWindow) -> None:
    await window.open()


def _card(window: SpendingWindow, key: str) -> tuple[str, str, str]:
    card = window.view.cards[key]
    assert card.isVisible(), key
    return card.caption.text(), card.value.text(), card.detail.text()


def _table(table: Any) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_totals_a_creator_reads(qtbot: Any, run: Callable[..., Any], march: list[LedgerEntry]) -> None:
    fake = FakeLedger(march)
    window = _open(qtbot, fake.services())
    run(_loaded(window))
    view = window.view
    assert view.range_choice().value == "this_month"
    assert _card(window, "total") == ("Spent", "$1.85", "1 Mar – 20 Mar 2026")
    assert _card(window, "count") == ("Generations", "3", "1 billed other than estimated")
    assert _card(window, "month")[1] == "$1.85"
    assert _card(window, "today") == ("Today", "$0.00", "")  # the 0.002 image rounds to nothing...
    assert view.cards["today"].toolTip() == "$0.002"  # ...and its exact amount is a hover away
    assert _card(window, "budget") == ("Budget left", "$47.40", "of $50.00 this month, $0.75 queued")
    assert _table(view.models_table) == [["Seedance 1.5 Pro", "1", "$1.25", "67 %"],
                                         ["Seedance 1.0 Pro", "1", "$0.60", "32 %"],
                                         ["Seedream", "1", "$0.002", "<1 %"]]
    assert _table(view.kinds_table) == [["Videos", "2", "$1.85", "100 %"], ["Images", "1", "$0.002", "<1 %"]]
    assert view.tabs.tabText(0) == "Generations (3)"
    model = view.entries_proxy
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert rows[0] == ["2026-03-20 09:00", "Seedream", "Image", "$0.002", "$0.002", ""]  # newest first
    assert rows[1] == ["2026-03-19 23:30", "Seedance 1.0 Pro", "Video", "$0.60", "$0.50", "+$0.10"]
    assert "1 billed other than estimated" in view.status.text()
    # the chart: one bar set per model, a value per day of the range
    chart = view.chart
    assert chart is not None
    sets = chart.bar_sets
    assert [s.label() for s in sets] == ["Seedance 1.5 Pro", "Seedance 1.0 Pro", "Seedream"]
    assert sets[0].count() == 20
    assert sets[0].at(1) == pytest.approx(1.25)  # 2 March
    assert sets[1].at(18) == pytest.approx(0.60)  # 19 March
    assert chart.accessibleDescription().startswith("Spending per day, by model: Seedance 1.5 Pro $1.25")


def test_grouping_and_range_reload_what_is_shown(qtbot: Any, run: Callable[..., Any],
                                                 march: list[LedgerEntry]) -> None:
    fake = FakeLedger(march)
    window = _open(qtbot, fake.services())
    run(_loaded(window))
    view = window.view

    async def pick(combo: Any, index: int) -> None:
        before = window.controller.last_load
        combo.setCurrentIndex(index)  # the view asks for a refresh: wait for the one it started
        task = window.controller.last_load
        assert task is not None
        assert task is not before
        await task

    run(pick(view.period_combo, 1))
    assert view.chart_heading.text() == "Spent per week, by model"
    assert view.chart is not None
    assert view.chart.bar_sets[0].count() == 4  # weeks of 1 (clipped), 2, 9 and 16 March
    run(pick(view.range_combo, 2))  # last 90 days: February's entry is in
    assert _card(window, "total")[1] == "$10.85"
    assert view.from_edit.isHidden()
    start, _ = fake.loads[-1]
    assert start <= datetime(2025, 12, 21, tzinfo=BERLIN)  # 90 local days back
    run(pick(view.range_combo, 3))  # custom: the last 30 days by default, with its dates shown
    assert not view.from_edit.isHidden()
    assert view.custom_range().days == 30


def test_getimgs_bill_beside_the_ledger(qtbot: Any, run: Callable[..., Any], march: list[LedgerEntry]) -> None:
    # getimg also billed $2 on 10 March (UTC) that this app never made
    by_day = {date(2026, 3, 2): Decimal("1.25"), date(2026, 3, 10): Decimal(2), date(2026, 3, 19): Decimal("0.60"),
              date(2026, 3, 20): Decimal("0.002")}
    server = ServerCosts("USD", tuple(sorted(by_day.items())))
    fake = FakeLedger(march, server)
    first = march[-1].billed_at

    async def ledger_start() -> datetime | None:
        return first

    window = _open(qtbot, fake.services(ledger_start=ledger_start))
    run(_loaded(window))
    view = window.view
    assert _card(window, "server") == ("getimg's bill", "$3.85", "+$2.00 against this app")
    # asked about whole UTC days: 1 March 00:00 in Berlin is 28 February 23:00 UTC
    [(start, end)] = fake.server_asks
    assert start == datetime(2026, 2, 28, tzinfo=ZoneInfo("UTC"))
    assert end == NOW
    rows = _table(view.server_table)
    assert rows[0] == ["2026-03-10", "$0.00", "$2.00", "+$2.00", OTHER_SPEND]
    assert all(r[4] == "Matches" for r in rows[1:])
    assert "1 day differs" in view.server_summary.text()
    assert "a day starts at 01:00 your time" in view.server_note.text()


def test_the_demo_has_no_bill_to_compare(qtbot: Any, run: Callable[..., Any], march: list[LedgerEntry]) -> None:
    window = _open(qtbot, FakeLedger(march, None).services())
    run(_loaded(window))
    assert window.view.server_summary.text() == NO_SERVER
    assert window.view.server_table.rowCount() == 0
    assert _card(window, "server") == ("getimg's bill", "—", "not available")
    assert _card(window, "total")[1] == "$1.85"  # the local figures are all there


def test_getimg_unreachable_is_said_beside_the_figures(qtbot: Any, run: Callable[..., Any],
                                                       march: list[LedgerEntry]) -> None:
    offline = GetimgError(ErrorKind.OFFLINE, "Cannot reach getimg (api.getimg.ai): check the internet connection.")
    window = _open(qtbot, FakeLedger(march, offline).services())
    run(_loaded(window))
    assert window.view.server_summary.text() == ("getimg's own figures could not be fetched: Cannot reach getimg "
                                                 "(api.getimg.ai): check the internet connection.")
    assert _card(window, "server")[2] == "could not be read"


def test_an_unreadable_history_is_said(qtbot: Any, run: Callable[..., Any]) -> None:
    async def broken(start: datetime, end: datetime) -> list[LedgerEntry]:
        raise GetimgError(ErrorKind.DISK, "The history file is damaged.")

    window = _open(qtbot, FakeLedger([]).services(load_entries=broken))
    run(_loaded(window))
    assert window.view.status.text() == "The spending history could not be read: The history file is damaged."


def test_export_writes_the_csv_a_spreadsheet_opens(qtbot: Any, run: Callable[..., Any], tmp_path: Path,
                                                    march: list[LedgerEntry]) -> None:
    window = _open(qtbot, FakeLedger(march).services(export_dir=lambda: tmp_path))
    run(_loaded(window))
    view = window.view
    assert view.export_button.isEnabled()
    view.export_button.click()
    dialog = view.findChild(QFileDialog)
    assert dialog is not None
    assert dialog.selectedFiles()[0].endswith("getimg-spending-2026-03-01-to-2026-03-20.csv")
    target = tmp_path / "march.csv"
    dialog.selectFile(str(target))

    async def accept_and_wait() -> None:
        dialog.accept()
        for _ in range(200):
            if target.exists() and view.status.text().startswith("Saved"):
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"nothing saved; status: {view.status.text()!r}")

    run(accept_and_wait())
    assert view.status.text() == f"Saved 3 billed generations to {target}."
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(HEADER)
    assert [r["model_name"] for r in rows] == ["Seedance 1.5 Pro", "Seedance 1.0 Pro", "Seedream"]  # oldest first
    assert sum(Decimal(r["billed"]) for r in rows) == Decimal("1.852")
    assert rows[1]["local_date"] == "2026-03-19"
    assert rows[1]["billed_at_utc"] == "2026-03-19T22:30:00.000Z"
    assert rows[1]["difference"] == "0.10"


def test_nothing_billed_shows_an_empty_chart_and_no_export(qtbot: Any, run: Callable[..., Any]) -> None:
    window = _open(qtbot, FakeLedger([]).services())
    run(_loaded(window))
    view = window.view
    assert _card(window, "total")[1] == "$0.00"
    assert view.status.text() == "Nothing was billed in this range."
    assert not view.export_button.isEnabled()
    assert view.chart is not None
    assert view.chart.empty_label.isVisible()


def test_qtcharts_loads_only_when_the_view_is_shown() -> None:
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from getimg_studio.ui.spending.window import SpendingWindow\n"
        "from getimg_studio.ui.spending.services import SpendingServices\n"
        "async def none(*a): return None\n"
        "w = SpendingWindow(SpendingServices(load_entries=none, fetch_server_costs=none))\n"
        "print('before', 'PySide6.QtCharts' in sys.modules)\n"
        "w.view.show()\n"
        "print('after', 'PySide6.QtCharts' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.split() == ["before", "False", "after", "True"], done.stderr


def test_a_palette_change_recolours_the_chart(qtbot: Any, run: Callable[..., Any], march: list[LedgerEntry]) -> None:
    from PySide6.QtGui import QColor, QPalette

    window = _open(qtbot, FakeLedger(march).services())
    run(_loaded(window))
    chart = window.view.chart
    assert chart is not None
    # From a light palette whatever theme an earlier test left the application in
    bright = QPalette(window.view.palette())
    bright.setColor(QPalette.ColorRole.Window, QColor(240, 240, 240))
    bright.setColor(QPalette.ColorRole.Base, QColor(255, 255, 255))
    bright.setColor(QPalette.ColorRole.Text, QColor(0, 0, 0))
    bright.setColor(QPalette.ColorRole.WindowText, QColor(0, 0, 0))
    window.view.setPalette(bright)
    light = chart.bar_sets[0].color().name()
    dark = QPalette(window.view.palette())
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    dark.setColor(QPalette.ColorRole.WindowText, QColor(230, 230, 230))
    dark.setColor(QPalette.ColorRole.Window, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Base, QColor(20, 20, 20))
    window.view.setPalette(dark)
    assert chart.bar_sets[0].color().name() != light
    assert chart.chart.backgroundBrush().color().name() == "#141414"


def test_nothing_older_than_needed_is_loaded(qtbot: Any, run: Callable[..., Any], march: list[LedgerEntry]) -> None:
    fake = FakeLedger(march)
    window = _open(qtbot, fake.services())
    run(_loaded(window))
    start, end = fake.loads[-1]
    # this month (local) and the UTC day before it for the comparison, up to tomorrow's local midnight
    assert start == datetime(2026, 2, 28, tzinfo=ZoneInfo("UTC"))
    assert end == datetime(2026, 3, 21, tzinfo=ZoneInfo("UTC"))
    assert end - start == timedelta(days=21)
