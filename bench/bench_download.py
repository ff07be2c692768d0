"""Download throughput of `Downloader` against a plain httpx stream of the same file, and its memory use.

Run: `.venv/bin/python bench/bench_download.py [--sizes 20,200] [--rounds 3]`. The simulator runs in a child
process; a finished generation's video file is swapped for a large one (an `ftyp` box, then random bytes) so
both clients fetch the same big file over loopback through the real signed download route. Each round runs
the baseline and `Downloader` back to back, alternating which goes first; the best round of each is reported,
with the peak RSS growth sampled during the download (memory must stay flat whatever the size).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from getimg_studio.api.client import GetimgClient  # noqa: E402
from getimg_studio.api.download import Downloader  # noqa: E402
from getimg_studio.api.types import GenerationRequest, RemoteState  # noqa: E402
from getimg_studio.simulator.process import spawn_simulator  # noqa: E402

MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class RssPeak:
    """Samples this process's RSS every few ms in a thread, so a spike between awaits is not missed."""

    def __init__(self) -> None:
        self.start = rss_bytes()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def delta_mb(self) -> float:
        return (self.peak - self.start) / MB


def make_big_mp4(path: Path, size: int) -> None:
    """An `ftyp` box then random bytes: the signature check passes, nothing compresses."""
    tmp = path.with_suffix(".bench-tmp")
    block = os.urandom(4 * MB)
    with tmp.open("wb") as f:
        head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        f.write(head)
        left = size - len(head)
        while left > 0:
            f.write(block[: min(left, len(block))])
            left -= len(block)
    os.replace(tmp, path)


async def finished_generation(base_url: str) -> tuple[str, str]:
    client = GetimgClient(base_url, "bench-key")
    try:
        created = await client.create_generation(GenerationRequest("sim-fixed-lite", "benchmark"), [])
        while True:
            status = await client.get_generation(created.id)
            if status.state is RemoteState.COMPLETED:
                return created.id, status.items[0].url
            await asyncio.sleep(0.1)
    finally:
        await client.aclose()


async def plain_httpx(url: str, dest: Path) -> int:
    """The baseline: one httpx stream written straight to a file, no checks, no resume."""
    size = 0
    async with httpx.AsyncClient(headers={"Accept-Encoding": "identity"}) as client, \
            client.stream("GET", url) as response:
        response.raise_for_status()
        with dest.open("wb") as f:
            async for chunk in response.aiter_raw():
                f.write(chunk)
                size += len(chunk)
    return size


async def plain_httpx_fsync(url: str, dest: Path) -> int:
    """The baseline plus the one fsync `Downloader` owes the creator (a saved video survives a crash)."""
    size = await plain_httpx(url, dest)
    with dest.open("rb") as f:
        os.fsync(f.fileno())
    return size


async def with_downloader(url: str, dest: Path) -> int:
    downloader = Downloader()
    try:
        return await downloader.download(url, dest)
    finally:
        await downloader.aclose()


def timed(fn: Callable[[str, Path], Coroutine[Any, Any, int]], url: str, dest: Path) -> tuple[float, float, int]:
    """(MB/s, peak RSS growth in MB, bytes) of one download; the file is removed afterwards."""
    with RssPeak() as rss:
        started = time.perf_counter()
        size = asyncio.run(fn(url, dest))
        elapsed = time.perf_counter() - started
    dest.unlink()
    return size / MB / elapsed, rss.delta_mb, size


def bench(sizes_mb: list[int], rounds: int) -> None:
    state = Path(tempfile.mkdtemp(prefix="bench-sim-"))
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    try:
        with spawn_simulator(["--state-dir", str(state), "--pending-seconds", "0"]) as sim:
            gid, url = asyncio.run(finished_generation(sim.base_url))
            video = state / "videos" / f"{gid}.mp4"
            print(f"{'size':>8} {'plain httpx':>14} {'plain+fsync':>14} {'Downloader':>14} {'vs plain':>9} "
                  f"{'vs +fsync':>9} {'RSS+ plain':>11} {'RSS+ ours':>10}")
            runners: dict[str, Callable[[str, Path], Coroutine[Any, Any, int]]] = {
                "plain": plain_httpx, "plain+fsync": plain_httpx_fsync, "ours": with_downloader}
            for size_mb in sizes_mb:
                make_big_mp4(video, size_mb * MB)
                best = dict.fromkeys(runners, 0.0)
                rss = dict.fromkeys(runners, 0.0)
                for r in range(rounds):
                    order = list(runners.items())
                    if r % 2:
                        order.reverse()
                    for name, fn in order:
                        rate, grown, size = timed(fn, url, out / f"{name}.mp4")
                        assert size == size_mb * MB, (name, size)
                        best[name], rss[name] = max(best[name], rate), max(rss[name], grown)
                print(f"{size_mb:>5} MB {best['plain']:>9.0f} MB/s {best['plain+fsync']:>9.0f} MB/s "
                      f"{best['ours']:>9.0f} MB/s {best['ours'] / best['plain']:>8.2f}x "
                      f"{best['ours'] / best['plain+fsync']:>8.2f}x {rss['plain']:>8.1f} MB {rss['ours']:>7.1f} MB")
    finally:
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="20,200", help="file sizes in MB, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    bench([int(s) for s in args.sizes.split(",") if s.strip()], max(1, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
