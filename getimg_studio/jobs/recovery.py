"""Start-up: carry on with every job a crash, a kill or a quit left unfinished.

- `queued`: sent by the queue, in order, each exactly once (nothing of it reached getimg yet).
- `submitting` without a remote id: its POST may or may not have reached getimg. It is never sent again
  (that could bill twice); the job becomes `uncertain` with an explanation. Only the one row whose POST was
  on the wire can be in this state: every other queued job is still `queued`.
- `pending`: poll again. Completed but not saved: download (a `.part` file resumes where it stopped).
- `downloading`: download again to the same file names, resuming their `.part` files.
- `waiting` for a refused key or the quota: one poll tells whether that is over (this may be a new key);
  past the time limit it keeps waiting for the creator.

The model list comes from the disk cache first (so start-up works offline) and is refreshed in the
background; the balance too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from getimg_studio.api.errors import GetimgError
from getimg_studio.jobs import answers
from getimg_studio.jobs.model import CatalogueChanged, JobState, WaitReason
from getimg_studio.jobs.rows import JobChange

if TYPE_CHECKING:
    from getimg_studio.jobs.engine import Engine

log = logging.getLogger(__name__)


async def recover(engine: Engine, *, track: bool = True) -> None:
    loop = asyncio.get_running_loop()
    if await loop.run_in_executor(None, engine.catalogue.load_cache):
        engine._emit(CatalogueChanged())
    engine.start_task(_refresh_catalogue(engine), name="catalogue")
    if track:
        engine.start_task(engine.refresh_balance(), name="balance")

    life = engine.lifecycle
    for job in engine.unfinished():
        if engine.busy(job.id):
            continue
        if job.state is JobState.SUBMITTING:
            if job.remote_id is None:
                life.move(job.id, JobState.UNCERTAIN,
                          JobChange(error_code="uncertain", error_message=answers.UNCERTAIN))
            else:  # accepted, but the crash came before the row said so
                life.move(job.id, JobState.PENDING, JobChange(submitted_at=job.submitted_at or job.updated_at))
        elif (track and job.state is JobState.WAITING
              and job.wait_reason in (WaitReason.KEY, WaitReason.QUOTA)):
            life.move(job.id, JobState.PENDING, JobChange(error_code=None, error_message=None))
    if not track:
        return
    resumed = 0
    for job in engine.unfinished():
        if job.state in (JobState.PENDING, JobState.DOWNLOADING) and not engine.busy(job.id):
            engine.track(job.id)
            resumed += 1
    if resumed:
        log.info("resumed %d unfinished job(s)", resumed)


async def _refresh_catalogue(engine: Engine) -> None:
    try:
        await engine.refresh_catalogue()
    except GetimgError as exc:
        log.info("model list not refreshed (%s); using the cached one", exc.kind.value)
