-- history schema v2, written by getimg_studio.jobs.store at schema 2; never edit.
PRAGMA user_version = 2;
BEGIN TRANSACTION;
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
    , backend TEXT);
INSERT INTO "jobs" VALUES(1,'ready','sim-fixed-lite','a cat on a skateboard','{"model": "sim-fixed-lite", "prompt": "A cat on a skateboard", "aspect_ratio": "16:9", "resolution": null, "duration": 4.0, "sound": false, "frames": [{"role": "first_frame", "path": "/data/frames/ab12.png", "url": null}]}','2026-11-25T14:03:12+00:00','2026-11-25T14:03:12+00:00','gen-1','2026-11-25T14:03:12+00:00','2026-11-25T14:03:12+00:00','2026-11-25T14:03:12+00:00',NULL,NULL,'{"amount": "0.04", "currency": "USD", "unit_price": "0.01", "quantity": "4", "billable_unit": "video_second"}','0.04','USD',854,480,4.0,24.0,0,'2026-11-25T14:03:12+00:00','/videos/2026-11-25_14-03-12_a-cat-on-a-skateboard_ab12cd.mp4',1000,1000,1,0,'batch-1','https://example.invalid/v2/downloads/gen-1/0?exp=1&sig=x','demo');
INSERT INTO "jobs" VALUES(2,'failed','sim-fixed-lite','a cat on a skateboard','{"model": "sim-fixed-lite", "prompt": "A cat on a skateboard", "aspect_ratio": "16:9", "resolution": null, "duration": 4.0, "sound": false, "frames": [{"role": "first_frame", "path": "/data/frames/ab12.png", "url": null}]}','2026-11-25T14:03:12+00:00','2026-11-25T14:03:12+00:00','gen-2',NULL,NULL,NULL,'content_policy_violation','Blocked.','{"amount": "0.04", "currency": "USD", "unit_price": "0.01", "quantity": "4", "billable_unit": "video_second"}',NULL,'USD',NULL,NULL,NULL,NULL,NULL,NULL,NULL,0,NULL,0,0,'batch-1',NULL,'https://api.getimg.ai');
CREATE INDEX jobs_state_id ON jobs (state, id);
CREATE INDEX jobs_favourite_id ON jobs (favourite, id) WHERE favourite = 1;
CREATE INDEX jobs_model_id ON jobs (model, id);
CREATE INDEX jobs_remote_id ON jobs (remote_id);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('jobs',2);
COMMIT;
