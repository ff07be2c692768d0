"""The history's schema, one step per version (`PRAGMA user_version`).

`STEPS[n]` takes a database from version n to n + 1, as individual statements that the store runs in one
transaction (never `executescript`, which commits on its own and would leave a half-migrated file). A
released step is never edited: a change is a new step, and tests/data/ keeps a dump of every past
version so the test suite opens each one.
"""

from __future__ import annotations

from getimg_studio.jobs.ledger import LEDGER_MIGRATION
from getimg_studio.jobs.storyboard.schema import SCHEMA_STEP as _STORYBOARD_TABLES

# Timestamps are ISO 8601 text in UTC; money is decimal text (never a float); the request is JSON.
# `prompt_folded` is the case-folded prompt, so search is case-insensitive beyond ASCII.
# `result_url` is the last signed download URL: a secret, never logged and never part of `Job`.
_V1 = (
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        state TEXT NOT NULL,
        model TEXT NOT NULL,
        prompt_folded TEXT NOT NULL,
        request TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        remote_id TEXT,
        submitted_at TEXT,
        completed_at TEXT,
        finished_at TEXT,
        error_code TEXT,
        error_message TEXT,
        estimate TEXT,
        cost TEXT,
        currency TEXT NOT NULL DEFAULT 'USD',
        width INTEGER,
        height INTEGER,
        duration REAL,
        fps REAL,
        has_sound INTEGER,
        deletes_at TEXT,
        file_path TEXT,
        bytes_done INTEGER NOT NULL DEFAULT 0,
        bytes_total INTEGER,
        favourite INTEGER NOT NULL DEFAULT 0,
        overdue INTEGER NOT NULL DEFAULT 0,
        batch_id TEXT,
        result_url TEXT
    )
    """,
    # The queue's views page newest first (id DESC); these keep a filtered page an index walk.
    "CREATE INDEX jobs_state_id ON jobs (state, id)",
    "CREATE INDEX jobs_favourite_id ON jobs (favourite, id) WHERE favourite = 1",
    "CREATE INDEX jobs_model_id ON jobs (model, id)",
    "CREATE INDEX jobs_remote_id ON jobs (remote_id)",
)

# v2: which backend a job was sent to ("demo" or the API's base URL). A job made in demo mode is only
# followed while demo mode runs, and a live one only against its own host: polling a generation id on the
# wrong server would call it unknown and fail a job that is really still on its way. NULL (jobs from v1)
# means "not recorded" and is followed by whatever backend runs.
_V2 = ("ALTER TABLE jobs ADD COLUMN backend TEXT",)

# v3: the local queue, one or more outputs per job, and jobs that wait on the creator.
# - `kind`: "video" or "image" (image jobs come next and need no other migration).
# - `queue_pos`: the order of queued and paused jobs (NULL once sent).
# - `attention`: a note on a job still followed (an answer getimg should not have sent); `wait_reason`: why a
#   `waiting` job waits on the creator; `tracking_since`: when its current per-job time limit started.
# - `outputs`: every item of a completed answer's `data`, with its file; `url` is the item's signed URL (a
#   secret: never logged, never part of `Job`). The per-file columns of `jobs` move there: one place each.
# - `meta`: small queue-wide values (the creator paused the queue, getimg refused sending).
_V3 = (
    "ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'video'",
    "ALTER TABLE jobs ADD COLUMN queue_pos INTEGER",
    "ALTER TABLE jobs ADD COLUMN attention TEXT",
    "ALTER TABLE jobs ADD COLUMN wait_reason TEXT",
    "ALTER TABLE jobs ADD COLUMN tracking_since TEXT",
    """
    CREATE TABLE outputs (
        job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        mime_type TEXT NOT NULL DEFAULT 'video/mp4',
        file_path TEXT,
        saved INTEGER NOT NULL DEFAULT 0,
        bytes_done INTEGER NOT NULL DEFAULT 0,
        bytes_total INTEGER,
        width INTEGER,
        height INTEGER,
        duration REAL,
        fps REAL,
        has_sound INTEGER,
        deletes_at TEXT,
        url TEXT,
        gone INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, idx)
    )
    """,
    """
    INSERT INTO outputs (job_id, idx, file_path, saved, bytes_done, bytes_total, width, height, duration, fps,
                         has_sound, deletes_at, url, gone)
    SELECT id, 0, file_path, state = 'ready', bytes_done, bytes_total, width, height, duration, fps, has_sound,
           deletes_at, result_url, state = 'expired'
    FROM jobs WHERE completed_at IS NOT NULL OR file_path IS NOT NULL OR result_url IS NOT NULL
    """,
    *(f"ALTER TABLE jobs DROP COLUMN {column}" for column in (
        "width", "height", "duration", "fps", "has_sound", "deletes_at", "file_path", "bytes_done", "bytes_total",
        "overdue", "result_url")),
    "CREATE INDEX jobs_queue_pos ON jobs (queue_pos) WHERE queue_pos IS NOT NULL",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

# v4 (storyboards, issue 13): the storyboards, their shots and takes (`jobs/storyboard/tables.py`), and
# `origin` on jobs: a token the job is made for ("storyboard:<id>:<shot>:<part>:<take>"), written in the same
# transaction as the job's row and unique, so a restart finds the job a claim led to and no take is queued
# twice. NULL for every job the creator asked for directly.
_V4 = (
    *_STORYBOARD_TABLES,
    "ALTER TABLE jobs ADD COLUMN origin TEXT",
    "CREATE UNIQUE INDEX jobs_origin ON jobs (origin) WHERE origin IS NOT NULL",
)

# v5: the spending ledger (`jobs/ledger.py`): one row per billed generation, backfilled from the v3 `jobs`
# columns. It reads no other step's tables.
_V5_LEDGER = LEDGER_MIGRATION

# v6: imported files and recipes (jobs/imports.py, jobs/recipes.py).
# - `jobs.provenance`: 'generated' (made through the queue) or 'imported' (a file added to the history: dropped in,
#   `getimg-studio import`, a storyboard's export). Imported rows are 'ready', never sent, never billed here.
# - `jobs.title`: an imported row's name (the file's, or what added it); NULL for generated jobs.
# - `outputs.sha256`: the SHA-256 of the file as saved (as getimg served it: that file is never modified).
# - `imports`: the recipe document an imported file carried (its metadata or its sidecar), for remixing and
#   for the recipe of whatever is exported from it; NULL when it carried none. Depends on no other step's table.
_V6 = (
    "ALTER TABLE jobs ADD COLUMN provenance TEXT NOT NULL DEFAULT 'generated'",
    "ALTER TABLE jobs ADD COLUMN title TEXT",
    "ALTER TABLE outputs ADD COLUMN sha256 TEXT",
    """
    CREATE TABLE imports (
        job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        recipes TEXT,
        recipe_from TEXT CHECK (recipe_from IN ('metadata', 'sidecar')),
        imported_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX outputs_sha256 ON outputs (sha256) WHERE sha256 IS NOT NULL",
)

STEPS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5_LEDGER, _V6)


def latest_version() -> int:
    return len(STEPS)
