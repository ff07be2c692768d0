"""Money and files under faults: no second creation, uncertain stays uncertain, downloads resume or refresh."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.answers import UNCERTAIN as UNCERTAIN_MESSAGE
from getimg_studio.jobs.model import JobState
from getimg_studio.jobs.store import JobStore
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.render import probe_video
from getimg_studio.simulator.testing import LITE

EngineOpener = Any  # the `open_engine` fixture of tests/integration/conftest.py
REQUEST = GenerationRequest(model=LITE, prompt="Waves on a pebble beach", aspect_ratio="16:9")


def creations(sim: RunningSimulator) -> int:
    return int(sim.stats()["total_creations"])


def create_requests(sim: RunningSimulator) -> int:
    return sum(sim.stats()["requests"].get("create", {}).values())


def test_a_500_on_creation_is_never_resent(open_engine: EngineOpener, sim: RunningSimulator) -> None:
    sim.add_fault("create", status=500)

    async def scenario() -> None:
        async with open_engine() as engine:
            [job] = await engine.submit(REQUEST)
            [job] = await engine.wait_idle([job.id], timeout=30)
            assert job.state is JobState.UNCERTAIN
            assert job.error_message == UNCERTAIN_MESSAGE
            assert job.remote_id is None
            assert await engine.wait_idle(timeout=1) == []

    asyncio.run(scenario())
    assert create_requests(sim) == 1
    assert creations(sim) == 0


def test_429_on_creation_waits_retry_after_then_creates_once(open_engine: EngineOpener,
                                                             sim: RunningSimulator) -> None:
    sim.add_fault("create", status=429, retry_after=1, count=2)

    async def scenario() -> float:
        async with open_engine() as engine:
            [job] = await engine.submit(REQUEST)
            await engine.wait_idle([job.id], timeout=30)
            done = engine.store.get(job.id)
            assert done is not None
            assert done.state is JobState.READY
            assert done.submitted_at is not None
            return (done.submitted_at - done.created_at).total_seconds()

    waited = asyncio.run(scenario())
    assert waited >= 2.0  # two Retry-After: 1 answers, each honoured
    assert create_requests(sim) == 3
    assert creations(sim) == 1


def test_a_reset_after_the_body_was_sent_leaves_the_job_uncertain(open_engine: EngineOpener,
                                                                 sim: RunningSimulator) -> None:
    sim.add_fault("create", reset_after_body=True)

    async def scenario() -> None:
        async with open_engine() as engine:
            [job] = await engine.submit(REQUEST)
            [job] = await engine.wait_idle([job.id], timeout=30)
            assert job.state is JobState.UNCERTAIN
            assert "not billed twice" in (job.error_message or "")

    asyncio.run(scenario())
    assert create_requests(sim) == 1
    assert creations(sim) == 1  # made (and billed) server-side: exactly why it must not be resent


def test_retry_after_on_polls_is_honoured(open_engine: EngineOpener, sim: RunningSimulator) -> None:
    slept: list[float] = []

    async def recording_sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(min(seconds, 0.05))

    async def quick_sleep(seconds: float) -> None:  # the client's own read retries, not under test here
        await asyncio.sleep(min(seconds, 0.05))

    # More 503s than the client's own read retries: the engine sees the error and its Retry-After.
    sim.add_fault("retrieve", status=503, retry_after=7, count=4)

    async def scenario() -> None:
        async with open_engine(client_sleep=quick_sleep, sleep=recording_sleep) as engine:
            [job] = await engine.submit(REQUEST)
            [done] = await engine.wait_idle([job.id], timeout=40)
            assert done.state is JobState.READY

    asyncio.run(scenario())
    assert 7 in slept
    assert creations(sim) == 1


def test_a_cut_download_resumes_from_where_it_stopped(open_engine: EngineOpener, sim: RunningSimulator,
                                                       paths: Paths) -> None:
    cut = 40_000
    sim.add_fault("download", drop_after_bytes=cut)

    async def scenario() -> tuple[Path, str, str]:
        async with open_engine() as engine:
            [job] = await engine.submit(REQUEST)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY
            assert done.file_path is not None
            assert done.remote_id is not None
            url = engine.store.output_url(job.id, 0)
            assert url is not None
            return done.file_path, done.remote_id, url

    path, gid, url = asyncio.run(scenario())
    requests = sim.stats()["downloads"][gid]["requests"]
    gets = [r for r in requests if r["method"] == "GET"]
    assert gets[0]["dropped"]
    assert gets[0]["bytes"] == cut
    assert gets[1]["start"] == cut  # resumed, not restarted
    assert sum(r["bytes"] for r in gets) == path.stat().st_size
    assert httpx.get(url).content == path.read_bytes()
    probe_video(path)


def test_an_expired_signed_url_is_refreshed(open_engine: EngineOpener, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", url_ttl=0)  # the completed answer's URL is dead at once

    async def scenario() -> str:
        async with open_engine(auto_download=False) as engine:
            [job] = await engine.submit(REQUEST)
            [waiting] = await engine.wait_idle([job.id], timeout=30)
            assert waiting.completed_at is not None
            await engine.redownload(job.id)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.READY
            assert done.file_path is not None
            probe_video(done.file_path)
            assert done.remote_id is not None
            return done.remote_id

    gid = asyncio.run(scenario())
    assert sim.stats()["requests"]["download"].get("403") == 1  # the kept URL had expired
    assert [r["status"] for r in sim.stats()["downloads"][gid]["requests"]] == [200]
    assert creations(sim) == 1


def test_past_deletes_at_the_job_expires(open_engine: EngineOpener, sim: RunningSimulator) -> None:
    async def scenario() -> None:
        async with open_engine(auto_download=False) as engine:
            [job] = await engine.submit(REQUEST)
            [waiting] = await engine.wait_idle([job.id], timeout=30)
            assert waiting.deletes_at is not None
            sim.advance_clock(24 * 3600 + 1)  # a day passes on getimg's side: the video is deleted
            await engine.redownload(job.id)
            [done] = await engine.wait_idle([job.id], timeout=30)
            assert done.state is JobState.EXPIRED
            assert "Retry" in (done.error_message or "")
            assert done.file_path is not None
            assert not done.file_path.exists()

    asyncio.run(scenario())


def test_restart_recovers_every_unfinished_job(open_engine: EngineOpener, sim: RunningSimulator,
                                               paths: Paths, until: Any) -> None:
    sim.configure(pending_seconds=1.0)

    async def first_run() -> list[int]:
        async with open_engine() as engine:
            jobs = await engine.submit(REQUEST, variations=2)
            await until(lambda: all(j.state is JobState.PENDING for j in engine.store.get_many([j.id for j in jobs])),
                        what="both accepted")
            return [j.id for j in jobs]  # closed while both are pending

    ids = asyncio.run(first_run())
    store = JobStore(paths.database)
    assert {j.state for j in store.get_many(ids)} == {JobState.PENDING}
    # A row marked just before a POST whose answer never came (the app was killed mid-request), and one
    # still queued behind it.
    [orphan] = store.insert(REQUEST, state=JobState.SUBMITTING)
    [queued] = store.insert(REQUEST)
    store.close()

    async def second_run() -> None:
        async with open_engine() as engine:
            done = await engine.wait_idle(ids, timeout=30)
            assert [j.state for j in done] == [JobState.READY, JobState.READY]
            lost = engine.store.get(orphan.id)
            assert lost is not None
            assert lost.state is JobState.UNCERTAIN
            assert lost.error_message == UNCERTAIN_MESSAGE
            [sent] = await engine.wait_idle([queued.id], timeout=30)
            assert sent.state is JobState.READY  # sent after the restart, once
            # Spent this session: only the job this session sent, not the two the last one left pending.
            assert engine.session_spent == sent.cost

    asyncio.run(second_run())
    assert creations(sim) == 3
