"""Quota, concurrency and RPM limits, content policy, failures, charging, pending timing, responsiveness."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import httpx
import pytest

from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import AUTH, create, poll


def _balance(c: httpx.Client) -> Decimal:
    return Decimal(c.get("/v2/billing/balance", headers=AUTH).json()["balance"])


def test_quota_exceeded_counts_pending_costs(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=30, balance=Decimal("0.05"))
    with httpx.Client(base_url=sim.base_url) as c:
        assert create(c).status_code == 202  # 4 s x 0.01 reserved
        r = create(c)
        assert r.status_code == 402
        err = r.json()["error"]
        assert (err["code"], err["type"]) == ("quota_exceeded", "invalid_request_error")
        assert err["doc_url"].startswith("https://docs.getimg.ai/guides/")
        assert "x-ratelimit-limit" in r.headers  # every generation answer carries them, refusals too
        sim.configure(balance="0.03")
        r = create(c, model="seedance-v1-5-pro", resolution="1080p", duration=10, sound=True)
        assert r.status_code == 402
        assert sim.stats()["total_creations"] == 1


def test_concurrency_cap(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=30, max_pending=2)
    with httpx.Client(base_url=sim.base_url) as c:
        assert [create(c).status_code for _ in range(2)] == [202, 202]
        r = create(c)
        assert r.status_code == 429
        # The concurrency cap's body is {message, code}, with no Retry-After: it frees when a generation ends.
        assert r.json()["code"] == "rate_limit"
        assert "in progress" in r.json()["message"]
        assert "retry-after" not in r.headers
        assert "x-ratelimit-remaining" in r.headers
        sim.configure(max_pending=3)
        assert create(c).status_code == 202


def test_rpm_limit_with_retry_after(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=0.1, rpm=3)
    with httpx.Client(base_url=sim.base_url) as c:
        remaining = []
        for _ in range(3):
            r = create(c)
            assert r.status_code == 202
            assert r.headers["x-ratelimit-limit"] == "3"
            assert int(r.headers["x-ratelimit-reset"]) >= int(time.time())
            remaining.append(r.headers["x-ratelimit-remaining"])
        assert remaining == ["2", "1", "0"]
        r = create(c)
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "rate_limit"
        assert 1 <= int(r.headers["retry-after"]) <= 60
        # polling does not count against the RPM limit
        assert c.get("/v2/models", headers=AUTH).status_code == 200
        sim.reset()  # clears the window
        assert create(c).status_code == 202


def test_content_policy(sim: RunningSimulator) -> None:
    with httpx.Client(base_url=sim.base_url) as c:
        r = create(c, prompt="something [NSFW] here")
        assert r.status_code == 422
        err = r.json()["error"]
        assert (err["code"], err["param"]) == ("content_policy_violation", "prompt")
    assert sim.stats()["total_creations"] == 0


def test_fail_marker_fails_and_is_not_charged(sim: RunningSimulator) -> None:
    with httpx.Client(base_url=sim.base_url) as c:
        before = _balance(c)
        gid = create(c, prompt="please [fail] now").json()["id"]
        assert c.get(f"/v2/videos/generations/{gid}", headers=AUTH).json() == {"id": gid, "status": "pending"}
        body = poll(c, gid)
        assert body["status"] == "failed"
        assert set(body) == {"id", "status", "error"}
        assert body["error"]["code"] == "generation_failed"
        assert body["error"]["message"]
        assert _balance(c) == before


def test_fail_rate_is_seeded(sim_factory: Any) -> None:
    outcomes = []
    for _ in range(2):
        sim = sim_factory(pending_seconds=0.0, fail_rate=0.5, seed=42, rpm=1000)
        with httpx.Client(base_url=sim.base_url) as c:
            ids = [create(c, prompt=f"clip {i}").json()["id"] for i in range(8)]
            failed = [sim.server.state.generations[g].fail_code is not None for g in ids]
        outcomes.append(failed)
        sim.close()  # stop the renders of this batch at once
    assert outcomes[0] == outcomes[1]
    assert 0 < sum(outcomes[0]) < 8
    sim = sim_factory(pending_seconds=0.0, fail_rate=1.0)
    with httpx.Client(base_url=sim.base_url) as c:
        assert poll(c, create(c).json()["id"])["status"] == "failed"


def test_charged_exactly_once_and_pending_time(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=1.0, balance=Decimal("1.00"))
    with httpx.Client(base_url=sim.base_url) as c:
        t0 = time.monotonic()
        gid = create(c).json()["id"]
        body = poll(c, gid, interval=0.05)
        assert time.monotonic() - t0 >= 1.0
        assert body["status"] == "completed"
        assert body["usage"] == {"total_cost": 0.04, "billable_unit": "video_second", "unit_price": 0.01,
                                 "quantity": 4.0}
        for _ in range(3):
            poll(c, gid)
        assert _balance(c) == Decimal("0.96")
        assert sim.stats()["balance"] == "0.96"


def test_generation_completes_without_polling(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=0.2, balance=Decimal("1"))
    with httpx.Client(base_url=sim.base_url) as c:
        create(c)
        deadline = time.monotonic() + 20
        while sim.balance() == "1" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert Decimal(sim.balance()) == Decimal("0.96")


@pytest.mark.slow
def test_server_answers_while_rendering(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=0.0)
    with httpx.Client(base_url=sim.base_url) as c:
        gid = create(c, model="seedance-v1-5-pro", resolution="1080p", duration=10, sound=True).json()["id"]
        time.sleep(0.3)
        assert sim.stats()["rendering"] == 1
        worst = 0.0
        for _ in range(10):
            t0 = time.monotonic()
            assert c.get("/v2/models", headers=AUTH).status_code == 200
            worst = max(worst, time.monotonic() - t0)
            time.sleep(0.05)
        assert sim.stats()["rendering"] == 1
        assert worst < 0.5
        assert c.get(f"/v2/videos/generations/{gid}", headers=AUTH).json()["status"] == "pending"
