"""Benchmark: the Spending view's work for a seeded month of 1,000 billed generations.

    .venv/bin/python bench/bench_spending_chart.py [--jobs 1000] [--runs 20]

Measures, offscreen: reading the month from a real ledger table (SQLite, the ledger's own statements);
aggregating it per day, ISO week and month (`spend_report` + `chart_data`); importing QtCharts (what the lazy
import keeps off start-up); the chart's first draw (from `show_data` to the end of its first paint, cold, then
warm re-draws); and a grab of the chart widget. Prints one line of figures and the load average.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

TZ = ZoneInfo("Europe/Berlin")


def _median_ms(action: Any, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def measure(jobs: int, runs: int, folder: Path) -> dict[str, Any]:
    from spending_seed import seeded_entries  # beside this file (bench/ is on the path when run)

    from getimg_studio.jobs import ledger
    from getimg_studio.jobs.spend import DateRange, Period, spend_report, utc_bounds
    from getimg_studio.ui.spending.chart_data import chart_data

    march = DateRange(date(2026, 3, 1), date(2026, 3, 31))
    entries = seeded_entries(march.first, TZ, count=jobs, days=march.days)
    db = sqlite3.connect(folder / "ledger.sqlite3", isolation_level=None)
    db.execute("BEGIN")
    for statement in ledger.LEDGER_MIGRATION[:2]:  # the table and its index (no jobs table to backfill from)
        db.execute(statement)
    for entry in entries:
        ledger.insert_entry(db, entry)
    db.execute("COMMIT")
    start, end = utc_bounds(march, TZ)
    read_ms = _median_ms(lambda: ledger.entries_between(db, start, end, backend="demo"), runs)
    loaded = ledger.entries_between(db, start, end, backend="demo")
    db.close()
    assert len(loaded) == jobs
    aggregate = {p.value: _median_ms(lambda p=p: chart_data(spend_report(loaded, days=march, period=p, tz=TZ,
                                                                         currency="USD")), runs)
                 for p in Period}
    report = spend_report(loaded, days=march, period=Period.DAY, tz=TZ, currency="USD")
    data = chart_data(report)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    started = time.perf_counter()
    from getimg_studio.ui.spending.chart import SpendChart  # QtCharts comes with it

    import_ms = (time.perf_counter() - started) * 1000
    chart = SpendChart()
    chart.resize(820, 360)
    chart.show()
    app.processEvents()
    draws: list[float] = []
    chart.drawn.connect(draws.append)

    def draw(d: Any) -> None:
        wanted = len(draws) + 1
        chart.show_data(d)
        deadline = time.perf_counter() + 10
        while len(draws) < wanted:
            app.processEvents()
            if time.perf_counter() > deadline:
                raise SystemExit("the chart never painted")

    draw(data)
    first_ms = draws[-1]
    week = chart_data(spend_report(loaded, days=march, period=Period.WEEK, tz=TZ, currency="USD"))
    for n in range(runs):
        draw(week if n % 2 else data)
    warm = draws[1:]
    grab_ms = _median_ms(lambda: chart.grab(), max(3, runs // 4))
    chart.close()
    return {
        "jobs": jobs, "spent": str(report.total), "series": len(data.series), "buckets": len(data.buckets),
        "read_ms": read_ms, "aggregate_day_ms": aggregate["day"], "aggregate_week_ms": aggregate["week"],
        "aggregate_month_ms": aggregate["month"], "qtcharts_import_ms": import_ms, "first_draw_ms": first_ms,
        "redraw_p50_ms": statistics.median(warm), "redraw_max_ms": max(warm), "grab_ms": grab_ms,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(args.jobs, args.runs, Path(tmp))
    print(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()))
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
