"""The bundle's entry point runs the app, or the demo simulator when the app starts itself as one.

In a PyInstaller bundle sys.executable is the app binary. These tests stand in for that binary with a
small script that runs packaging/entry.py, so the frozen path of spawn_simulator is exercised for real.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import getimg_studio
from getimg_studio.simulator import process

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "packaging" / "entry.py"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def fake_bundle_binary(tmp_path: Path) -> Path:
    """An executable that behaves like the bundle's getimg-studio: argv goes straight to entry.py."""
    binary = tmp_path / "getimg-studio"
    binary.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ENTRY}" "$@"\n', encoding="utf-8")
    binary.chmod(0o755)
    return binary


def test_entry_runs_the_app(fake_bundle_binary: Path) -> None:
    result = subprocess.run([str(fake_bundle_binary), "--version"], capture_output=True, text=True, timeout=60,
                            env=_env(), check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"getimg-studio {getimg_studio.__version__}"


def test_frozen_spawn_starts_the_simulator_through_the_app_binary(
        fake_bundle_binary: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(fake_bundle_binary))
    with process.spawn_simulator(python=str(fake_bundle_binary), env=_env(), stderr=subprocess.DEVNULL) as sim:
        assert sim.alive
        assert sim.base_url.startswith("http://127.0.0.1:")
        import httpx

        with httpx.Client(base_url=sim.base_url, timeout=10) as client:
            models = client.get("/v2/models", headers={"Authorization": "Bearer demo"})
        assert models.status_code == 200
        assert any(model["type"] == "video" for model in models.json())


def test_simulator_hook_by_environment_variable(fake_bundle_binary: Path) -> None:
    env = _env() | {"GETIMG_STUDIO_RUN": "simulator"}
    proc = subprocess.Popen([str(fake_bundle_binary), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("listening on http://127.0.0.1:")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == 0
