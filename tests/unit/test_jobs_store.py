"""The SQLite history: round trips, views, search, migrations, old and newer schema files, speed."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.api.types import CostEstimate, FrameRef, GenerationRequest, Role
from getimg_studio.jobs import migrations
from getimg_studio.jobs.model import JobFilter, JobKind, JobState, UrlState
from getimg_studio.jobs.rows import JobChange, NewOutput, OutputChange
from getimg_studio.jobs.store import HistoryError, JobReader, JobStore

DATA = Path(__file__).parent.parent / "data"
T0 = datetime(2026, 11, 25, 14, 3, 12, tzinfo=UTC)


def request(prompt: str = "a cat on a skateboard", model: str = "sim-fixed-lite") -> GenerationRequest:
    return GenerationRequest(model=model, prompt=prompt, aspect_ratio="16:9", duration=4.0,
                             frames=(FrameRef(Role.FIRST_FRAME, path=Path("/data/frames/ab.png")),))


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    s = JobStore(tmp_path / "history.sqlite3")
    yield s  # type: ignore[misc]
    s.close()


def test_round_trip_keeps_everything(store: JobStore) -> None:
    estimate = CostEstimate(Decimal("0.04"), "USD", Decimal("0.01"), Decimal("4"), "video_second")
    [job] = store.insert(request(), estimate=estimate, batch_id="b1", now=T0)
    assert job.state is JobState.QUEUED
    assert job.kind is JobKind.VIDEO
    assert job.request == request()
    assert job.estimate == estimate
    assert job.created_at == T0
    assert job.batch_id == "b1"
    assert job.outputs == ()
    items = [NewOutput(0, "https://x/dl?sig=secret", deletes_at=T0 + timedelta(days=1), width=854, height=480,
                       duration=4.0, fps=24.0, has_sound=False),
             NewOutput(1, "https://x/dl1?sig=secret2", mime_type="video/mp4")]
    done = store.write(job.id, JobChange(
        state=JobState.READY, remote_id="gen-1", submitted_at=T0, completed_at=T0 + timedelta(seconds=8),
        cost=Decimal("0.04")), now=T0 + timedelta(seconds=9), items=items,
        output=(0, OutputChange(file_path=Path("/v/a.mp4"), saved=True, bytes_done=10, bytes_total=10)))
    assert done.state is JobState.READY
    assert done.remote_id == "gen-1"
    assert done.cost == Decimal("0.04")
    assert done.has_sound is False
    assert done.file_path == Path("/v/a.mp4")  # the first output's
    assert (done.width, done.height, done.bytes_total) == (854, 480, 10)
    assert [o.index for o in done.outputs] == [0, 1]
    assert done.outputs[0].saved
    assert not done.outputs[1].saved
    assert done.outputs[1].deletes_at is None
    assert {o.url_state for o in done.outputs} == {UrlState.HELD}
    assert done.files == (Path("/v/a.mp4"),)
    assert done.updated_at == T0 + timedelta(seconds=9)
    assert "secret" not in repr(done)  # the signed URL is not part of a Job
    assert store.output_url(job.id, 1) == "https://x/dl1?sig=secret2"
    assert store.median_duration("sim-fixed-lite") == 8.0
    assert store.median_duration("other") is None
    # A fresh answer renews the URL but keeps the file and the metadata it does not repeat.
    again = store.write(job.id, JobChange(), now=T0, items=[NewOutput(0, "https://x/new?sig=s3")])
    assert again.outputs[0].file_path == Path("/v/a.mp4")
    assert again.width == 854
    assert store.output_url(job.id, 0) == "https://x/new?sig=s3"


def test_the_reader_reads_what_the_writer_wrote_and_cannot_write(store: JobStore) -> None:
    [job] = store.insert(request())
    reader = JobReader(store.path)
    try:
        assert reader.get(job.id) == job
        assert reader.ids() == [job.id]
        store.write(job.id, JobChange(state=JobState.PAUSED), now=T0)
        assert reader.get(job.id).state is JobState.PAUSED  # type: ignore[union-attr]
        with pytest.raises(sqlite3.OperationalError):
            reader._db.execute("DELETE FROM jobs")
    finally:
        reader.close()


def test_queue_order_and_reorder(store: JobStore) -> None:
    a, b = store.insert(request("first"), count=2)
    [c] = store.insert(request("third"))
    assert store.queued_ids() == [a.id, b.id, c.id]
    assert store.next_queued() == a
    store.reorder([c.id, a.id, b.id])
    assert store.queued_ids() == [c.id, a.id, b.id]
    store.write(c.id, JobChange(state=JobState.PAUSED), now=T0)
    assert store.next_queued().id == a.id  # type: ignore[union-attr]
    assert store.queued_ids() == [c.id, a.id, b.id]  # paused jobs keep their place
    [d] = store.insert(request("fourth"))
    assert store.queued_ids()[-1] == d.id
    store.write(a.id, JobChange(state=JobState.SUBMITTING), now=T0)
    assert store.in_flight(None) == 1
    store.set_meta("k", "v")
    assert store.meta("k") == "v"
    store.set_meta("k", None)
    assert store.meta("k") is None


def test_deleting_a_job_deletes_its_outputs(store: JobStore) -> None:
    [job] = store.insert(request())
    store.write(job.id, JobChange(), now=T0, items=[NewOutput(0, "https://x/0")])
    store.delete([job.id])
    assert store._db.execute("SELECT count(*) FROM outputs").fetchone()[0] == 0


def test_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    first = JobStore(path)
    [job] = first.insert(request())
    first.close()
    again = JobStore(path)
    assert again.get(job.id) == job
    assert again.version == migrations.latest_version()
    again.close()


def test_write_of_a_missing_job_is_a_key_error(store: JobStore) -> None:
    with pytest.raises(KeyError):
        store.write(9999, JobChange(state=JobState.READY), now=T0)


def test_views_search_and_order(store: JobStore) -> None:
    a, b = store.insert(request("Sunset over 100% pure_water"), count=2)
    [c] = store.insert(request("CAFÉ scene"))
    store.write(a.id, JobChange(state=JobState.FAILED), now=T0)
    store.write(b.id, JobChange(state=JobState.READY), now=T0)
    store.set_favourite([b.id], True)
    assert store.ids() == [c.id, b.id, a.id]
    assert store.ids(JobFilter.ACTIVE) == [c.id]  # queued counts as active
    assert store.ids(JobFilter.QUEUED) == [c.id]
    assert store.ids(JobFilter.FAILED) == [a.id]
    assert store.ids(JobFilter.FAVOURITES) == [b.id]
    assert store.count(JobFilter.ALL, "sunset") == 2
    assert store.count(JobFilter.ALL, "café") == 1  # case-insensitive beyond ASCII
    assert store.count(JobFilter.ALL, "100%") == 2
    assert store.count(JobFilter.ALL, "1%0") == 0  # % is literal, not a wildcard
    assert store.count(JobFilter.ALL, "t_over") == 0  # so is _ ("sunset over")
    assert store.count(JobFilter.ALL, "pure_water") == 2
    assert [j.id for j in store.page(JobFilter.ALL, "", 1, 1)] == [b.id]
    assert [j.id for j in store.unfinished()] == [c.id]
    store.delete([a.id, c.id])
    assert store.ids() == [b.id]


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    JobStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer version of getimg Studio"):
        JobStore(path)
    assert path.read_bytes() == before


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_text("hello, not sqlite " * 100)
    with pytest.raises(HistoryError, match="damaged or not a history file"):
        JobStore(path)


def test_backup_before_migrating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite3"
    old = JobStore(path)
    [job] = old.insert(request())
    old.close()
    current = migrations.latest_version()
    step = ("ALTER TABLE jobs ADD COLUMN note TEXT", "UPDATE jobs SET note = 'x'")
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, step))
    new = JobStore(path)
    assert new.version == current + 1
    assert new.get(job.id) == job
    new.close()
    backup = tmp_path / f"history.v{current}.backup.sqlite3"
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == current
        assert db.execute("SELECT count(*) FROM jobs").fetchone()[0] == 1
    db.close()


def test_failed_migration_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite3"
    JobStore(path).close()
    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, ("ALTER TABLE jobs ADD COLUMN n TEXT", "BOGUS")))
    with pytest.raises(HistoryError):
        JobStore(path)
    monkeypatch.undo()
    again = JobStore(path)
    assert again.version == migrations.latest_version()
    assert "n" not in {r[1] for r in again._db.execute("PRAGMA table_info(jobs)")}
    again.close()


def _version(dump: Path) -> int:
    return int(dump.stem.removeprefix("history_v"))


def past_dumps() -> dict[str, str]:
    """Every saved dump, and, for a step that is empty on this branch (another branch's, not merged yet, whose
    dump that branch owns), the dump before it marked with its number: the schema such a history has here."""
    saved = {_version(p): p.read_text(encoding="utf-8") for p in DATA.glob("history_v*.sql")}
    for version in range(1, migrations.latest_version() + 1):
        if version not in saved and not migrations.STEPS[version - 1] and version - 1 in saved:
            saved[version] = saved[version - 1] + f"\nPRAGMA user_version = {version};\n"
    return {f"history_v{v}": saved[v] for v in sorted(saved)}


@pytest.mark.parametrize("name", sorted(past_dumps()))
def test_every_past_schema_opens(tmp_path: Path, name: str) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(past_dumps()[name])
    db.close()
    store = JobStore(path)
    assert store.version == migrations.latest_version()
    jobs = store.page(JobFilter.ALL, "", 0, 10)
    assert jobs
    assert jobs[0].request.prompt
    assert store.count(JobFilter.ALL, "skateboard") >= 1
    ready = [j for j in jobs if j.state is JobState.READY]
    assert ready
    for job in ready:  # the saved file moved to the outputs table and is still the job's file
        assert job.file_path is not None
        assert job.outputs
        assert job.outputs[0].saved
        assert job.kind is JobKind.VIDEO
    # Money: every job billed in the old history is in the ledger, at what it cost (the ledger's backfill).
    billed = {j.id: j.cost for j in jobs if j.cost is not None}
    assert billed
    entries = store.ledger_entries(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC),
                                   all_backends=True)
    assert {e.job_id: e.usage.total for e in entries} == billed
    store.close()


def test_dumps_cover_every_past_version() -> None:
    versions = {int(name.removeprefix("history_v")) for name in past_dumps()}
    assert versions == set(range(1, migrations.latest_version() + 1))


def test_a_page_of_a_large_history_is_fast(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "big.sqlite3")
    store._db.execute("BEGIN")
    row = store._db.execute("SELECT * FROM jobs").fetchone()
    assert row is None
    req = request()
    import json

    payload = json.dumps(req.to_json())
    states = [s.value for s in JobState]
    store._db.executemany(
        "INSERT INTO jobs (state, model, prompt_folded, request, created_at, updated_at, favourite) "
        "VALUES (?, 'sim-fixed-lite', ?, ?, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', ?)",
        ((states[i % len(states)], f"prompt number {i}", payload, int(i % 97 == 0)) for i in range(100_000)),
    )
    store._db.execute("COMMIT")
    timings = {}
    for view in JobFilter:
        start = time.perf_counter()
        store.count(view)
        store.page(view, "", 50_000 if view is JobFilter.ALL else 0, 50)
        timings[view] = time.perf_counter() - start
    start = time.perf_counter()
    store.page(JobFilter.ALL, "number 99", 0, 50)
    search = time.perf_counter() - start
    store.close()
    assert max(timings.values()) < 0.25, timings
    assert search < 0.5


def test_unfinished_jobs_belong_to_their_backend(tmp_path: Path) -> None:
    from getimg_studio.api.types import GenerationRequest

    store = JobStore(tmp_path / "h.sqlite3")
    request = GenerationRequest(model="m", prompt="p")
    [demo] = store.insert(request, backend="demo")
    [live] = store.insert(request, backend="https://api.getimg.ai")
    [old] = store.insert(request)  # rows from schema 1 recorded no backend
    assert [j.id for j in store.unfinished("demo")] == [demo.id, old.id]
    assert [j.id for j in store.unfinished("https://api.getimg.ai")] == [live.id, old.id]
    assert len(store.unfinished()) == 3
    assert store.get(demo.id).backend == "demo"  # type: ignore[union-attr]
    store.close()
