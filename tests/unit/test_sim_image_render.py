"""The simulator's images: size from resolution + aspect ratio, the requested format, per-prompt and per-reference
looks, the same bytes for the same request."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from getimg_studio.simulator.catalog import image_dimensions
from getimg_studio.simulator.image_render import ImageSpec, render_image
from getimg_studio.simulator.testing import image_bytes, open_image
from getimg_studio.simulator.validation import ImageInput


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(open_image(data).convert("RGB"), dtype=np.float32)


def _difference(a: bytes, b: bytes) -> float:
    """Mean absolute difference per channel, 0-255."""
    return float(np.abs(_pixels(a) - _pixels(b)).mean())


def _mean_colour(data: bytes) -> np.ndarray:
    return _pixels(data).reshape(-1, 3).mean(axis=0)


def _reference(colour: tuple[int, int, int]) -> ImageInput:
    # a picture with a little structure: the colour, with a lighter square in the middle
    image = Image.new("RGB", (200, 150), colour)
    image.paste(tuple(min(255, c + 60) for c in colour), (70, 45, 130, 105))  # type: ignore[arg-type]
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return ImageInput("reference_image", buf.getvalue(), "png", None)


@pytest.mark.parametrize(
    ("resolution", "aspect", "size"),
    [("1K", "1:1", (1024, 1024)), ("1K", "16:9", (1024, 576)), ("1K", "9:16", (576, 1024)),
     ("2K", "4:3", (2048, 1536)), ("2K", "3:2", (2048, 1368)), ("4K", "21:9", (4096, 1752)),
     ("4K", "2:3", (2728, 4096))],
)
def test_resolution_names_the_long_side(resolution: str, aspect: str, size: tuple[int, int]) -> None:
    assert image_dimensions(resolution, aspect) == size
    w, h = size
    assert w % 8 == 0
    assert h % 8 == 0


@pytest.mark.parametrize(("fmt", "pillow", "mime"), [("jpeg", "JPEG", "image/jpeg"), ("png", "PNG", "image/png"),
                                                      ("webp", "WEBP", "image/webp")])
def test_encoded_in_the_requested_format_at_the_requested_size(fmt: str, pillow: str, mime: str) -> None:
    w, h = image_dimensions("1K", "16:9")
    rendered = render_image(ImageSpec("a harbour at dawn", w, h, fmt))
    image = open_image(rendered.data)
    assert image.format == pillow
    assert image.size == (w, h) == (rendered.width, rendered.height)
    assert rendered.mime_type == mime


def test_a_4k_image_is_4096_on_its_long_side() -> None:
    w, h = image_dimensions("4K", "9:16")
    image = open_image(render_image(ImageSpec("a tall tower", w, h, "jpeg")).data)
    assert image.size == (2304, 4096)


def test_same_request_same_bytes_and_different_prompts_differ() -> None:
    spec = ImageSpec("a red kite over green hills", 512, 512, "png")
    first, again = render_image(spec), render_image(spec)
    assert first.data == again.data
    other = render_image(ImageSpec("a lighthouse in a storm at night", 512, 512, "png"))
    assert _difference(first.data, other.data) > 20
    # one word changed is still another picture
    near = render_image(ImageSpec("a red kite over green hill", 512, 512, "png"))
    assert _difference(first.data, near.data) > 10


def test_a_variant_is_another_arrangement_of_the_same_look() -> None:
    spec = ImageSpec("a red kite over green hills", 256, 256, "png")
    second = ImageSpec("a red kite over green hills", 256, 256, "png", variant=1)
    first, other, again = render_image(spec), render_image(second), render_image(second)
    assert other.data == again.data  # a variant is as deterministic as the first
    assert _difference(first.data, other.data) > 3
    red_first, red_other = _mean_colour(first.data), _mean_colour(other.data)
    assert max(abs(a - b) for a, b in zip(red_first, red_other, strict=True)) < 40


def test_colour_words_in_the_prompt_colour_the_shapes() -> None:
    red = _mean_colour(render_image(ImageSpec("red red red", 256, 256, "png")).data)
    blue = _mean_colour(render_image(ImageSpec("blue blue blue", 256, 256, "png")).data)
    assert red[0] - red[2] > blue[0] - blue[2]


def test_references_change_the_image_and_keep_their_look_across_prompts() -> None:
    teal = (20, 140, 150)
    ref = _reference(teal)
    prompts = ("a cat on a sofa", "a dog running on a beach", "an empty street at noon")
    plain = [render_image(ImageSpec(p, 640, 360, "png")).data for p in prompts]
    styled = [render_image(ImageSpec(p, 640, 360, "png", (ref,))).data for p in prompts]
    for without, with_ref in zip(plain, styled, strict=True):
        assert _difference(without, with_ref) > 15
    ref_mean = np.array(teal, dtype=np.float32)
    styled_distance = [float(np.linalg.norm(_mean_colour(d) - ref_mean)) for d in styled]
    plain_distance = [float(np.linalg.norm(_mean_colour(d) - ref_mean)) for d in plain]
    # every keyframe made with the reference sits near its colour; the unreferenced ones are scattered
    assert max(styled_distance) < 60
    assert max(styled_distance) < min(plain_distance)
    spread = np.std([_mean_colour(d) for d in styled], axis=0).mean()
    plain_spread = np.std([_mean_colour(d) for d in plain], axis=0).mean()
    assert spread < plain_spread


def test_a_second_reference_shows_as_an_inset_and_a_remote_one_as_a_card() -> None:
    red, blue = _reference((200, 30, 30)), _reference((30, 30, 200))
    one = render_image(ImageSpec("two refs", 800, 800, "png", (red,))).data
    two = render_image(ImageSpec("two refs", 800, 800, "png", (red, blue))).data
    # the inset sits top right: that corner changes, the bottom left barely does
    a, b = _pixels(one), _pixels(two)
    assert np.abs(a[:200, 600:] - b[:200, 600:]).mean() > np.abs(a[600:, :200] - b[600:, :200]).mean() + 10
    remote = ImageInput("reference_image", None, None, "cdn.example.com")
    card = render_image(ImageSpec("two refs", 800, 800, "png", (remote,))).data
    assert open_image(card).size == (800, 800)


def test_an_undecodable_reference_still_renders() -> None:
    broken = ImageInput("reference_image", image_bytes("PNG")[:40], "png", None)
    rendered = render_image(ImageSpec("broken", 300, 200, "jpeg", (broken,)))
    assert open_image(rendered.data).size == (300, 200)
