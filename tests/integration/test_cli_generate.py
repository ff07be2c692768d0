"""`getimg-studio generate` and `jobs list/show` as a creator runs them: a subprocess against the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.render import probe_video
from getimg_studio.simulator.testing import LITE, image_bytes

REPO = Path(__file__).resolve().parents[2]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GETIMG_AI_BASE_URL",)}
    env["GETIMG_API_KEY"] = "test"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"  # never the developer's keyring
    return env


def run_cli(sim: RunningSimulator, paths: Paths, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    root = paths.data.parent
    cmd = [sys.executable, "-m", "getimg_studio", "--data-dir", str(root), "--base-url", sim.base_url, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=cli_env(), check=False)


def create_requests(sim: RunningSimulator) -> int:
    return sum(sim.stats()["requests"].get("create", {}).values())


def test_bad_inputs_get_one_clear_line_and_nothing_is_sent(sim: RunningSimulator, paths: Paths,
                                                          tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(image_bytes("PNG"))
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(image_bytes("PNG")[:60] + b"\x00garbage" * 20)
    text = tmp_path / "notes.png"
    text.write_text("these are my notes, not a picture\n" * 10)
    cases: list[tuple[list[str], str]] = [
        (["generate", "a cat", "--first-frame", str(corrupt), "--model", "seedance-v1-5-pro"], "corrupt.png"),
        (["generate", "a cat", "--first-frame", str(text), "--model", "seedance-v1-5-pro"], "notes.png"),
        (["generate", "a cat", "--first-frame", str(tmp_path / "missing.png")], "missing.png"),
        (["generate", "a cat", "--model", "seedance-v1-5-pro", "--last-frame", str(good)], "first frame"),
        (["generate", "a cat", "--model", "seedance-v1-pro", "--first-frame", str(good)], "irst frame"),
        (["generate", "a cat", "--model", "no-such-model"], "no-such-model"),
        (["generate", "x" * 4097, "--model", LITE], "4,096"),
        (["generate", "a cat", "--model", LITE, "--aspect-ratio", "7:3"], "aspect ratio must be one of"),
        (["generate", "a cat", "--variations", "9"], "variations"),
        (["generate", "a cat", "--duration", "soon"], "duration"),
        (["jobs", "show", "12345"], "12345"),
    ]
    for args, mentions in cases:
        result = run_cli(sim, paths, *args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, (args, result.stderr)
        assert len(lines) == 1 or lines[0].startswith("usage:"), (args, result.stderr)
        assert "error" in lines[-1], (args, result.stderr)
        assert mentions.lower() in result.stderr.lower(), (args, result.stderr)
        assert result.stdout == ""
    assert create_requests(sim) == 0


def test_generate_wait_prints_the_saved_file(sim: RunningSimulator, fast_cli_settings: Paths) -> None:
    paths = fast_cli_settings
    result = run_cli(sim, paths, "generate", "A lighthouse at dusk", "--model", LITE, "--aspect-ratio", "16:9",
                     "--wait")
    assert result.returncode == 0, result.stderr
    assert "Estimated cost: $0.04 for 1 video" in result.stderr
    [line] = result.stdout.splitlines()
    saved = Path(line)
    assert saved.parent == paths.output
    info = probe_video(saved)
    assert (info.width, info.height) == (854, 480)
    assert sim.stats()["total_creations"] == 1

    listed = run_cli(sim, paths, "jobs", "list", "--json")
    assert listed.returncode == 0
    [job] = json.loads(listed.stdout)
    assert job["state"] == "ready"
    assert job["file"] == str(saved)
    shown = run_cli(sim, paths, "jobs", "show", str(job["id"]), "--json")
    assert json.loads(shown.stdout)["prompt"] == "A lighthouse at dusk"
    table = run_cli(sim, paths, "jobs", "list")
    assert "ready" in table.stdout
    assert "A lighthouse at dusk" in table.stdout


def test_generate_json_with_variations_and_a_converted_gif(sim: RunningSimulator, fast_cli_settings: Paths,
                                                          tmp_path: Path) -> None:
    gif = tmp_path / "frame.gif"
    gif.write_bytes(image_bytes("GIF", size=(160, 90)))
    result = run_cli(sim, fast_cli_settings, "generate", "Snow falling", "--model", "seedance-v1-5-pro",
                     "--resolution", "480p", "--first-frame", str(gif), "--variations", "2", "--json")
    assert result.returncode == 0, result.stderr
    jobs = json.loads(result.stdout)
    assert [j["state"] for j in jobs] == ["pending", "pending"]
    assert jobs[0]["batch_id"] == jobs[1]["batch_id"]
    [frame] = jobs[0]["frames"]
    copy = Path(frame["path"])
    assert copy.parent == fast_cli_settings.frames  # the history keeps its own copy
    assert copy.read_bytes() == gif.read_bytes()
    assert sim.stats()["total_creations"] == 2


def test_a_500_on_creation_is_never_sent_twice_and_says_uncertain(sim: RunningSimulator,
                                                                  fast_cli_settings: Paths) -> None:
    sim.add_fault("create", status=500, count=10)
    result = run_cli(sim, fast_cli_settings, "generate", "Rain on a window", "--model", LITE, "--wait")
    assert result.returncode == 1
    assert "job 1: uncertain: The request may have reached getimg" in result.stderr
    assert sim.stats()["total_creations"] == 0
    assert create_requests(sim) == 1


def test_the_account_cap_queues_variations_instead_of_rejecting_them(sim: RunningSimulator,
                                                                     fast_cli_settings: Paths) -> None:
    sim.configure(max_pending=2, pending_seconds=0.3)
    result = run_cli(sim, fast_cli_settings, "generate", "Kites over a beach", "--model", LITE, "--variations", "4",
                     "--wait")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 4
    assert "rejected" not in result.stderr
    assert sim.stats()["total_creations"] == 4
    # One refusal at most to learn the cap, then each job sent once as a slot freed.
    assert create_requests(sim) <= 5


def test_a_refused_key_ends_the_wait_saying_why(sim: RunningSimulator, fast_cli_settings: Paths) -> None:
    sim.add_fault("create", status=401, count=5)
    result = run_cli(sim, fast_cli_settings, "generate", "Rain on a window", "--model", LITE, "--variations", "2",
                     "--wait", timeout=60)
    assert result.returncode == 1
    assert result.stderr.count("queued, not sent: getimg refused the API key") == 2
    assert sim.stats()["total_creations"] == 0
    assert create_requests(sim) == 1  # the queue stopped at the first refusal


def test_jobs_list_into_a_closed_pipe_ends_quietly(sim: RunningSimulator, fast_cli_settings: Paths) -> None:
    from getimg_studio.jobs.store import JobStore

    store = JobStore(fast_cli_settings.database)
    from getimg_studio.api.types import GenerationRequest

    store.insert(GenerationRequest(LITE, "many rows"), count=3000)
    store.close()
    root = fast_cli_settings.data.parent
    cmd = [sys.executable, "-m", "getimg_studio", "--data-dir", str(root), "jobs", "list"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env())
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    _, stderr = proc.communicate(timeout=60)
    assert b"Traceback" not in stderr
    assert b"BrokenPipeError" not in stderr
