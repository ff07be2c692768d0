#!/usr/bin/env python3
"""Cold start to an interactive window in demo mode, and the memory it takes.

    .venv/bin/python bench/bench_startup.py [--runs 5] [--platform offscreen]

Each run is a fresh Python process with an empty data folder (so no model cache, no history: the
coldest start a new user sees). The child measures from its first line to the moment the window is
shown, its form has models, and the event loop has gone idle (a 0-delay timer fires within 50 ms twice
in a row), then reports its peak RSS and whether the player's multimedia stack (QtMultimedia, PyAV) was
loaded by then: it must not be, the first paint does not need it. Not a test: figures are printed,
nothing is asserted.

Bytecode is compiled first (`compileall`), as an installed app has it: where PYTHONDONTWRITEBYTECODE is
set, a checkout would otherwise compile every module from source on every start.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import time
T0 = time.perf_counter()
import asyncio, json, os, resource, sys
os.environ.setdefault("QT_API", "pyside6")
sys.path.insert(0, sys.argv[2])
import qasync
from PySide6.QtWidgets import QApplication


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def main() -> dict:
    from getimg_studio.app import build_main_window

    window = await build_main_window(["--data-dir", sys.argv[1], "--demo"])
    window.controller.show()
    shown = time.perf_counter()
    while not window.compose.has_models:
        await asyncio.sleep(0.01)
    models = time.perf_counter()
    loop = asyncio.get_running_loop()
    quiet = 0
    while quiet < 2:  # idle: a zero-delay callback comes back promptly twice in a row
        t = loop.time()
        await asyncio.sleep(0)
        quiet = quiet + 1 if loop.time() - t < 0.05 else 0
    idle = time.perf_counter()
    rss = rss_mb()
    heavy = sorted(m for m in ("PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "av") if m in sys.modules)
    await window.shutdown()
    window.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"shown_ms": (shown - T0) * 1000, "models_ms": (models - T0) * 1000,
            "interactive_ms": (idle - T0) * 1000, "rss_mb": rss, "peak_rss_mb": peak,
            "loaded_before_interactive": heavy}


app = QApplication([sys.argv[0]])
with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
    result = runner.run(main())
print("RESULT " + json.dumps(result))
"""


def one_run(platform: str) -> dict[str, Any]:
    # PYTHONPATH too: the demo simulator is a process of its own, and it must run this tree's code as well.
    env = dict(os.environ, QT_QPA_PLATFORM=platform,
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    env.pop("GETIMG_API_KEY", None)
    with tempfile.TemporaryDirectory(prefix="getimg-bench-") as tmp:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, tmp, str(ROOT)], env=env, capture_output=True,
                              text=True, timeout=120, check=False)
        wall = (time.perf_counter() - started) * 1000
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(line[len("RESULT "):])
    result["process_wall_ms"] = wall
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description="cold start of the window in demo mode")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--platform", default="offscreen", help="Qt platform (offscreen, xcb under Xvfb)")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "getimg_studio")], check=True)
    load = os.getloadavg()
    runs = [one_run(args.platform) for _ in range(args.runs)]
    print(f"cold start, demo mode, {args.runs} runs, QT_QPA_PLATFORM={args.platform}")
    for key, label in (("shown_ms", "window shown"), ("models_ms", "form has models"),
                       ("interactive_ms", "interactive (loop idle)"), ("process_wall_ms", "process start to exit"),
                       ("rss_mb", "RSS when interactive (MB)"), ("peak_rss_mb", "peak RSS (MB)")):
        values = [r[key] for r in runs]
        print(f"  {label:28s} median {statistics.median(values):8.1f}   min {min(values):8.1f}   "
              f"max {max(values):8.1f}")
    loaded = sorted({m for r in runs for m in r["loaded_before_interactive"]})
    print(f"  multimedia loaded before interactive: {', '.join(loaded) or 'none'}")
    print(f"  load average before / after: {load[0]:.2f} / {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
