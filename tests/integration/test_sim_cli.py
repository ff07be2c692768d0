"""The simulator as a process: the listening line, clean exit on signals, state kept across restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from getimg_studio.simulator.process import (
    BACKGROUND_NICENESS,
    SimulatorStartError,
    listening_socket,
    spawn_simulator,
)
from getimg_studio.simulator.testing import AUTH, create, poll


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_address_first_and_exits_cleanly(sig: signal.Signals) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "getimg_studio.simulator", "--port", "0", "--seed", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:")
        base = line.split()[-1]
        assert httpx.get(f"{base}/v2/models", headers=AUTH).status_code == 200
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert out == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_cli_main_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from getimg_studio.simulator.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--balance", "lots"])
    assert exc.value.code == 2
    assert "not a decimal" in capsys.readouterr().err


def test_spawn_and_stop() -> None:
    with spawn_simulator(["--pending-seconds", "0.1", "--balance", "3.50"], env=_env()) as proc:
        assert proc.alive
        assert proc.base_url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=proc.base_url) as c:
            assert c.get("/v2/billing/balance", headers=AUTH).json()["balance"] == "3.50"
        assert proc.stop() == 0
        assert not proc.alive


def test_spawn_failure_is_reported() -> None:
    with pytest.raises(SimulatorStartError):
        spawn_simulator(["--pending-seconds", "not-a-number"], env=_env(), stderr=subprocess.DEVNULL)


@pytest.mark.skipif(os.name != "posix", reason="an inherited socket is POSIX's")
def test_on_a_socket_we_bound_the_address_is_known_at_once_and_early_requests_wait() -> None:
    """Demo mode's start: nothing waits for the child to boot; what is sent meanwhile is answered once it is up."""
    sock = listening_socket()
    port = sock.getsockname()[1]
    began = time.monotonic()
    with spawn_simulator(["--balance", "7.25"], env=_env(), listen=sock) as proc:
        returned = time.monotonic() - began
        assert proc.base_url == f"http://127.0.0.1:{port}"
        assert sock.fileno() == -1  # ours is closed: the child holds the only copy
        with httpx.Client(base_url=proc.base_url, timeout=30) as c:  # sent while the child boots
            assert c.get("/v2/billing/balance", headers=AUTH).json()["balance"] == "7.25"
        booted = time.monotonic() - began
        proc.wait_listening()  # it did say so
        assert proc.stop() == 0
    assert returned < booted / 2  # the spawn did not wait for the boot


@pytest.mark.skipif(os.name != "posix", reason="an inherited socket is POSIX's")
def test_on_a_socket_a_child_that_fails_is_reported_and_refuses_requests() -> None:
    proc = spawn_simulator(["--pending-seconds", "not-a-number"], env=_env(), stderr=subprocess.DEVNULL,
                           listen=listening_socket())
    with pytest.raises(SimulatorStartError):
        proc.wait_listening()
    with pytest.raises(httpx.ConnectError):  # nobody holds the socket any more: refused at once, not hung
        httpx.get(f"{proc.base_url}/v2/models", headers=AUTH, timeout=5)
    proc.stop()


@pytest.mark.slow
def test_state_dir_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / "sim-state"
    args = ["--state-dir", str(state), "--pending-seconds", "1.5"]
    with spawn_simulator(args, env=_env()) as first, httpx.Client(base_url=first.base_url) as c:
        done_id = create(c, prompt="finished before the restart").json()["id"]
        assert poll(c, done_id)["status"] == "completed"
        pending_id = create(c, prompt="pending across the restart").json()["id"]
        failing_id = create(c, prompt="will [fail] later").json()["id"]
        balance = Decimal(c.get("/v2/billing/balance", headers=AUTH).json()["balance"])
        first.kill()  # no clean shutdown: the state file must already be complete
    assert (state / "state.json").exists()
    time.sleep(1.6)  # the pending generation's time passes while the simulator is down
    with spawn_simulator(args, env=_env()) as second, httpx.Client(base_url=second.base_url) as c:
        done = poll(c, done_id)
        assert done["status"] == "completed"
        assert done["data"][0]["url"].startswith(second.base_url)
        assert httpx.get(done["data"][0]["url"]).status_code == 200
        later = poll(c, pending_id)  # rendering restarts if it was cut short
        assert later["status"] == "completed"
        assert poll(c, failing_id)["status"] == "failed"
        after = Decimal(c.get("/v2/billing/balance", headers=AUTH).json()["balance"])
        assert balance - after == Decimal("0.04")
        second.stop()
    with spawn_simulator(args, env=_env()) as third, httpx.Client(base_url=third.base_url) as c:
        assert Decimal(c.get("/v2/billing/balance", headers=AUTH).json()["balance"]) == after
        third.stop()


def test_child_exits_when_parent_dies(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from getimg_studio.simulator.process import spawn_simulator\n"
        "p = spawn_simulator()\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env())
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    parent.kill()
    parent.communicate()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _running(child_pid):
        time.sleep(0.2)
    assert not _running(child_pid)


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not hasattr(os, "nice"), reason="CPU priority is POSIX's")
def test_a_background_simulator_runs_at_a_lower_priority() -> None:
    """Demo mode's simulator yields the cores to the window: its niceness is ours plus the constant."""
    ours = os.nice(0)
    with spawn_simulator(env=_env(), background=True) as proc:
        stat = Path(f"/proc/{proc.pid}/stat").read_text()
        niceness = int(stat[stat.rindex(")") + 2:].split()[16])
    assert niceness == min(19, ours + BACKGROUND_NICENESS)
