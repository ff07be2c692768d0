"""The recipe inside real files: written on a copy or an export, read back, and kept through a remux."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import av
import pytest
from conftest import ClipMaker
from media_files import leftovers

from getimg_studio.fsutil import sha256_file
from getimg_studio.media.errors import MediaError
from getimg_studio.media.export import ExportFormat, ExportOptions, export, save_copy
from getimg_studio.media.recipe import Recipe, RecipeFrame
from getimg_studio.media.sidecar import read_sidecar, sidecar_path, write_sidecar
from getimg_studio.media.tags import read_recipes

RECIPE = Recipe(model="seedance-v1-5-pro", prompt="lanterns drifting up a river, «night» 🏮", aspect_ratio="16:9",
                resolution="720p", duration=2.0, sound=True, frames=(RecipeFrame("first_frame", "e" * 64, "a.png"),),
                remote_id="req-01HXYZVIDEO1234", cost=Decimal("0.25"), source_sha256="f" * 64)


def _packets(path: Path) -> list[tuple[str, int | None, str]]:
    with av.open(str(path)) as container:
        return [(p.stream.type, p.pts, hashlib.sha256(bytes(p)).hexdigest()) for p in container.demux() if p.size]


def _remux_like_ffmpeg_copy(source: Path, out: Path, fmt: str) -> None:
    """What `ffmpeg -i source -c copy out` does: every stream's packets and the global tags carried over."""
    with av.open(str(source)) as inp, av.open(str(out), "w", format=fmt) as output:
        for key, value in inp.metadata.items():
            output.metadata[key] = value
        streams = {s.index: output.add_stream_from_template(s) for s in inp.streams if s.type in ("video", "audio")}
        for packet in inp.demux():
            if packet.size and packet.stream.index in streams:
                packet.stream = streams[packet.stream.index]
                output.mux(packet)


def test_a_copy_carries_the_recipe_and_the_served_file_is_untouched(make_clip: ClipMaker, tmp_path: Path) -> None:
    served = tmp_path / "served.mp4"
    served.write_bytes(make_clip("lanterns drifting up a river").read_bytes())
    checksum = sha256_file(served)
    copy = save_copy(served, tmp_path / "out" / "lanterns.mp4", [RECIPE])
    assert read_recipes(copy) == (RECIPE,)
    assert _packets(copy) == _packets(served)  # the pictures and the sound are the bytes getimg served
    assert sha256_file(served) == checksum
    assert read_recipes(served) == ()
    with av.open(str(copy)) as container:
        assert container.metadata["description"].startswith("lanterns drifting")  # what players show


@pytest.mark.parametrize(("suffix", "fmt"), [(".mp4", "mp4"), (".mov", "mov"), (".mkv", "matroska")])
def test_the_recipe_survives_a_stream_copy_remux(make_clip: ClipMaker, tmp_path: Path, suffix: str,
                                                 fmt: str) -> None:
    tagged = save_copy(make_clip("lanterns drifting up a river"), tmp_path / "tagged.mp4", [RECIPE])
    remuxed = tmp_path / f"remuxed{suffix}"
    _remux_like_ffmpeg_copy(tagged, remuxed, fmt)
    assert read_recipes(remuxed) == (RECIPE,)


def test_webm_exports_keep_the_recipe_in_matroska_tags(make_clip: ClipMaker, tmp_path: Path) -> None:
    out = export(make_clip("lanterns drifting up a river"), tmp_path / "a.webm",
                 ExportOptions(ExportFormat.WEBM, end=0.5, recipes=(RECIPE,))).path
    copy = save_copy(out, tmp_path / "b.webm", [RECIPE])
    assert read_recipes(out) == read_recipes(copy) == (RECIPE,)
    _remux_like_ffmpeg_copy(out, tmp_path / "c.mkv", "matroska")
    assert read_recipes(tmp_path / "c.mkv") == (RECIPE,)


def test_gif_and_webp_copies_carry_the_recipe(make_clip: ClipMaker, tmp_path: Path) -> None:
    for fmt in (ExportFormat.GIF, ExportFormat.WEBP):
        plain = export(make_clip("lanterns drifting up a river"), tmp_path / f"plain{fmt.suffix}",
                       ExportOptions(fmt, end=0.4, height=90)).path
        assert read_recipes(plain) == ()
        tagged = save_copy(plain, tmp_path / f"tagged{fmt.suffix}", [RECIPE])
        assert read_recipes(tagged) == (RECIPE,)


def test_sidecar_round_trip_and_checksum(make_clip: ClipMaker, tmp_path: Path) -> None:
    video = tmp_path / "lanterns.mp4"
    video.write_bytes(make_clip("lanterns drifting up a river").read_bytes())
    path = write_sidecar(video, [RECIPE])
    assert path == sidecar_path(video)
    assert path.name == "lanterns.mp4.getimg.json"
    sidecar = read_sidecar(video)
    assert sidecar is not None
    assert sidecar.recipes == (RECIPE,)
    assert sidecar.video_sha256 == sha256_file(video)
    assert sidecar.matches(video)
    video.write_bytes(video.read_bytes() + b"\0")
    assert not sidecar.matches(video)
    assert read_sidecar(tmp_path / "none.mp4") is None
    assert sorted(leftovers(tmp_path)) == ["lanterns.mp4", "lanterns.mp4.getimg.json"]


def test_a_damaged_sidecar_is_a_clear_error(tmp_path: Path) -> None:
    video = tmp_path / "x.mp4"
    sidecar_path(video).write_text("{broken", encoding="utf-8")
    with pytest.raises(MediaError) as caught:
        read_sidecar(video)
    assert "x.mp4.getimg.json" in caught.value.message


def test_a_foreign_comment_is_not_a_recipe(make_clip: ClipMaker, tmp_path: Path) -> None:
    source = make_clip("lanterns drifting up a river")
    foreign = tmp_path / "foreign.mp4"
    with av.open(str(source)) as inp, av.open(str(foreign), "w", format="mp4") as output:
        output.metadata["comment"] = "shot on my phone"
        streams = {s.index: output.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.size:
                packet.stream = streams[packet.stream.index]
                output.mux(packet)
    assert read_recipes(foreign) == ()
