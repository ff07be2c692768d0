"""The ledger as CSV (RFC 4180): one header row, one row per billed generation, CRLF line ends.

Money and quantities are plain decimal strings (0.225, never 2.25E-1 or a float's 0.22500000000000001), dates
ISO 8601: `billed_at_utc` is the instant in UTC, `local_date` the creator's day it was billed on, so a
spreadsheet can total by either. Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@` at the start of
a model name) is prefixed with an apostrophe. The text is returned, not written: the caller saves it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, tzinfo
from decimal import Decimal

from getimg_studio.jobs.ledger import LedgerEntry, format_instant

HEADER = ("billed_at_utc", "local_date", "job_id", "remote_id", "kind", "model_id", "model_name",
          "billable_unit", "unit_price", "quantity", "billed", "estimate", "difference", "differs",
          "usage_reported", "currency")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _money(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _text(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(entries: Iterable[LedgerEntry], tz: tzinfo) -> Iterator[tuple[str, ...]]:
    """The header, then one row per entry in the order given."""
    yield HEADER
    for e in entries:
        u = e.usage
        yield (
            format_instant(e.billed_at),
            e.billed_at.astimezone(tz).date().isoformat(),
            str(e.job_id),
            _text(e.remote_id),
            e.kind,
            _text(e.model_id),
            _text(e.model_name),
            _text(u.billable_unit),
            _money(u.unit_price),
            _money(u.quantity),
            _money(u.total),
            _money(e.estimate),
            _money(e.difference),
            "yes" if e.differs else "no",
            "yes" if e.reported else "no",
            e.currency,
        )


def ledger_csv(entries: Iterable[LedgerEntry], tz: tzinfo = UTC) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(csv_rows(entries, tz))
    return buffer.getvalue()


def csv_bytes(text: str) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel reads a CSV in the system's legacy code page."""
    return ("\ufeff" + text).encode("utf-8")
