"""GetimgClient against the simulator over loopback: retry rules, error mapping, parsing."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from getimg_studio.api.client import GetimgClient
from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.frames import PreparedFrame
from getimg_studio.api.types import GenerationRequest, RemoteState, RemoteStatus, Role
from getimg_studio.simulator.harness import RunningSimulator

T = TypeVar("T")
REQUEST = GenerationRequest(model="sim-fixed-lite", prompt="a lighthouse at dusk")


class Sleeps:
    """Records the waits the client asks for, and waits for real (so a Retry-After is measurable)."""

    def __init__(self, real: bool = True) -> None:
        self.calls: list[float] = []
        self.real = real

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.real:
            await asyncio.sleep(seconds)


def with_client(sim: RunningSimulator | str, body: Callable[[GetimgClient], Awaitable[T]], **kw: Any) -> T:
    base = sim if isinstance(sim, str) else sim.base_url

    async def run() -> T:
        client = GetimgClient(base, "sk-test-key-123", **kw)
        try:
            return await body(client)
        finally:
            await client.aclose()

    return asyncio.run(run())


def create_requests(sim: RunningSimulator) -> dict[str, int]:
    requests: dict[str, int] = sim.stats()["requests"].get("create", {})
    return requests


async def wait_done(client: GetimgClient, gid: str, timeout: float = 60.0) -> RemoteStatus:
    deadline = time.monotonic() + timeout
    while True:
        status = await client.get_generation(gid)
        if status.state is not RemoteState.PENDING or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.2)


def test_create_poll_and_parse(sim: RunningSimulator) -> None:
    async def body(client: GetimgClient) -> tuple[Any, RemoteStatus]:
        created = await client.create_generation(REQUEST, [])
        return created, await wait_done(client, created.id)

    created, status = with_client(sim, body)
    assert created.rate_limit.limit == 60
    assert created.rate_limit.remaining == 59
    assert status.state is RemoteState.COMPLETED
    (item,) = status.items
    assert item.deletes_at.tzinfo is not None
    assert item.deletes_at > datetime.now(UTC)
    assert "sig=" in item.url
    assert status.usage is not None
    assert status.usage.total_cost == Decimal("0.04")
    assert sim.stats()["total_creations"] == 1


@pytest.mark.parametrize(("fault", "retry_after"), [
    ({"status": 429, "retry_after": 1}, 1.0),  # the per-minute limit says when
    ({"status": 429}, None),  # the in-flight cap does not
])
def test_429_is_sent_once_and_says_nothing_was_created(sim: RunningSimulator, fault: dict[str, Any],
                                                       retry_after: float | None) -> None:
    sim.add_fault("create", **fault)
    sleeps = Sleeps(real=False)
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, []), sleep=sleeps)
    assert caught.value.kind is ErrorKind.RATE_LIMIT
    assert caught.value.surely_not_created
    assert caught.value.retry_after == retry_after
    assert sleeps.calls == []  # sending again is the queue's decision, not the client's
    assert create_requests(sim) == {"429": 1}
    assert sim.stats()["total_creations"] == 0


def test_503_is_surely_not_created_and_not_resent_by_the_client(sim: RunningSimulator) -> None:
    sim.add_fault("create", status=503, count=10)
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, []), sleep=Sleeps(real=False))
    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert caught.value.surely_not_created
    assert create_requests(sim) == {"503": 1}


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_error_on_create_is_uncertain_and_not_resent(sim: RunningSimulator, status: int) -> None:
    sim.add_fault("create", status=status)
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, []), sleep=Sleeps(real=False))
    assert caught.value.kind is ErrorKind.UNCERTAIN
    assert "may still be made and billed" in caught.value.message
    assert create_requests(sim) == {str(status): 1}


def test_reset_after_body_is_uncertain(sim: RunningSimulator) -> None:
    sim.add_fault("create", reset_after_body=True)
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, []), sleep=Sleeps(real=False))
    assert caught.value.kind is ErrorKind.UNCERTAIN
    assert not caught.value.surely_not_created
    # the server did create it: a resend would have made (and billed) a second one
    assert sim.stats()["total_creations"] == 1
    assert sum(create_requests(sim).values()) == 1


def test_timeout_on_create_is_uncertain(sim: RunningSimulator) -> None:
    sim.add_fault("create", delay=1.5)
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, []), timeout=0.5, sleep=Sleeps(real=False))
    assert caught.value.kind is ErrorKind.UNCERTAIN
    time.sleep(1.2)  # let the delayed answer finish so the count is final
    assert sim.stats()["total_creations"] == 1


def test_connection_refused_is_offline_and_surely_not_created() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nothing listens there
    sleeps = Sleeps(real=False)
    with pytest.raises(GetimgError) as caught:
        with_client(f"http://127.0.0.1:{port}", lambda c: c.create_generation(REQUEST, []), sleep=sleeps)
    assert caught.value.kind is ErrorKind.OFFLINE
    assert caught.value.surely_not_created
    assert sleeps.calls == []
    assert "Cannot reach getimg" in caught.value.message


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        ({"status": 401}, ErrorKind.AUTH, "API key"),
        ({"status": 402}, ErrorKind.QUOTA, "top up"),
        ({"status": 422}, ErrorKind.CONTENT_POLICY, "content policy"),
        ({"status": 400}, ErrorKind.INVALID, "refused"),
        ({"status": 404}, ErrorKind.NOT_FOUND, "does not know"),
        ({"status": 429, "retry_after": 600}, ErrorKind.RATE_LIMIT, "try again in 10 min"),
    ],
)
def test_error_envelopes_map_to_kinds(sim: RunningSimulator, fault: dict[str, Any], kind: ErrorKind,
                                      words: str) -> None:
    sim.add_fault("create", **fault)
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, []), sleep=Sleeps(real=False))
    assert caught.value.kind is kind
    assert words in caught.value.message
    assert caught.value.status == fault["status"]
    assert caught.value.surely_not_created
    assert sum(create_requests(sim).values()) == 1


def test_server_validation_names_the_parameter(sim: RunningSimulator) -> None:
    frame = PreparedFrame(Role.REFERENCE_IMAGE, "https://example.invalid/a.png", "", 0, 0, 0, "")
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, [frame]))
    assert caught.value.kind is ErrorKind.INVALID
    assert caught.value.param is not None
    assert caught.value.message.startswith(f"getimg refused the {caught.value.param.replace('_', ' ')}: ")
    assert sim.stats()["total_creations"] == 0


def test_reads_are_retried(sim: RunningSimulator) -> None:
    sim.add_fault("models", status=500)
    sim.add_fault("models", malformed=True)
    sim.add_fault("balance", status=429, retry_after=0.2)
    sleeps = Sleeps()

    async def body(client: GetimgClient) -> tuple[Any, ...]:
        return await client.list_models(), await client.balance()

    models, balance = with_client(sim, body, sleep=sleeps)
    assert [m.id for m in models] == ["seedance-v1-5-pro", "seedance-v1-pro", "sim-fixed-lite"]
    assert balance.amount == Decimal("50.00")
    assert sleeps.calls[-1] == pytest.approx(0.2)
    assert len(sleeps.calls) == 3


def test_unknown_generation_and_costs(sim: RunningSimulator) -> None:
    async def body(client: GetimgClient) -> Any:
        with pytest.raises(GetimgError) as caught:
            await client.get_generation("req-nope")
        assert caught.value.kind is ErrorKind.NOT_FOUND
        now = datetime.now(UTC)
        return await client.costs(now - timedelta(days=2), now)

    report = with_client(sim, body)
    assert report.total == Decimal(0)
    assert len(report.days) == 3
    assert report.currency == "USD"


@pytest.mark.parametrize("fault", [{"malformed": True}, {"drop_after_bytes": 5}])
def test_accepted_but_unreadable_answer_is_uncertain(sim: RunningSimulator, fault: dict[str, Any]) -> None:
    sim.add_fault("create", **fault)
    with pytest.raises(GetimgError) as caught:
        with_client(sim, lambda c: c.create_generation(REQUEST, []), sleep=Sleeps(real=False))
    assert caught.value.kind is ErrorKind.UNCERTAIN
    assert sim.stats()["total_creations"] == 1


def test_the_first_requests_wait_for_their_gate_then_go(sim: RunningSimulator) -> None:
    """The window holds the engine's first requests (and the SDK's import) until it has painted."""

    def listed() -> int:
        return sum(sim.stats()["requests"].get("models", {}).values())

    async def body() -> None:
        gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        opened: list[bool] = []

        async def before() -> None:
            opened.append(False)
            await asyncio.shield(gate)

        client = GetimgClient(sim.base_url, "sk-test-key-123", before_first_request=before)
        try:
            before_count = listed()
            first = asyncio.ensure_future(client.list_models())
            second = asyncio.ensure_future(client.balance())
            await asyncio.sleep(0.3)
            assert not first.done()
            assert not second.done()  # both wait: not only the very first
            assert listed() == before_count  # nothing reached getimg
            gate.set_result(None)
            assert await first
            assert (await second).amount is not None
            await client.list_models()  # once loaded, requests go at once
            assert len(opened) == 2
        finally:
            await client.aclose()

    asyncio.run(body())
