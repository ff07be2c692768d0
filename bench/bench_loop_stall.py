"""Benchmark: how late a 10 ms timer fires on the UI loop while 200 jobs poll and 4 downloads run.

    .venv/bin/python bench/bench_loop_stall.py [--jobs 200] [--seconds 20] [--engine-on thread|ui] [--sync-off]
        [--foreground-sim] [--switch-interval S]

The simulator runs in its own process, at a lower CPU priority, as in demo mode (`--foreground-sim`: at
ours). The app side is what the window runs: the engine (by default on its own thread behind
`EngineFacade`, as the app runs it; `--engine-on ui` puts it on the qasync loop, as before), the queue
panel and the player shown (offscreen unless QT_QPA_PLATFORM says otherwise), so every event repaints
rows as it would for a person. Four large clips (1080p, 10 s, sound)
finish first and download while the 200 small ones are polled every 1-2 s. Prints the timer's lateness
(p50/p99/max) over the whole run and over the time the downloads were running.

`--engine-on ui --sync-off` stands in for "the engine on the UI loop with a writer thread for the store":
with `synchronous=OFF` a commit costs the loop no fsync at all, which is more than a writer thread could
give back, so if that misses the target a writer thread would too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")


class GcPauses:
    """How long each garbage collection took, per generation (a collection holds the GIL throughout)."""

    def __init__(self) -> None:
        self._started: dict[int, float] = {}
        self.by_generation: dict[int, list[float]] = {}

    def record(self, phase: str, info: dict[str, int]) -> None:
        thread = threading.get_ident()
        if phase == "start":
            self._started[thread] = time.perf_counter()
        elif thread in self._started:
            took = time.perf_counter() - self._started.pop(thread)
            self.by_generation.setdefault(info["generation"], []).append(took)

    def summary(self) -> str:
        return "; ".join(f"gen{g}: {len(v)}x, max {max(v) * 1000:.1f}ms"
                         for g, v in sorted(self.by_generation.items())) or "none"


def percentiles(values: list[float]) -> str:
    if not values:
        return "n=0"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"n={len(ordered)} p50={statistics.median(ordered) * 1000:.2f}ms p99={p99 * 1000:.2f}ms "
            f"max={ordered[-1] * 1000:.2f}ms")


async def _until_completed(engine: Any, ids: list[int]) -> None:
    """Until the server has finished every one of `ids` (auto-download is off, so they stay pending)."""
    deadline = time.monotonic() + 300
    while not all(j.completed_at for j in engine.store.get_many(ids)):
        assert time.monotonic() < deadline, "the large clips never completed"
        await asyncio.sleep(0.1)


async def run(jobs: int, seconds: float, root: Path, on: str, sync_off: bool, foreground_sim: bool) -> None:
    import httpx

    from getimg_studio.api.catalogue import ModelCatalogue
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.download import Downloader
    from getimg_studio.api.types import GenerationRequest
    from getimg_studio.jobs.engine import Engine, EngineConfig
    from getimg_studio.jobs.facade import EngineFacade
    from getimg_studio.jobs.model import DownloadProgress, JobEvent
    from getimg_studio.jobs.store import JobStore
    from getimg_studio.paths import resolve_paths
    from getimg_studio.settings import SettingsStore
    from getimg_studio.simulator.process import spawn_simulator
    from getimg_studio.ui.bridge import EngineBridge
    from getimg_studio.ui.player.panel import PlayerPanel
    from getimg_studio.ui.queue.panel import QueuePanel
    from getimg_studio.ui.window.builder import player_ports, queue_ports

    paths = resolve_paths(root).ensure()
    loop = asyncio.get_running_loop()
    sim = await loop.run_in_executor(None, lambda: spawn_simulator(["--pending-seconds", "0.5",
                                                                    "--render-workers", "2"],
                                                                   background=not foreground_sim))
    control = httpx.AsyncClient(base_url=sim.base_url)
    store = JobStore(paths.database)
    if sync_off:
        store._db.execute("PRAGMA synchronous=OFF")

    def build() -> Engine:
        return Engine(store, GetimgClient(sim.base_url, "bench", max_connections=10), Downloader(),
                      ModelCatalogue(paths.catalogue_cache),
                      frames_dir=paths.frames, output_dir=paths.output,
                      config=EngineConfig(poll_initial=1.0, poll_max=2.0, auto_download=False))

    engine: Any = await EngineFacade.open(build) if on == "thread" else build()
    bridge = EngineBridge(engine.subscribe)
    queue = QueuePanel(queue_ports(engine, paths.thumbnails), bridge, SettingsStore(paths.settings_file))
    player = PlayerPanel(player_ports(engine, paths.cache / "frames"), bridge)
    queue.resize(700, 900)
    queue.show()
    player.show()

    pauses = GcPauses()
    downloading: set[int] = set()
    download_windows: list[tuple[float, float]] = []
    started_at: dict[int, float] = {}

    counts: dict[str, int] = {}

    def on_event(event: JobEvent) -> None:
        counts[type(event).__name__] = counts.get(type(event).__name__, 0) + 1
        if isinstance(event, DownloadProgress):
            now = time.perf_counter()
            if event.job_id not in downloading:
                downloading.add(event.job_id)
                started_at[event.job_id] = now
            if event.total is not None and event.received >= event.total:
                download_windows.append((started_at[event.job_id], now))

    engine.subscribe(on_event)
    samples: list[tuple[float, float]] = []  # (time, lateness)
    stop = asyncio.Event()

    async def sampler() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.010)
            after = time.perf_counter()
            samples.append((after, max(0.0, after - before - 0.010)))

    try:
        await (await control.post("/_sim/config", json={"rpm": 100000, "max_pending": 10000})).aread()
        await engine.start()
        await engine.refresh_catalogue()
        gc.collect()
        gc.freeze()  # as ui/launch.py does once the window is up
        gc.callbacks.append(pauses.record)
        idle = asyncio.create_task(sampler())
        await asyncio.sleep(3)
        stop.set()
        await idle
        baseline = [late for _, late in samples]
        samples.clear()
        stop.clear()
        # The 4 large clips finish on the server first, but are saved only once the 200 are polling.
        big = GenerationRequest("seedance-v1-5-pro", "a storm over a harbour at night, lightning, waves",
                                resolution="1080p", duration=10.0, sound=True, aspect_ratio="16:9")
        heavy = await engine.submit(big, variations=4)
        await _until_completed(engine, [j.id for j in heavy])
        t0 = time.perf_counter()
        await (await control.post("/_sim/config", json={"pending_seconds": seconds + 60})).aread()
        light_request = GenerationRequest("sim-fixed-lite", "a paper boat on a pond")
        batches = await asyncio.gather(*(engine.submit(light_request, variations=4) for _ in range(jobs // 4)))
        light = [job for batch in batches for job in batch]
        submitted = time.perf_counter() - t0
        probe = asyncio.create_task(sampler())
        t1 = time.perf_counter()
        await asyncio.sleep(2)
        engine.set_auto_download(True)
        await engine.wait_idle([j.id for j in heavy], timeout=300)
        remaining = seconds - (time.perf_counter() - t1)
        if remaining > 0:
            await asyncio.sleep(remaining)
        stop.set()
        await probe
        polled = sum(1 for j in engine.store.get_many([j.id for j in light]) if j.state.value == "pending")
        sizes = [j.bytes_total or 0 for j in engine.store.get_many([j.id for j in heavy])]
        polls = engine.tracker.polls_sent if on == "ui" else engine._engine.tracker.polls_sent
        stats = await (await control.get("/_sim/stats")).aread()
        print(f"engine on the {on} {'thread' if on == 'thread' else 'loop'}{' (synchronous=OFF)' if sync_off else ''}: "
              f"measured {time.perf_counter() - t1:.1f}s after queueing {jobs} light jobs in {submitted:.1f}s; "
              f"{polled} pending at the end; {polls} polls; 4 downloads of {min(sizes) / 1e6:.1f}-"
              f"{max(sizes) / 1e6:.1f} MB")
        print("simulator requests:", stats.decode().split(', "total_requests"')[0])
        print("engine events:", counts)
        print("idle baseline:  ", percentiles(baseline))
        print("garbage collections (any thread; each stops them all):", pauses.summary())
        print("while polling:  ", percentiles([late for _, late in samples]))
        # Without the first 3 s: the window adding the 200 new rows at once, one insert each.
        print("after the first 3 s:", percentiles([late for at, late in samples if at > t1 + 3.0]))
        during = [late for at, late in samples if any(a <= at <= b + 0.05 for a, b in download_windows)]
        spans = ", ".join(f"{(b - a) * 1000:.0f}ms" for a, b in download_windows[:4])
        print(f"during downloads ({spans}):", percentiles(during))
    finally:
        if pauses.record in gc.callbacks:
            gc.callbacks.remove(pauses.record)
        stop.set()
        await queue.shutdown()
        await player.shutdown()
        bridge.detach()
        await engine.close()
        if on == "ui":
            store.close()
        await control.aclose()
        await loop.run_in_executor(None, sim.stop)
        queue.close()
        player.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0, help="at least this long")
    parser.add_argument("--engine-on", choices=("thread", "ui"), default="thread")
    parser.add_argument("--sync-off", action="store_true", help="commits without fsync (see the docstring)")
    parser.add_argument("--foreground-sim", action="store_true",
                        help="the simulator at our own CPU priority (demo mode runs it lower)")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval(S) first (Python's default: 0.005)")
    args = parser.parse_args(argv)
    if args.switch_interval is not None:  # EngineHost lowers it to 1 ms unless it is lower already
        sys.setswitchinterval(args.switch_interval)

    import qasync
    from PySide6.QtWidgets import QApplication


    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        runner: Any = asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app))
        with runner:
            runner.run(run(args.jobs, args.seconds, Path(tmp), args.engine_on, args.sync_off,
                           args.foreground_sim))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
