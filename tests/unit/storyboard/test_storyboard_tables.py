from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.jobs import migrations
from getimg_studio.jobs.storyboard import edits, tables
from getimg_studio.jobs.storyboard.codec import StoryboardFormatError
from getimg_studio.jobs.storyboard.fileformat import load_storyboard_file
from getimg_studio.jobs.storyboard.model import Storyboard
from getimg_studio.jobs.storyboard.slots import (
    Part,
    RunState,
    Slot,
    SlotKey,
    SlotState,
    changed,
    claim,
    link_job,
    prepare_run,
    release,
)
from tests.unit.storyboard.builders import EXAMPLE, T0, board, chained, finish, keyframed, plain


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    """The history's schema as the store builds it (every released step; the storyboards are step 4)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row  # as JobStore sets it; the functions must not depend on it
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    for step in migrations.STEPS:
        for statement in step:
            conn.execute(statement)
    conn.execute("COMMIT")
    yield conn
    conn.close()


def test_the_step_is_plain_statements_that_apply_in_one_transaction() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("BEGIN")
    for statement in tables.SCHEMA_STEP:
        conn.execute(statement)  # one statement each (execute refuses more): the store runs them one by one
    conn.execute("ROLLBACK")  # nothing is committed behind the store's back
    assert conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'storyboard%'").fetchall() == []


def test_insert_load_and_save_keep_every_field(db: sqlite3.Connection) -> None:
    sb = load_storyboard_file(EXAMPLE)
    stored = tables.insert_storyboard(db, sb, now=T0, source_path=EXAMPLE)
    assert stored.id is not None
    assert stored.created_at == T0
    assert stored.updated_at == T0
    loaded = tables.load_storyboard(db, stored.id)
    assert loaded == stored
    assert loaded.shot("gull").references[0].path == EXAMPLE.parent / "gull.png"  # absolute in the history
    later = T0 + timedelta(minutes=5)
    edited = edits.choose_take(edits.move_up(edits.rename(loaded, "Renamed"), "gull"), "climb", 1)
    saved = tables.save_storyboard(db, edited, now=later)
    again = tables.load_storyboard(db, stored.id)
    assert again == saved
    assert again.name == "Renamed"
    assert again.created_at == T0
    assert again.updated_at == later
    assert [s.id for s in again.shots] == ["harbour", "climb", "gull", "lamp"]
    assert again.shot("climb").chosen_take == 1
    assert tables.storyboard_from_source(db, EXAMPLE) == stored.id
    assert tables.storyboard_from_source(db, Path("/other.json")) is None
    assert tables.load_storyboard(db, 999) is None


def test_saving_an_unstored_or_missing_storyboard_is_refused(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="inserted"):
        tables.save_storyboard(db, Storyboard(id=None), now=T0)
    with pytest.raises(LookupError):
        tables.save_storyboard(db, board(plain("a")), now=T0)  # id 1 was never inserted


def test_list_newest_first_with_shot_counts(db: sqlite3.Connection) -> None:
    first = tables.insert_storyboard(db, board(plain("a")), now=T0)
    second = tables.insert_storyboard(db, board(plain("a"), plain("b")), now=T0 + timedelta(minutes=1))
    assert first.id is not None
    assert second.id is not None
    tables.set_running(db, second.id, True)
    summaries = tables.list_storyboards(db)
    assert [(s.id, s.shots, s.running) for s in summaries] == [(second.id, 2, True), (first.id, 1, False)]
    assert tables.running_storyboards(db) == [second.id]
    tables.set_running(db, second.id, False)
    assert tables.running_storyboards(db) == []


def test_slots_round_trip_and_updates_replace_rows(db: sqlite3.Connection) -> None:
    sb = tables.insert_storyboard(db, board(keyframed("a", takes=2), chained("b")), now=T0)
    assert sb.id is not None
    empty = tables.load_run_state(db, sb.id)
    assert empty == RunState()
    state = prepare_run(sb, empty)
    tables.save_slots(db, sb.id, changed(empty, state))
    assert tables.load_run_state(db, sb.id) == state
    a0, kf = SlotKey("a", Part.VIDEO, 0), SlotKey("a", Part.FIRST_FRAME, 0)
    progressed = finish(state, kf)
    progressed = finish(progressed, a0, inputs=(kf,))
    progressed = link_job(claim(progressed, SlotKey("a", Part.VIDEO, 1), estimate=Decimal("0.375")),
                          SlotKey("a", Part.VIDEO, 1), 77)
    rows = changed(state, progressed)
    assert {s.key for s in rows} == {kf, a0, SlotKey("a", Part.VIDEO, 1)}
    tables.save_slots(db, sb.id, rows)
    loaded = tables.load_run_state(db, sb.id)
    assert loaded == progressed
    assert loaded[a0].inputs == (kf,)
    assert loaded[a0].ready_at == T0
    assert loaded[a0].last_frame is not None
    assert tables.slot_for_job(db, 77) == (sb.id, progressed[SlotKey("a", Part.VIDEO, 1)])
    assert tables.slot_for_job(db, 78) is None


def test_one_job_makes_one_take(db: sqlite3.Connection) -> None:
    sb = tables.insert_storyboard(db, board(plain("a", takes=2)), now=T0)
    assert sb.id is not None
    slots = [Slot(SlotKey("a", Part.VIDEO, i), state=SlotState.QUEUED, job_id=5) for i in range(2)]
    with pytest.raises(sqlite3.IntegrityError):
        tables.save_slots(db, sb.id, slots)


def test_deleting_a_shot_or_storyboard_takes_its_takes_along(db: sqlite3.Connection) -> None:
    sb = tables.insert_storyboard(db, board(plain("a"), plain("b")), now=T0)
    assert sb.id is not None
    tables.save_slots(db, sb.id, prepare_run(sb, RunState()))
    tables.save_storyboard(db, edits.delete_shot(sb, "a"), now=T0)
    assert sorted(tables.load_run_state(db, sb.id).slots) == [SlotKey("b", Part.VIDEO, 0)]
    with pytest.raises(sqlite3.IntegrityError):  # a take belongs to a shot that exists
        tables.save_slots(db, sb.id, [Slot(SlotKey("gone", Part.VIDEO, 0))])
    tables.delete_storyboard(db, sb.id)
    assert tables.load_storyboard(db, sb.id) is None
    assert db.execute("SELECT COUNT(*) FROM storyboard_takes").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM storyboard_shots").fetchone()[0] == 0


def test_a_damaged_shot_row_is_a_clear_error(db: sqlite3.Connection) -> None:
    sb = tables.insert_storyboard(db, board(plain("a")), now=T0)
    db.execute("UPDATE storyboard_shots SET params = '{\"prompt\": 3}'")
    with pytest.raises(StoryboardFormatError, match=r"Shot a of storyboard \d+ is not a valid storyboard"):
        tables.load_storyboard(db, sb.id or 0)


def test_rows_work_with_plain_tuples_too() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    for statement in tables.SCHEMA_STEP:
        conn.execute(statement)
    sb = tables.insert_storyboard(conn, board(plain("a"), chained("b")), now=T0)
    assert tables.load_storyboard(conn, sb.id or 0) == sb


def test_the_file_itself_refuses_to_send_a_take_again(db: sqlite3.Connection) -> None:
    sb = tables.insert_storyboard(db, board(plain("a")), now=T0)
    assert sb.id is not None
    a0 = SlotKey("a", Part.VIDEO, 0)
    state = prepare_run(sb, RunState())
    tables.save_slots(db, sb.id, state)
    claimed = claim(state, a0)
    tables.save_slots(db, sb.id, changed(state, claimed))
    tables.save_slots(db, sb.id, [release(claimed, a0)[a0]])  # a claim with no job may go back...
    assert tables.load_run_state(db, sb.id)[a0].state is SlotState.NOT_STARTED
    tables.save_slots(db, sb.id, changed(state, claimed))  # ...and be claimed again
    linked = link_job(claimed, a0, 3)
    tables.save_slots(db, sb.id, changed(state, linked))
    for bad in (Slot(a0), Slot(a0, state=SlotState.QUEUED, job_id=4), Slot(a0, state=SlotState.QUEUED)):
        with pytest.raises(sqlite3.IntegrityError, match="sent once"):
            tables.save_slots(db, sb.id, [bad])
    done = finish(RunState.of([Slot(a0)]), a0)
    tables.save_slots(db, sb.id, [replace(done[a0], job_id=3)])
    with pytest.raises(sqlite3.IntegrityError, match="sent once"):
        tables.save_slots(db, sb.id, [Slot(a0, state=SlotState.QUEUED, job_id=3)])
    assert tables.load_run_state(db, sb.id)[a0].state is SlotState.READY
