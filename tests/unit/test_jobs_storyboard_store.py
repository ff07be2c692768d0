"""Storyboards in the history: migration step 4 from every older schema, job origins, the store's transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs import migrations
from getimg_studio.jobs.model import JobFilter, JobState
from getimg_studio.jobs.store import JobReader, JobStore
from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.model import Defaults, FrameSource, Shot, Storyboard
from getimg_studio.jobs.storyboard.slots import (
    Part,
    RunState,
    SlotKey,
    SlotState,
    changed,
    claim,
    link_job,
    mark_sent,
    prepare_run,
    release,
)

DATA = Path(__file__).parent.parent / "data"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _open_dump(tmp_path: Path, dump: Path) -> JobStore:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(dump.read_text(encoding="utf-8"))
    db.close()
    return JobStore(path)


def _board() -> Storyboard:
    return Storyboard(None, "Two shots", "Soft light.", Defaults(model="seedance-v1-5-pro"),
                      (Shot("a", "A harbour at dawn", takes=2),
                       Shot("b", "Boats leave", first_frame=FrameSource.chained())))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "history.sqlite3")
    yield s
    s.close()


@pytest.mark.parametrize("dump", sorted(DATA.glob("history_v*.sql")), ids=lambda p: p.stem)
def test_every_older_schema_gains_storyboards_and_origins(tmp_path: Path, dump: Path) -> None:
    store = _open_dump(tmp_path, dump)
    assert store.version == migrations.latest_version() >= 4
    before = store.storyboards()
    stored = store.add_storyboard(_board(), now=T0)
    assert stored.id is not None
    assert next(s.id for s in store.storyboards()) == stored.id
    assert len(store.storyboards()) == len(before) + 1
    assert store.storyboard(stored.id) == stored
    old_jobs = store.page(JobFilter.ALL, "", 0, 50)
    assert old_jobs
    assert all(j.origin is None or j.origin.startswith("storyboard:") for j in old_jobs)
    [job] = store.insert(GenerationRequest("sim-fixed-lite", "tagged"), origin="storyboard:9:x:video:0")
    assert store.by_origin("storyboard:9:x:video:0") == job
    assert job.origin == "storyboard:9:x:video:0"
    store.close()


def test_the_v4_dump_keeps_its_storyboard_its_run_and_its_origins(tmp_path: Path) -> None:
    store = _open_dump(tmp_path, DATA / "history_v4.sql")
    [summary] = store.storyboards()
    assert (summary.name, summary.shots, summary.running) == ("Lighthouse", 2, True)
    board = store.storyboard(summary.id)
    assert board is not None
    assert board.shots[1].chained
    assert board.defaults.sound
    state = store.run_state(summary.id)
    ready = state[SlotKey("a1", Part.VIDEO, 0)]
    assert ready.state is SlotState.READY
    assert ready.job_id == 1
    assert ready.cost == Decimal("0.225")
    assert ready.last_frame == Path("/data/frames/last-frames/1-a1-0.png")
    job = store.by_origin(ready.key.token(summary.id))
    assert job is not None
    assert job.id == 1
    assert job.state is JobState.READY
    assert store.running_storyboards() == [summary.id]
    assert store.storyboard_from_source(Path("/data/storyboards/lighthouse.json")) == summary.id
    store.close()


def test_an_origin_names_one_job_only(store: JobStore) -> None:
    request = GenerationRequest("sim-fixed-lite", "once")
    [first] = store.insert(request, origin="storyboard:1:a:video:0")
    with pytest.raises(sqlite3.IntegrityError):
        store.insert(request, origin="storyboard:1:a:video:0")
    assert store.count() == 1  # the refused insert left nothing behind
    with pytest.raises(ValueError):
        store.insert(request, count=2, origin="storyboard:1:a:video:1")
    assert store.by_origin("storyboard:1:a:video:0") == first
    assert store.by_origin("storyboard:1:a:video:1") is None


def test_the_reader_sees_storyboards_and_cannot_write_them(store: JobStore) -> None:
    stored = store.add_storyboard(_board(), now=T0)
    assert stored.id is not None
    reader = JobReader(store.path)
    try:
        assert reader.storyboard(stored.id) == stored
        assert reader.run_state(stored.id) == RunState()
        with pytest.raises(sqlite3.OperationalError):
            reader._db.execute("DELETE FROM storyboards")
    finally:
        reader.close()


def test_a_save_with_a_refused_slot_changes_nothing(store: JobStore) -> None:
    stored = store.add_storyboard(_board(), now=T0)
    assert stored.id is not None
    state = prepare_run(stored, RunState())
    key = SlotKey("a", Part.VIDEO, 0)
    sent = mark_sent(link_job(claim(state, key), key, 7), key)
    store.save_slots(stored.id, changed(RunState(), sent))
    # A slot written back to not_started after it was sent is what the trigger refuses: the rename goes too.
    renamed = edits.rename(stored, "Renamed")
    back = release(claim(state, key), key)
    with pytest.raises(sqlite3.IntegrityError):
        store.save_storyboard(renamed, now=T0, slots=[back[key]])
    kept = store.storyboard(stored.id)
    assert kept is not None
    assert kept.name == "Two shots"
    assert store.run_state(stored.id)[key].state is SlotState.SENT


def test_running_flag_and_delete(store: JobStore) -> None:
    stored = store.add_storyboard(_board(), now=T0, source_path=Path("/boards/a.json"))
    assert stored.id is not None
    store.set_storyboard_running(stored.id, True)
    assert store.storyboard_is_running(stored.id)
    assert store.running_storyboards() == [stored.id]
    store.save_slots(stored.id, changed(RunState(), prepare_run(stored, RunState())))
    store.delete_storyboard(stored.id)
    assert store.storyboard(stored.id) is None
    assert store.run_state(stored.id) == RunState()
    assert not store.storyboard_is_running(stored.id)


def test_a_file_job_is_a_ready_row_with_its_output(store: JobStore, tmp_path: Path) -> None:
    out = tmp_path / "export.mp4"
    out.write_bytes(b"x" * 10)
    job = store.insert_file_job(GenerationRequest("storyboard-export", "Two shots"), out, origin="export:1:abc",
                                now=T0, width=854, height=480, duration=9.5, fps=24.0, has_sound=True, size=10)
    assert job.state is JobState.READY
    assert job.file_path == out
    assert job.outputs[0].saved
    assert (job.width, job.height, job.duration, job.has_sound) == (854, 480, 9.5, True)
    assert job.cost is None
    assert job.remote_id is None
    assert store.queued_ids() == []
    assert store.unfinished() == []
