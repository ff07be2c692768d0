"""Applies rules.py to PyInstaller's lists of collected files (called from getimg-studio.spec).

Order matters: excluded files and system libraries go first; then the libraries no kept binary reaches
(stubbed ones count as leaves, so what only they linked goes too); then the stubs are compiled against the
binaries that remain; ICU's data is trimmed last.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from . import elf, icu, stubs
from .rules import (
    EXCLUDED,
    FFMPEG_ALIASES,
    STUBS,
    SYSTEM,
    UNREACHABLE,
    Dropped,
    Entry,
    Rule,
    is_root,
    is_system,
    report,
    size_of,
    unreachable,
)

TocRow = tuple[str, str, str]

__all__ = ["link_aliases", "report", "slim"]


def _environments() -> list[str]:
    """Where the app's own files come from: the interpreter and every site-packages on sys.path."""
    places = {sys.base_prefix, sys.prefix}
    places |= {os.path.realpath(p) for p in sys.path if p.endswith("site-packages")}
    places |= {p for p in sys.path if p.endswith("site-packages")}
    return sorted(places)


@cache
def _needed(src: str) -> tuple[str, ...]:
    path = Path(src)
    return elf.dynamic(path).needed if elf.is_elf(path) else ()


def _stub_for(name: str) -> stubs.StubSpec | None:
    return next((spec for spec in STUBS if fnmatch.fnmatchcase(name, spec.pattern)), None)


def slim(binaries: Sequence[TocRow], datas: Sequence[TocRow],
         workdir: Path) -> tuple[list[TocRow], list[TocRow], list[Dropped]]:
    entries = [Entry(*row) for row in [*binaries, *datas]]
    from_datas = {Entry(*row).dest for row in datas}
    environments = _environments()
    dropped: list[Dropped] = []
    kept: list[Entry] = []
    for entry in entries:
        rule = next((r for r in EXCLUDED if r.matches(entry.dest)), None)
        if rule is None and entry.kind == "BINARY" and is_system(entry.src, environments):
            rule = SYSTEM
        if rule is None:
            kept.append(entry)
        else:
            dropped.append(Dropped(entry, size_of(entry), rule))

    def needed_of(entry: Entry) -> Sequence[str]:
        return () if _stub_for(entry.dest.rsplit("/", 1)[-1]) else _needed(entry.src)

    gone = unreachable(kept, needed_of, is_root)
    dropped += [Dropped(e, size_of(e), UNREACHABLE) for e in kept if e.dest in gone]
    kept = [e for e in kept if e.dest not in gone]

    final: list[Entry] = []
    for entry in kept:
        name = entry.dest.rsplit("/", 1)[-1]
        spec = _stub_for(name)
        if spec is not None:
            importers = [Path(e.src) for e in kept if e is not entry and name in needed_of(e)]
            stub = stubs.build_stub(Path(entry.src), name, importers, spec, workdir / "stubs")
            rule = Rule(f"stubbed {name.split('-')[0].split('.so')[0]}", spec.reason)
            dropped.append(Dropped(entry, size_of(entry) - stub.stat().st_size, rule))
            entry = Entry(entry.dest, str(stub), entry.kind)
        elif name.startswith("libicudata.so."):
            trimmed = icu.trim(Path(entry.src), workdir / "icu")
            rule = Rule("ICU data Qt never reads", "break iterators, units, currencies, display names, "
                        "transliteration, number spelling (bundling/icu.py)")
            dropped.append(Dropped(entry, size_of(entry) - trimmed.stat().st_size, rule))
            entry = Entry(entry.dest, str(trimmed), entry.kind)
        final.append(entry)

    rows = [(e.dest, e.src, e.kind) for e in final]
    return [r for r in rows if r[0] not in from_datas], [r for r in rows if r[0] in from_datas], dropped


def link_aliases(internal: Path) -> list[Path]:
    """Symlinks FFMPEG_ALIASES in the collected bundle; returns them. The loader sees one file under two names
    and maps it once."""
    made = []
    for alias, pattern in FFMPEG_ALIASES.items():
        targets = sorted(internal.glob(pattern))
        if len(targets) != 1:
            raise SystemExit(f"error: expected one {pattern} in the bundle for {alias}, found {len(targets)}: "
                             "PyAV and Qt no longer share an FFmpeg ABI (see pyproject.toml's av pin)")
        link = internal / alias
        link.unlink(missing_ok=True)
        link.symlink_to(targets[0].name)
        made.append(link)
    return made
