"""The recipe document: JSON round trips, requests, damaged input, and its GIF/WebP carriers (byte level)."""

from __future__ import annotations

import errno
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from getimg_studio.api.types import FrameRef, GenerationRequest, Role
from getimg_studio.media.errors import MediaError, disk_error
from getimg_studio.media.recipe import (
    Recipe,
    RecipeFrame,
    find_frames,
    recipe_for,
    recipes_from_json,
    recipes_to_json,
)
from getimg_studio.media.tags import _gif_comment, _webp_recipe, gif_with_comment, webp_with_xmp

RECIPE = Recipe(
    model="seedance-v1-5-pro", prompt="Ein Fuchs läuft durch den Schnee — «à l'aube» 🦊\nzweite Zeile",
    aspect_ratio="16:9", resolution="720p", duration=5.0, sound=True,
    frames=(RecipeFrame("first_frame", "a" * 64, "start.png"), RecipeFrame("last_frame", "b" * 64, "end.png")),
    extra=(("seed", 42),), remote_id="req-01HXYZ", cost=Decimal("0.125"), currency="USD",
    source_sha256="c" * 64, created_at="2026-12-01T10:00:00+00:00", notes=("trimmed 1.00-3.00 s",),
)


def test_json_round_trip_is_equal() -> None:
    text = recipes_to_json([RECIPE, Recipe(model="m", prompt="p")])
    again = recipes_from_json(text, "x.mp4")
    assert again == (RECIPE, Recipe(model="m", prompt="p"))
    data = json.loads(text)
    assert data["format"] == "getimg-studio-recipe"
    assert data["schema"] == 1
    assert data["recipes"][0]["cost"] == "0.125"  # money as text: no float rounding


def test_unknown_fields_are_ignored_for_newer_writers() -> None:
    data = json.loads(recipes_to_json([RECIPE]))
    data["schema"] = 7
    data["recipes"][0]["schema"] = 7
    data["recipes"][0]["camera_motion"] = "dolly"
    (read,) = recipes_from_json(json.dumps(data), "x.mp4")
    assert read.prompt == RECIPE.prompt
    assert read.schema == 7


@pytest.mark.parametrize(("text", "words"), [
    ("not json", "not JSON"),
    ('{"format": "other"}', "not a getimg Studio recipe"),
    ('{"format": "getimg-studio-recipe", "recipes": []}', "lists no clip"),
    ('{"format": "getimg-studio-recipe", "recipes": [{"prompt": "p"}]}', "“model” is missing"),
    ('{"format": "getimg-studio-recipe", "recipes": [{"model": "m", "prompt": "p", "cost": "a lot"}]}',
     "“cost” is not an amount"),
    ('{"format": "getimg-studio-recipe", "recipes": [{"model": "m", "prompt": 3}]}', "“prompt” is not text"),
])
def test_a_damaged_recipe_names_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(MediaError) as caught:
        recipes_from_json(text, "clip.mp4")
    assert words in caught.value.message
    assert "clip.mp4" in caught.value.message
    assert caught.value.param == "recipe"


def test_a_request_becomes_a_recipe_and_back(tmp_path: Path) -> None:
    first = tmp_path / "first.png"
    Image.new("RGB", (8, 8), (200, 10, 10)).save(first)
    request = GenerationRequest(model="seedance-v1-5-pro", prompt="a fox", aspect_ratio="16:9", resolution="720p",
                                duration=5.0, sound=True, frames=(FrameRef(Role.FIRST_FRAME, path=first),
                                                                  FrameRef(Role.REFERENCE_IMAGE,
                                                                           url="https://x.test/ref.jpg?sig=s")))
    recipe = recipe_for(request, remote_id="req-1", cost=Decimal("0.25"))
    assert recipe.frames[0].role == "first_frame"
    assert len(recipe.frames[0].sha256) == 64
    assert recipe.frames[1] == RecipeFrame("reference_image", "", "ref.jpg")  # no URL (signatures are secrets)
    stored = tmp_path / "frames"
    stored.mkdir()
    copy = stored / f"{recipe.frames[0].sha256}.png"
    copy.write_bytes(first.read_bytes())
    again = recipe.to_request(find_frames(recipe, stored))
    assert again == GenerationRequest(model="seedance-v1-5-pro", prompt="a fox", aspect_ratio="16:9",
                                      resolution="720p", duration=5.0, sound=True,
                                      frames=(FrameRef(Role.FIRST_FRAME, path=copy),))


def _gif_bytes() -> bytes:
    frames = [Image.new("P", (16, 8), i) for i in range(3)]
    for f in frames:
        f.putpalette([v for c in range(256) for v in (c, 255 - c, c // 2)])
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def test_gif_comment_carries_the_recipe_and_the_gif_still_opens() -> None:
    tagged = gif_with_comment(_gif_bytes(), [RECIPE])
    text = _gif_comment(tagged)
    assert text is not None
    assert text.isascii()
    assert recipes_from_json(text, "a.gif") == (RECIPE,)
    with Image.open(io.BytesIO(tagged)) as image:
        assert image.n_frames == 3
        assert b"getimg-studio-recipe" in image.info["comment"]
    assert _gif_comment(_gif_bytes()) is None


def _webp_bytes() -> bytes:
    frames = [Image.new("RGB", (16, 8), (i * 60, 0, 0)) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def test_webp_xmp_carries_the_recipe_and_the_webp_still_opens() -> None:
    tagged = webp_with_xmp(_webp_bytes(), [RECIPE])
    text = _webp_recipe(tagged)
    assert text is not None
    assert recipes_from_json(text, "a.webp") == (RECIPE,)
    assert int.from_bytes(tagged[4:8], "little") == len(tagged) - 8
    assert tagged[20] & 0x04  # the VP8X flag that says an XMP chunk is there
    with Image.open(io.BytesIO(tagged)) as image:
        assert image.n_frames == 3
        assert "getimg:recipe" in str(image.info.get("xmp", b""))


def test_disk_errors_name_the_folder_and_ignore_other_files(tmp_path: Path) -> None:
    out = tmp_path / "export.gif"
    full = disk_error(out, OSError(errno.ENOSPC, "No space left", str(tmp_path / ".export.gif.x.tmp.gif")))
    assert full is not None
    assert "disk is full" in full.message
    assert str(tmp_path) in full.message
    assert disk_error(out, OSError(errno.EROFS, "Read-only", str(tmp_path))) is not None
    assert disk_error(out, OSError(errno.ENOENT, "gone", "/elsewhere/input.mp4")) is None
    assert disk_error(out, OSError(errno.ECONNRESET, "reset")) is None
