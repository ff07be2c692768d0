"""SIGKILL the command line while jobs are pending, and again mid-download: `jobs resume --wait` finishes them."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.render import probe_video
from getimg_studio.simulator.testing import LITE

REPO = Path(__file__).resolve().parents[2]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GETIMG_AI_BASE_URL"}
    env["GETIMG_API_KEY"] = "test"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def cli(sim: RunningSimulator, paths: Paths, *args: str) -> list[str]:
    return [sys.executable, "-m", "getimg_studio", "--data-dir", str(paths.data.parent), "--base-url", sim.base_url,
            *args]


def states(paths: Paths) -> list[str]:
    if not paths.database.exists():
        return []
    db = sqlite3.connect(f"file:{paths.database}?mode=ro", uri=True, timeout=5)
    try:
        return [r[0] for r in db.execute("SELECT state FROM jobs ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is being created right now
        return []
    finally:
        db.close()


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def resume(sim: RunningSimulator, paths: Paths) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(sim, paths, "jobs", "resume", "--wait"), capture_output=True, text=True,
                          timeout=90, env=cli_env(), check=False)


def test_killed_while_pending_then_resumed(sim: RunningSimulator, fast_cli_settings: Paths) -> None:
    paths = fast_cli_settings
    sim.configure(pending_seconds=3)
    proc = subprocess.Popen(cli(sim, paths, "generate", "Fireflies in a jar", "--model", LITE, "--variations", "2",
                                "--wait"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
    wait_for(lambda: states(paths) == ["pending", "pending"], proc)
    kill(proc)
    assert sim.stats()["total_creations"] == 2

    result = resume(sim, paths)
    assert result.returncode == 0, result.stderr
    saved = [Path(line) for line in result.stdout.splitlines()]
    assert len(saved) == 2
    for path in saved:
        assert path.parent == paths.output
        probe_video(path)
    assert states(paths) == ["ready", "ready"]
    assert sim.stats()["total_creations"] == 2  # nothing created again
    assert not list(paths.output.glob("*.part"))


def test_killed_mid_download_then_resumed_from_the_partial_file(sim: RunningSimulator,
                                                                 fast_cli_settings: Paths) -> None:
    paths = fast_cli_settings
    cut = 30_000
    # The first download breaks after `cut` bytes; the next one hangs long enough to kill the process.
    sim.add_fault("download", drop_after_bytes=cut)
    sim.add_fault("download", delay=4, count=5)
    proc = subprocess.Popen(cli(sim, paths, "generate", "Steam over coffee", "--model", LITE, "--wait"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())

    def partial() -> bool:
        parts = list(paths.output.glob("*.part")) if paths.output.exists() else []
        return states(paths) == ["downloading"] and bool(parts) and parts[0].stat().st_size >= cut

    wait_for(partial, proc)
    kill(proc)
    [part] = paths.output.glob("*.part")
    assert part.stat().st_size == cut
    assert sim.stats()["total_creations"] == 1
    sim.reset()  # clears the faults and the counters

    result = resume(sim, paths)
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    saved = Path(line)
    assert saved.name == part.name.removesuffix(".part")
    probe_video(saved)
    stats = sim.stats()
    assert stats["total_creations"] == 0
    [downloads] = stats["downloads"].values()
    gets = [r for r in downloads["requests"] if r["method"] == "GET"]
    assert gets[0]["start"] == cut  # resumed from the partial file, not from zero
    assert cut + sum(r["bytes"] for r in gets) == saved.stat().st_size


def test_ctrl_c_while_waiting_leaves_jobs_pending_and_says_how_to_finish(sim: RunningSimulator,
                                                                         fast_cli_settings: Paths) -> None:
    paths = fast_cli_settings
    sim.configure(pending_seconds=30)
    proc = subprocess.Popen(cli(sim, paths, "generate", "Clouds racing", "--model", LITE, "--wait"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
    wait_for(lambda: states(paths) == ["pending"], proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "jobs resume --wait" in stderr
    assert states(paths) == ["pending"]
    assert sim.stats()["total_creations"] == 1


def test_killed_while_the_first_post_is_on_the_wire_only_that_one_is_uncertain(sim: RunningSimulator,
                                                                               fast_cli_settings: Paths) -> None:
    paths = fast_cli_settings
    sim.add_fault("create", delay=30)  # the first POST is received (and made) but never answered in time
    proc = subprocess.Popen(cli(sim, paths, "generate", "Lanterns on a lake", "--model", LITE, "--variations", "4",
                                "--wait"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
    wait_for(lambda: states(paths) == ["submitting", "queued", "queued", "queued"], proc)
    kill(proc)
    sim.reset()  # the delayed answer is cut short with the connection; the generation was made

    result = resume(sim, paths)
    assert result.returncode == 1  # one job is uncertain: the creator has to check it
    assert states(paths) == ["uncertain", "ready", "ready", "ready"]
    assert "job 1: uncertain: The request may have reached getimg" in result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert sim.stats()["total_creations"] == 3  # the three never sent before were sent once each
