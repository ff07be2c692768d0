"""`getimg-studio --self-check`: one line and exit 0 when the app works, the failed step and exit 1 when not.

It runs as a creator (or CI, from the bundle) runs it: a separate process with its own QApplication.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from getimg_studio.api.catalogue import parse_models
from getimg_studio.selfcheck import shortest_request
from getimg_studio.simulator.catalog import MODELS

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = re.compile(
    r"^self-check ok: window, demo generation \((?P<gen>[\d.]+) s\), "
    r"player \((?P<w>\d+)x(?P<h>\d+), (?P<frames>\d+) frames\), "
    r"media \(h264\+aac, vp9\+opus, gif, webp, join\), images, charts, text in (?P<total>[\d.]+) s$"
)


def _self_check(*extra: str, timeout: float = 110) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("GETIMG_API_KEY", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "getimg_studio", "--self-check", *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_shortest_request_picks_the_quickest_cheapest_clip() -> None:
    models = parse_models([m.to_json() for m in MODELS])
    request = shortest_request(models)
    chosen = next(m for m in models if m.id == request.model)
    assert chosen.type == "video"
    shortest = min(min(m.durations) for m in models if m.type == "video" and m.durations)
    assert request.duration == shortest
    assert request.resolution == min(chosen.resolutions, key=lambda r: int(r.rstrip("p")))
    assert request.sound is False
    assert request.frames == ()


def test_self_check_passes_and_prints_one_summary_line(tmp_path: Path) -> None:
    result = _self_check("--data-dir", str(tmp_path / "studio"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    assert int(match["w"]) > 0
    assert int(match["h"]) > 0
    assert int(match["frames"]) >= 1
    assert float(match["gen"]) <= float(match["total"])
    # The clip it made is in the history's output folder, as a creator's would be.
    assert list((tmp_path / "studio" / "videos").rglob("*.mp4"))


def test_self_check_fails_with_the_reason_when_the_history_is_unusable(tmp_path: Path) -> None:
    data = tmp_path / "studio" / "data"
    data.mkdir(parents=True)
    (data / "history.sqlite3").write_bytes(b"this is not a database" * 100)
    result = _self_check("--data-dir", str(tmp_path / "studio"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert "self-check failed: opening the main window:" in result.stderr
