-- history schema v6, written by getimg_studio.jobs.store at schema 6; never edit.
PRAGMA user_version = 6;
BEGIN TRANSACTION;
CREATE TABLE imports (
        job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        recipes TEXT,
        recipe_from TEXT CHECK (recipe_from IN ('metadata', 'sidecar')),
        imported_at TEXT NOT NULL
    );
INSERT INTO "imports" VALUES(4,NULL,NULL,'2026-12-01T10:00:00+00:00');
INSERT INTO "imports" VALUES(5,'{"format": "getimg-studio-recipe", "schema": 1, "recipes": [{"model": "sim-fixed-lite", "prompt": "A cat on a skateboard", "aspect_ratio": "16:9", "duration": 4.0, "frames": [], "remote_id": "gen-9", "cost": "0.04"}]}','metadata','2026-12-01T10:01:00+00:00');
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
        favourite INTEGER NOT NULL DEFAULT 0,
        batch_id TEXT,
        backend TEXT, kind TEXT NOT NULL DEFAULT 'video', queue_pos INTEGER, attention TEXT, wait_reason TEXT, tracking_since TEXT, origin TEXT, provenance TEXT NOT NULL DEFAULT 'generated', title TEXT);
INSERT INTO "jobs" VALUES(1,'ready','sim-fixed-lite','a cat on a skateboard','{"model": "sim-fixed-lite", "prompt": "A cat on a skateboard", "aspect_ratio": "16:9", "resolution": null, "duration": 4.0, "sound": false, "frames": [{"role": "first_frame", "path": "/data/frames/ab12.png", "url": null}]}','2026-11-25T14:03:12+00:00','2026-11-25T14:03:21+00:00','gen-1','2026-11-25T14:03:12+00:00','2026-11-25T14:03:20+00:00','2026-11-25T14:03:21+00:00',NULL,NULL,'{"amount": "0.04", "currency": "USD", "unit_price": "0.01", "quantity": "4", "billable_unit": "video_second"}','0.04','USD',0,'b1','demo','video',1,NULL,NULL,'2026-11-25T14:03:12+00:00','storyboard:1:a1:video:0','generated',NULL);
INSERT INTO "jobs" VALUES(2,'waiting','sim-fixed-lite','a cat on a skateboard','{"model": "sim-fixed-lite", "prompt": "A cat on a skateboard", "aspect_ratio": "16:9", "resolution": null, "duration": 4.0, "sound": false, "frames": [{"role": "first_frame", "path": "/data/frames/ab12.png", "url": null}]}','2026-11-25T14:03:12+00:00','2026-11-25T14:03:12+00:00','gen-2','2026-11-25T14:03:12+00:00',NULL,NULL,'key','getimg refused the key while following this job','{"amount": "0.04", "currency": "USD", "unit_price": "0.01", "quantity": "4", "billable_unit": "video_second"}',NULL,'USD',0,'b1','demo','video',2,NULL,'key','2026-11-25T14:03:12+00:00',NULL,'generated',NULL);
INSERT INTO "jobs" VALUES(3,'queued','sim-fixed-lite','a cat on a skateboard','{"model": "sim-fixed-lite", "prompt": "A cat on a skateboard", "aspect_ratio": "16:9", "resolution": null, "duration": 4.0, "sound": false, "frames": [{"role": "first_frame", "path": "/data/frames/ab12.png", "url": null}]}','2026-11-25T14:03:12+00:00','2026-11-25T14:03:12+00:00',NULL,NULL,NULL,NULL,NULL,NULL,'{"amount": "0.04", "currency": "USD", "unit_price": "0.01", "quantity": "4", "billable_unit": "video_second"}',NULL,'USD',0,'b1','demo','video',3,NULL,NULL,NULL,NULL,'generated',NULL);
INSERT INTO "jobs" VALUES(4,'ready','','
holiday.mp4','{"model": "", "prompt": "", "aspect_ratio": null, "resolution": null, "duration": null, "sound": false, "frames": []}','2026-12-01T10:00:00+00:00','2026-12-01T10:00:00+00:00',NULL,NULL,NULL,'2026-12-01T10:00:00+00:00',NULL,NULL,NULL,NULL,'USD',0,NULL,NULL,'video',NULL,NULL,NULL,NULL,NULL,'imported','holiday.mp4');
INSERT INTO "jobs" VALUES(5,'ready','sim-fixed-lite','a cat on a skateboard
kept-cat.mp4','{"model": "sim-fixed-lite", "prompt": "A cat on a skateboard", "aspect_ratio": "16:9", "resolution": null, "duration": 4.0, "sound": false, "frames": []}','2026-12-01T10:01:00+00:00','2026-12-01T10:01:00+00:00',NULL,NULL,NULL,'2026-12-01T10:01:00+00:00',NULL,NULL,NULL,NULL,'USD',0,NULL,NULL,'video',NULL,NULL,NULL,NULL,NULL,'imported','kept-cat.mp4');
CREATE TABLE ledger (
        job_id INTEGER PRIMARY KEY,
        remote_id TEXT,
        backend TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('video', 'image')),
        model_id TEXT NOT NULL,
        model_name TEXT NOT NULL,
        billed_at TEXT NOT NULL,
        total TEXT NOT NULL,
        billable_unit TEXT NOT NULL,
        unit_price TEXT NOT NULL,
        quantity TEXT NOT NULL,
        currency TEXT NOT NULL,
        estimate TEXT,
        reported INTEGER NOT NULL DEFAULT 1
    );
INSERT INTO "ledger" VALUES(1,'gen-1','demo','video','sim-fixed-lite','sim-fixed-lite','2026-11-25T14:03:20.000Z','0.04','video_second','0.01','4','USD','0.04',1);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('queue_paused','1');
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
        gone INTEGER NOT NULL DEFAULT 0, sha256 TEXT,
        PRIMARY KEY (job_id, idx)
    );
INSERT INTO "outputs" VALUES(1,0,'video/mp4','/videos/2026-11-25_a-cat-on-a-skateboard_ab12cd.mp4',1,1000,1000,854,480,4.0,24.0,0,'2026-11-26T14:03:12+00:00','https://x/v2/downloads/gen-1/0?exp=1&sig=redacted',0,NULL);
INSERT INTO "outputs" VALUES(1,1,'video/mp4','/videos/2026-11-25_a-cat-on-a-skateboard_ef34gh.mp4',1,1000,1000,NULL,NULL,NULL,NULL,NULL,'2026-11-26T14:03:12+00:00','https://x/v2/downloads/gen-1/1?exp=1&sig=redacted',0,NULL);
INSERT INTO "outputs" VALUES(4,0,'video/mp4','/home/creator/Videos/holiday.mp4',1,2000,2000,1920,1080,12.5,30.0,1,NULL,NULL,0,'cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd');
INSERT INTO "outputs" VALUES(5,0,'video/mp4','/home/creator/Videos/kept-cat.mp4',1,1000,1000,854,480,4.0,24.0,0,NULL,NULL,0,'abababababababababababababababababababababababababababababababab');
CREATE TABLE storyboard_shots (
        storyboard_id INTEGER NOT NULL REFERENCES storyboards (id) ON DELETE CASCADE,
        shot_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        params TEXT NOT NULL,
        chosen_take INTEGER,
        PRIMARY KEY (storyboard_id, shot_id)
    );
INSERT INTO "storyboard_shots" VALUES(1,'a1',0,'{"prompt": "A lighthouse on a cliff at dusk", "takes": 2}',NULL);
INSERT INTO "storyboard_shots" VALUES(1,'b2',1,'{"prompt": "The beam sweeps over the sea", "duration": 5, "first_frame": {"source": "chained"}}',NULL);
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
    );
INSERT INTO "storyboard_takes" VALUES(1,'a1','video',0,0,'ready',1,'/videos/2026-11-25_a-cat-on-a-skateboard_ab12cd.mp4','/data/frames/last-frames/1-a1-0.png',NULL,'0.225','0.225','2026-11-25T15:00:00+00:00','[]');
INSERT INTO "storyboard_takes" VALUES(1,'a1','video',1,0,'not_started',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'[]');
INSERT INTO "storyboard_takes" VALUES(1,'b2','video',0,0,'not_started',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'[]');
CREATE TABLE storyboards (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        style TEXT NOT NULL DEFAULT '',
        defaults TEXT NOT NULL DEFAULT '{}',
        running INTEGER NOT NULL DEFAULT 0,
        source_path TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
INSERT INTO "storyboards" VALUES(1,'Lighthouse','Film grain, dusk light.','{"aspect_ratio": "16:9", "image_model": "sim-image-lite", "model": "seedance-v1-5-pro", "resolution": "480p", "sound": true}',1,'/data/storyboards/lighthouse.json','2026-11-25T15:00:00+00:00','2026-11-25T15:00:00+00:00');
CREATE INDEX jobs_state_id ON jobs (state, id);
CREATE INDEX jobs_favourite_id ON jobs (favourite, id) WHERE favourite = 1;
CREATE INDEX jobs_model_id ON jobs (model, id);
CREATE INDEX jobs_remote_id ON jobs (remote_id);
CREATE INDEX jobs_queue_pos ON jobs (queue_pos) WHERE queue_pos IS NOT NULL;
CREATE INDEX storyboard_shots_position ON storyboard_shots (storyboard_id, position);
CREATE UNIQUE INDEX storyboard_takes_job ON storyboard_takes (job_id) WHERE job_id IS NOT NULL;
CREATE TRIGGER storyboard_takes_sent_once BEFORE UPDATE ON storyboard_takes
    WHEN (NEW.state = 'queued' AND OLD.state NOT IN ('not_started', 'queued'))
      OR (NEW.state = 'not_started' AND OLD.state <> 'not_started'
          AND (OLD.state <> 'queued' OR OLD.job_id IS NOT NULL))
      OR (OLD.job_id IS NOT NULL AND NEW.job_id IS NOT OLD.job_id)
    BEGIN
        SELECT RAISE(ABORT, 'a storyboard take is sent once: this change would send it again');
    END;
CREATE INDEX storyboards_running ON storyboards (running) WHERE running = 1;
CREATE UNIQUE INDEX jobs_origin ON jobs (origin) WHERE origin IS NOT NULL;
CREATE INDEX ledger_billed_at ON ledger (billed_at);
CREATE INDEX outputs_sha256 ON outputs (sha256) WHERE sha256 IS NOT NULL;
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('jobs',5);
INSERT INTO "sqlite_sequence" VALUES('storyboards',1);
COMMIT;
