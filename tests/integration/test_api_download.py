"""Downloader against the simulator's signed download route: resume, If-Range, expiry, disk errors."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from getimg_studio.api.client import GetimgClient
from getimg_studio.api.download import Downloader
from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import GenerationRequest, RemoteState
from getimg_studio.simulator.harness import RunningSimulator

T = TypeVar("T")


def finished_video(sim: RunningSimulator, prompt: str = "waves on a pier") -> tuple[str, str, bytes]:
    """(generation id, signed URL, the simulator's file bytes) of a freshly completed generation."""

    async def run() -> tuple[str, str]:
        client = GetimgClient(sim.base_url, "sk-test")
        try:
            created = await client.create_generation(GenerationRequest("sim-fixed-lite", prompt), [])
            for _ in range(300):
                status = await client.get_generation(created.id)
                if status.state is RemoteState.COMPLETED:
                    return created.id, status.items[0].url
                await asyncio.sleep(0.1)
            raise AssertionError("the simulator did not finish the video")
        finally:
            await client.aclose()

    gid, url = asyncio.run(run())
    video_file = sim.server.state.generations[gid].video_file
    assert video_file is not None
    return gid, url, (sim.server.state.root / video_file).read_bytes()


def with_downloader(body: Callable[[Downloader], Awaitable[T]], **kw: Any) -> T:
    async def run() -> T:
        downloader = Downloader(**kw)
        try:
            return await body(downloader)
        finally:
            await downloader.aclose()

    return asyncio.run(run())


def requests_of(sim: RunningSimulator, gid: str) -> list[dict[str, Any]]:
    return list(sim.stats()["downloads"][gid]["requests"])


def test_download_is_whole_and_atomic(sim: RunningSimulator, tmp_path: Path,
                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _gid, url, original = finished_video(sim)
    dest = tmp_path / "out" / "video.mp4"
    seen: list[tuple[int, int | None]] = []
    size = with_downloader(lambda d: d.download(url, dest, progress=lambda n, t: seen.append((n, t))))
    assert size == len(original)
    assert dest.read_bytes() == original
    assert sorted(p.name for p in dest.parent.iterdir()) == ["video.mp4"]  # no .part or sidecar left
    assert seen[-1] == (len(original), len(original))
    sig = url.split("sig=")[1]
    assert sig not in caplog.text


def test_cut_download_resumes_from_the_break(sim: RunningSimulator, tmp_path: Path) -> None:
    gid, url, original = finished_video(sim)
    cut = len(original) // 3
    sim.add_fault("download", drop_after_bytes=cut)
    dest = tmp_path / "v.mp4"
    with_downloader(lambda d: d.download(url, dest), sleep=_no_wait)
    assert dest.read_bytes() == original
    first, second = requests_of(sim, gid)
    assert (first["status"], first["bytes"], first["dropped"]) == (200, cut, True)
    assert (second["status"], second["start"], second["bytes"]) == (206, cut, len(original) - cut)
    assert sim.stats()["downloads"][gid]["bytes"] == len(original)


def _broken_run(sim: RunningSimulator, url: str, dest: Path) -> None:
    """A first run that stops after 1000 bytes (the link then expires): the part stays for a later run."""
    sim.add_fault("download", drop_after_bytes=1000)
    sim.add_fault("download", status=403)
    with pytest.raises(GetimgError) as caught:
        with_downloader(lambda d: d.download(url, dest), sleep=_no_wait)
    assert caught.value.status == 403
    assert Path(f"{dest}.part").stat().st_size == 1000


def test_part_from_an_earlier_run_resumes(sim: RunningSimulator, tmp_path: Path) -> None:
    gid, url, original = finished_video(sim)
    dest = tmp_path / "v.mp4"
    _broken_run(sim, url, dest)
    assert json.loads(Path(f"{dest}.part.json").read_text())["total"] == len(original)
    with_downloader(lambda d: d.download(url, dest))
    assert dest.read_bytes() == original
    last = requests_of(sim, gid)[-1]
    assert (last["status"], last["start"], last["bytes"]) == (206, 1000, len(original) - 1000)


def test_if_range_mismatch_restarts_from_zero(sim: RunningSimulator, tmp_path: Path) -> None:
    gid, url, original = finished_video(sim)
    dest = tmp_path / "v.mp4"
    _broken_run(sim, url, dest)
    # as if the file had changed on the server: If-Range no longer matches, so it sends everything
    Path(f"{dest}.part.json").write_text(json.dumps({"validator": '"something-else"', "total": len(original)}))
    with_downloader(lambda d: d.download(url, dest))
    assert dest.read_bytes() == original
    last = requests_of(sim, gid)[-1]
    assert (last["status"], last["start"], last["bytes"]) == (200, 0, len(original))


def test_a_stalled_answer_reconnects(sim: RunningSimulator, tmp_path: Path) -> None:
    _gid, url, original = finished_video(sim)
    sim.add_fault("download", delay=1.5)
    dest = tmp_path / "v.mp4"
    started = time.monotonic()
    with_downloader(lambda d: d.download(url, dest), stall_timeout=0.4, sleep=_no_wait)
    assert time.monotonic() - started < 1.4  # it did not sit out the stalled answer
    assert dest.read_bytes() == original


def test_expired_and_deleted_urls(sim: RunningSimulator, tmp_path: Path) -> None:
    _, url, _ = finished_video(sim)
    tampered = url.replace("sig=", "sig=0")
    with pytest.raises(GetimgError) as caught:
        with_downloader(lambda d: d.download(tampered, tmp_path / "a.mp4"))
    assert (caught.value.kind, caught.value.status) == (ErrorKind.EXPIRED, 403)

    sim.configure(retention_seconds=0.3)
    _gid, url, _ = finished_video(sim, "gone soon")
    asyncio.run(asyncio.sleep(0.5))
    with pytest.raises(GetimgError) as caught:
        with_downloader(lambda d: d.download(url, tmp_path / "b.mp4"))
    assert (caught.value.kind, caught.value.status) == (ErrorKind.EXPIRED, 404)
    assert not (tmp_path / "b.mp4").exists()


def test_unwritable_destination_is_a_disk_error(sim: RunningSimulator, tmp_path: Path) -> None:
    _, url, _ = finished_video(sim)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(GetimgError) as caught:
        with_downloader(lambda d: d.download(url, blocker / "v.mp4"))
    assert caught.value.kind is ErrorKind.DISK
    assert str(blocker) in caught.value.message


def test_a_complete_part_is_sealed_without_a_request_and_non_mp4_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    part = tmp_path / "v.mp4.part"
    meta = tmp_path / "v.mp4.part.json"
    part.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100)
    meta.write_text(json.dumps({"validator": '"x"', "total": part.stat().st_size}))
    # nothing listens on this URL: the finished part must not need it
    assert with_downloader(lambda d: d.download("http://127.0.0.1:9/v?sig=s", dest)) == 112
    assert dest.stat().st_size == 112
    assert not part.exists()
    assert not meta.exists()

    other = tmp_path / "w.mp4"
    (tmp_path / "w.mp4.part").write_bytes(b"<html>not a video</html>")
    (tmp_path / "w.mp4.part.json").write_text(json.dumps({"validator": '"x"', "total": 24}))
    with pytest.raises(GetimgError, match="not an MP4") as caught:
        with_downloader(lambda d: d.download("http://127.0.0.1:9/w?sig=s", other))
    assert caught.value.kind is ErrorKind.DOWNLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]


def test_unreachable_host_is_offline(tmp_path: Path) -> None:
    with pytest.raises(GetimgError) as caught:
        with_downloader(lambda d: d.download("http://127.0.0.1:9/v?sig=s", tmp_path / "v.mp4"),
                        sleep=_no_wait, max_failures=2)
    assert caught.value.kind is ErrorKind.OFFLINE


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)
