"""Signed download URLs: signature, expiry, deletion, Range, If-Range, HEAD, headers, byte counters."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from getimg_studio.simulator.harness import RunningSimulator, SimulatorConfig, start_simulator
from getimg_studio.simulator.signing import signature
from getimg_studio.simulator.testing import create, poll


@pytest.fixture(scope="module")
def dsim() -> Iterator[RunningSimulator]:
    with start_simulator(SimulatorConfig(pending_seconds=0.1, seed=2)) as s:
        yield s


@pytest.fixture(scope="module")
def video(dsim: RunningSimulator) -> dict[str, Any]:
    with httpx.Client(base_url=dsim.base_url) as c:
        gid = create(c, prompt="download me").json()["id"]
        done = poll(c, gid)
        url = done["data"][0]["url"]
        full = httpx.get(url)
        assert full.status_code == 200
        return {"id": gid, "url": url, "bytes": full.content, "headers": full.headers, "done": done}


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    query = {k: v for k, v in query.items() if v != ""}
    return parts._replace(query="&".join(f"{k}={v}" for k, v in query.items())).geturl()


def test_full_download_headers(video: dict[str, Any], dsim: RunningSimulator) -> None:
    h = video["headers"]
    assert h["content-type"] == "video/mp4"
    assert int(h["content-length"]) == len(video["bytes"])
    assert h["accept-ranges"] == "bytes"
    assert h["etag"].startswith('"')
    assert h["last-modified"].endswith("GMT")
    assert video["url"].startswith(dsim.base_url + f"/v2/downloads/{video['id']}/0?exp=")
    r = httpx.get(video["url"], headers={"Accept-Encoding": "gzip, br"})
    assert "content-encoding" not in r.headers
    assert r.content == video["bytes"]


def test_range_requests(video: dict[str, Any]) -> None:
    data, url = video["bytes"], video["url"]
    size = len(data)
    cases = {"bytes=100-199": (100, 199), "bytes=-50": (size - 50, size - 1), "bytes=1000-": (1000, size - 1),
             f"bytes=10-{size + 500}": (10, size - 1)}
    for header, (start, end) in cases.items():
        r = httpx.get(url, headers={"Range": header})
        assert r.status_code == 206, header
        assert r.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert r.content == data[start:end + 1]
        assert int(r.headers["content-length"]) == end - start + 1
    r = httpx.get(url, headers={"Range": f"bytes={size}-"})
    assert r.status_code == 416
    assert r.headers["content-range"] == f"bytes */{size}"
    # several ranges or nonsense: the whole file
    for header in ("bytes=0-1,5-6", "items=0-5", "bytes=abc"):
        r = httpx.get(url, headers={"Range": header})
        assert (r.status_code, r.content) == (200, data)


def test_if_range(video: dict[str, Any]) -> None:
    data, url = video["bytes"], video["url"]
    etag, last_modified = video["headers"]["etag"], video["headers"]["last-modified"]
    r = httpx.get(url, headers={"Range": "bytes=5-9", "If-Range": etag})
    assert (r.status_code, r.content) == (206, data[5:10])
    r = httpx.get(url, headers={"Range": "bytes=5-9", "If-Range": last_modified})
    assert (r.status_code, r.content) == (206, data[5:10])
    for stale in ('"some-other-etag"', "W/" + etag, formatdate(0, usegmt=True), "not a date"):
        r = httpx.get(url, headers={"Range": "bytes=5-9", "If-Range": stale})
        assert (r.status_code, r.content) == (200, data), stale


def test_head(video: dict[str, Any]) -> None:
    r = httpx.head(video["url"])
    assert r.status_code == 200
    assert int(r.headers["content-length"]) == len(video["bytes"])
    assert r.headers["etag"] == video["headers"]["etag"]
    assert r.content == b""
    r = httpx.head(video["url"], headers={"Range": "bytes=0-9"})
    assert r.status_code == 206
    assert r.headers["content-length"] == "10"


@pytest.mark.parametrize("change", [
    {"sig": "0" * 64}, {"sig": ""}, {"exp": ""}, {"exp": "99999999999"}, {"sig": "zz"},
])
def test_tampered_signature_is_403(video: dict[str, Any], change: dict[str, str]) -> None:
    r = httpx.get(_with_query(video["url"], **change))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "invalid_signature"


def test_signature_is_bound_to_the_id_and_index(video: dict[str, Any]) -> None:
    other = video["url"].replace(f"/downloads/{video['id']}/0", "/downloads/req-OTHER/0")
    assert httpx.get(other).status_code == 403
    assert httpx.get(video["url"].replace(f"{video['id']}/0?", f"{video['id']}/1?")).status_code == 403


def test_expired_url_is_403_and_a_fresh_get_renews_it(video: dict[str, Any], dsim: RunningSimulator) -> None:
    exp = int(time.time()) - 5
    sig = signature(dsim.server.state.secret, video["id"], exp)
    r = httpx.get(_with_query(video["url"], exp=str(exp), sig=sig))
    assert (r.status_code, r.json()["error"]["code"]) == (403, "url_expired")
    with httpx.Client(base_url=dsim.base_url) as c:
        [item] = poll(c, video["id"])["data"]
    fresh = item["url"]
    exp_fresh = int(parse_qs(urlsplit(fresh).query)["exp"][0])
    deletes_at = datetime.fromisoformat(item["deletes_at"].replace("Z", "+00:00"))
    assert exp_fresh == int(deletes_at.timestamp())  # a signed URL is valid until the file is deleted
    assert httpx.get(fresh).status_code == 200


def test_no_api_key_needed_and_byte_counters(video: dict[str, Any], dsim: RunningSimulator) -> None:
    dsim.reset()
    httpx.get(video["url"], headers={"Range": "bytes=300-"})
    httpx.get(video["url"])
    stats = dsim.stats()["downloads"][video["id"]]
    size = len(video["bytes"])
    assert stats["bytes"] == size - 300 + size
    assert [(q["start"], q["status"]) for q in stats["requests"]] == [(300, 206), (0, 200)]


def test_short_ttl_fault_and_deletion_on_the_moved_clock(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=0.1)
    with httpx.Client(base_url=sim.base_url) as c:
        gid = create(c).json()["id"]
        poll(c, gid)
        sim.add_fault("retrieve", url_ttl=0)  # an injected shorter expiry: the URL is dead at once
        done = poll(c, gid)
        r = httpx.get(done["data"][0]["url"])
        assert (r.status_code, r.json()["error"]["code"]) == (403, "url_expired")
        url = poll(c, gid)["data"][0]["url"]
        assert httpx.get(url).status_code == 200
        deletes_at = done["data"][0]["deletes_at"]
        assert deletes_at.endswith("Z")
        sim.advance_clock(24 * 3600 + 1)  # a day later, without waiting one
        r = httpx.get(url)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
        assert c.get("/_sim/clock").json()["offset"] == 24 * 3600 + 1


def test_every_item_of_several_is_downloadable(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=0.1)
    with httpx.Client(base_url=sim.base_url) as c:
        gid = create(c).json()["id"]
        poll(c, gid)
        sim.add_fault("retrieve", items=3)
        items = poll(c, gid)["data"]
        assert [urlsplit(i["url"]).path for i in items] == [f"/v2/downloads/{gid}/{n}" for n in range(3)]
        assert {httpx.get(i["url"]).status_code for i in items} == {200}
        assert len(poll(c, gid)["data"]) == 3  # it keeps listing them


def test_download_of_pending_or_unknown_is_404(sim_factory: Any) -> None:
    sim = sim_factory(pending_seconds=30)
    with httpx.Client(base_url=sim.base_url) as c:
        gid = create(c).json()["id"]
    exp = int(time.time()) + 60
    secret = sim.server.state.secret
    assert httpx.get(f"{sim.base_url}/v2/downloads/{gid}/0?exp={exp}&sig={signature(secret, gid, exp)}"
                     ).status_code == 404
    assert httpx.get(f"{sim.base_url}/v2/downloads/nope/0?exp={exp}&sig={signature(secret, 'nope', exp)}"
                     ).status_code == 404
