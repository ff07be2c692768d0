"""Only one engine works on a history at a time; reading it is always allowed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_cli_generate import cli_env, create_requests, run_cli  # same folder: pytest puts it on sys.path

from getimg_studio.instance_lock import HistoryInUse, InstanceLock
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import LITE


def test_generate_is_refused_while_another_engine_holds_the_history(sim: RunningSimulator, paths: Paths) -> None:
    held = InstanceLock(paths.data / "engine.lock")
    held.acquire()
    try:
        result = run_cli(sim, paths, "generate", "a kite over dunes", "--model", LITE)
        assert result.returncode == 1
        assert "already working on the history" in result.stderr
        assert create_requests(sim) == 0
        listing = run_cli(sim, paths, "jobs", "list")
        assert listing.returncode == 0, listing.stderr
    finally:
        held.release()
    result = run_cli(sim, paths, "generate", "a kite over dunes", "--model", LITE)
    assert result.returncode == 0, result.stderr


def test_a_killed_owner_leaves_no_stale_lock(paths: Paths) -> None:
    lock_file = paths.data / "engine.lock"
    code = (
        "import sys, time; from pathlib import Path; from getimg_studio.instance_lock import InstanceLock;"
        f"InstanceLock(Path({str(lock_file)!r})).acquire(); print('held', flush=True); time.sleep(60)"
    )
    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=cli_env())
    try:
        assert owner.stdout is not None
        assert owner.stdout.readline().strip() == "held"
        with pytest.raises(HistoryInUse, match=f"process {owner.pid}"):
            InstanceLock(lock_file).acquire()
    finally:
        owner.kill()
        owner.wait()
        if owner.stdout is not None:
            owner.stdout.close()
    again = InstanceLock(lock_file)
    again.acquire()
    again.release()
