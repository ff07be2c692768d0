"""`getimg-studio budget [set AMOUNT [--daily]] [clear [--daily]]`: the spending budget Settings shows.

The same two settings (`budget_monthly`, `budget_daily`) in the same file; the engine enforces them before
anything is queued, in the window and in every command that creates generations. Only those fields are
written, under the file's lock, and a window already open takes the change in at once
(ui/settings/outside.py), so neither undoes the other.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    budget = subparsers.add_parser("budget", help="show, set or clear the spending budget")
    actions = budget.add_subparsers(dest="budget_command", metavar="ACTION")
    set_it = actions.add_parser("set", help="set the monthly budget (or, with --daily, the daily one)")
    set_it.add_argument("amount", help="such as 50 or 12.50 (in the account's currency)")
    set_it.add_argument("--daily", action="store_true", help="the daily budget, not the monthly one")
    clear = actions.add_parser("clear", help="remove the budget (both, or with --daily only the daily one)")
    clear.add_argument("--daily", action="store_true")


def run(args: argparse.Namespace, paths: Paths) -> int:
    from datetime import UTC, datetime

    from getimg_studio.cli.common import UsageError
    from getimg_studio.cli.money import backend, history
    from getimg_studio.jobs.budget import budget_report, budget_to_text, parse_amount
    from getimg_studio.jobs.spend_guard import spend_figures
    from getimg_studio.localzone import local_zone
    from getimg_studio.services import settings_budget
    from getimg_studio.settings import change_settings_file, load_settings

    daily = bool(getattr(args, "daily", False))
    changes: dict[str, str] = {}
    if args.budget_command == "set":
        try:
            text = budget_to_text(parse_amount(args.amount))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        changes = {"budget_daily": text} if daily else {"budget_monthly": text}
    elif args.budget_command == "clear":
        changes = {"budget_daily": ""} if daily else {"budget_monthly": "", "budget_daily": ""}
    path = paths.settings_file
    settings = change_settings_file(path, **changes) if changes else load_settings(path)
    budget = settings_budget(settings)
    with history(paths) as store:
        figures = spend_figures(store, budget, backend(args, paths, settings), datetime.now(UTC), local_zone())
    sys.stdout.write(budget_report(budget, figures.spent_this_month, figures.spent_today, figures.unbilled) + "\n")
    return 0
