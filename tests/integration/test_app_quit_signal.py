"""SIGTERM (logout, `kill`) and SIGINT close the window app cleanly: exit 0, demo simulator stopped, history free."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from getimg_studio.instance_lock import InstanceLock
from getimg_studio.paths import Paths

REPO = Path(__file__).resolve().parents[2]


def _wait_for(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_quit_signal_shuts_the_app_down_in_order(paths: Paths, sig: signal.Signals) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    log_file = paths.log_file
    app = subprocess.Popen([sys.executable, "-m", "getimg_studio", "--data-dir", str(paths.data.parent), "--demo"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The window is up once the demo catalogue is cached and the history migrated.
        assert _wait_for(lambda: (paths.data / "models-demo.json").exists(), 60), "the app never came up"
        app.send_signal(sig)
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert f"signal {int(sig)}: closing" in log_file.read_text()
    lock = InstanceLock(paths.data / "engine.lock")
    lock.acquire()  # released: the next start is not refused
    lock.release()
    # The demo simulator went with the app (it is found by the state folder on its command line).
    assert _wait_for(lambda: not _processes_mentioning(str(paths.simulator_state)), 10)


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(int(entry.name))
    return found
