"""The job history: one SQLite file, one writer connection (the engine's thread), read-only readers elsewhere.

WAL so readers never wait for the writer, `synchronous=FULL` so a committed transition survives a power
cut, `isolation_level=None` with explicit `BEGIN IMMEDIATE` so each write takes the lock up front.
Opening migrates step by step (a backup of the file first) and refuses a file from a newer version of
the app rather than guessing at its schema.

`JobReader` is what the window reads through: its own read-only connection, so nothing it does can commit
(or wait for an fsync) on the painting thread.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import CostEstimate
from getimg_studio.jobs import ledger, migrations
from getimg_studio.jobs.ledger import LedgerEntry
from getimg_studio.jobs.model import (
    ACTIVE_STATES,
    IN_FLIGHT_STATES,
    MAYBE_BILLED_UNSEEN_STATES,
    UNSENT_STATES,
    Job,
    JobFilter,
    JobKind,
    JobProvenance,
    JobRequest,
    JobState,
    Output,
    kind_of,
    search_text,
)
from getimg_studio.jobs.rows import (
    ImportRecord,
    JobChange,
    NewImport,
    NewOutput,
    OutputChange,
    chunks,
    estimate_json,
    iso,
    to_job,
    to_output,
)
from getimg_studio.jobs.storyboard_store import StoryboardReads, StoryboardWrites

log = logging.getLogger(__name__)


class HistoryError(GetimgError):
    """The history file cannot be used (newer app's file, corrupt, unreadable)."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorKind.DISK, message)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class HistoryReads(StoryboardReads):
    """Every read of the history; `JobStore` (the writer) and `JobReader` (read-only) share them."""

    _db: sqlite3.Connection
    path: Path

    def close(self) -> None:
        self._db.close()

    def get(self, job_id: int) -> Job | None:
        row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return self._with_outputs([row])[0] if row is not None else None

    def by_origin(self, origin: str) -> Job | None:
        """The job made for `origin` (a storyboard's take), if one was queued."""
        row = self._db.execute("SELECT * FROM jobs WHERE origin = ?", (origin,)).fetchone()
        return self._with_outputs([row])[0] if row is not None else None

    def state_of(self, job_id: int) -> tuple[JobState, bool] | None:
        """(state, completed on the server) without building the job: what a poll checks twice."""
        row = self._db.execute("SELECT state, completed_at FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return (JobState(row[0]), row[1] is not None) if row is not None else None

    def get_many(self, job_ids: Sequence[int]) -> list[Job]:
        """The jobs that exist, in the order asked for."""
        found: dict[int, Job] = {}
        for part in chunks(list(job_ids)):
            rows = self._db.execute(f"SELECT * FROM jobs WHERE id IN ({_marks(part)})", tuple(part)).fetchall()
            found.update((j.id, j) for j in self._with_outputs(rows))
        return [found[i] for i in job_ids if i in found]

    def count(self, view: JobFilter = JobFilter.ALL, search: str = "", kind: JobKind | None = None) -> int:
        where, params = _where(view, search, kind)
        return int(self._db.execute(f"SELECT count(*) FROM jobs {where}", params).fetchone()[0])

    def page(self, view: JobFilter, search: str, offset: int, limit: int, kind: JobKind | None = None) -> list[Job]:
        where, params = _where(view, search, kind)
        rows = self._db.execute(
            f"SELECT * FROM jobs {where} ORDER BY id DESC LIMIT ? OFFSET ?", (*params, limit, max(offset, 0))
        ).fetchall()
        return self._with_outputs(rows)

    def ids(self, view: JobFilter = JobFilter.ALL, search: str = "", kind: JobKind | None = None) -> list[int]:
        """The view's ids, newest first; `kind`: only videos or only images (None: both)."""
        where, params = _where(view, search, kind)
        # Plain tuples: a sqlite3.Row per id made this 1.5x slower (56 vs 36 ms at 100,000 jobs, every view switch).
        cursor = self._db.cursor()
        cursor.row_factory = None
        return [r[0] for r in cursor.execute(f"SELECT id FROM jobs {where} ORDER BY id DESC", params)]

    def unfinished(self, backend: str | None = None) -> list[Job]:
        """Jobs not in a terminal state (queued ones included), oldest first (the order they were asked for).

        With `backend`, only the jobs sent to it (and old rows that did not record one; unsent jobs go to
        whichever backend runs).
        """
        states = tuple(s.value for s in ACTIVE_STATES)
        sql = f"SELECT * FROM jobs WHERE state IN ({_marks(states)})"
        params: tuple[str, ...] = states
        if backend is not None:
            sql += " AND (backend IS NULL OR backend = ?)"
            params = (*params, backend)
        return self._with_outputs(self._db.execute(sql + " ORDER BY id", params).fetchall())

    def queued(self, backend: str | None = None) -> list[Job]:
        """Queued and paused jobs (of this backend), the next one to send first."""
        where, params = _queue_where(tuple(s.value for s in UNSENT_STATES), backend)
        rows = self._db.execute(f"SELECT * FROM jobs {where} ORDER BY queue_pos, id", params).fetchall()
        return self._with_outputs(rows)

    def queued_ids(self, backend: str | None = None) -> list[int]:
        """The ids of `queued()`, cheaply (the queue's order is published after every change)."""
        where, params = _queue_where(tuple(s.value for s in UNSENT_STATES), backend)
        cursor = self._db.cursor()
        cursor.row_factory = None
        return [r[0] for r in cursor.execute(f"SELECT id FROM jobs {where} ORDER BY queue_pos, id", params)]

    def next_queued(self, backend: str | None = None) -> Job | None:
        """The queued (not paused) job to send next. A job queued in demo mode is never sent to the real API."""
        where, params = _queue_where((JobState.QUEUED.value,), backend)
        row = self._db.execute(f"SELECT * FROM jobs {where} ORDER BY queue_pos, id LIMIT 1", params).fetchone()
        return self._with_outputs([row])[0] if row is not None else None

    def in_flight(self, backend: str | None) -> int:
        """Generations of this backend getimg is working on (sent, not yet completed)."""
        where, params = _queue_where(tuple(s.value for s in IN_FLIGHT_STATES), backend)
        return int(self._db.execute(f"SELECT count(*) FROM jobs {where} AND completed_at IS NULL", params
                                    ).fetchone()[0])

    def median_duration(self, model: str, sample: int = 50) -> float | None:
        """Median seconds from accepted to completed over the model's latest completions (for ETAs)."""
        rows = self._db.execute(
            "SELECT submitted_at, completed_at FROM jobs WHERE model = ? AND completed_at IS NOT NULL "
            "AND submitted_at IS NOT NULL ORDER BY id DESC LIMIT ?",
            (model, sample),
        ).fetchall()
        spans = [
            (datetime.fromisoformat(r["completed_at"]) - datetime.fromisoformat(r["submitted_at"])).total_seconds()
            for r in rows
        ]
        import statistics  # not at start-up: it loads `fractions`

        return statistics.median(spans) if spans else None

    # Imported files and recipes (issue 14) -----------------------------------------------------------

    def import_record(self, job_id: int) -> ImportRecord | None:
        """The recipe an imported row's file carried; None for a job that was not imported."""
        row = self._db.execute("SELECT recipes, recipe_from, imported_at FROM imports WHERE job_id = ?",
                               (job_id,)).fetchone()
        if row is None:
            return None
        return ImportRecord(row[0], row[1], datetime.fromisoformat(row[2]))

    def job_with_file(self, sha256: str) -> Job | None:
        """The newest job one of whose outputs is exactly these bytes (a file dropped back in that is ours)."""
        row = self._db.execute("SELECT job_id FROM outputs WHERE sha256 = ? ORDER BY job_id DESC LIMIT 1",
                               (sha256,)).fetchone()
        return self.get(int(row[0])) if row is not None else None

    def recent_prompts(self, limit: int = 30, scan: int = 400) -> list[str]:
        """Distinct prompts of the newest `scan` generated jobs, newest first (the prompt field's recall).
        An index walk on the id: constant time whatever the history's size."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        seen: dict[str, None] = {}
        for (text,) in cursor.execute("SELECT request FROM jobs WHERE provenance = 'generated' ORDER BY id DESC "
                                      "LIMIT ?", (scan,)):
            prompt = str(json.loads(text).get("prompt") or "")
            if prompt.strip() and prompt not in seen:
                seen[prompt] = None
                if len(seen) >= limit:
                    break
        return list(seen)

    def _with_outputs(self, rows: Sequence[sqlite3.Row]) -> list[Job]:
        if not rows:
            return []
        ids = [int(r["id"]) for r in rows]
        outputs: dict[int, list[Output]] = {}
        for part in chunks(ids):
            for o in self._db.execute(
                f"SELECT * FROM outputs WHERE job_id IN ({_marks(part)}) ORDER BY job_id, idx", tuple(part)
            ):
                outputs.setdefault(int(o["job_id"]), []).append(to_output(o))
        return [to_job(r, outputs.get(int(r["id"]), ())) for r in rows]

    # Money (issue 15): the spending ledger, and what jobs not billed yet will cost ---------------------------

    def ledger_entries(self, start: datetime, end: datetime, *, backend: str | None = None,
                       all_backends: bool = False) -> list[LedgerEntry]:
        """Billed generations in [start, end) on `backend` (or every backend), oldest first."""
        return ledger.entries_between(self._db, start, end, backend=backend, all_backends=all_backends)

    def ledger_spent(self, start: datetime, end: datetime, *, currency: str, backend: str | None = None) -> Decimal:
        return ledger.spent_between(self._db, start, end, currency=currency, backend=backend)

    def ledger_start(self, *, backend: str | None = None) -> datetime | None:
        return ledger.first_billed_at(self._db, backend=backend)

    def unbilled_estimates(self, backend: str | None, *, since: datetime, currency: str) -> Decimal:
        """The estimates of this backend's jobs that may still be billed and are not in the ledger: every
        unfinished one (queued, paused, sending, generating, waiting on the creator) and, sent since `since`,
        those that may have been billed without the app ever learning it (uncertain, stopped)."""
        active = tuple(s.value for s in ACTIVE_STATES)
        unseen = tuple(s.value for s in MAYBE_BILLED_UNSEEN_STATES)
        sql = (f"SELECT json_extract(estimate, '$.amount'), json_extract(estimate, '$.currency') FROM jobs "
               f"WHERE cost IS NULL AND completed_at IS NULL AND estimate IS NOT NULL "
               f"AND (state IN ({_marks(active)}) OR (state IN ({_marks(unseen)}) "
               f"AND julianday(coalesce(submitted_at, created_at)) >= julianday(?)))")
        params: tuple[Any, ...] = (*active, *unseen, iso(since))
        return self._estimates_sum(sql, params, backend, currency)

    def queued_estimates(self, backend: str | None, *, currency: str) -> Decimal:
        """The estimates of this backend's jobs queued (or paused) and not sent yet: the queue's cost."""
        unsent = tuple(s.value for s in UNSENT_STATES)
        sql = (f"SELECT json_extract(estimate, '$.amount'), json_extract(estimate, '$.currency') FROM jobs "
               f"WHERE estimate IS NOT NULL AND state IN ({_marks(unsent)})")
        return self._estimates_sum(sql, unsent, backend, currency)

    def _estimates_sum(self, sql: str, params: tuple[Any, ...], backend: str | None, currency: str) -> Decimal:
        if backend is not None:
            sql += " AND (backend IS NULL OR backend = ?)"
            params = (*params, backend)
        cursor = self._db.cursor()
        cursor.row_factory = None
        return sum((Decimal(str(amount)) for amount, cur in cursor.execute(sql, params)
                    if amount is not None and (cur or "USD") == currency), Decimal(0))


class JobReader(HistoryReads):
    """A read-only connection to a history the writer has already opened (and migrated)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0,
                                       check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA query_only=ON")
        except sqlite3.Error as exc:
            raise HistoryError(f"The history file {path} cannot be read ({exc}).") from exc


class JobStore(StoryboardWrites, HistoryReads):
    """The writer. Used by one thread at a time (the engine's), one statement at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists() and path.stat().st_size > 0
        try:
            # Opened (and migrated) off the painting thread; used from then on by the engine's thread only.
            self._db = sqlite3.connect(path, isolation_level=None, timeout=10.0, check_same_thread=False)
        except sqlite3.Error as exc:
            raise HistoryError(f"The history file {path} cannot be opened ({exc}).") from exc
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate(existed)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise HistoryError(f"The history file {path} is damaged or not a history file ({exc}).") from exc
        except BaseException:
            self._db.close()
            raise

    # Opening -------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, existed: bool) -> None:
        current, latest = self.version, migrations.latest_version()
        if current > latest:
            raise HistoryError(
                f"The history in {self.path} was written by a newer version of getimg Studio (schema "
                f"{current}, this version reads up to {latest}). Update getimg Studio, or start with another "
                "--data-dir; the file was left untouched."
            )
        if current == latest:
            return
        if existed and current > 0:
            self._backup(current)
        with self._write():
            for version in range(current, latest):
                for statement in migrations.STEPS[version]:
                    self._db.execute(statement)
            # PRAGMA takes no parameters; `latest` is our own int.
            self._db.execute(f"PRAGMA user_version = {int(latest)}")
        log.info("history %s migrated from schema %d to %d", self.path, current, latest)

    def _backup(self, version: int) -> Path:
        target = self.path.with_name(f"{self.path.stem}.v{version}.backup{self.path.suffix}")
        with closing(sqlite3.connect(target)) as copy:
            self._db.backup(copy)
        log.info("history backed up to %s before migrating", target)
        return target

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # Writes (the lifecycle's business) -------------------------------------------------------------

    def insert(
        self,
        request: JobRequest,
        *,
        count: int = 1,
        estimate: CostEstimate | None = None,
        batch_id: str | None = None,
        state: JobState = JobState.QUEUED,
        now: datetime | None = None,
        backend: str | None = None,
        origin: str | None = None,
    ) -> list[Job]:
        """`count` new rows for one request, in one transaction, queued behind every queued job (its kind is
        the request's: `model.kind_of`).

        `origin` (one job only) is unique: a second job for the same origin is refused (sqlite3.IntegrityError).
        """
        if origin is not None and count != 1:
            raise ValueError("an origin names one job")
        stamp = iso(now or utcnow())
        values = (
            state.value, request.model, request.prompt.casefold(), json.dumps(request.to_json()), stamp, stamp,
            estimate_json(estimate), estimate.currency if estimate else "USD", batch_id, backend,
            kind_of(request).value, origin,
        )
        ids: list[int] = []
        with self._write() as db:
            last = db.execute("SELECT coalesce(max(queue_pos), 0) FROM jobs").fetchone()[0]
            for n in range(count):
                cursor = db.execute(
                    "INSERT INTO jobs (state, model, prompt_folded, request, created_at, updated_at, estimate, "
                    "currency, batch_id, backend, kind, origin, queue_pos) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, int(last) + n + 1 if state in UNSENT_STATES else None),
                )
                ids.append(int(cursor.lastrowid or 0))
        return self.get_many(ids)

    def write(self, job_id: int, change: JobChange, *, now: datetime, items: Sequence[NewOutput] = (),
              output: tuple[int, OutputChange] | None = None, bill: LedgerEntry | None = None) -> Job:
        """Apply `change` (and the outputs) in one transaction; the job as it now is. KeyError: no such job.

        `bill` is the ledger's entry for the cost this change records: written in the same transaction, so a
        job's cost and the ledger never disagree, whatever the moment of a crash.
        """
        columns = change.columns()
        columns["updated_at"] = iso(now)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        with self._write() as db:
            cursor = db.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*columns.values(), job_id))
            if cursor.rowcount != 1:
                raise KeyError(job_id)
            for item in items:
                self._upsert_output(db, job_id, item)
            if output is not None:
                index, out_change = output
                self._update_output(db, job_id, index, out_change)
            if bill is not None:
                ledger.insert_entry(db, bill)
        job = self.get(job_id)
        assert job is not None
        return job

    @staticmethod
    def _upsert_output(db: sqlite3.Connection, job_id: int, item: NewOutput) -> None:
        """A fresh answer refreshes an output's URL and metadata; its file and progress stay as they are."""
        db.execute(
            "INSERT INTO outputs (job_id, idx, mime_type, url, deletes_at, width, height, duration, fps, has_sound) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, idx) DO UPDATE SET "
            "mime_type = excluded.mime_type, url = excluded.url, deletes_at = excluded.deletes_at, "
            "width = coalesce(excluded.width, width), height = coalesce(excluded.height, height), "
            "duration = coalesce(excluded.duration, duration), fps = coalesce(excluded.fps, fps), "
            "has_sound = coalesce(excluded.has_sound, has_sound), gone = 0",
            (job_id, item.index, item.mime_type, item.url, iso(item.deletes_at) if item.deletes_at else None,
             item.width, item.height, item.duration, item.fps,
             int(item.has_sound) if item.has_sound is not None else None),
        )

    @staticmethod
    def _update_output(db: sqlite3.Connection, job_id: int, index: int, change: OutputChange) -> None:
        columns = change.columns()
        if not columns:
            return
        assignments = ", ".join(f"{name} = ?" for name in columns)
        cursor = db.execute(f"UPDATE outputs SET {assignments} WHERE job_id = ? AND idx = ?",
                            (*columns.values(), job_id, index))
        if cursor.rowcount != 1:
            raise KeyError((job_id, index))

    def output_url(self, job_id: int, index: int = 0) -> str | None:
        row = self._db.execute("SELECT url FROM outputs WHERE job_id = ? AND idx = ?", (job_id, index)).fetchone()
        return row[0] if row is not None else None

    def set_favourite(self, job_ids: Sequence[int], favourite: bool, now: datetime | None = None) -> None:
        stamp = iso(now or utcnow())
        with self._write() as db:
            db.executemany(
                "UPDATE jobs SET favourite = ?, updated_at = ? WHERE id = ?",
                [(int(favourite), stamp, i) for i in job_ids],
            )

    def reorder(self, job_ids: Sequence[int]) -> None:
        """Number the queued jobs 1..n in this order (ids not queued are ignored)."""
        with self._write() as db:
            db.executemany("UPDATE jobs SET queue_pos = ? WHERE id = ? AND queue_pos IS NOT NULL",
                           [(n + 1, i) for n, i in enumerate(job_ids)])

    def delete(self, job_ids: Sequence[int]) -> None:
        with self._write() as db:
            db.executemany("DELETE FROM jobs WHERE id = ?", [(i,) for i in job_ids])

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row is not None else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self._write() as db:
            if value is None:
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                           "value = excluded.value", (key, value))


    # Imported files (issue 14) ---------------------------------------------------------------------------

    def insert_imported(self, item: NewImport, *, now: datetime | None = None) -> Job:
        """A ready row for a file added to the history, its output and what it carried, in one transaction."""
        stamp = iso(now or utcnow())
        request = item.request
        with self._write() as db:
            job_id = insert_ready_file(
                db, request, stamp, kind=item.kind, provenance=JobProvenance.IMPORTED, title=item.title,
                mime_type=item.mime_type, file=item.file, size=item.size, width=item.width, height=item.height,
                duration=item.duration, fps=item.fps, has_sound=item.has_sound, sha256=item.sha256)
            db.execute("INSERT INTO imports (job_id, recipes, recipe_from, imported_at) VALUES (?, ?, ?, ?)",
                       (job_id, item.recipes_json, item.recipe_from, stamp))
        job = self.get(job_id)
        assert job is not None
        return job


def insert_ready_file(db: sqlite3.Connection, request: JobRequest, stamp: str, *, kind: JobKind,
                      provenance: JobProvenance, mime_type: str, file: Path, size: int, width: int | None,
                      height: int | None, duration: float | None, fps: float | None, has_sound: bool | None,
                      title: str | None = None, origin: str | None = None, sha256: str | None = None) -> int:
    """The rows of a finished job whose one file is already on disk, never sent and never billed (a file added
    to the history, a storyboard's export): its job row and its saved output, in the caller's transaction."""
    cursor = db.execute(
        "INSERT INTO jobs (state, model, prompt_folded, request, created_at, updated_at, finished_at, "
        "currency, kind, provenance, title, origin) VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?)",
        (JobState.READY.value, request.model, search_text(request.prompt, title), json.dumps(request.to_json()),
         stamp, stamp, stamp, kind.value, provenance.value, title, origin),
    )
    job_id = int(cursor.lastrowid or 0)
    db.execute(
        "INSERT INTO outputs (job_id, idx, mime_type, file_path, saved, bytes_done, bytes_total, width, "
        "height, duration, fps, has_sound, sha256) VALUES (?, 0, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
        (job_id, mime_type, str(file), size, size, width, height, duration, fps,
         int(has_sound) if has_sound is not None else None, sha256),
    )
    return job_id


def _queue_where(states: tuple[str, ...], backend: str | None) -> tuple[str, tuple[str, ...]]:
    where = f"WHERE state IN ({_marks(states)})"
    if backend is None:
        return where, states
    return where + " AND (backend IS NULL OR backend = ?)", (*states, backend)


def _where(view: JobFilter, search: str, kind: JobKind | None = None) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    params: list[Any] = []
    if kind is not None:
        clauses.append("kind = ?")
        params.append(kind.value)
    states = view.states
    if states is not None:
        values = sorted(s.value for s in states)
        clauses.append(f"state IN ({_marks(values)})")
        params.extend(values)
    elif view is JobFilter.FAVOURITES:
        clauses.append("favourite = 1")
    needle = search.strip().casefold()
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("prompt_folded LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)
