"""Storyboards in the history: the reads both connections share, and the writer's transactions.

`jobs/storyboard/tables.py` holds the statements (they never begin or commit); these mixins give them to
`HistoryReads` (the window's read-only `JobReader` and the engine's `JobStore`) and to `JobStore`, each write
in one `BEGIN IMMEDIATE` transaction, so a storyboard's rows and its takes change together. Writes run on
the engine's thread only, like every other write of the history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from getimg_studio.jobs.storyboard import schema

if TYPE_CHECKING:
    from getimg_studio.api.types import GenerationRequest
    from getimg_studio.jobs.model import Job
    from getimg_studio.jobs.storyboard.model import Storyboard
    from getimg_studio.jobs.storyboard.slots import RunState, Slot
    from getimg_studio.jobs.storyboard.tables import StoryboardSummary

# Each method imports `tables` (and through it the storyboard's values) when first called: opening the
# history needs only `schema`, and the window's first paint reads no storyboard.


class StoryboardReads:
    """What the storyboard view and the runner read (on whichever connection this is)."""

    _db: sqlite3.Connection

    def storyboards(self) -> list[StoryboardSummary]:
        """Every storyboard, the most recently saved first."""
        from getimg_studio.jobs.storyboard import tables

        return tables.list_storyboards(self._db)

    def storyboard(self, storyboard_id: int) -> Storyboard | None:
        from getimg_studio.jobs.storyboard import tables

        return tables.load_storyboard(self._db, storyboard_id)

    def run_state(self, storyboard_id: int) -> RunState:
        from getimg_studio.jobs.storyboard import tables

        return tables.load_run_state(self._db, storyboard_id)

    def running_storyboards(self) -> list[int]:
        return schema.running_storyboards(self._db)

    def storyboard_is_running(self, storyboard_id: int) -> bool:
        row = self._db.execute("SELECT running FROM storyboards WHERE id = ?", (storyboard_id,)).fetchone()
        return bool(row[0]) if row is not None else False

    def storyboard_from_source(self, path: Path) -> int | None:
        from getimg_studio.jobs.storyboard import tables

        return tables.storyboard_from_source(self._db, path)


class StoryboardWrites:
    """The writer's storyboard transactions (JobStore only)."""

    _db: sqlite3.Connection
    _write: Callable[[], AbstractContextManager[sqlite3.Connection]]
    get: Callable[[int], Job | None]

    def add_storyboard(self, storyboard: Storyboard, *, now: datetime, source_path: Path | None = None) -> Storyboard:
        from getimg_studio.jobs.storyboard import tables

        with self._write() as db:
            return tables.insert_storyboard(db, storyboard, now=now, source_path=source_path)

    def save_storyboard(self, storyboard: Storyboard, *, now: datetime,
                        slots: Iterable[Slot] = ()) -> Storyboard:
        """The storyboard's edits and (for a regeneration) its new slots, in one transaction."""
        from getimg_studio.jobs.storyboard import tables

        assert storyboard.id is not None
        with self._write() as db:
            saved = tables.save_storyboard(db, storyboard, now=now)
            tables.save_slots(db, storyboard.id, slots)
        return saved

    def delete_storyboard(self, storyboard_id: int) -> None:
        from getimg_studio.jobs.storyboard import tables

        with self._write() as db:
            tables.delete_storyboard(db, storyboard_id)

    def set_storyboard_running(self, storyboard_id: int, running: bool) -> None:
        from getimg_studio.jobs.storyboard import tables

        with self._write() as db:
            tables.set_running(db, storyboard_id, running)

    def save_slots(self, storyboard_id: int, slots: Iterable[Slot]) -> None:
        """Committed before the engine is asked for anything the slots claim."""
        from getimg_studio.jobs.storyboard import tables

        rows = list(slots)
        if not rows:
            return
        with self._write() as db:
            tables.save_slots(db, storyboard_id, rows)

    def insert_file_job(self, request: GenerationRequest, file: Path, *, origin: str, now: datetime,
                        width: int, height: int, duration: float, fps: float, has_sound: bool,
                        size: int) -> Job:
        """A job row for a file this app made itself (a storyboard's export): ready, never sent, never billed,
        so it shows in the history like any finished video, and a retry of it is a request like any other."""
        from getimg_studio.jobs.model import JobKind, JobProvenance
        from getimg_studio.jobs.rows import iso
        from getimg_studio.jobs.store import insert_ready_file

        with self._write() as db:
            job_id = insert_ready_file(
                db, request, iso(now), kind=JobKind.VIDEO, provenance=JobProvenance.GENERATED, origin=origin,
                mime_type="video/mp4", file=file, size=size, width=width, height=height, duration=duration,
                fps=fps, has_sound=has_sound)
        job = self.get(job_id)
        assert job is not None
        return job

