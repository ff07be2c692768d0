"""The ledger's CSV: RFC 4180 text that a spreadsheet (and Python's csv module) reads back exactly."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from getimg_studio.jobs.ledger_csv import HEADER, csv_bytes, ledger_csv

T = datetime(2026, 3, 9, 23, 30, 5, 120000, tzinfo=UTC)


def test_rows_read_back_with_plain_decimals_and_iso_dates(ledger_entry: Any) -> None:
    entries = [ledger_entry(T, "0.225", quantity="5", estimate="0.2", model="seedance-v1-5-pro",
                            name='Seedance "1.5", Pro', job_id=3),
               ledger_entry(T, "0.0000001", quantity="1", estimate=None, job_id=4, kind="image", reported=False)]
    text = ledger_csv(entries, ZoneInfo("Europe/Berlin"))
    assert text.endswith("\r\n")
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == HEADER
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["billed_at_utc"] == "2026-03-09T23:30:05.120Z"
    assert first["local_date"] == "2026-03-10"  # already the 10th in Berlin
    assert first["model_name"] == 'Seedance "1.5", Pro'  # quoted and escaped, read back whole
    assert (first["unit_price"], first["quantity"], first["billed"]) == ("0.045", "5", "0.225")
    assert (first["estimate"], first["difference"], first["differs"]) == ("0.2", "0.025", "yes")
    second = dict(zip(HEADER, rows[2], strict=True))
    assert second["billed"] == "0.0000001"  # never 1E-7
    assert (second["estimate"], second["difference"], second["usage_reported"]) == ("", "", "no")
    assert second["kind"] == "image"
    assert '"Seedance ""1.5"", Pro"' in text  # RFC 4180 doubles the quote inside a quoted field


def test_an_empty_ledger_is_the_header_alone() -> None:
    assert ledger_csv([]) == ",".join(HEADER) + "\r\n"


def test_text_a_spreadsheet_would_run_is_defused(ledger_entry: Any) -> None:
    text = ledger_csv([ledger_entry(T, "1", name="=HYPERLINK(\"x\")", model="@sum", estimate="2")])
    row = dict(zip(HEADER, list(csv.reader(io.StringIO(text, newline="")))[1], strict=True))
    assert row["model_name"] == "'=HYPERLINK(\"x\")"
    assert row["model_id"] == "'@sum"
    assert row["difference"] == "-1"  # numbers are left as they are


def test_bytes_carry_a_bom_for_excel(ledger_entry: Any) -> None:
    data = csv_bytes(ledger_csv([ledger_entry(T, "1", name="Modèle vidéo")]))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["model_name"] == "Modèle vidéo"
    assert Decimal(rows[0]["billed"]) == Decimal(1)
