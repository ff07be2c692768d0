"""The storyboard tables' shape in the history, and the one read start-up makes: no storyboard values needed.

`SCHEMA_STEP` is one migration step for `jobs/migrations.STEPS` (individual statements, run by the store in
one transaction). Opening the history imports this module only; the row conversion (`tables.py`) and the
values it builds (`model`, `slots`, `codec`: about 30 ms of imports) load when a storyboard is first read.
"""

from __future__ import annotations

import sqlite3

# Timestamps are ISO 8601 text in UTC and money is decimal text, as in the jobs table.
SCHEMA_STEP: tuple[str, ...] = (
    """
    CREATE TABLE storyboards (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        style TEXT NOT NULL DEFAULT '',
        defaults TEXT NOT NULL DEFAULT '{}',
        running INTEGER NOT NULL DEFAULT 0,
        source_path TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE storyboard_shots (
        storyboard_id INTEGER NOT NULL REFERENCES storyboards (id) ON DELETE CASCADE,
        shot_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        params TEXT NOT NULL,
        chosen_take INTEGER,
        PRIMARY KEY (storyboard_id, shot_id)
    )
    """,
    "CREATE INDEX storyboard_shots_position ON storyboard_shots (storyboard_id, position)",
    """
    CREATE TABLE storyboard_takes (
        storyboard_id INTEGER NOT NULL,
        shot_id TEXT NOT NULL,
        part TEXT NOT NULL,
        take INTEGER NOT NULL,
        round INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        job_id INTEGER,
        file_path TEXT,
        last_frame TEXT,
        reason TEXT,
        estimate TEXT,
        cost TEXT,
        ready_at TEXT,
        inputs TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (storyboard_id, shot_id, part, take),
        FOREIGN KEY (storyboard_id, shot_id) REFERENCES storyboard_shots (storyboard_id, shot_id)
            ON DELETE CASCADE
    )
    """,
    # A job makes one take; the runner finds a take from a job event by this index.
    "CREATE UNIQUE INDEX storyboard_takes_job ON storyboard_takes (job_id) WHERE job_id IS NOT NULL",
    # "Sent once" held by the file itself, whatever writes to it: a take is claimed only from not_started,
    # goes back to not_started only as a claim with no job, and keeps its job once it has one.
    """
    CREATE TRIGGER storyboard_takes_sent_once BEFORE UPDATE ON storyboard_takes
    WHEN (NEW.state = 'queued' AND OLD.state NOT IN ('not_started', 'queued'))
      OR (NEW.state = 'not_started' AND OLD.state <> 'not_started'
          AND (OLD.state <> 'queued' OR OLD.job_id IS NOT NULL))
      OR (OLD.job_id IS NOT NULL AND NEW.job_id IS NOT OLD.job_id)
    BEGIN
        SELECT RAISE(ABORT, 'a storyboard take is sent once: this change would send it again');
    END
    """,
    "CREATE INDEX storyboards_running ON storyboards (running) WHERE running = 1",
)


def running_storyboards(db: sqlite3.Connection) -> list[int]:
    """Storyboards whose run was under way: at start-up the runner carries them on."""
    return [int(r[0]) for r in db.execute("SELECT id FROM storyboards WHERE running = 1 ORDER BY id")]
