"""The simulator says what the real API (and what stands in front of it) may say: each fault at the HTTP level."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from getimg_studio.api.timestamps import parse_timestamp
from getimg_studio.simulator.harness import RunningSimulator, SimulatorConfig, start_simulator
from getimg_studio.simulator.testing import AUTH, create, poll


@pytest.fixture(scope="module")
def shared_sim(render_cache: Any) -> Iterator[RunningSimulator]:
    """One simulator for the module (each test starts from no faults, no counts, the same knobs)."""
    with start_simulator(SimulatorConfig(pending_seconds=0.1, seed=3, render_cache=render_cache)) as server:
        yield server


@pytest.fixture
def asim(shared_sim: RunningSimulator) -> RunningSimulator:
    shared_sim.reset()
    shared_sim.configure(pending_seconds=0.1)
    return shared_sim


@pytest.fixture(scope="module")
def done_id(shared_sim: RunningSimulator) -> str:
    with httpx.Client(base_url=shared_sim.base_url) as c:
        gid: str = create(c).json()["id"]
        poll(c, gid)
    return gid


def get(sim: RunningSimulator, gid: str) -> httpx.Response:
    return httpx.get(f"{sim.base_url}/v2/videos/generations/{gid}", headers=AUTH)


def test_html_pages_and_gzip_bodies(asim: RunningSimulator, done_id: str) -> None:
    asim.add_fault("retrieve", status=403, html=True)
    r = get(asim, done_id)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.startswith("<!DOCTYPE html>")
    asim.add_fault("models", status=502, html=True)
    assert httpx.get(f"{asim.base_url}/v2/models", headers=AUTH).status_code == 502
    asim.add_fault("retrieve", gzip=True)
    raw = httpx.get(f"{asim.base_url}/v2/videos/generations/{done_id}", headers={**AUTH, "Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.json()["status"] == "completed"  # httpx decodes it, as the SDK's client does
    asim.add_fault("retrieve", gzip=True)
    with httpx.Client() as c, c.stream("GET", f"{asim.base_url}/v2/videos/generations/{done_id}",
                                        headers=AUTH) as s:
        assert gzip.decompress(b"".join(s.iter_raw())).startswith(b"{")
    asim.add_fault("create", html=True)  # processed, but a login page came back
    with httpx.Client(base_url=asim.base_url) as c:
        r = create(c)
    assert (r.status_code, r.headers["content-type"].split(";")[0]) == (200, "text/html")


def test_retry_after_forms(asim: RunningSimulator) -> None:
    with httpx.Client(base_url=asim.base_url) as c:
        asim.add_fault("create", status=429, retry_after=3)
        assert create(c).headers["retry-after"] == "3"
        asim.add_fault("create", status=429, retry_after=3, retry_after_form="ms")
        r = create(c)
        assert r.headers["retry-after-ms"] == "3000"
        assert "retry-after" not in r.headers
        asim.add_fault("create", status=429, retry_after=3, retry_after_form="date")
        when = parsedate_to_datetime(create(c).headers["retry-after"])
        assert 2 <= when.timestamp() - time.time() <= 5
        assert "x-ratelimit-limit" in r.headers
    assert asim.stats()["total_creations"] == 0


@pytest.mark.parametrize("error", [True, False])
def test_unknown_status_strings(asim: RunningSimulator, done_id: str, error: bool) -> None:
    asim.add_fault("retrieve", status_text="cancelled", error=error)
    body = get(asim, done_id).json()
    assert body["status"] == "cancelled"
    assert ("error" in body) is error
    assert get(asim, done_id).json()["status"] == "completed"  # one answer only


def test_content_faults_wait_for_a_completed_answer(asim: RunningSimulator) -> None:
    asim.configure(pending_seconds=1.0)
    with httpx.Client(base_url=asim.base_url) as c:
        gid = create(c).json()["id"]
        asim.add_fault("retrieve", items=0)
        assert get(asim, gid).json()["status"] == "pending"  # not taken by a pending answer
        done = poll(c, gid)
    assert done["data"] == []
    assert len(get(asim, gid).json()["data"]) == 1


@pytest.mark.parametrize("form", ["missing", "unix", "unix_ms", "rfc2822", "iso_offset", "iso_naive", "iso_nanos",
                                  "iso_space", "garbage"])
def test_deletes_at_forms(asim: RunningSimulator, done_id: str, form: str) -> None:
    plain = parse_timestamp(get(asim, done_id).json()["data"][0]["deletes_at"])
    assert plain is not None
    asim.add_fault("retrieve", deletes_at=form)
    [item] = get(asim, done_id).json()["data"]
    if form == "missing":
        assert "deletes_at" not in item
    elif form == "garbage":
        assert parse_timestamp(item["deletes_at"]) is None
    else:
        parsed = parse_timestamp(item["deletes_at"])
        assert parsed is not None
        assert abs((parsed - plain).total_seconds()) < 1


def test_listed_durations_and_the_integer_sent(asim: RunningSimulator) -> None:
    asim.add_fault("models", durations=[7.5])
    models: list[dict[str, Any]] = httpx.get(f"{asim.base_url}/v2/models?type=video", headers=AUTH).json()
    assert {tuple(m["supported_durations"]) for m in models} == {(7.5,)}
    with httpx.Client(base_url=asim.base_url) as c:
        assert create(c, duration=7.5).status_code == 400  # the API types duration as an integer
        assert create(c, duration=8).status_code == 202
        assert create(c, duration=4).status_code == 400  # the listed durations are what it takes now
    assert [b["duration"] for b in asim.stats()["create_bodies"]] == [7.5, 8, 4]
    asim.reset()
    with httpx.Client(base_url=asim.base_url) as c:
        assert create(c, duration=4).status_code == 202


def test_the_clock_control(asim: RunningSimulator) -> None:
    with httpx.Client(base_url=asim.base_url) as c:
        before = c.get("/_sim/clock").json()["now"]
        assert c.post("/_sim/clock", json={"advance": 3600}).status_code == 200
        assert c.get("/_sim/clock").json()["now"] - before >= 3600
        assert c.post("/_sim/clock", json={"advance": -1}).status_code == 400
        assert c.post("/_sim/clock", json={"advance": "soon"}).status_code == 400
