"""`getimg-studio export` and `import` as a creator runs them: subprocesses on a history the simulator filled."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
from test_cli_generate import run_cli  # same folder: pytest puts it on sys.path

from getimg_studio.media.tags import read_recipes
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.render import RenderSpec, render_video
from getimg_studio.simulator.testing import LITE

PROMPT = "A lantern drifting down a river"


def frames_of(path: Path) -> tuple[int, int, int, float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        return stream.codec_context.width, stream.codec_context.height, count, float(container.duration or 0) / 1e6


def test_export_and_import_from_the_command_line(sim: RunningSimulator, fast_cli_settings: Paths,
                                                 tmp_path: Path) -> None:
    paths = fast_cli_settings
    made = run_cli(sim, paths, "generate", PROMPT, "--model", LITE, "--aspect-ratio", "16:9", "--wait")
    assert made.returncode == 0, made.stderr
    saved = Path(made.stdout.strip())

    gif = tmp_path / "loop.gif"
    result = run_cli(sim, paths, "export", "1", str(gif), "--from", "1", "--to", "2", "--loop", "--size", "360p",
                     "--fps", "10")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(gif)
    assert "exporting: 100 %" in result.stderr
    width, height, count, _ = frames_of(gif)
    assert (width, height) == (640, 360)
    assert count == 10 + 8  # 1 s forward at 10 fps, then back without repeating either end
    assert read_recipes(gif)[0].prompt == PROMPT

    cut = tmp_path / "cut.mp4"
    result = run_cli(sim, paths, "export", "1", str(cut), "--from", "0.5", "--to", "2.5")
    assert result.returncode == 0, result.stderr
    width, height, count, duration = frames_of(cut)
    with av.open(str(saved)) as source:
        rate = Fraction(source.streams.video[0].average_rate or 24)
    assert (width, height) == (854, 480)
    assert count == round(2 * rate)
    assert abs(duration - 2.0) < 0.1

    copy = tmp_path / "copy.mp4"  # nothing changed: getimg's packets, the recipe added
    assert run_cli(sim, paths, "export", "1", str(copy)).returncode == 0
    assert frames_of(copy)[2] == frames_of(saved)[2]
    assert read_recipes(copy)[0].remote_id

    found = run_cli(sim, paths, "import", str(cut))
    assert found.returncode == 0, found.stderr
    assert f"carries its recipe (inside it): {LITE}, “{PROMPT}”" in found.stdout
    assert "trimmed 0.50-2.50 s" in found.stdout
    assert "Added to the history as job 2." in found.stderr
    again = run_cli(sim, paths, "import", str(saved), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["known"] is True  # getimg's own file is job 1 already
    assert json.loads(again.stdout)["job"]["id"] == 1

    foreign = tmp_path / "holiday.mp4"
    render_video(RenderSpec("not one of ours", 160, 90, 1, sound=False), foreign)
    other = run_cli(sim, paths, "import", str(foreign))
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == "“holiday.mp4” carries no getimg Studio recipe."
    listed = json.loads(run_cli(sim, paths, "jobs", "list", "--json").stdout)
    assert [j["id"] for j in listed] == [3, 2, 1]
    assert listed[0]["file"] == str(foreign.resolve())

    bad = tmp_path / "bad"
    bad.mkdir()
    cases = [
        (["export", "1", str(bad / "a.avi")], ".mp4, .webm"),
        (["export", "1", str(bad / "a.gif"), "--size", "4k"], "“4k” is not a size"),
        (["export", "1", str(bad / "a.mp4"), "--from", "30"], "past the end"),
        (["export", "7", str(bad / "a.mp4")], "no job 7"),
        (["import", str(bad / "missing.mp4")], "missing.mp4"),
    ]
    for args, mentions in cases:
        result = run_cli(sim, paths, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert mentions in result.stderr, (args, result.stderr)
        assert result.stdout == ""
    assert sorted(p.name for p in bad.iterdir()) == []

