"""`getimg-studio image` and `generate --first-frame-job` as a creator runs them: a subprocess against the
simulator, with the images and the video landing in the output folder."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli_generate import run_cli  # this folder is on sys.path for its tests

from getimg_studio.api.image_types import sniff_image_mime
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.simulator.testing import image_bytes


def image_posts(sim: RunningSimulator) -> int:
    return sum(sim.stats()["requests"].get("images", {}).values())


def test_images_then_a_video_from_one_of_them(sim: RunningSimulator, fast_cli_settings: Paths,
                                              tmp_path: Path) -> None:
    paths = fast_cli_settings
    look = tmp_path / "look.png"
    look.write_bytes(image_bytes("PNG", (96, 64), (200, 40, 40)))
    made = run_cli(sim, paths, "image", "A red kite over green hills", "--model", "sim-image-pro",
                   "--resolution", "1K", "--aspect-ratio", "16:9", "--format", "png", "--reference", str(look),
                   "--variations", "2", "--json")
    assert made.returncode == 0, made.stderr
    assert "Estimated cost: $0.024 for 2 images (sim-image-pro)." in made.stderr
    jobs = json.loads(made.stdout)
    assert [(j["kind"], j["state"], j["output_format"]) for j in jobs] == [("image", "ready", "png")] * 2
    assert [len(j["frames"]) for j in jobs] == [1, 1]  # the reference, kept in the history
    for job in jobs:
        saved = Path(job["file"])
        assert saved.parent == paths.output
        assert sniff_image_mime(saved.read_bytes()[:12]) == "image/png"
    assert image_posts(sim) == 2
    assert "Billed in this run: $0.024." in made.stderr

    first = jobs[1]
    video = run_cli(sim, paths, "generate", "The kite climbs into the clouds", "--model", "seedance-v1-5-pro",
                    "--first-frame-job", str(first["id"]), "--wait", "--json")
    assert video.returncode == 0, video.stderr
    [clip] = json.loads(video.stdout)
    assert (clip["kind"], clip["state"]) == ("video", "ready")
    [frame] = clip["frames"]
    assert frame["role"] == "first_frame"
    assert Path(frame["path"]).read_bytes() == Path(first["file"]).read_bytes()

    # A video job is not an image; nothing is sent for it.
    wrong = run_cli(sim, paths, "generate", "again", "--model", "seedance-v1-5-pro",
                    "--first-frame-job", str(clip["id"]))
    assert wrong.returncode == 2
    assert f"job {clip['id']} made a video, not an image" in wrong.stderr
    assert sim.stats()["total_creations"] == 3


def test_bad_image_inputs_get_one_clear_line_and_nothing_is_sent(sim: RunningSimulator, paths: Paths,
                                                                tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(image_bytes("PNG"))
    cases: list[tuple[list[str], str]] = [
        (["image", "a tree", "--model", "no-such-model"], "is not a known image model"),
        (["image", "a tree", "--model", "seedance-v1-5-pro"], "is not an image model"),
        (["image", "a tree", "--reference", str(tmp_path / "missing.png")], "missing.png"),
        (["image", "a tree", "--variations", "5"], "variations"),
        (["generate", "a cat", "--first-frame-job", "99999"], "no job 99999"),
        (["generate", "a cat", "--first-frame", str(good), "--first-frame-job", "1"], "not both"),
    ]
    for args, mentions in cases:
        result = run_cli(sim, paths, *args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, (args, result.stderr)
        assert "error" in lines[-1], (args, result.stderr)
        assert mentions.lower() in result.stderr.lower(), (args, result.stderr)
        assert result.stdout == ""
    assert image_posts(sim) == 0
    assert sim.stats()["total_creations"] == 0
