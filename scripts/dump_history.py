"""Write `tests/data/history_vN.sql`: the newest older dump, migrated by the store to schema N, as SQL text.

    .venv/bin/python scripts/dump_history.py 5        # tests/data/history_v5.sql from history_v4.sql (or older)

A dump is written once, when its step is added, and never edited afterwards (the test suite opens every one).
Rows come from the older dump and from what the step itself fills in (a backfill), so each schema is tested
with the data an upgrade would really carry.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

from getimg_studio.jobs import migrations
from getimg_studio.jobs.store import JobStore

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def dump(version: int, note: str = "") -> Path:
    older = sorted((int(p.stem.removeprefix("history_v")), p) for p in DATA.glob("history_v*.sql")
                   if int(p.stem.removeprefix("history_v")) < version)
    if not older:
        raise SystemExit(f"no dump older than v{version} in {DATA}")
    source = older[-1][1]
    steps = migrations.STEPS
    if version > len(steps):
        raise SystemExit(f"this version of the app migrates up to v{len(steps)}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite3"
        db = sqlite3.connect(path)
        db.executescript(source.read_text(encoding="utf-8"))
        db.close()
        migrations.STEPS = steps[:version]  # stop at `version`, whatever comes after it
        try:
            JobStore(path).close()
        finally:
            migrations.STEPS = steps
        db = sqlite3.connect(path)
        lines = [line for line in db.iterdump()]
        db.close()
    header = f"-- history schema v{version}, written by getimg_studio.jobs.store at schema {version}; never edit."
    if note:
        header += f"\n-- {note}"
    target = DATA / f"history_v{version}.sql"
    target.write_text("\n".join([header, f"PRAGMA user_version = {version};", *lines]) + "\n", encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", type=int)
    parser.add_argument("--note", default="", help="a second comment line (why this dump is as it is)")
    args = parser.parse_args(argv)
    print(dump(args.version, args.note))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
