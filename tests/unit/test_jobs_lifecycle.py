"""The lifecycle table: every state has its row, moves outside it raise, and a move is written before it is told."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.lifecycle import TRANSITIONS, Lifecycle, TransitionError, allowed
from getimg_studio.jobs.model import (
    ACTIVE_STATES,
    BILLED_STATES,
    FAILED_STATES,
    TERMINAL_STATES,
    UNSENT_STATES,
    JobAdded,
    JobChanged,
    JobEvent,
    JobFilter,
    JobsRemoved,
    JobState,
    WaitReason,
)
from getimg_studio.jobs.rows import JobChange
from getimg_studio.jobs.store import JobStore

T0 = datetime(2026, 11, 25, 14, 3, 12, tzinfo=UTC)
REQUEST = GenerationRequest("sim-fixed-lite", "a heron in the reeds")


@pytest.fixture
def life(tmp_path: Path) -> Iterator[tuple[Lifecycle, JobStore, list[JobEvent]]]:
    store = JobStore(tmp_path / "h.sqlite3")
    events: list[JobEvent] = []

    def emit(event: JobEvent) -> None:
        if isinstance(event, JobChanged):  # written before it is told
            assert store.get(event.job.id) == event.job
        events.append(event)

    yield Lifecycle(store, emit, lambda: T0), store, events
    store.close()


def test_every_state_has_a_row_and_groups_are_consistent() -> None:
    assert set(TRANSITIONS) == set(JobState)
    assert all(not allowed(s, t) for s in (JobState.EXPIRED, JobState.REJECTED, JobState.UNCERTAIN)
               for t in JobState)
    assert set(JobState) == ACTIVE_STATES | TERMINAL_STATES
    assert not ACTIVE_STATES & TERMINAL_STATES
    assert FAILED_STATES <= TERMINAL_STATES
    assert not UNSENT_STATES & BILLED_STATES  # never sent, never billed
    assert JobState.REJECTED not in BILLED_STATES
    # Nothing that may have reached getimg can go back to the queue but a refusal of the very POST.
    for state in BILLED_STATES - {JobState.SUBMITTING}:
        assert not allowed(state, JobState.QUEUED)
        assert not allowed(state, JobState.SUBMITTING)


def test_views_use_the_groups() -> None:
    assert JobFilter.ACTIVE.states == ACTIVE_STATES
    assert JobFilter.FAILED.states == FAILED_STATES
    assert JobFilter.QUEUED.states == UNSENT_STATES
    assert JobFilter.ALL.states is None


def test_a_job_through_its_life(life: tuple[Lifecycle, JobStore, list[JobEvent]]) -> None:
    lifecycle, store, events = life
    [job] = lifecycle.add(REQUEST, count=1, estimate=None, batch_id="b", backend=None)
    assert job.state is JobState.QUEUED
    for target in (JobState.SUBMITTING, JobState.PENDING):
        job = lifecycle.move(job.id, target)
    job = lifecycle.move(job.id, JobState.WAITING, JobChange(wait_reason=WaitReason.QUOTA, error_message="top up"))
    assert job.wait_reason is WaitReason.QUOTA
    job = lifecycle.move(job.id, JobState.PENDING)
    assert job.wait_reason is None  # leaving `waiting` clears its reason
    job = lifecycle.move(job.id, JobState.DOWNLOADING)
    job = lifecycle.move(job.id, JobState.READY)
    assert job.finished_at == T0
    job = lifecycle.move(job.id, JobState.DOWNLOADING)  # download again
    assert job.finished_at is None
    changed = [e for e in events if isinstance(e, JobChanged)]
    assert [(e.previous, e.job.state) for e in changed][:2] == [(JobState.QUEUED, JobState.SUBMITTING),
                                                                 (JobState.SUBMITTING, JobState.PENDING)]
    assert isinstance(events[0], JobAdded)
    lifecycle.remove([job.id])
    assert isinstance(events[-1], JobsRemoved)
    assert store.get(job.id) is None
    with pytest.raises(KeyError):
        lifecycle.move(job.id, JobState.READY)


@pytest.mark.parametrize(("source", "target"), [
    (JobState.QUEUED, JobState.PENDING),  # never accepted without a POST
    (JobState.PENDING, JobState.QUEUED),  # never sent twice
    (JobState.UNCERTAIN, JobState.SUBMITTING),
    (JobState.READY, JobState.FAILED),
])
def test_a_move_outside_the_table_raises_and_writes_nothing(life: tuple[Lifecycle, JobStore, list[JobEvent]],
                                                            source: JobState, target: JobState) -> None:
    lifecycle, store, events = life
    [job] = store.insert(REQUEST, state=source)
    with pytest.raises(TransitionError):
        lifecycle.move(job.id, target)
    assert store.get(job.id) == job
    assert events == []
    with pytest.raises(TransitionError):
        lifecycle.note(job.id, JobChange(state=target))
