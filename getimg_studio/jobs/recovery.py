"""Start-up: carry on with every job a crash, a kill or a quit left unfinished.

- `submitting` without a remote id: the POST may or may not have reached getimg. It is never sent again
  (that could bill twice); the job becomes `uncertain` with an explanation.
- `pending`: poll again. Completed but not saved: download (a `.part` file resumes where it stopped).
- `downloading`: download again to the same file name, resuming its `.part`.

The model list comes from the disk cache first (so start-up works offline) and is refreshed in the
background; the balance too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from getimg_studio.api.errors import GetimgError
from getimg_studio.jobs.model import CatalogueChanged, JobState

if TYPE_CHECKING:
    from getimg_studio.jobs.engine import Engine

log = logging.getLogger(__name__)


async def recover(engine: Engine, *, track: bool = True) -> None:
    from getimg_studio.jobs.engine import UNCERTAIN_MESSAGE

    loop = asyncio.get_running_loop()
    if await loop.run_in_executor(None, engine.catalogue.load_cache):
        engine._emit(CatalogueChanged())
    engine.start_task(_refresh_catalogue(engine), name="catalogue")
    if track:
        engine.start_task(engine.refresh_balance(), name="balance")

    for job in engine.unfinished():
        if engine.busy(job.id):
            continue
        if job.state is JobState.SUBMITTING:
            if job.remote_id is None:
                engine._update(job, state=JobState.UNCERTAIN, error_code="uncertain", error_message=UNCERTAIN_MESSAGE)
            else:  # accepted, but the crash came before the row said so
                engine._update(job, state=JobState.PENDING, submitted_at=job.submitted_at or job.updated_at)
    if not track:
        return
    resumed = 0
    for job in engine.unfinished():
        if not engine.busy(job.id):
            engine.track(job.id)
            resumed += 1
    if resumed:
        log.info("resumed %d unfinished job(s)", resumed)


async def _refresh_catalogue(engine: Engine) -> None:
    try:
        await engine.refresh_catalogue()
    except GetimgError as exc:
        log.info("model list not refreshed (%s); using the cached one", exc.kind.value)
