"""Spending totals as the command line prints them: a text table, JSON or CSV, grouped by day or by model.

For `getimg-studio spend [--from DATE] [--to DATE] [--by day|model] [--json|--csv]`. Pure: the command parses
its arguments with `cli_range`, builds a `SpendReport` and prints one of these.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from getimg_studio.api.types import format_money
from getimg_studio.jobs.spend import DateRange, SpendReport, month_start

MAX_CLI_DAYS = 3660  # ten years: a typo such as 0202 for 2026 gets a message, not a million empty rows


class GroupBy(StrEnum):
    DAY = "day"
    MODEL = "model"


def cli_range(first: str | None, last: str | None, today: date) -> DateRange:
    """--from/--to as ISO dates (YYYY-MM-DD); this month to today by default. ValueError with the message."""

    def parse(text: str, name: str) -> date:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"--{name} {text!r} is not a date: write it as YYYY-MM-DD, such as "
                             f"{today.isoformat()}.") from None

    end = parse(last, "to") if last else today
    start = parse(first, "from") if first else min(month_start(today), end)
    if end < start:
        raise ValueError(f"--to {end.isoformat()} comes before --from {start.isoformat()}.")
    if (end - start) > timedelta(days=MAX_CLI_DAYS):
        raise ValueError(f"The range is longer than {MAX_CLI_DAYS // 366} years: give a shorter one.")
    return DateRange(start, end)


def _plain(value: Decimal) -> str:
    return format(value, "f")


def rows(report: SpendReport, by: GroupBy) -> list[tuple[str, int, Decimal]]:
    """(day or model, generations, spent) per line; days in order with the empty ones, models most spent first."""
    if by is GroupBy.DAY:
        return [(b.label, b.count, b.total) for b in report.buckets]
    return [(s.name, s.count, s.total) for s in report.by_model]


def as_json(report: SpendReport, by: GroupBy) -> dict[str, Any]:
    """Money as decimal strings (JSON numbers would be floats to most readers)."""
    key = "day" if by is GroupBy.DAY else "model"
    lines: list[dict[str, Any]]
    if by is GroupBy.DAY:
        lines = [{key: b.label, "count": b.count, "spent": _plain(b.total)} for b in report.buckets]
    else:
        lines = [{key: s.name, "model_id": s.key, "count": s.count, "spent": _plain(s.total)} for s in report.by_model]
    return {
        "from": report.days.first.isoformat(), "to": report.days.last.isoformat(), "currency": report.currency,
        "total": _plain(report.total), "count": report.count, "by": by.value, key + "s": lines,
        "billed_other_than_estimated": report.flagged,
        "other_currencies": [{"currency": c, "total": _plain(t), "count": n} for c, t, n in report.other_currencies],
    }


def as_csv(report: SpendReport, by: GroupBy) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow((by.value, "generations", "spent", "currency"))
    writer.writerows((name, count, _plain(spent), report.currency) for name, count, spent in rows(report, by))
    return buffer.getvalue()


def as_text(report: SpendReport, by: GroupBy) -> str:
    cur = report.currency
    lines = [(name, f"{count:,}", format_money(spent, cur)) for name, count, spent in rows(report, by)]
    head = ("Day" if by is GroupBy.DAY else "Model", "Jobs", "Spent")
    widths = [max(len(head[i]), *(len(line[i]) for line in lines)) if lines else len(head[i]) for i in range(3)]
    out = [f"{head[0]:<{widths[0]}}  {head[1]:>{widths[1]}}  {head[2]:>{widths[2]}}"]
    out += [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in lines]
    out.append(f"Total {report.days.first.isoformat()} to {report.days.last.isoformat()}: "
               f"{format_money(report.total, cur)} for {report.count:,} generation{'s' if report.count != 1 else ''}")
    if report.flagged:
        out.append(f"{report.flagged} billed other than estimated.")
    for c, t, n in report.other_currencies:
        out.append(f"Also {format_money(t, c)} for {n} in {c}, not added to the total.")
    return "\n".join(out) + "\n"

