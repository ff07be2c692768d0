"""The fault matrix: every answer getimg (or what stands in front of it) may give, through the engine.

Each case asserts the end state, the words the creator reads, and how many generations the simulator made.
The simulator sends each odd answer for real over loopback (see simulator/faults.py); polls run every 50 ms.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.timestamps import parse_timestamp
from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs import answers
from getimg_studio.jobs.model import Job, JobState, WaitReason
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.render import probe_video
from getimg_studio.simulator.testing import LITE
from tests.integration.conftest import made
from tests.integration.conftest import run_engine as run

EngineOpener = Any  # the `open_engine` fixture of tests/integration/conftest.py
REQUEST = GenerationRequest(model=LITE, prompt="A fox crossing a frozen river", aspect_ratio="16:9")
QUICK = {"poll_initial": 0.05, "poll_max": 0.1, "send_backoff": 0.05}


async def _no_wait(seconds: float) -> None:  # the client's own read retries: not what these tests measure
    await asyncio.sleep(min(seconds, 0.01))


async def _short(seconds: float) -> None:  # the engine's backoff after odd answers, kept short
    await asyncio.sleep(min(seconds, 0.05))


@pytest.fixture
def fast(sim: RunningSimulator, open_engine: EngineOpener) -> Callable[..., Any]:
    sim.configure(pending_seconds=0.05)

    def opener(**overrides: Any) -> Any:
        return open_engine(client_sleep=_no_wait, sleep=_short, **{**QUICK, **overrides})

    return opener


def sent(sim: RunningSimulator) -> int:
    return sum(sim.stats()["requests"].get("create", {}).values())


async def one(engine: Any, *, flagged: bool = False, request: GenerationRequest = REQUEST) -> Job:
    [job] = await engine.submit(request)
    [done] = await engine.wait_idle([job.id], timeout=30, flagged=flagged)
    return done


def no_key_blame(text: str | None) -> None:
    assert text is not None
    assert "key" not in text.lower()
    assert "<" not in text  # no page reaches the creator


# Status polls ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fault", [{"status": 401}, {"status": 403}])
def test_refused_key_on_a_poll_waits_and_carries_on_with_a_new_key(fast: Any, sim: RunningSimulator,
                                                                    fault: dict[str, Any]) -> None:
    sim.add_fault("retrieve", **fault)

    async def body(engine: Any) -> None:
        waiting = await one(engine)
        assert waiting.state is JobState.WAITING
        assert waiting.wait_reason is WaitReason.KEY
        assert waiting.error_message == answers.KEY_WAIT
        await engine.set_api_key("sk-a-new-key")
        [done] = await engine.wait_idle([waiting.id], timeout=30)
        assert done.state is JobState.READY

    run(fast, body)
    assert made(sim) == 1


def test_quota_on_a_poll_waits_and_resumes_on_demand(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", status=402)

    async def body(engine: Any) -> None:
        waiting = await one(engine)
        assert (waiting.state, waiting.wait_reason) == (JobState.WAITING, WaitReason.QUOTA)
        assert waiting.error_message == answers.QUOTA_WAIT
        await engine.resume([waiting.id])
        [done] = await engine.wait_idle([waiting.id], timeout=30)
        assert done.state is JobState.READY

    run(fast, body)
    assert made(sim) == 1


@pytest.mark.parametrize("status", [403, 404])
def test_a_proxy_page_on_a_poll_is_flagged_not_blamed_on_the_key(fast: Any, sim: RunningSimulator,
                                                                  status: int) -> None:
    sim.add_fault("retrieve", status=status, html=True, count=3)

    async def body(engine: Any) -> None:
        flagged = await one(engine, flagged=True)
        assert flagged.state is JobState.PENDING
        assert flagged.attention is not None
        assert flagged.attention.startswith(f"Something between you and getimg (a proxy or firewall) answered "
                                            f"HTTP {status}")
        no_key_blame(flagged.attention)
        [done] = await engine.wait_idle([flagged.id], timeout=30)
        assert done.state is JobState.READY
        assert done.attention is None  # a good answer clears the note

    run(fast, body)
    assert made(sim) == 1


def test_a_login_page_instead_of_the_status_is_flagged(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", html=True, count=4)  # more than the client's own read retries

    async def body(engine: Any) -> None:
        flagged = await one(engine, flagged=True)
        assert "A web page came back instead of getimg's answer" in (flagged.attention or "")
        no_key_blame(flagged.attention)
        [done] = await engine.wait_idle([flagged.id], timeout=30)
        assert done.state is JobState.READY

    run(fast, body)
    assert made(sim) == 1


@pytest.mark.parametrize("fault", [{"status": 502, "html": True, "count": 5}, {"gzip": True, "count": 20},
                                   {"status": 500, "count": 5}])
def test_passing_trouble_and_compressed_answers_end_ready(fast: Any, sim: RunningSimulator,
                                                          fault: dict[str, Any]) -> None:
    sim.add_fault("retrieve", **fault)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.READY
        assert done.attention is None
        assert done.error_message is None

    run(fast, body)
    assert made(sim) == 1


def test_a_404_on_a_poll_fails_the_job(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", status=404)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.FAILED
        assert done.error_message == answers.NOT_FOUND

    run(fast, body)
    assert made(sim) == 1


def test_an_unknown_status_with_an_error_is_terminal(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", status_text="cancelled", error=True)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.FAILED
        assert done.error_message == "getimg reports 'cancelled': The generation was cancelled."

    run(fast, body)
    assert made(sim) == 1


def test_an_unknown_status_without_an_error_is_flagged_and_followed(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", status_text="expired", count=3)

    async def body(engine: Any) -> None:
        flagged = await one(engine, flagged=True)
        assert flagged.state is JobState.PENDING
        assert flagged.attention == answers.unknown_status("expired")
        [done] = await engine.wait_idle([flagged.id], timeout=30)
        assert done.state is JobState.READY

    run(fast, body)
    assert made(sim) == 1


def test_completed_with_no_file_is_flagged_billed_once_and_checked_again(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", items=0, count=2)

    async def body(engine: Any) -> None:
        flagged = await one(engine, flagged=True)
        assert flagged.state is JobState.PENDING
        assert flagged.attention == answers.unusable_completion("no file was listed")
        assert flagged.cost == Decimal("0.04")  # getimg billed it: recorded at once
        [done] = await engine.wait_idle([flagged.id], timeout=30)
        assert done.state is JobState.READY
        assert done.cost == Decimal("0.04")
        assert engine.session_spent == Decimal("0.04")  # counted once

    run(fast, body)
    assert made(sim) == 1


@pytest.mark.parametrize("form", ["unix", "unix_ms", "rfc2822", "iso_offset", "iso_naive", "iso_nanos", "iso_space"])
def test_deletes_at_in_every_form_is_read(fast: Any, sim: RunningSimulator, form: str) -> None:
    sim.add_fault("retrieve", deletes_at=form, count=50)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.READY
        assert done.deletes_at is not None
        assert abs((done.deletes_at - datetime.now(UTC)).total_seconds() - 24 * 3600) < 120

    run(fast, body)
    assert made(sim) == 1


@pytest.mark.parametrize("form", ["missing", "garbage"])
def test_without_a_readable_deletes_at_the_file_is_fetched_at_once(fast: Any, sim: RunningSimulator,
                                                                   form: str) -> None:
    sim.add_fault("retrieve", deletes_at=form, count=50)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.READY
        assert done.deletes_at is None  # shown as unknown
        assert done.file_path is not None
        assert done.file_path.exists()

    run(fast, body)
    assert made(sim) == 1


def test_every_item_of_a_completed_answer_is_saved(fast: Any, sim: RunningSimulator) -> None:
    sim.add_fault("retrieve", items=3)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.READY
        assert [o.index for o in done.outputs] == [0, 1, 2]
        assert all(o.saved for o in done.outputs)
        assert len(set(done.files)) == 3
        for path in done.files:
            assert path.stat().st_size > 1000
            probe_video(path)
        assert done.file_path == done.outputs[0].file_path

    run(fast, body)
    assert made(sim) == 1


def test_past_the_per_job_time_limit_it_waits_instead_of_polling_for_ever(fast: Any, sim: RunningSimulator) -> None:
    sim.configure(pending_seconds=30)

    async def body(engine: Any) -> None:
        waiting = await one(engine)
        assert (waiting.state, waiting.wait_reason) == (JobState.WAITING, WaitReason.TIME_LIMIT)
        assert waiting.error_message == answers.time_limit(0.5 / 60)
        assert not waiting.state.terminal  # never silently failed

    run(fast, body, time_limit=0.5)
    assert made(sim) == 1


# Creation requests -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fault", [
    {"status": 429, "retry_after": 0.2},
    {"status": 429, "retry_after": 1, "retry_after_form": "date"},
    {"status": 429, "retry_after": 0.2, "retry_after_form": "ms"},
    {"status": 429, "retry_after": 0.2, "html": True},
    {"status": 503, "retry_after": 0.1},
], ids=["seconds", "http-date", "ms", "html", "503"])
def test_a_refusal_that_says_later_keeps_the_job_queued_and_sends_it_once(fast: Any, sim: RunningSimulator,
                                                                           fault: dict[str, Any]) -> None:
    sim.add_fault("create", **fault)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.READY
        assert done.submitted_at is not None

    run(fast, body)
    assert made(sim) == 1
    assert sent(sim) == 2


def test_the_in_flight_cap_is_learnt_and_never_rejects(fast: Any, sim: RunningSimulator) -> None:
    sim.configure(max_pending=1, pending_seconds=0.3)

    async def body(engine: Any) -> None:
        jobs = await engine.submit(REQUEST, variations=3)
        done = await engine.wait_idle([j.id for j in jobs], timeout=60)
        assert [j.state for j in done] == [JobState.READY] * 3
        assert engine.queue_status().cap == 1

    run(fast, body)
    assert made(sim) == 3
    assert sent(sim) == 4  # one refusal taught the cap


@pytest.mark.parametrize(("fault", "held", "carry_on"), [
    ({"status": 401}, answers.KEY_HOLD, "key"),
    ({"status": 402}, answers.QUOTA_HOLD, "resume"),
    ({"status": 403, "html": True}, None, "resume"),
])
def test_a_refusal_for_every_job_holds_the_queue(fast: Any, sim: RunningSimulator, fault: dict[str, Any],
                                                 held: str | None, carry_on: str) -> None:
    sim.add_fault("create", **fault)

    async def body(engine: Any) -> None:
        jobs = await engine.submit(REQUEST, variations=2)
        waiting = await engine.wait_idle([j.id for j in jobs], timeout=30)
        assert [j.state for j in waiting] == [JobState.QUEUED] * 2  # not sent, not billed, not rejected
        status = engine.queue_status()
        if held is None:  # a proxy's page: said as such, never blamed on the key
            assert status.held is not None
            assert status.held.startswith("Something between you and getimg (a proxy or firewall) answered HTTP 403")
            no_key_blame(status.held)
        else:
            assert status.held == held
        if carry_on == "key":
            await engine.set_api_key("sk-a-better-key")
        else:
            await engine.resume_queue()
        done = await engine.wait_idle([j.id for j in jobs], timeout=60)
        assert [j.state for j in done] == [JobState.READY] * 2

    run(fast, body)
    assert made(sim) == 2
    assert sent(sim) == 3


@pytest.mark.parametrize(("fault", "words", "creations"), [
    ({"status": 500}, answers.UNCERTAIN, 0),
    ({"status": 502, "html": True}, answers.UNCERTAIN, 0),
    ({"reset_after_body": True}, answers.UNCERTAIN, 1),  # made (and billed) by getimg: never resent
])
def test_a_creation_that_may_have_happened_is_uncertain(fast: Any, sim: RunningSimulator, fault: dict[str, Any],
                                                        words: str, creations: int) -> None:
    sim.add_fault("create", **fault)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.UNCERTAIN
        assert done.error_message == words

    run(fast, body)
    assert made(sim) == creations
    assert sent(sim) == 1


@pytest.mark.parametrize(("fault", "words"), [
    ({"status": 400}, "getimg refused the request: Injected bad request."),
    ({"status": 422}, "getimg refused this request under its content policy"),
])
def test_a_refused_request_is_rejected(fast: Any, sim: RunningSimulator, fault: dict[str, Any], words: str) -> None:
    sim.add_fault("create", **fault)

    async def body(engine: Any) -> None:
        done = await one(engine)
        assert done.state is JobState.REJECTED
        assert (done.error_message or "").startswith(words)

    run(fast, body)
    assert made(sim) == 0


# The model list ----------------------------------------------------------------------------------------------

def test_a_502_page_on_the_model_list_says_so_without_the_page(fast: Any, sim: RunningSimulator) -> None:
    async def body(engine: Any) -> None:
        sim.add_fault("models", status=502, html=True, count=10)
        with pytest.raises(GetimgError) as caught:
            await engine.refresh_catalogue()
        assert caught.value.kind is ErrorKind.SERVER
        assert caught.value.message == ("getimg, or something between you and getimg, answered HTTP 502: "
                                        "wait a moment and try again.")
        assert engine.catalogue.get(LITE) is not None  # the list known before is kept

    run(fast, body)


def test_a_fractional_listed_duration_is_sent_as_whole_seconds(fast: Any, sim: RunningSimulator) -> None:
    async def body(engine: Any) -> None:
        sim.add_fault("models", durations=[7.5])
        await engine.refresh_catalogue()
        model = engine.catalogue.get(LITE)
        assert model.durations == (7.5,)
        request = GenerationRequest(model=LITE, prompt="A slow pan over dunes", duration=7.5)
        done = await one(engine, request=request)
        assert done.state is JobState.READY
        assert done.estimate.quantity == Decimal(8)  # priced as sent

    run(fast, body)
    [body_sent] = sim.stats()["create_bodies"]
    assert body_sent["duration"] == 8
    assert isinstance(body_sent["duration"], int)
    assert made(sim) == 1


def test_dates_read_by_the_engine_match_the_simulator(sim: RunningSimulator) -> None:
    # The simulator's own forms and the app's reader agree on the instant, whatever the form.
    from getimg_studio.simulator.engine import deletes_at_text

    ts = 1_777_725_000.25
    for form in ("unix", "unix_ms", "rfc2822", "iso_offset", "iso_naive", "iso_nanos", "iso_space", None):
        parsed = parse_timestamp(deletes_at_text(ts, form))
        assert parsed is not None
        assert abs(parsed.timestamp() - ts) < 1
