"""Entry point: parse the command line, resolve paths once, then run the window or a subcommand.

Nothing happens at import time. The window, the command line and `--self-check` all build their
services the same way (`services.build_services`), so they share one engine and one history.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio import APP_NAME, __version__

if TYPE_CHECKING:
    from getimg_studio.ui.window.main_window import MainWindow


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """`commands=False`: the window's options only (the subcommands' parsers cost a cold start ~15 ms)."""
    parser = argparse.ArgumentParser(
        prog="getimg-studio",
        description=f"{APP_NAME}: make short videos with the getimg.ai API (demo mode without a key).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep history, cache, config and videos under DIR")
    parser.add_argument("--demo", action="store_true", default=None,
                        help="use the built-in simulator instead of the real API")
    parser.add_argument("--base-url", help="API base URL (default: GETIMG_AI_BASE_URL or https://api.getimg.ai)")
    parser.add_argument("--verbose", action="store_true", help="log debug details")
    parser.add_argument("--self-check", action="store_true",
                        help="headless check: one demo generation through the window and the player, then exit")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    from getimg_studio.cli import add_commands

    add_commands(sub)
    return parser


def names_a_command(argv: list[str]) -> bool:
    """Whether parsing `argv` may need the subcommands. Only the window's own flags, or nothing (as a desktop
    launcher starts it), parse the same without them; anything else (a command, an option's value, --help,
    a mistake and its usage message) gets the whole parser."""
    return not all(arg in _WINDOW_FLAGS for arg in argv)


_WINDOW_FLAGS = frozenset({"--demo", "--verbose", "--self-check"})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(commands=names_a_command(argv)).parse_args(argv)

    from getimg_studio.logs import setup_logging
    from getimg_studio.paths import resolve_paths

    paths = resolve_paths(args.data_dir).ensure()
    setup_logging(paths.log_file, verbose=args.verbose, stderr=args.command is not None)
    if args.command is not None:
        from getimg_studio.cli import run_command

        return run_command(args, paths)
    if args.self_check:
        from getimg_studio.selfcheck import run_self_check

        return run_self_check(args, paths)
    from getimg_studio.ui.launch import run_gui

    return run_gui(args, paths)


async def build_main_window(argv: list[str] | None = None) -> MainWindow:
    """Build the fully wired main window from command-line style arguments, on the running qasync loop.

    For tests and embedding: it does not enter the event loop and does not show the window. Accepts the
    same `--data-dir`, `--demo` and `--base-url` as `main`. Close it with `await window.shutdown()`.
    """
    from getimg_studio.paths import resolve_paths
    from getimg_studio.ui.launch import create_main_window

    args = build_parser(commands=False).parse_args(argv or [])
    return await create_main_window(args, resolve_paths(args.data_dir).ensure())


if __name__ == "__main__":
    raise SystemExit(main())
