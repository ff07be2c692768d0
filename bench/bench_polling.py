"""Polls per job for many concurrent jobs against the simulator (not a timed test: run it by hand).

    .venv/bin/python -m bench.bench_polling [--jobs 200] [--pending 30] [--poll-initial 5]

Submits N generations through the real engine (one batch), follows them with the engine's own poll
schedule and concurrency limit, and prints how many status requests each job cost compared with the
floor (one poll per `poll_initial` of pending time: the first poll at or after completion sees it).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from getimg_studio.api.catalogue import ModelCatalogue
from getimg_studio.api.client import GetimgClient
from getimg_studio.api.download import Downloader
from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.engine import Engine, EngineConfig
from getimg_studio.jobs.model import JobState
from getimg_studio.jobs.schedule import poll_delay
from getimg_studio.jobs.store import JobStore
from getimg_studio.simulator.harness import SimulatorConfig, start_simulator

MODEL = "sim-fixed-lite"


def schedule_polls(wait: float, initial: float) -> int:
    """Polls the schedule (without jitter) needs to see a job that completes after `wait` seconds."""
    elapsed, polls = 0.0, 0
    while elapsed < wait:
        elapsed += poll_delay(elapsed, lambda: 0.5, initial=initial)
        polls += 1
    return max(polls, 1)


async def run(args: argparse.Namespace, base_url: str, root: Path) -> dict[str, float]:
    store = JobStore(root / "history.sqlite3")
    config = EngineConfig(poll_initial=args.poll_initial, auto_download=False,
                          max_concurrent_polls=args.max_polls)
    engine = Engine(store, GetimgClient(base_url, "bench"), Downloader(), ModelCatalogue(root / "models.json"),
                    frames_dir=root / "frames", output_dir=root / "videos", config=config)
    try:
        await engine.start()  # the local queue sends what is queued only once the engine runs
        await engine.refresh_catalogue()
        start = time.monotonic()
        jobs = await engine.submit(GenerationRequest(model=MODEL, prompt="bench clip", aspect_ratio="1:1"),
                                   variations=args.jobs)
        submitted = time.monotonic() - start
        done = await engine.wait_idle([j.id for j in jobs])
        elapsed = time.monotonic() - start
        completed = sum(1 for j in done if j.state is JobState.PENDING and j.completed_at is not None)
        spans = [(j.completed_at - j.submitted_at).total_seconds() for j in done
                 if j.completed_at is not None and j.submitted_at is not None]
        ideal = sum(schedule_polls(w, args.poll_initial) for w in spans)
        return {"jobs": len(jobs), "completed": completed, "polls": engine.tracker.polls_sent, "ideal": ideal,
                "submit_s": submitted, "elapsed_s": elapsed, "median_wait_s": statistics.median(spans),
                "max_wait_s": max(spans)}
    finally:
        await engine.close()
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--pending", type=float, default=30.0, help="simulator pending seconds per job")
    parser.add_argument("--poll-initial", type=float, default=5.0)
    parser.add_argument("--max-polls", type=int, default=8, help="polls in flight at once")
    parser.add_argument("--render-workers", type=int, default=2)
    args = parser.parse_args(argv)
    sim_config = SimulatorConfig(pending_seconds=args.pending, seed=1, rpm=100_000, max_pending=args.jobs + 10,
                                 balance=Decimal("100000"),
                                 render_workers=args.render_workers)
    with tempfile.TemporaryDirectory() as tmp, start_simulator(sim_config) as sim:
        figures = asyncio.run(run(args, sim.base_url, Path(tmp)))
        stats = sim.stats()
    retrieve = sum(stats["requests"].get("retrieve", {}).values())
    per_job = figures["polls"] / figures["jobs"]
    floor = math.ceil(args.pending / args.poll_initial)  # the first poll at or after completion
    print(f"jobs: {figures['jobs']:.0f} (completed {figures['completed']:.0f}), "
          f"simulator pending {args.pending:.0f} s, poll start {args.poll_initial:.1f} s, "
          f"{args.max_polls} polls in flight at most")
    print(f"submit: {figures['submit_s']:.2f} s for all; all settled after {figures['elapsed_s']:.1f} s "
          f"(median wait {figures['median_wait_s']:.1f} s, max {figures['max_wait_s']:.1f} s: renders queue)")
    print(f"polls: {figures['polls']:.0f} sent, {retrieve} seen by the simulator; {per_job:.2f} per job "
          f"(floor for {args.pending:.0f} s pending: {floor}); "
          f"{figures['polls'] / figures['elapsed_s']:.1f} polls/s overall")
    print(f"the schedule alone would send {figures['ideal'] / figures['jobs']:.2f} per job over the waits "
          f"observed; fewer means the in-flight limit ({args.max_polls}) paced the polls")
    print(f"creations: {stats['total_creations']} (expected {figures['jobs']:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
