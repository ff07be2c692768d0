"""The command line's parser: the window's flags parse the same without the subcommands' parsers."""

from __future__ import annotations

import pytest

from getimg_studio.app import build_parser, names_a_command


@pytest.mark.parametrize("argv", [[], ["--demo"], ["--verbose", "--demo"], ["--self-check"]])
def test_the_window_started_with_its_flags_needs_no_subcommands(argv: list[str]) -> None:
    assert not names_a_command(argv)
    assert build_parser(commands=False).parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [["jobs", "list"], ["--data-dir", "/tmp/x"], ["--help"], ["-h"], ["--bogus"],
                                  ["--base-url", "http://x"], ["--version"], ["frobnicate"]])
def test_anything_else_gets_the_whole_parser(argv: list[str]) -> None:
    assert names_a_command(argv)  # a command, an option's value, --help, or a mistake and its usage message
