"""Image jobs through the engine, against the simulator: the queue, the lifecycle, the saved file, the money rule.

The image fault matrix sits beside the video one (test_engine_answers.py): each case asserts the end state, the
words the creator reads, and how many images the simulator made and how many POSTs it answered.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.image_client import ImageClient
from getimg_studio.api.image_types import ImageRequest, sniff_image_mime
from getimg_studio.api.types import FrameRef, Role
from getimg_studio.jobs import answers
from getimg_studio.jobs.model import (
    CatalogueChanged,
    Job,
    JobChanged,
    JobEvent,
    JobFilter,
    JobKind,
    JobState,
    QueueChanged,
)
from getimg_studio.jobs.store import JobStore
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import IMAGE_LITE, image_bytes
from tests.integration.conftest import made
from tests.integration.conftest import run_engine as run

EngineOpener = Any  # the `open_engine` fixture of tests/integration/conftest.py
PRO = "sim-image-pro"  # 1K/2K, two references, priced per resolution
REQUEST = ImageRequest(model=IMAGE_LITE, prompt="A lighthouse on a cliff at dawn", aspect_ratio="16:9")
QUICK = {"poll_initial": 0.05, "poll_max": 0.1, "send_backoff": 0.05}


async def _short(seconds: float) -> None:  # the engine's and the client's backoffs, kept short
    await asyncio.sleep(min(seconds, 0.05))


@pytest.fixture
def fast(sim: RunningSimulator, open_engine: EngineOpener) -> Callable[..., Any]:
    sim.configure(image_seconds=0.05)

    def opener(**overrides: Any) -> Any:
        return open_engine(client_sleep=_short, sleep=_short, **{**QUICK, **overrides})

    return opener


def posts(sim: RunningSimulator) -> dict[str, int]:
    """The image route's answers, by HTTP status."""
    return dict(sim.stats()["requests"].get("images", {}))


async def one(engine: Any, request: ImageRequest = REQUEST) -> Job:
    [job] = await engine.submit_image(request)
    [done] = await engine.wait_idle([job.id], timeout=30)
    return done


def states(events: list[JobEvent], job_id: int) -> list[JobState]:
    """The states the job went through, in order (notes within a state left out)."""
    seen: list[JobState] = []
    for e in events:
        if isinstance(e, JobChanged) and e.job.id == job_id and e.job.state is not e.previous:
            seen.append(e.job.state)
    return seen


# Through the queue to a saved image -------------------------------------------------------------------------

def test_an_image_job_goes_through_the_queue_to_a_saved_image(fast: Any, sim: RunningSimulator) -> None:
    events: list[JobEvent] = []
    request = ImageRequest(model=PRO, prompt="A red kite over green hills", aspect_ratio="16:9",
                           resolution="1K", output_format="png")

    async def body(engine: Any) -> None:
        [queued] = await engine.submit_image(request)
        assert (queued.kind, queued.state, queued.request) == (JobKind.IMAGE, JobState.QUEUED, request)
        assert queued.estimate.amount == Decimal("0.012")
        [done] = await engine.wait_idle([queued.id], timeout=30)
        assert done.state is JobState.READY
        assert states(events, done.id) == [JobState.SUBMITTING, JobState.DOWNLOADING, JobState.READY]
        assert done.cost == Decimal("0.012") == done.estimate.amount
        assert done.remote_id is not None
        assert done.completed_at is not None
        assert engine.session_spent == Decimal("0.012")
        path = done.file_path
        assert path is not None
        assert path.suffix == ".png"
        assert path.parent == engine.output_dir
        assert sniff_image_mime(path.read_bytes()[:12]) == "image/png"
        with Image.open(path) as image:
            assert image.size == (1024, 576) == (done.width, done.height)
        assert [j.id for j in engine.store.page(JobFilter.ALL, "kite", 0, 9)] == [done.id]
        assert engine.store.get(done.id).request == request  # the history keeps it as an ImageRequest

    run(fast, body, events=events)
    assert made(sim) == 1
    assert posts(sim) == {"200": 1}


def test_variations_are_one_post_each_and_wait_for_a_free_slot(fast: Any, sim: RunningSimulator) -> None:
    sim.configure(max_pending=2, image_seconds=0.3)

    async def body(engine: Any) -> None:
        jobs = await engine.submit_image(REQUEST, 4)
        done = await engine.wait_idle([j.id for j in jobs], timeout=60)
        assert [j.state for j in done] == [JobState.READY] * 4
        assert len({j.file_path for j in done}) == 4
        assert sum((j.cost for j in done), Decimal(0)) == Decimal("0.008")
        assert engine.queue_status().cap == 2

    run(fast, body)
    assert made(sim) == 4
    assert posts(sim).get("200") == 4  # each made once; a refusal for the cap made nothing


def test_an_image_is_saved_even_with_auto_download_off(fast: Any, sim: RunningSimulator) -> None:
    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.READY
        assert done.file_path is not None
        assert done.file_path.exists()

    run(fast, body, auto_download=False)  # getimg gives an image's address once: there is nothing to come back to


def test_a_shared_reference_is_kept_in_the_history_and_sent(fast: Any, sim: RunningSimulator,
                                                             tmp_path: Path) -> None:
    look = tmp_path / "look.gif"  # a format the API does not take: converted by the frame rules
    look.write_bytes(image_bytes("GIF", (96, 64), (20, 90, 200)))

    async def body(engine: Any) -> None:
        request = ImageRequest(PRO, "A harbour at night", aspect_ratio="1:1",
                               references=(FrameRef(Role.REFERENCE_IMAGE, path=look),))
        done = await one(engine, request)
        assert done.state is JobState.READY
        [kept] = done.request.references
        assert kept.path is not None
        assert kept.path.parent == engine.frames_dir
        assert kept.path.read_bytes() == look.read_bytes()

    run(fast, body)
    assert made(sim) == 1


def test_the_catalogue_refresh_brings_image_models_too(fast: Any) -> None:
    events: list[JobEvent] = []

    async def body(engine: Any) -> None:
        events.clear()
        await engine.refresh_catalogue()
        assert {m.id for m in engine.catalogue.image_models()} == {IMAGE_LITE, PRO, "seedream-5-lite"}
        assert engine.catalogue.get(IMAGE_LITE) is None  # never offered as a video model
        assert sum(isinstance(e, CatalogueChanged) for e in events) == 1

    run(fast, body, events=events, start=False)  # not started: no start-up refresh races the count


# The money rule ----------------------------------------------------------------------------------------------

def test_a_timed_out_image_request_is_sent_once_and_uncertain(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("images", delay=1.5)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.UNCERTAIN
        assert done.error_message == answers.UNCERTAIN
        assert done.file_path is None
        await engine.wait_idle(timeout=2)  # nothing else to send: the queue stays empty
        assert engine.queue_status().order == ()

    run(fast, body, image_timeout=0.5)
    deadline = 10.0
    while sum(posts(sim).values()) < 1 and deadline > 0:  # the server answers, too late
        deadline -= 0.05
        asyncio.run(asyncio.sleep(0.05))
    assert posts(sim) == {"200": 1}  # sent exactly once
    assert made(sim) == 1  # and the server did make (and bill) it


@pytest.mark.parametrize("fault", [
    {"status": 429, "retry_after": 0.3},
    {"status": 503, "retry_after": 0.1},
], ids=["429-per-minute", "503"])
def test_a_refusal_that_says_later_keeps_the_image_queued_and_sends_it_once(
        fast: Any, sim: RunningSimulator, fault: dict[str, Any]) -> None:
    sim.add_fault("images", **fault)
    events: list[JobEvent] = []

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.READY
        assert states(events, done.id) == [JobState.SUBMITTING, JobState.QUEUED, JobState.SUBMITTING,
                                           JobState.DOWNLOADING, JobState.READY]

    run(fast, body, events=events)
    assert made(sim) == 1
    assert posts(sim) == {str(fault["status"]): 1, "200": 1}
    if fault["status"] == 429:  # images have a per-minute window of their own, said as such
        reasons = {e.status.reason for e in events if isinstance(e, QueueChanged)}
        assert any(r.startswith("getimg's per-minute limit for images is reached") for r in reasons)


def test_an_image_that_cannot_be_sent_stays_queued(fast: Any, sim: RunningSimulator) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens there once closed

    async def body(engine: Any) -> None:
        live = engine.client
        engine.client = ImageClient(dead, "test", sleep=_short)
        [job] = await engine.submit_image(REQUEST)
        stuck = await engine.wait_sent([job.id], timeout=30)
        assert [j.state for j in stuck] == [JobState.QUEUED]  # never connected: nothing made, nothing billed
        assert "cannot reach getimg" in engine.queue_status().reason
        await engine.client.aclose()
        engine.client = live
        [done] = await engine.wait_idle([job.id], timeout=30)
        assert done.state is JobState.READY

    run(fast, body)
    assert made(sim) == 1
    assert posts(sim) == {"200": 1}


@pytest.mark.parametrize(("fault", "creations"), [
    ({"reset_after_body": True}, 1),  # made (and billed) by getimg, the answer lost: never resent
    ({"status": 500}, 0),
    ({"malformed": True}, 1),
])
def test_an_image_that_may_have_been_made_is_uncertain(fast: Any, sim: RunningSimulator, fault: dict[str, Any],
                                                       creations: int) -> None:
    sim.add_fault("images", **fault)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.UNCERTAIN
        assert done.error_message == answers.UNCERTAIN

    run(fast, body)
    assert made(sim) == creations
    assert sum(posts(sim).values()) == 1


def test_a_refused_image_is_rejected_and_the_form_hears_why(fast: Any, sim: RunningSimulator) -> None:
    async def body(engine: Any) -> None:
        with pytest.raises(GetimgError) as caught:
            await engine.submit_image(ImageRequest(IMAGE_LITE, "a cat [nsfw]"), until_sent=True)
        assert caught.value.param == "prompt"
        [job] = engine.store.page(JobFilter.ALL, "", 0, 1)
        assert job.state is JobState.REJECTED
        assert job.cost is None

    run(fast, body)
    assert made(sim) == 0


def test_a_full_balance_holds_the_queue_for_images_too(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("images", status=402)

    async def body(engine: Any) -> None:
        [job] = await engine.submit_image(REQUEST, 1)
        [waiting] = await engine.wait_idle([job.id], timeout=30)
        assert waiting.state is JobState.QUEUED
        assert engine.queue_status().held == answers.QUOTA_HOLD
        await engine.resume_queue()
        [done] = await engine.wait_idle([job.id], timeout=30)
        assert done.state is JobState.READY

    run(fast, body)
    assert made(sim) == 1


def test_stopped_while_being_made_it_keeps_its_bill_and_can_be_saved(fast: Any, sim: RunningSimulator) -> None:
    sim.configure(image_seconds=0.6)

    async def body(engine: Any) -> None:
        [job] = await engine.submit_image(REQUEST)
        for _ in range(200):
            if engine.store.get(job.id).state is JobState.SUBMITTING:
                break
            await asyncio.sleep(0.01)
        await engine.stop_tracking(job.id)
        for _ in range(300):
            stopped = engine.store.get(job.id)
            if stopped.remote_id is not None:
                break
            await asyncio.sleep(0.01)
        assert stopped.state is JobState.STOPPED
        assert stopped.cost == Decimal("0.002")  # made and billed: the history says so
        await engine.redownload(job.id)
        [done] = await engine.wait_idle([job.id], timeout=30)
        assert done.state is JobState.READY
        assert done.file_path is not None

    run(fast, body)
    assert made(sim) == 1


def test_an_image_on_the_wire_at_a_crash_becomes_uncertain(fast: Any, sim: RunningSimulator, paths: Any) -> None:
    store = JobStore(paths.database)
    [job] = store.insert(REQUEST, state=JobState.SUBMITTING)
    store.close()

    async def body(engine: Any) -> None:
        recovered = engine.store.get(job.id)
        assert (recovered.kind, recovered.state) == (JobKind.IMAGE, JobState.UNCERTAIN)

    run(fast, body)
    assert posts(sim) == {}


# Bad input: a clear message before any request -----------------------------------------------------------------

def _bad_inputs(tmp: Path) -> list[tuple[ImageRequest, str, str]]:
    text = tmp / "notes.png"
    text.write_text("not a picture")
    refs = tuple(FrameRef(Role.REFERENCE_IMAGE, path=text) for _ in range(3))
    return [
        (ImageRequest("no-such-model", "a tree"), "model", "is not a known image model"),
        (ImageRequest("sim-fixed-lite", "a tree"), "model", "is not an image model"),
        (ImageRequest(IMAGE_LITE, "x" * 4097), "prompt", "4,096"),
        (ImageRequest(PRO, "a tree", references=refs), "reference_image", "at most 2 reference images"),
        (ImageRequest(PRO, "a tree", references=refs[:1]), "reference_image", "Reference image 1:"),
        (ImageRequest(PRO, "a tree", resolution="4K"), "resolution", "must be one of 1K, 2K"),
        (ImageRequest(PRO, "a tree", output_format="gif"), "output_format", "not an image format getimg makes"),
    ]


def test_bad_input_is_refused_before_any_request(fast: Any, sim: RunningSimulator, tmp_path: Path) -> None:
    async def body(engine: Any) -> None:
        for request, param, words in _bad_inputs(tmp_path):
            with pytest.raises(GetimgError) as caught:
                await engine.submit_image(request, 2)
            assert caught.value.param == param, request
            assert words in caught.value.message, caught.value.message
            assert caught.value.kind in (ErrorKind.INVALID, ErrorKind.FRAME)
        assert engine.store.count() == 0  # nothing queued

    run(fast, body)
    assert posts(sim) == {}
