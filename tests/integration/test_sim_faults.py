"""Every injected fault kind, through the harness and through the HTTP control routes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import getimg
import httpx
import pytest

from getimg_studio.simulator.harness import RunningSimulator, SimulatorConfig, start_simulator
from getimg_studio.simulator.server import _is_loopback
from getimg_studio.simulator.testing import AUTH, create, poll


@pytest.fixture
def fsim() -> Iterator[RunningSimulator]:
    with start_simulator(SimulatorConfig(pending_seconds=0.1, seed=5)) as s:
        yield s


@pytest.fixture
def client(fsim: RunningSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fsim.base_url, timeout=10) as c:
        yield c


def test_status_fault_refuses_create_without_creating(fsim: RunningSimulator, client: httpx.Client) -> None:
    fsim.add_fault("create", status=503, retry_after=2, count=2)
    for _ in range(2):
        r = create(client)
        assert r.status_code == 503
        assert r.headers["retry-after"] == "2"
        assert r.json()["error"]["code"] == "service_unavailable"
    assert fsim.stats()["total_creations"] == 0
    assert create(client).status_code == 202
    stats = fsim.stats()
    assert stats["total_creations"] == 1
    assert stats["requests"]["create"] == {"503": 2, "202": 1}


@pytest.mark.parametrize(("route", "path"), [
    ("models", "/v2/models"), ("model", "/v2/models/sim-fixed-lite"), ("balance", "/v2/billing/balance"),
    ("costs", "/v2/billing/costs?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z"),
    ("retrieve", "/v2/videos/generations/whatever"),
])
def test_status_fault_on_get_routes(fsim: RunningSimulator, client: httpx.Client, route: str, path: str) -> None:
    fsim.add_fault(route, status=429, retry_after=1.5)
    r = client.get(path, headers=AUTH)
    assert (r.status_code, r.headers["retry-after"], r.json()["error"]["code"]) == (429, "1.5", "rate_limit")
    assert client.get(path, headers=AUTH).status_code != 429


def test_sdk_retries_injected_503(fsim: RunningSimulator) -> None:
    fsim.add_fault("models", status=503, retry_after=0)
    with getimg.GetimgAI(base_url=fsim.base_url, api_key="test", max_retries=1) as c:
        assert c.models.list()
    assert fsim.stats()["requests"]["models"] == {"503": 1, "200": 1}


def test_delay_fault_processes_create_first(fsim: RunningSimulator, client: httpx.Client) -> None:
    fsim.add_fault("create", delay=1.0)
    with pytest.raises(httpx.ReadTimeout):
        client.post("/v2/videos/generations", json={"model": "sim-fixed-lite", "prompt": "slow"}, headers=AUTH,
                    timeout=0.3)
    assert fsim.stats()["total_creations"] == 1  # the client gave up, the server created it anyway
    fsim.add_fault("models", delay=0.4)
    t0 = time.monotonic()
    assert client.get("/v2/models", headers=AUTH).status_code == 200
    assert time.monotonic() - t0 >= 0.4


def test_reset_after_body_on_create(fsim: RunningSimulator, client: httpx.Client) -> None:
    fsim.add_fault("create", reset_after_body=True)
    with pytest.raises(httpx.RemoteProtocolError):
        create(client, prompt="lost answer")
    stats = fsim.stats()
    assert stats["total_creations"] == 1
    assert stats["creations_by_prompt"] == {"lost answer": 1}
    assert stats["requests"]["create"] == {"reset": 1}
    (gid,) = stats["creations"]
    assert poll(client, gid)["status"] == "completed"  # the generation exists server-side


def test_reset_on_get_route(fsim: RunningSimulator, client: httpx.Client) -> None:
    fsim.add_fault("balance", reset_after_body=True)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v2/billing/balance", headers=AUTH)
    assert client.get("/v2/billing/balance", headers=AUTH).status_code == 200


def test_malformed_bodies(fsim: RunningSimulator, client: httpx.Client) -> None:
    fsim.add_fault("models", malformed=True)
    r = client.get("/v2/models", headers=AUTH)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    with pytest.raises(ValueError):
        r.json()
    fsim.add_fault("retrieve", malformed=True, status=502)
    r = client.get("/v2/videos/generations/x", headers=AUTH)
    assert r.status_code == 502
    with pytest.raises(ValueError):
        r.json()
    fsim.add_fault("models", malformed=True)
    # worth knowing for the api layer: the SDK lets a bare JSONDecodeError (a ValueError) escape here
    with getimg.GetimgAI(base_url=fsim.base_url, api_key="test", max_retries=0) as c, \
            pytest.raises(ValueError):
        c.models.list()


def test_drop_after_bytes_on_json_route(fsim: RunningSimulator, client: httpx.Client) -> None:
    fsim.add_fault("models", drop_after_bytes=20)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v2/models", headers=AUTH)
    assert fsim.stats()["requests"]["models"] == {"dropped": 1}


def test_download_faults(fsim: RunningSimulator, client: httpx.Client) -> None:
    gid = create(client).json()["id"]
    url = poll(client, gid)["data"][0]["url"]
    full = httpx.get(url).content
    fsim.reset()
    fsim.add_fault("download", drop_after_bytes=5000)
    got = bytearray()
    seen: dict[str, str] = {}

    def stream() -> None:
        with httpx.stream("GET", url) as r:
            seen.update(r.headers)
            for chunk in r.iter_raw():
                got.extend(chunk)

    with pytest.raises(httpx.RemoteProtocolError):
        stream()
    assert int(seen["content-length"]) == len(full)
    assert bytes(got) == full[:5000]
    # resume from where it broke
    r2 = httpx.get(url, headers={"Range": f"bytes={len(got)}-", "If-Range": seen["etag"]})
    assert r2.status_code == 206
    assert bytes(got) + r2.content == full
    d = fsim.stats()["downloads"][gid]
    assert d["requests"][0]["bytes"] == 5000
    assert d["requests"][0]["dropped"] is True
    assert d["requests"][1]["start"] == 5000
    fsim.add_fault("download", status=503, retry_after=1)
    assert httpx.get(url).status_code == 503
    fsim.add_fault("download", reset_after_body=True)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(url)
    fsim.add_fault("download", delay=0.3)
    t0 = time.monotonic()
    assert httpx.get(url).content == full
    assert time.monotonic() - t0 >= 0.3


def test_control_routes_over_http(fsim: RunningSimulator, client: httpx.Client) -> None:
    r = client.post("/_sim/faults", json=[{"route": "balance", "status": 500}, {"route": "models", "status": 502}])
    assert r.status_code == 200
    assert r.json()["queued"] == {"balance": 1, "models": 1}
    for bad in ({"route": "nope", "status": 500}, {"route": "models"}, {"route": "models", "count": 0,
                                                                          "status": 500},
                {"route": "models", "status": 500, "color": "red"}, {"route": "models", "delay": "x"}, "junk"):
        assert client.post("/_sim/faults", json=bad).status_code == 400, bad
    assert client.get("/v2/billing/balance", headers=AUTH).status_code == 500
    assert client.post("/_sim/reset", json={"balance": "7.25"}).json()["balance"] == "7.25"
    assert client.get("/v2/models", headers=AUTH).status_code == 200  # the models fault was cleared
    stats = client.get("/_sim/stats").json()
    assert stats["requests"] == {"models": {"200": 1}}
    r = client.post("/_sim/config", json={"pending_seconds": 0.2, "rpm": 5, "max_pending": 3, "fail_rate": 0.5,
                                          "retention_seconds": 60, "balance": "3.5"})
    assert r.status_code == 200
    assert r.json()["rpm"] == 5
    assert client.get("/_sim/config").json()["balance"] == "3.5"
    assert client.get("/v2/billing/balance", headers=AUTH).json()["balance"] == "3.5"
    assert client.post("/_sim/config", json={"colour": 1}).status_code == 400
    assert client.post("/_sim/config", json={"rpm": "many"}).status_code == 400


def test_loopback_check() -> None:
    assert _is_loopback("127.0.0.1")
    assert _is_loopback("::1")
    assert not _is_loopback("10.1.2.3")
    assert not _is_loopback(None)
    assert not _is_loopback("garbage")


def _non_loopback_ip() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            ip: str = s.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") else ip


def test_control_routes_hidden_from_other_hosts() -> None:
    ip = _non_loopback_ip()
    if ip is None:
        pytest.skip("no non-loopback address on this machine")
    with start_simulator(SimulatorConfig(), host="0.0.0.0") as s:
        port = s.base_url.rsplit(":", 1)[1]
        with httpx.Client(base_url=f"http://{ip}:{port}") as c:
            assert c.get("/_sim/stats").status_code == 404
            assert c.get("/v2/models", headers=AUTH).status_code == 200


def test_harness_close_is_idempotent_and_methods_fail_after(sim_factory: Any) -> None:
    s = sim_factory()
    s.close()
    s.close()
    with pytest.raises(RuntimeError):
        s.stats()
