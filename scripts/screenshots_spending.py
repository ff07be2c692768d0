#!/usr/bin/env python3
"""Screenshots of the Spending view over a seeded month of 1,000 billed generations, light and dark.

    xvfb-run -a -s "-screen 0 1280x720x24" .venv/bin/python scripts/screenshots_spending.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_spending.py --out /tmp/shots

Writes docs/screenshots/spending-<theme>-<n>-<what>.png at 1280x720: March per day, per week, and the
comparison with getimg's bill (two days with spending from another device, today not yet reported),
and a custom range with the rows billed other than estimated first.
Under Xvfb the grab is the screen's; offscreen (no screen to grab) it is the widget's own rendering.
Prints how long the chart took to draw.
"""

from __future__ import annotations

import asyncio
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_API", "pyside6")
from shots_common import ROOT, run_for_themes, shoot  # the scripts folder; it puts the repo on sys.path

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 31, 23, 0, tzinfo=TZ)  # the seeded month's last job is billed before this
SIZE = (1280, 720)


def _save(widget: Any, target: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() == "offscreen":
        if not widget.window().grab().save(str(target)):
            raise SystemExit(f"could not write {target}")
        print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    else:
        shoot(widget, target)


async def _until(condition: Any, what: str, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _run(theme_name: str, out: Path, _scratch: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from bench.spending_seed import seeded_entries, seeded_services
    from getimg_studio.settings import Theme
    from getimg_studio.ui.common.theme import apply_theme
    from getimg_studio.ui.spending.window import SpendingWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, Theme(theme_name))
    entries = seeded_entries(date(2026, 3, 1), TZ, days=31)
    extra = {date(2026, 3, 12): Decimal("4.80"), date(2026, 3, 19): Decimal("1.25"),
             date(2026, 3, 31): Decimal("-2.10")}  # another device twice; the last hours not reported yet
    services = seeded_services(entries, NOW, TZ, extra=extra)
    window = SpendingWindow(services)
    window.view.resize(*SIZE)
    draws: list[float] = []
    window.view.chart_drawn.connect(draws.append)
    window.open()
    window.view.move(0, 0)
    await _until(lambda: window.controller.reconciliation is not None and draws, "the figures")
    await asyncio.sleep(0.3)
    _save(window.view, out / f"spending-{theme_name}-1-month-by-day.png")
    window.view.period_combo.setCurrentIndex(1)  # per week
    await _until(lambda: len(draws) >= 2 and window.controller.reconciliation is not None, "the weekly chart")
    await asyncio.sleep(0.3)
    _save(window.view, out / f"spending-{theme_name}-2-month-by-week.png")
    window.view.tabs.setCurrentIndex(1)
    await asyncio.sleep(0.3)
    _save(window.view, out / f"spending-{theme_name}-3-compared-with-getimg.png")
    # a custom range, the rows billed other than estimated first
    from getimg_studio.jobs.spend import DateRange

    window.view.tabs.setCurrentIndex(0)
    window.view.set_custom_range(DateRange(date(2026, 2, 16), date(2026, 3, 31)))
    window.view.range_combo.setCurrentIndex(3)
    await _until(lambda: len(draws) >= 3, "the custom range")
    assert window.controller.last_load is not None
    await window.controller.last_load
    window.view.entries_table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    await asyncio.sleep(0.3)
    _save(window.view, out / f"spending-{theme_name}-4-custom-range-differences.png")
    print(f"{theme_name}: chart drawn in " + ", ".join(f"{ms:.1f} ms" for ms in draws))
    await window.close()
    window.view.deleteLater()


def main() -> int:
    return run_for_themes(__doc__, _run, "getimg-spending-shots-")


if __name__ == "__main__":
    raise SystemExit(main())
