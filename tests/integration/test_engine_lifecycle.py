"""The engine against the simulator: submit, poll, save, and every operation the queue offers."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs import answers
from getimg_studio.jobs.model import (
    BalanceChanged,
    DownloadProgress,
    JobAdded,
    JobChanged,
    JobEvent,
    JobsRemoved,
    JobState,
    QueueChanged,
    WaitReason,
)
from getimg_studio.jobs.rows import JobChange, OutputChange
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.render import probe_video
from getimg_studio.simulator.testing import LITE

EngineOpener = Any  # the `open_engine` fixture of tests/integration/conftest.py
Until = Any  # the `until` fixture


def creations(sim: RunningSimulator) -> int:
    return int(sim.stats()["total_creations"])

LITE_REQUEST = GenerationRequest(model=LITE, prompt="A red kite over green hills", aspect_ratio="1:1")


def test_submit_to_ready_saves_a_valid_video(open_engine: EngineOpener, sim: RunningSimulator,
                                            paths: Paths, until: Until) -> None:
    events: list[JobEvent] = []

    async def scenario() -> None:
        async with open_engine(events=events) as engine:
            [job] = await engine.submit(LITE_REQUEST)
            assert job.state is JobState.QUEUED  # on disk, not sent yet: the queue sends it
            assert job.remote_id is None
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY
            assert done.remote_id
            assert done.file_path is not None
            assert done.file_path.parent == paths.output
            assert done.file_path.name.endswith(".mp4")
            assert "a-red-kite-over-green-hills" in done.file_path.name
            info = probe_video(done.file_path)
            assert (info.width, info.height) == (480, 480)
            assert done.cost == Decimal("0.04")
            assert done.estimate is not None
            assert done.estimate.amount == done.cost
            assert engine.session_spent == Decimal("0.04")
            assert done.bytes_done == done.file_path.stat().st_size
            assert done.submitted_at is not None
            assert done.completed_at is not None
            assert done.finished_at is not None
            assert engine.store.median_duration(LITE) is not None
            await until(lambda: any(isinstance(e, BalanceChanged) and e.amount is not None
                                     and e.amount < Decimal("50") for e in events), what="the balance refresh")

    asyncio.run(scenario())
    assert creations(sim) == 1
    states = [e.job.state for e in events if isinstance(e, JobChanged) and e.job.state is not e.previous]
    assert states == [JobState.SUBMITTING, JobState.PENDING, JobState.DOWNLOADING, JobState.READY]
    assert any(isinstance(e, JobAdded) for e in events)
    assert any(isinstance(e, QueueChanged) for e in events)
    assert any(isinstance(e, DownloadProgress) for e in events)
    assert any(isinstance(e, BalanceChanged) and e.amount is not None for e in events)
    assert not list(paths.output.glob("*.part"))


def test_variations_share_a_batch_and_each_is_created_once(open_engine: EngineOpener,
                                                          sim: RunningSimulator) -> None:
    async def scenario() -> None:
        async with open_engine() as engine:
            jobs = await engine.submit(LITE_REQUEST, variations=3)
            assert len({j.batch_id for j in jobs}) == 1
            done = await engine.wait_idle([j.id for j in jobs], timeout=60)
            assert [j.state for j in done] == [JobState.READY] * 3
            assert len({j.file_path for j in done}) == 3

    asyncio.run(scenario())
    assert creations(sim) == 3


@pytest.mark.parametrize(
    ("request_", "param"),
    [
        (GenerationRequest(model=LITE, prompt="x" * 4097), "prompt"),
        (GenerationRequest(model="no-such-model", prompt="hello"), "model"),
        (GenerationRequest(model=LITE, prompt="hello", aspect_ratio="7:3"), "aspect_ratio"),
    ],
)
def test_invalid_request_raises_naming_the_field_and_sends_nothing(
    open_engine: EngineOpener, sim: RunningSimulator, request_: GenerationRequest, param: str
) -> None:
    async def scenario() -> None:
        async with open_engine() as engine:
            with pytest.raises(GetimgError) as caught:
                await engine.submit(request_)
            assert caught.value.kind is ErrorKind.INVALID
            assert caught.value.param == param
            assert engine.store.count() == 0

    asyncio.run(scenario())
    assert creations(sim) == 0


def test_a_refused_quota_holds_the_queue_until_resumed(open_engine: EngineOpener, sim: RunningSimulator) -> None:
    sim.configure(balance="0.00")

    async def scenario() -> None:
        async with open_engine() as engine:
            jobs = await engine.submit(LITE_REQUEST, variations=2)
            done = await engine.wait_idle([j.id for j in jobs], timeout=30)
            # Nothing was created: the jobs stay queued (never rejected for it), the queue waits for a top-up.
            assert [j.state for j in done] == [JobState.QUEUED, JobState.QUEUED]
            status = engine.queue_status()
            assert status.held == answers.QUOTA_HOLD
            assert status.reason == answers.QUOTA_HOLD
            assert status.order == tuple(j.id for j in jobs)
            sim.configure(balance="5.00")
            await engine.resume_queue()
            done = await engine.wait_idle([j.id for j in jobs], timeout=60)
            assert [j.state for j in done] == [JobState.READY, JobState.READY]

    asyncio.run(scenario())
    assert creations(sim) == 2
    assert sum(sim.stats()["requests"]["create"].values()) == 3  # one refusal, then each sent once


def test_a_request_getimg_refuses_is_rejected_with_its_queued_copies(open_engine: EngineOpener,
                                                                    sim: RunningSimulator) -> None:
    sim.add_fault("create", status=400)

    async def scenario() -> None:
        async with open_engine() as engine:
            jobs = await engine.submit(LITE_REQUEST, variations=3)
            done = await engine.wait_idle([j.id for j in jobs], timeout=30)
            assert [j.state for j in done] == [JobState.REJECTED] * 3  # same request, same answer
            assert all(j.error_message and j.error_message.startswith("getimg refused") for j in done)

    asyncio.run(scenario())
    assert creations(sim) == 0
    assert sum(sim.stats()["requests"]["create"].values()) == 1


def test_a_failing_observer_does_not_break_the_engine(open_engine: EngineOpener) -> None:
    def broken(event: JobEvent) -> None:
        raise RuntimeError("observer bug")

    async def scenario() -> None:
        async with open_engine() as engine:
            engine.subscribe(broken)
            [job] = await engine.submit(LITE_REQUEST)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY

    asyncio.run(scenario())


def test_stop_tracking_stops_polling(open_engine: EngineOpener, sim: RunningSimulator, until: Until) -> None:
    sim.configure(pending_seconds=30)

    async def scenario() -> None:
        async with open_engine() as engine:
            [job] = await engine.submit(LITE_REQUEST)
            await until(lambda: "retrieve" in sim.stats()["requests"], what="the first poll")
            await engine.stop_tracking(job.id)
            stopped = engine.store.get(job.id)
            assert stopped is not None
            assert stopped.state is JobState.STOPPED
            assert "may still" in (stopped.error_message or "")
            polls = sum(sim.stats()["requests"].get("retrieve", {}).values())
            await asyncio.sleep(0.6)
            assert sum(sim.stats()["requests"].get("retrieve", {}).values()) == polls
            assert (await engine.wait_idle(timeout=1)) == []

    asyncio.run(scenario())


def test_remove_retry_favourite(open_engine: EngineOpener, sim: RunningSimulator, paths: Paths,
                                tmp_path: Path) -> None:
    events: list[JobEvent] = []
    outside = tmp_path / "precious.mp4"
    outside.write_bytes(b"keep me")

    async def scenario() -> None:
        async with open_engine(events=events) as engine:
            [job] = await engine.submit(LITE_REQUEST)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.file_path is not None
            await engine.set_favourite([job.id], True)
            fav = engine.store.get(job.id)
            assert fav is not None
            assert fav.favourite
            [again] = await engine.retry(job.id)
            assert again.id != job.id
            assert again.request == done.request
            await engine.wait_idle([again.id], timeout=30)
            # A row whose file is outside the output folder: removing it never deletes that file.
            engine.store.write(again.id, JobChange(), now=again.created_at,
                               output=(0, OutputChange(file_path=outside)))
            await engine.remove([job.id, again.id], delete_files=True)
            assert engine.store.count() == 0
            assert not done.file_path.exists()

    asyncio.run(scenario())
    assert outside.read_bytes() == b"keep me"
    assert creations(sim) == 2
    removed = [e for e in events if isinstance(e, JobsRemoved)]
    assert len(removed) == 1
    assert len(removed[0].ids) == 2


def test_auto_download_off_keeps_the_video_on_the_server_until_asked(open_engine: EngineOpener,
                                                                    paths: Paths) -> None:
    async def scenario() -> None:
        async with open_engine(auto_download=False) as engine:
            [job] = await engine.submit(LITE_REQUEST)
            [waiting] = await engine.wait_idle([job.id], timeout=30)
            assert waiting.state is JobState.PENDING
            assert waiting.completed_at is not None
            assert waiting.file_path is None
            await engine.redownload(job.id)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY
            assert done.file_path is not None
            assert done.file_path.exists()

    asyncio.run(scenario())


def test_past_the_time_limit_a_job_waits_for_the_creator(open_engine: EngineOpener, sim: RunningSimulator,
                                                         sim_counts: Any) -> None:
    sim.configure(pending_seconds=2.0)

    async def scenario() -> None:
        async with open_engine(time_limit=0.3) as engine:
            [job] = await engine.submit(LITE_REQUEST)
            [waiting] = await engine.wait_idle([job.id], timeout=30)
            assert waiting.state is JobState.WAITING
            assert waiting.wait_reason is WaitReason.TIME_LIMIT
            assert waiting.overdue
            assert "Still not finished" in (waiting.error_message or "")
            polls = sim_counts("retrieve")
            await asyncio.sleep(0.4)
            assert sim_counts("retrieve") == polls  # not polled for ever
            engine.set_time_limit(60)
            await engine.resume([job.id])  # the creator chose to keep checking
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY

    asyncio.run(scenario())
    assert creations(sim) == 1


def test_stopping_a_job_while_its_post_is_in_flight_keeps_it_stopped(open_engine: EngineOpener,
                                                                     sim: RunningSimulator, until: Until) -> None:
    sim.add_fault("create", delay=1.0)

    async def scenario() -> None:
        async with open_engine() as engine:
            [row] = await engine.submit(LITE_REQUEST)
            await until(lambda: engine.store.get(row.id).state is JobState.SUBMITTING, what="the POST")
            await engine.stop_tracking(row.id)
            await until(lambda: engine.store.get(row.id).remote_id is not None, what="the answer")
            [job] = await engine.wait_idle([row.id], timeout=30)
            assert job.state is JobState.STOPPED
            assert job.remote_id  # kept, so the creator can match it on the dashboard
            await asyncio.sleep(0.3)
            assert "retrieve" not in sim.stats()["requests"]

    asyncio.run(scenario())
    assert creations(sim) == 1
