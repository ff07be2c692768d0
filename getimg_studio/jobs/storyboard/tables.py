"""Storyboards, their shots and their takes in the history database: row conversion and statements.

The schema step (`SCHEMA_STEP`) and the one read start-up makes live in `schema.py`, which needs none of the
storyboard's values: opening the history does not import them. The functions below take the store's
connection and never begin or commit a transaction: the store wraps each call in its own `BEGIN IMMEDIATE`
so a storyboard's rows change together.

A shot's `params` column is the storyboard file's shot object (`codec.shot_to_json`, absolute paths), so
the history and the shared file can never disagree on what a shot is. `job_id` is a plain column, not a
foreign key: the creator may remove a job from the history, and the runner must then see a take whose job
is gone (and fail it) rather than have the link vanish.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .codec import defaults_from_json, defaults_to_json, shot_from_json, shot_to_json
from .model import Storyboard
from .schema import SCHEMA_STEP as SCHEMA_STEP
from .schema import running_storyboards as running_storyboards
from .slots import Part, RunState, Slot, SlotKey, SlotState

_STORYBOARD_COLUMNS = "id, name, style, defaults, created_at, updated_at"
_SHOT_COLUMNS = "shot_id, params, chosen_take"
_TAKE_COLUMNS = ("shot_id", "part", "take", "round", "state", "job_id", "file_path", "last_frame", "reason",
                 "estimate", "cost", "ready_at", "inputs")


@dataclass(frozen=True, slots=True)
class StoryboardSummary:
    id: int
    name: str
    shots: int
    running: bool
    updated_at: datetime


# Conversions -------------------------------------------------------------------------------------------

def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def storyboard_row(storyboard: Storyboard) -> dict[str, Any]:
    """The `storyboards` row's columns (without id, running and source_path)."""
    return {
        "name": storyboard.name,
        "style": storyboard.style,
        "defaults": json.dumps(defaults_to_json(storyboard.defaults), sort_keys=True),
        "created_at": _time(storyboard.created_at),
        "updated_at": _time(storyboard.updated_at),
    }


def shot_rows(storyboard: Storyboard) -> list[tuple[str, int, str, int | None]]:
    """(shot_id, position, params, chosen_take) for each shot, in order."""
    return [(shot.id, position, json.dumps(shot_to_json(shot, with_id=False), ensure_ascii=False),
             shot.chosen_take) for position, shot in enumerate(storyboard.shots)]


def storyboard_from_rows(row: Sequence[Any], shots: Iterable[Sequence[Any]]) -> Storyboard:
    """A `storyboards` row (`_STORYBOARD_COLUMNS`) and its shot rows (`_SHOT_COLUMNS`, in position order)."""
    sb_id, name, style, defaults, created_at, updated_at = row
    loaded = []
    for shot_id, params, chosen_take in shots:
        shot = shot_from_json(json.loads(params), shot_id, what=f"Shot {shot_id} of storyboard {sb_id}")
        loaded.append(replace(shot, chosen_take=chosen_take))
    return Storyboard(id=int(sb_id), name=name, style=style, defaults=defaults_from_json(json.loads(defaults)),
                      shots=tuple(loaded), created_at=_parse_time(created_at), updated_at=_parse_time(updated_at))


def slot_row(slot: Slot) -> dict[str, Any]:
    """A `storyboard_takes` row's columns for `slot` (without storyboard_id)."""
    k = slot.key
    return {
        "shot_id": k.shot_id, "part": k.part.value, "take": k.take, "round": slot.round,
        "state": slot.state.value, "job_id": slot.job_id,
        "file_path": str(slot.file) if slot.file else None,
        "last_frame": str(slot.last_frame) if slot.last_frame else None,
        "reason": slot.reason, "estimate": _money(slot.estimate), "cost": _money(slot.cost),
        "ready_at": _time(slot.ready_at),
        "inputs": json.dumps([[i.shot_id, i.part.value, i.take] for i in slot.inputs]),
    }


def slot_from_row(row: Sequence[Any]) -> Slot:
    """A `storyboard_takes` row, columns in `_TAKE_COLUMNS` order."""
    (shot_id, part, take, round_, state, job_id, file_path, last_frame, reason, estimate, cost, ready_at,
     inputs) = row
    return Slot(
        key=SlotKey(shot_id, Part(part), int(take)),
        round=int(round_),
        state=SlotState(state),
        job_id=int(job_id) if job_id is not None else None,
        file=_path(file_path),
        last_frame=_path(last_frame),
        reason=reason,
        estimate=Decimal(estimate) if estimate is not None else None,
        cost=Decimal(cost) if cost is not None else None,
        ready_at=_parse_time(ready_at),
        inputs=tuple(SlotKey(s, Part(p), int(t)) for s, p, t in json.loads(inputs)),
    )


# Reads and writes (inside the caller's transaction) ------------------------------------------------------

def insert_storyboard(db: sqlite3.Connection, storyboard: Storyboard, *, now: datetime,
                      source_path: Path | None = None) -> Storyboard:
    """Store a new storyboard (its `id` is ignored) and return it with its id and timestamps."""
    stamped = replace(storyboard, created_at=now, updated_at=now)
    row = storyboard_row(stamped)
    cursor = db.execute(
        "INSERT INTO storyboards (name, style, defaults, created_at, updated_at, source_path)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (row["name"], row["style"], row["defaults"], row["created_at"], row["updated_at"],
         str(source_path) if source_path else None),
    )
    assert cursor.lastrowid is not None
    stored = replace(stamped, id=int(cursor.lastrowid))
    _write_shots(db, stored)
    return stored


def save_storyboard(db: sqlite3.Connection, storyboard: Storyboard, *, now: datetime) -> Storyboard:
    """Write a stored storyboard's edits: its row, its shots in order; removed shots go with their takes."""
    if storyboard.id is None:
        raise ValueError("an unsaved storyboard is inserted, not saved")
    stamped = replace(storyboard, updated_at=now)
    row = storyboard_row(stamped)
    cursor = db.execute("UPDATE storyboards SET name = ?, style = ?, defaults = ?, updated_at = ? WHERE id = ?",
                        (row["name"], row["style"], row["defaults"], row["updated_at"], storyboard.id))
    if cursor.rowcount != 1:
        raise LookupError(f"there is no storyboard {storyboard.id}")
    _write_shots(db, stamped)
    return stamped


def _write_shots(db: sqlite3.Connection, storyboard: Storyboard) -> None:
    ids = [shot.id for shot in storyboard.shots]
    marks = ", ".join("?" * len(ids))
    db.execute(f"DELETE FROM storyboard_shots WHERE storyboard_id = ? AND shot_id NOT IN ({marks})",
               (storyboard.id, *ids))
    db.executemany(
        "INSERT INTO storyboard_shots (storyboard_id, shot_id, position, params, chosen_take)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (storyboard_id, shot_id) DO UPDATE SET"
        " position = excluded.position, params = excluded.params, chosen_take = excluded.chosen_take",
        [(storyboard.id, *row) for row in shot_rows(storyboard)],
    )


def load_storyboard(db: sqlite3.Connection, storyboard_id: int) -> Storyboard | None:
    row = db.execute(f"SELECT {_STORYBOARD_COLUMNS} FROM storyboards WHERE id = ?", (storyboard_id,)).fetchone()
    if row is None:
        return None
    shots = db.execute(f"SELECT {_SHOT_COLUMNS} FROM storyboard_shots WHERE storyboard_id = ? ORDER BY position",
                       (storyboard_id,)).fetchall()
    return storyboard_from_rows(tuple(row), [tuple(s) for s in shots])


def list_storyboards(db: sqlite3.Connection) -> list[StoryboardSummary]:
    """Every storyboard, the most recently saved first."""
    rows = db.execute(
        "SELECT s.id, s.name, (SELECT COUNT(*) FROM storyboard_shots WHERE storyboard_id = s.id), s.running,"
        " s.updated_at FROM storyboards s ORDER BY s.updated_at DESC, s.id DESC"
    ).fetchall()
    return [StoryboardSummary(int(i), name, int(n), bool(running), datetime.fromisoformat(updated))
            for i, name, n, running, updated in rows]


def delete_storyboard(db: sqlite3.Connection, storyboard_id: int) -> None:
    """The storyboard, its shots and its takes (needs `PRAGMA foreign_keys=ON`); the jobs stay in the history."""
    db.execute("DELETE FROM storyboards WHERE id = ?", (storyboard_id,))


def set_running(db: sqlite3.Connection, storyboard_id: int, running: bool) -> None:
    db.execute("UPDATE storyboards SET running = ? WHERE id = ?", (int(running), storyboard_id))


def storyboard_from_source(db: sqlite3.Connection, source_path: Path) -> int | None:
    """The latest storyboard stored from a file, so running the same file again carries on its run."""
    row = db.execute("SELECT id FROM storyboards WHERE source_path = ? ORDER BY id DESC LIMIT 1",
                     (str(source_path),)).fetchone()
    return int(row[0]) if row is not None else None


def save_slots(db: sqlite3.Connection, storyboard_id: int, slots: Iterable[Slot]) -> None:
    """Insert or update slots (pass `slots.changed(old, new)`); the store commits before the engine is asked."""
    columns = ("storyboard_id", *_TAKE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _TAKE_COLUMNS[3:])
    db.executemany(
        f"INSERT INTO storyboard_takes ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT (storyboard_id, shot_id, part, take) DO UPDATE SET {updates}",
        [(storyboard_id, *(row[c] for c in _TAKE_COLUMNS)) for row in map(slot_row, slots)],
    )


def load_run_state(db: sqlite3.Connection, storyboard_id: int) -> RunState:
    rows = db.execute(f"SELECT {', '.join(_TAKE_COLUMNS)} FROM storyboard_takes WHERE storyboard_id = ?",
                      (storyboard_id,)).fetchall()
    return RunState.of(slot_from_row(tuple(r)) for r in rows)


def slot_for_job(db: sqlite3.Connection, job_id: int) -> tuple[int, Slot] | None:
    """(storyboard id, slot) of the take a job makes, for the runner's job events."""
    row = db.execute(f"SELECT storyboard_id, {', '.join(_TAKE_COLUMNS)} FROM storyboard_takes WHERE job_id = ?",
                     (job_id,)).fetchone()
    if row is None:
        return None
    return int(row[0]), slot_from_row(tuple(row)[1:])
