"""Benchmark: 500 queued jobs against an account that allows 4 generations in flight.

    .venv/bin/python bench/bench_queue.py [--jobs 500] [--cap 4] [--pending 1.0] [--poll-initial 0.5]

The engine is told nothing about the cap (the setting is "learn it"): it must learn it from getimg's 429s,
send every job exactly once and in the order queued, never reject one for the cap, and follow each with
no more status requests than its poll schedule needs. Prints the sends (accepted and refused), whether
the order held, and the polls per job against the schedule's floor: the polls the schedule (without
jitter) needs to first see each job completed, from the moment getimg accepted it to the moment getimg
completed it (the simulator's own times). Target: within 10 % of the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from getimg_studio.api.catalogue import ModelCatalogue  # noqa: E402
from getimg_studio.api.client import GetimgClient  # noqa: E402
from getimg_studio.api.download import Downloader  # noqa: E402
from getimg_studio.api.types import GenerationRequest  # noqa: E402
from getimg_studio.jobs.engine import Engine, EngineConfig  # noqa: E402
from getimg_studio.jobs.model import JobState  # noqa: E402
from getimg_studio.jobs.schedule import poll_delay  # noqa: E402
from getimg_studio.jobs.store import JobStore  # noqa: E402
from getimg_studio.simulator.process import spawn_simulator  # noqa: E402


def floor_polls(wait: float, initial: float, maximum: float) -> int:
    """Polls the schedule (jitter at its mean) sends until the first one at or after `wait` seconds."""
    elapsed, polls = 0.0, 0
    while True:
        elapsed += poll_delay(elapsed, lambda: 0.5, initial=initial, maximum=maximum)
        polls += 1
        if elapsed >= wait:
            return polls


async def run(args: argparse.Namespace, base_url: str, root: Path) -> dict[str, Any]:
    store = JobStore(root / "history.sqlite3")
    config = EngineConfig(poll_initial=args.poll_initial, poll_max=max(args.poll_initial * 6, 1.0),
                          auto_download=False, max_in_flight=0)
    engine = Engine(store, GetimgClient(base_url, "bench"), Downloader(), ModelCatalogue(root / "models.json"),
                    frames_dir=root / "frames", output_dir=root / "videos", config=config)
    try:
        await engine.start()
        await engine.refresh_catalogue()
        request = GenerationRequest(model="sim-fixed-lite", prompt="a queued clip", aspect_ratio="1:1")
        started = time.monotonic()
        jobs = await engine.submit(request, variations=args.jobs)
        queued = time.monotonic() - started
        done = await engine.wait_idle([j.id for j in jobs], timeout=args.jobs * (args.pending + 5))
        elapsed = time.monotonic() - started
        return {"jobs": done, "queued_s": queued, "elapsed_s": elapsed, "polls": engine.tracker.polls_sent,
                "cap": engine.queue_status().cap, "config": config}
    finally:
        await engine.close()
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--cap", type=int, default=4, help="the account's generations in flight at once")
    # Not a whole number of poll intervals: a completion on the very instant of a poll would make the floor
    # depend on the jitter (+-10 %) rather than on the schedule.
    parser.add_argument("--pending", type=float, default=1.25, help="seconds each generation takes on the server")
    parser.add_argument("--poll-initial", type=float, default=0.5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "sim-state"
        # In its own process, as in demo mode: the engine's timing is not the simulator's GIL's.
        with spawn_simulator(["--state-dir", str(state), "--pending-seconds", str(args.pending), "--seed", "1",
                              "--render-workers", "2", "--render-cache", str(Path(tmp) / "renders")]) as sim:
            knobs = {"rpm": 100_000, "max_pending": args.cap, "balance": "100000"}
            httpx.post(f"{sim.base_url}/_sim/config", json=knobs).raise_for_status()
            figures = asyncio.run(run(args, sim.base_url, Path(tmp)))
            stats = httpx.get(f"{sim.base_url}/_sim/stats").json()
        created = json.loads((state / "state.json").read_text())["generations"]
        done_at = {g["id"]: g["completed_at"] or 0.0 for g in created}
    jobs = figures["jobs"]
    config = figures["config"]
    accepted = [j for j in jobs if j.remote_id is not None]
    in_order = [j.id for j in sorted(accepted, key=lambda j: j.submitted_at)] == sorted(j.id for j in accepted)
    states: dict[str, int] = {}
    for job in jobs:
        states[job.state.value] = states.get(job.state.value, 0) + 1
    creates = stats["requests"].get("create", {})
    # From the moment the engine had getimg's 202 to the moment getimg completed the generation.
    floor = sum(floor_polls(done_at[j.remote_id] - j.submitted_at.timestamp(), config.poll_initial, config.poll_max)
                for j in accepted if j.remote_id in done_at and j.submitted_at is not None)
    polls = figures["polls"]
    print(f"{len(jobs)} jobs queued in {figures['queued_s']:.2f} s, all settled after {figures['elapsed_s']:.1f} s "
          f"(cap {args.cap} on the server, learnt cap {figures['cap']}; {args.pending:.1f} s per generation)")
    print(f"end states: {states}; every job completed: {all(j.completed_at for j in jobs)}")
    print(f"creation requests: {dict(creates)} -> {stats['total_creations']} created for {len(jobs)} jobs; "
          f"each sent once: {len({j.remote_id for j in accepted}) == len(jobs) == stats['total_creations']}; "
          f"sent in queue order: {in_order}; rejected for the cap: "
          f"{sum(1 for j in jobs if j.state is JobState.REJECTED)}")
    print(f"status polls: {polls} ({polls / len(jobs):.2f} per job); schedule floor {floor} "
          f"({floor / len(jobs):.2f} per job); ratio {polls / floor:.3f} (target <= 1.10)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
