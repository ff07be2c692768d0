"""The job lifecycle: the one table of allowed transitions, and the one function that performs them.

```
            ┌──────── pause / resume ────────┐
            ▼                                │
 queued ──────► submitting ──► pending ──► downloading ──► ready
  │  ▲             │  │  │       │ ▲  ▲        │  ▲ │         │
  │  └─ 429/503 ───┘  │  │       ▼ │  │        │  │ └─► failed ┐ (download again)
  │     (surely not   │  │    waiting ┘  └──────┘  └────────────┘
  │      created)     │  │    (key / quota / time limit: resumes on demand)
  │                   │  └─► uncertain (may have reached getimg, no id back: never resent)
  ├─► rejected ◄──────┘      pending ──► failed (getimg said so) / expired (deletes_at passed)
  │                          submitting ──► downloading: an image (its answer is the image)
  └─► (removed: never sent, never billed)       any followed job ──► stopped (the creator)
```

`TRANSITIONS` below is the table the picture draws; `Lifecycle.move` is the only writer of a job's state:
it checks the step against the table (a step outside it is a bug and raises `TransitionError`), writes the
row in one transaction, then tells the observers. `note` changes fields of a job without moving it.

Money (issue 15) passes here too, for every kind of job: `add` asks `admit` (the budget check) before any
row exists, and a write that records a bill (`billing.bill_for`) writes its ledger entry in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from getimg_studio.api.types import CostEstimate, Usage
from getimg_studio.jobs.billing import bill_for
from getimg_studio.jobs.model import (
    Job,
    JobAdded,
    JobChanged,
    JobEvent,
    JobRequest,
    JobsRemoved,
    JobState,
)
from getimg_studio.jobs.rows import KEEP, NO_CHANGE, JobChange, NewImport, NewOutput, OutputChange
from getimg_studio.jobs.store import JobStore

S = JobState
TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    S.QUEUED: frozenset({S.PAUSED, S.SUBMITTING, S.REJECTED}),
    S.PAUSED: frozenset({S.QUEUED, S.REJECTED}),
    # back to QUEUED: refused before acceptance in a way that says "later" (429, 503, offline)
    # to DOWNLOADING: an image, whose answer is the finished generation (jobs/images.py)
    S.SUBMITTING: frozenset({S.QUEUED, S.PENDING, S.DOWNLOADING, S.REJECTED, S.UNCERTAIN, S.STOPPED}),
    S.PENDING: frozenset({S.WAITING, S.DOWNLOADING, S.FAILED, S.EXPIRED, S.STOPPED}),
    S.WAITING: frozenset({S.PENDING, S.DOWNLOADING, S.FAILED, S.EXPIRED, S.STOPPED}),
    S.DOWNLOADING: frozenset({S.READY, S.WAITING, S.FAILED, S.EXPIRED, S.STOPPED}),
    # "download again": a saved file went missing, saving gave up, or it completed before being stopped
    S.READY: frozenset({S.DOWNLOADING}),
    S.FAILED: frozenset({S.DOWNLOADING}),
    S.STOPPED: frozenset({S.DOWNLOADING}),
    S.EXPIRED: frozenset(),
    S.REJECTED: frozenset(),
    S.UNCERTAIN: frozenset(),
}


class TransitionError(RuntimeError):
    """A move the lifecycle table does not allow: a bug in the engine, never an expected failure."""


def allowed(source: JobState, target: JobState) -> bool:
    return target in TRANSITIONS[source]


def _admit_all(cost: Decimal | None) -> None:
    return None


def _same_name(model_id: str) -> str:
    return model_id


class Lifecycle:
    def __init__(self, store: JobStore, emit: Callable[[JobEvent], None], clock: Callable[[], datetime], *,
                 admit: Callable[[Decimal | None], None] = _admit_all,
                 model_name: Callable[[str], str] = _same_name) -> None:
        self._store = store
        self._emit = emit
        self._clock = clock
        self._admit = admit  # raises (a GetimgError) when new jobs costing this much may not be added
        self._model_name = model_name  # what the ledger calls a model (it outlives the catalogue's entry)

    def add(self, request: JobRequest, *, count: int, estimate: CostEstimate | None, batch_id: str,
            backend: str | None, origin: str | None = None) -> list[Job]:
        """New queued jobs (on disk, not sent, not billed), of the request's kind, once `admit` allows what
        they will cost (money, issue 15: every kind of job is checked here); `origin` tags one job with what
        it is made for (a storyboard's take)."""
        self._admit(estimate.times(count).amount if estimate is not None else None)
        jobs = self._store.insert(request, count=count, estimate=estimate, batch_id=batch_id, now=self._clock(),
                                  backend=backend, state=JobState.QUEUED, origin=origin)
        for job in jobs:
            self._emit(JobAdded(job))
        return jobs

    def move(self, job_id: int, target: JobState, change: JobChange = NO_CHANGE, *,
             items: Sequence[NewOutput] = (), output: tuple[int, OutputChange] | None = None,
             usage: Usage | None = None) -> Job:
        """Move the job to `target` with `change`, written before the observers hear of it.

        `usage`: getimg's figures behind a `cost` the change records (for the ledger). KeyError: the job is
        gone (removed meanwhile). TransitionError: the table has no such step.
        """
        current = self._current(job_id)
        if not allowed(current.state, target):
            raise TransitionError(f"job {job_id}: {current.state.value} -> {target.value} is not in the lifecycle")
        now = self._clock()
        change = replace(change, state=target)
        if target.terminal and change.finished_at is KEEP:
            change = replace(change, finished_at=now)
        elif not target.terminal and current.state.terminal:
            change = replace(change, finished_at=None)
        if current.state is JobState.WAITING and change.wait_reason is KEEP:
            change = replace(change, wait_reason=None)
        return self._write(current, change, now, items, output, usage)

    def note(self, job_id: int, change: JobChange = NO_CHANGE, *, items: Sequence[NewOutput] = (),
             output: tuple[int, OutputChange] | None = None, usage: Usage | None = None) -> Job:
        """Change fields of the job without moving it; the observers hear of it all the same."""
        current = self._current(job_id)
        if change.state is not KEEP and change.state is not current.state:
            raise TransitionError(f"job {job_id}: note() cannot move {current.state.value} to {change.state}")
        return self._write(current, change, self._clock(), items, output, usage)

    def remove(self, job_ids: Sequence[int]) -> list[Job]:
        """Delete the rows (their outputs go with them); the jobs as they were."""
        jobs = self._store.get_many(job_ids)
        if jobs:
            self._store.delete([j.id for j in jobs])
            self._emit(JobsRemoved(tuple(j.id for j in jobs)))
        return jobs

    def add_imported(self, item: NewImport) -> Job:
        """A file added to the history: `ready` from the start (no transition: it never was anything else)."""
        job = self._store.insert_imported(item, now=self._clock())
        self._emit(JobAdded(job))
        return job

    def _current(self, job_id: int) -> Job:
        current = self._store.get(job_id)
        if current is None:
            raise KeyError(job_id)
        return current

    def _write(self, current: Job, change: JobChange, now: datetime, items: Sequence[NewOutput],
               output: tuple[int, OutputChange] | None, usage: Usage | None = None) -> Job:
        bill = bill_for(current, change, now, usage, self._model_name)  # money: with the change, or not at all
        new = self._store.write(current.id, change, now=now, items=items, output=output, bill=bill)
        self._emit(JobChanged(new, current.state))
        return new
