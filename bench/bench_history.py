"""Benchmark: the queue panel over a large history: time to interactive, memory, scrolling.

    .venv/bin/python bench/bench_history.py [--jobs 10000 100000] [--keep DIR]

For each size: fill a fresh history (the store's own schema, one executemany), then build the queue
panel, show it and wait for its first paint ("interactive"), switch views, search, and scroll from top to
bottom a page at a time, timing each repaint; then repaint one screenful again and again (the row painter
alone: `paint_*`). Memory is the process's resident set before and after.
Runs offscreen unless QT_QPA_PLATFORM says otherwise. Prints one line per size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

STATES = ["ready"] * 80 + ["failed"] * 8 + ["expired"] * 4 + ["stopped"] * 3 + ["pending"] * 3 + ["rejected"] * 2
WORDS = ("fox", "city", "ocean", "forest", "neon", "drone", "sunset", "storm", "kite", "lighthouse", "paper",
         "boat", "mountain", "river")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def fill(path: Path, n: int) -> float:
    from getimg_studio.jobs.store import JobStore

    JobStore(path).close()  # creates the schema exactly as the app does
    rng = random.Random(n)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    rows: list[tuple[Any, ...]] = []
    outputs: list[tuple[Any, ...]] = []
    for i in range(n):
        prompt = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))) + f" #{i}"
        created = t0 + timedelta(minutes=i)
        state = rng.choice(STATES)
        request = {"model": "seedance-v1-5-pro", "prompt": prompt, "aspect_ratio": "16:9", "resolution": "720p",
                   "duration": 5.0, "sound": bool(i % 2), "frames": []}
        done = state == "ready"
        rows.append((i + 1, state, "seedance-v1-5-pro", prompt.casefold(), json.dumps(request), created.isoformat(),
                     created.isoformat(), f"req-{i:08d}", created.isoformat(),
                     (created + timedelta(seconds=40 + i % 30)).isoformat() if done else None,
                     "0.25" if done else None, int(i % 17 == 0)))
        if done:  # schema v3: a job's files are its outputs
            outputs.append((i + 1, 0, f"/nonexistent/videos/clip-{i}.mp4", 1, 1280, 720, 5.0))
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO jobs (id, state, model, prompt_folded, request, created_at, updated_at, remote_id, submitted_at,"
        " completed_at, cost, favourite) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO outputs (job_id, idx, file_path, saved, width, height, duration)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)", outputs)
    db.execute("COMMIT")
    db.close()
    return time.perf_counter() - started


class _Events:
    """The engine's observer list: nothing happens in this benchmark but reading and painting."""

    def subscribe(self, observer: Any) -> Any:
        return lambda: None


async def _unused(*_args: Any) -> Any:
    raise AssertionError("the benchmark only reads and paints")


def measure(n: int, folder: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from getimg_studio.jobs.model import JobFilter
    from getimg_studio.jobs.store import JobStore
    from getimg_studio.settings import SettingsStore
    from getimg_studio.ui.bridge import EngineBridge
    from getimg_studio.ui.ports import Catalogue, QueueControl, QueuePorts
    from getimg_studio.ui.queue.panel import QueuePanel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = folder / f"history-{n}.sqlite3"
    fill_s = fill(db, n)
    rss0 = rss_mb()
    started = time.perf_counter()
    store = JobStore(db)
    events = _Events()
    settings = SettingsStore(folder / f"settings-{n}.json")
    control = QueueControl(reorder=_unused, pause=_unused, resume=_unused, pause_queue=_unused,
                           resume_queue=_unused, remove_queued=_unused, edit_queued=_unused)
    ports = QueuePorts(history=store, catalogue=Catalogue.of(list), retry=_unused, remove=_unused,
                       set_favourite=_unused, stop_tracking=_unused, thumbnails_dir=folder / "thumbs",
                       queue=control)
    panel = QueuePanel(ports, EngineBridge(events.subscribe), settings)
    panel.resize(720, 900)
    panel.show()
    panel.view.viewport().repaint()
    app.processEvents()
    interactive = time.perf_counter() - started
    rss1 = rss_mb()

    def timed(action: Any) -> float:
        t = time.perf_counter()
        action()
        panel.view.viewport().repaint()
        app.processEvents()
        return time.perf_counter() - t

    views = {v.value: timed(lambda v=v: panel.model.set_filter(view=v)) for v in JobFilter}
    search = timed(lambda: panel.model.set_filter(view=JobFilter.ALL, search="lighthouse"))
    timed(lambda: panel.model.set_filter(search=""))
    bar = panel.view.verticalScrollBar()
    steps: list[float] = []
    for value in range(0, bar.maximum() + 1, max(1, bar.maximum() // 400)):
        steps.append(timed(lambda value=value: bar.setValue(value)))
    jump = timed(lambda: bar.setValue(bar.maximum() // 2))
    # The row painter alone: the same screenful (rows already loaded) painted again and again.
    viewport = panel.view.viewport()
    paints: list[float] = []
    for _ in range(60):
        t = time.perf_counter()
        viewport.repaint()
        paints.append(time.perf_counter() - t)
    paints.sort()
    rss2 = rss_mb()
    panel.close()
    store.close()
    settings.close()
    steps.sort()
    return {
        "jobs": n, "fill_s": fill_s, "interactive_ms": interactive * 1000, "rss_open_mb": rss1 - rss0,
        "rss_after_scroll_mb": rss2 - rss0, "view_switch_ms_max": max(views.values()) * 1000,
        "search_ms": search * 1000, "scroll_steps": len(steps),
        "scroll_p50_ms": statistics.median(steps) * 1000, "scroll_p99_ms": steps[int(len(steps) * 0.99) - 1] * 1000,
        "scroll_max_ms": steps[-1] * 1000, "jump_ms": jump * 1000,
        "paint_p50_ms": statistics.median(paints) * 1000, "paint_max_ms": paints[-1] * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="keep the filled histories in this folder")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.jobs:
            result = measure(n, folder)
            print(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
