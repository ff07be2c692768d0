"""`getimg-studio spend [--from DATE] [--to DATE] [--by day|model] [--json|--csv]`: what the ledger holds.

The local days of the creator's time zone, this month to today by default; the figures are the ledger's
(what getimg billed each generation), of the backend this session would use.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    spend = subparsers.add_parser("spend", help="what generations cost, per day or per model")
    spend.add_argument("--from", dest="first", metavar="DATE", help="first local day, YYYY-MM-DD (default: the 1st)")
    spend.add_argument("--to", dest="last", metavar="DATE", help="last local day, YYYY-MM-DD (default: today)")
    spend.add_argument("--by", choices=("day", "model"), default="day")
    output = spend.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print machine-readable JSON")
    output.add_argument("--csv", action="store_true", help="print CSV")


def run(args: argparse.Namespace, paths: Paths) -> int:
    from datetime import UTC, datetime

    from getimg_studio.cli.common import UsageError, print_json
    from getimg_studio.cli.money import backend, history
    from getimg_studio.jobs import spend_output
    from getimg_studio.jobs.spend import Period, local_date, spend_report, utc_bounds
    from getimg_studio.localzone import local_zone
    from getimg_studio.settings import load_settings

    tz = local_zone()
    try:
        days = spend_output.cli_range(args.first, args.last, local_date(datetime.now(UTC), tz))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    settings = load_settings(paths.settings_file)
    which = backend(args, paths, settings)
    start, end = utc_bounds(days, tz)
    with history(paths) as store:
        entries = store.ledger_entries(start, end, backend=which)
    by = spend_output.GroupBy(args.by)
    report = spend_report(entries, days=days, period=Period.DAY, tz=tz, currency="USD")
    if args.json:
        print_json(spend_output.as_json(report, by))
    elif args.csv:
        sys.stdout.write(spend_output.as_csv(report, by))
    else:
        sys.stdout.write(spend_output.as_text(report, by))
    return 0
