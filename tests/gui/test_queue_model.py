"""The queue model over a real history file: lazy paging, views, search, and live updates from events.

Events are sent the way the engine sends them (after its store write, through `subscribe`), so the
model is checked against the store's own answer for every view after each change, with Qt's model
tester watching every signal.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtTest import QAbstractItemModelTester

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import (
    Job,
    JobAdded,
    JobChanged,
    JobEvent,
    JobFilter,
    JobKind,
    JobsRemoved,
    JobState,
    QueueChanged,
    QueueStatus,
)
from getimg_studio.jobs.rows import JobChange
from getimg_studio.jobs.store import JobStore
from getimg_studio.ui.bridge import EngineBridge
from getimg_studio.ui.queue.model import ETA_ROLE, JOB_ROLE, QueueModel, matches

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
WORDS = ["fox", "city", "ocean", "Forest", "neon", "Ünïcode", "drone"]


class Hub:
    """The engine's observer list, as `Engine.subscribe` offers it."""

    def __init__(self) -> None:
        self.observers: list[Callable[[JobEvent], None]] = []

    def subscribe(self, observer: Callable[[JobEvent], None]) -> Callable[[], None]:
        self.observers.append(observer)
        return lambda: self.observers.remove(observer)

    def send(self, event: JobEvent) -> None:
        for observer in list(self.observers):
            observer(event)


class CountingStore:
    """The real store, counting how many rows the model pulled out of it."""

    def __init__(self, store: JobStore) -> None:
        self.store = store
        self.rows_read = 0
        self.pages = 0

    def page(self, view: JobFilter, search: str, offset: int, limit: int, kind: JobKind | None = None) -> list[Job]:
        self.pages += 1
        jobs = self.store.page(view, search, offset, limit, kind)
        self.rows_read += len(jobs)
        return jobs

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "history.sqlite3")
    yield s
    s.close()


def write(store: JobStore, job_id: int, favourite: bool | None = None, **fields: Any) -> Job:
    """The store's typed write, as the engine's lifecycle makes it (the favourite flag has its own)."""
    if favourite is not None:
        store.set_favourite([job_id], favourite, now=T0)
    return store.write(job_id, JobChange(**fields), now=T0)


def add(store: JobStore, hub: Hub | None, prompt: str, state: JobState = JobState.PENDING,
        model: str = "seedance-v1-5-pro") -> Job:
    job = store.insert(GenerationRequest(model=model, prompt=prompt, duration=5.0), now=T0)[0]
    if state is not JobState.QUEUED:
        job = write(store, job.id, state=state, submitted_at=T0, remote_id=f"req-{job.id}")
    if hub is not None:
        hub.send(JobAdded(job))
    return job


def change(store: JobStore, hub: Hub, job: Job, **fields: Any) -> Job:
    new = write(store, job.id, **fields)
    hub.send(JobChanged(new, job.state))
    return new


def expected(store: JobStore, model: QueueModel) -> list[int]:
    """The store's rows for the model's view: newest first, or (the Queued view) in the queue's order."""
    ids = store.ids(model.view, model.search)
    if model.view is JobFilter.QUEUED:
        shown = set(ids)
        return [i for i in store.queued_ids() if i in shown]
    return ids


def rows(model: QueueModel) -> list[int]:
    return [model.data(model.index(r, 0), JOB_ROLE).id for r in range(model.rowCount())]


def test_model_pages_lazily_and_matches_the_store(qapp: Any, store: JobStore) -> None:
    for i in range(1000):
        add(store, None, f"clip {i} {WORDS[i % len(WORDS)]}", JobState.READY if i % 3 else JobState.FAILED)
    counting = CountingStore(store)
    hub = Hub()
    model = QueueModel(counting, EngineBridge(hub.subscribe), block_size=50)  # type: ignore[arg-type]
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    assert model.rowCount() == 1000
    assert counting.rows_read <= 100  # the tester reads a few rows; nothing like the whole history
    assert model.data(model.index(0, 0)) == "clip 999 Ünïcode"
    assert model.data(model.index(999, 0)) == "clip 0 fox"
    assert counting.rows_read <= 200
    model.set_filter(view=JobFilter.FAILED, search="FOREST")
    expected = store.ids(JobFilter.FAILED, "forest")
    assert rows(model) == expected
    assert expected


def test_live_updates_follow_views_and_search(qapp: Any, store: JobStore) -> None:
    hub = Hub()
    model = QueueModel(store, EngineBridge(hub.subscribe), block_size=7)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    jobs = [add(store, hub, f"{WORDS[i % len(WORDS)]} {i}") for i in range(30)]
    assert rows(model) == [j.id for j in reversed(jobs)]

    model.set_filter(view=JobFilter.ACTIVE)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    newest = add(store, hub, "a brand new fox")
    assert inserted == [0]
    assert rows(model)[0] == newest.id

    # A job finishing leaves the Active view, wherever its row is and whether or not it was loaded.
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=(): changed.append(top.row()))
    middle = change(store, hub, jobs[10], state=JobState.READY, finished_at=T0)
    assert middle.id not in rows(model)
    still = change(store, hub, jobs[20], state=JobState.DOWNLOADING)
    assert changed
    assert model.data(model.index(model.row_of(still.id) or 0, 0), JOB_ROLE).state is \
        JobState.DOWNLOADING

    # Favourites: a job enters the view at its place in newest-first order, not at the top.
    model.set_filter(view=JobFilter.FAVOURITES, search="")
    for job in (jobs[3], jobs[25], jobs[14]):
        new = write(store, job.id, favourite=True)
        hub.send(JobChanged(new, new.state))
    assert rows(model) == [jobs[25].id, jobs[14].id, jobs[3].id]

    model.set_filter(view=JobFilter.ALL, search="fox")
    assert rows(model) == store.ids(JobFilter.ALL, "fox")
    store.delete([jobs[0].id, jobs[7].id, jobs[14].id])
    hub.send(JobsRemoved((jobs[0].id, jobs[7].id, jobs[14].id)))
    assert rows(model) == store.ids(JobFilter.ALL, "fox")


def test_random_events_keep_every_view_equal_to_the_store(qapp: Any, store: JobStore) -> None:
    rng = random.Random(7)
    hub = Hub()
    models = {view: QueueModel(store, EngineBridge(hub.subscribe), block_size=5) for view in JobFilter}
    for view, model in models.items():
        model.set_filter(view=view, search="o" if view is JobFilter.ALL else "")
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    live: list[Job] = []
    states = list(JobState)
    for step in range(300):
        roll = rng.random()
        if roll < 0.3 or not live:
            live.append(add(store, hub, f"{rng.choice(WORDS)} {step}", rng.choice(states)))
        elif roll < 0.75:
            i = rng.randrange(len(live))
            live[i] = change(store, hub, live[i], state=rng.choice(states))
        elif roll < 0.9:
            i = rng.randrange(len(live))
            new = write(store, live[i].id, favourite=not live[i].favourite)
            hub.send(JobChanged(new, new.state))
            live[i] = new
        else:
            gone = rng.sample(live, k=min(len(live), rng.randint(1, 4)))
            store.delete([j.id for j in gone])
            hub.send(JobsRemoved(tuple(j.id for j in gone)))
            live = [j for j in live if j not in gone]
        if step % 50 == 49:
            hub.send(QueueChanged(QueueStatus(order=tuple(store.queued_ids()))))  # as the engine publishes
            for model in models.values():
                assert rows(model) == expected(store, model)
    hub.send(QueueChanged(QueueStatus(order=tuple(store.queued_ids()))))
    for model in models.values():
        assert rows(model) == expected(store, model)
        for row in range(model.rowCount()):
            job = model.data(model.index(row, 0), JOB_ROLE)
            assert matches(job, model.view, model.search)
            assert job == store.get(job.id)  # rows hold the job as it is now, not as it was loaded


def test_eta_uses_the_median_of_past_jobs(qapp: Any, store: JobStore) -> None:
    hub = Hub()
    for seconds in (20, 30, 100):
        job = add(store, None, "past")
        write(store, job.id, state=JobState.READY, completed_at=T0 + timedelta(seconds=seconds))
    now = T0 + timedelta(seconds=12)
    model = QueueModel(store, EngineBridge(hub.subscribe), clock=lambda: now)
    pending = add(store, hub, "waiting")
    assert model.data(model.index(0, 0), ETA_ROLE) == pytest.approx(30 - 12)
    assert model.data(model.index(1, 0), ETA_ROLE) is None  # finished jobs have no ETA
    assert model.rowCount(model.index(0, 0)) == 0
    assert not model.data(QModelIndex())
    assert pending.id == model.data(model.index(0, 0), JOB_ROLE).id


def test_a_burst_of_changes_is_one_repaint_and_rows_read_fresh(qtbot: Any, store: JobStore) -> None:
    """A draining queue changes many rows at once: the view hears of the first at once and of the rest in one
    batch, while the model answers with each job's newest copy all along."""
    hub = Hub()
    model = QueueModel(store, EngineBridge(hub.subscribe))
    jobs = [add(store, hub, f"clip {i}") for i in range(20)]
    written = [write(store, job.id, state=JobState.DOWNLOADING) for job in jobs]  # the engine's writes first
    batches: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): batches.append((top.row(), bottom.row())))
    for new in written:
        hub.send(JobChanged(new, JobState.PENDING))
    assert batches == [(model.row_of(jobs[0].id), model.row_of(jobs[0].id))]
    assert all(model.job(j.id).state is JobState.DOWNLOADING for j in jobs)  # fresh before any repaint
    qtbot.waitUntil(lambda: len(batches) == 2, timeout=5000)
    assert batches[1] == (0, 18)  # the other 19 (newest first: the first changed is the last row), one range


def test_rows_are_painted_from_pictures_that_follow_their_words(qtbot: Any, store: JobStore) -> None:
    """A row's cached picture is keyed by what it says: a change shows, and changing back shows the same
    pixels as before (no picture of another state lingers)."""
    from PySide6.QtWidgets import QTableView

    from getimg_studio.ui.queue.delegate import ROW_HEIGHT, QueueDelegate

    hub = Hub()
    model = QueueModel(store, EngineBridge(hub.subscribe))
    jobs = [add(store, hub, f"a quiet harbour {i}", JobState.READY) for i in range(3)]
    view = QTableView()
    qtbot.addWidget(view)
    view.setItemDelegate(QueueDelegate(view))
    view.setModel(model)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().hide()
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.resize(600, 3 * ROW_HEIGHT + 10)
    view.show()

    def picture() -> Any:
        view.viewport().repaint()
        return view.viewport().grab().toImage()

    before = picture()
    starred = write(store, jobs[1].id, favourite=True)
    hub.send(JobChanged(starred, starred.state))
    qtbot.waitUntil(lambda: picture() != before, timeout=5000)
    plain = write(store, jobs[1].id, favourite=False)
    hub.send(JobChanged(plain, plain.state))
    qtbot.waitUntil(lambda: picture() == before, timeout=5000)
