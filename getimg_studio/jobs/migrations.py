"""The history's schema, one step per version (`PRAGMA user_version`).

`STEPS[n]` takes a database from version n to n + 1, as individual statements that the store runs in one
transaction (never `executescript`, which commits on its own and would leave a half-migrated file). A
released step is never edited: a change is a new step, and tests/data/ keeps a dump of every past
version so the test suite opens each one.
"""

from __future__ import annotations

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

STEPS: tuple[tuple[str, ...], ...] = (_V1, _V2)


def latest_version() -> int:
    return len(STEPS)
