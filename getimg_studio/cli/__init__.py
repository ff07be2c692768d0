"""The command line: `getimg-studio COMMAND ...` on the window's engine and history.

Each command is a module of this package with `add_parser(subparsers)` and `run(args, paths) -> int`,
listed once in `_commands()` (imported by name there, so the bundle's analysis sees every one; a command
module imports only argparse and pathlib at its top, the rest when it runs).

Exit codes, for every command: 0 done, 1 a job did not end as asked or getimg refused, 2 bad arguments or
input, or over the spending budget (nothing was sent), 130 interrupted (jobs stay in the history).
"""

from __future__ import annotations

import argparse
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.paths import Paths

def _commands() -> dict[str, ModuleType]:
    """Every command, in the order --help lists them."""
    from getimg_studio.cli import budget, export, generate, image, import_file, jobs, spend, storyboard

    return {"generate": generate, "image": image, "jobs": jobs, "spend": spend, "budget": budget,
            "export": export, "import": import_file, "storyboard": storyboard}


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for module in _commands().values():
        module.add_parser(subparsers)


def run_command(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.api.errors import ErrorKind, GetimgError
    from getimg_studio.cli.common import INTERRUPTED, PROG, UsageError
    from getimg_studio.jobs.spend_guard import BudgetExceeded

    try:
        result: int = _commands()[args.command].run(args, paths)
        return result
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BudgetExceeded as exc:  # refused by the creator's budget before anything was queued or sent
        print(f"{PROG}: {exc.cli_message}", file=sys.stderr)
        return 2
    except GetimgError as exc:
        print(f"{PROG}: error: {exc.message}", file=sys.stderr)
        return 2 if exc.kind in (ErrorKind.INVALID, ErrorKind.FRAME) else 1
    except BrokenPipeError:
        # `getimg-studio jobs list | head`: the reader left. Nothing more to say, and no traceback at exit
        # either (Python flushes stdout once more then): point stdout at /dev/null, as the Python docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
