"""`getimg-studio storyboard run/list/export` as a creator runs them: subprocesses against the simulator,
including a SIGKILL mid-run and the same command again."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from getimg_studio.media.probe import probe
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from tests.integration.test_cli_kill import cli, cli_env, wait_for

SHOTS = [
    {"id": "dawn", "prompt": "Dawn over the harbour"},
    {"id": "boats", "prompt": "The boats leave the harbour", "first_frame": {"source": "chained"}},
    {"id": "sea", "prompt": "Open sea, gulls overhead", "first_frame": {"source": "chained"}},
]


def write_board(tmp_path: Path, shots: list[dict[str, Any]] = SHOTS) -> Path:
    path = tmp_path / "harbour.json"
    path.write_text(json.dumps({
        "format": "getimg-studio-storyboard", "version": 1, "name": "Harbour",
        "defaults": {"model": "seedance-v1-5-pro", "resolution": "480p", "aspect_ratio": "16:9", "sound": True},
        "shots": shots,
    }), encoding="utf-8")
    return path


def run(sim: RunningSimulator, paths: Paths, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(sim, paths, *args), capture_output=True, text=True, timeout=100, env=cli_env(),
                          check=False, stdin=subprocess.DEVNULL)


def creations(sim: RunningSimulator) -> dict[str, int]:
    return dict(sim.stats()["creations_by_prompt"])


def test_run_asks_first_then_runs_exports_and_lists(sim: RunningSimulator, fast_cli_settings: Paths,
                                                    tmp_path: Path) -> None:
    paths = fast_cli_settings
    board = write_board(tmp_path)
    refused = run(sim, paths, "storyboard", "run", str(board))
    assert refused.returncode == 2, refused.stderr
    assert "3 shots" in refused.stderr
    assert "Total: 3 generations, $0.675." in refused.stderr  # 480p with sound, 5 s: $0.045 a second
    assert "--yes" in refused.stderr
    assert sim.stats()["total_creations"] == 0

    out = tmp_path / "harbour.mp4"
    done = run(sim, paths, "storyboard", "run", str(board), "--yes", "--export", str(out))
    assert done.returncode == 0, done.stderr
    assert creations(sim) == {s["prompt"]: 1 for s in SHOTS}
    assert done.stdout.strip() == str(out)
    info = probe(out)
    assert abs(info.duration - 15.0) < 0.1  # three 5 s shots, copied end to end
    assert info.has_audio

    listed = run(sim, paths, "storyboard", "list")
    assert listed.returncode == 0
    assert "Harbour" in listed.stdout
    assert listed.stdout.splitlines()[1].split()[:2] == ["1", "3"]

    again = run(sim, paths, "storyboard", "export", "1", str(tmp_path / "faded.mp4"), "--crossfade", "0.5")
    assert again.returncode == 2
    assert "--reencode" in again.stderr
    faded = run(sim, paths, "storyboard", "export", "1", str(tmp_path / "faded.mp4"), "--crossfade", "0.5",
                "--reencode", "--no-audio")
    assert faded.returncode == 0, faded.stderr
    info = probe(tmp_path / "faded.mp4")
    assert abs(info.duration - 14.0) < 0.1  # minus two crossfades
    assert not info.has_audio
    history = run(sim, paths, "jobs", "list", "--json")
    exported = [j for j in json.loads(history.stdout) if j["model"] == "storyboard-export"]
    assert len(exported) == 2
    assert sim.stats()["total_creations"] == 3


def test_a_run_over_budget_exits_2_with_the_numbers_and_sends_nothing(sim: RunningSimulator,
                                                                       fast_cli_settings: Paths,
                                                                       tmp_path: Path) -> None:
    paths = fast_cli_settings
    assert run(sim, paths, "budget", "set", "0.50").returncode == 0
    refused = run(sim, paths, "storyboard", "run", str(write_board(tmp_path)), "--yes")
    assert refused.returncode == 2, refused.stderr
    assert "$0.675" in refused.stderr  # what it asks for
    assert "$0.50" in refused.stderr  # and the budget
    assert "getimg-studio budget set" in refused.stderr
    assert sim.stats()["total_creations"] == 0
    assert run(sim, paths, "jobs", "list", "--json").stdout.strip() == "[]"


def test_a_failed_shot_stops_the_chain_with_the_reason_and_the_cost(sim: RunningSimulator,
                                                                     fast_cli_settings: Paths,
                                                                     tmp_path: Path) -> None:
    shots = [dict(SHOTS[0]), dict(SHOTS[1], prompt="The boats leave [fail]"), dict(SHOTS[2])]
    result = run(sim, fast_cli_settings, "storyboard", "run", str(write_board(tmp_path, shots)), "--yes")
    assert result.returncode == 1
    assert "The chain stops at shot boats" in result.stderr
    assert "Not sent: sea." in result.stderr
    assert "Spent so far: $" in result.stderr
    assert sum(sim.stats()["requests"].get("create", {}).values()) == 2


def test_a_bad_file_names_the_field_and_sends_nothing(sim: RunningSimulator, fast_cli_settings: Paths,
                                                      tmp_path: Path) -> None:
    bad = write_board(tmp_path, [{"id": "a", "prompt": "x", "first_frame": {"source": "sideways"}}])
    result = run(sim, fast_cli_settings, "storyboard", "run", str(bad), "--yes")
    assert result.returncode == 2
    assert "shots[0].first_frame.source" in result.stderr
    empty = write_board(tmp_path, [{"id": "a", "prompt": "One"}, {"id": "b", "prompt": " "}])
    result = run(sim, fast_cli_settings, "storyboard", "run", str(empty), "--yes")
    assert result.returncode == 2
    assert "shots[1].prompt" in result.stderr
    # The shipped examples, asked about first: the lighthouse's keyframes are priced with its takes.
    examples = Path(__file__).resolve().parents[2] / "examples"
    harbour = run(sim, fast_cli_settings, "storyboard", "run", str(examples / "harbour" / "storyboard.json"))
    assert harbour.returncode == 2
    assert "Total: 4 generations, $0.90." in harbour.stderr
    lighthouse = run(sim, fast_cli_settings, "storyboard", "run", str(examples / "lighthouse" / "storyboard.json"))
    assert lighthouse.returncode == 2
    assert "Total: 7 generations, $" in lighthouse.stderr  # 5 takes and 2 keyframes
    assert sum(sim.stats()["requests"].get("create", {}).values()) == 0


def _take_states(paths: Paths) -> list[str]:
    if not paths.database.exists():
        return []
    db = sqlite3.connect(f"file:{paths.database}?mode=ro", uri=True, timeout=5)
    try:
        return [r[0] for r in db.execute("SELECT state FROM jobs WHERE origin LIKE 'storyboard:%' ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is being created right now
        return []
    finally:
        db.close()


def test_killed_mid_run_the_same_command_finishes_it_sending_nothing_twice(
        sim: RunningSimulator, fast_cli_settings: Paths, tmp_path: Path) -> None:
    paths = fast_cli_settings
    sim.configure(pending_seconds=2)
    board = write_board(tmp_path)
    proc = subprocess.Popen(cli(sim, paths, "storyboard", "run", str(board), "--yes"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=cli_env())
    wait_for(lambda: _take_states(paths)[1:2] == ["pending"], proc, timeout=60)  # the second shot is out
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert sim.stats()["total_creations"] == 2

    sim.configure(pending_seconds=0.3)
    result = run(sim, paths, "storyboard", "run", str(board), "--yes")
    assert result.returncode == 0, result.stderr
    assert creations(sim) == {s["prompt"]: 1 for s in SHOTS}
    assert "Total: 1 generation" in result.stderr  # only the last shot was still to queue
