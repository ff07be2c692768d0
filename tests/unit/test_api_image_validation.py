"""Bad image requests are refused before any request, each naming its field; references are prepared by the
frame rules; the price of one image comes from the model's rates."""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from getimg_studio.api.catalogue import parse_models
from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.frames import MAX_IMAGE_BYTES
from getimg_studio.api.image_pricing import estimate_image_cost
from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.image_validation import prepare_references, validate_image
from getimg_studio.api.types import FrameRef, ModelInfo, PriceRate, Pricing, Role, SoundRate
from getimg_studio.api.validation import MAX_PROMPT
from getimg_studio.simulator import catalog

MODELS = {m.id: m for m in parse_models([s.to_json() for s in catalog.MODELS])}
SEEDREAM = MODELS["seedream-5-lite"]
PRO = MODELS["sim-image-pro"]


def _ref(path: Path | None = None, url: str | None = None, role: Role = Role.REFERENCE_IMAGE) -> FrameRef:
    return FrameRef(role, path=path, url=url)


def _fields(request: ImageRequest, model: ModelInfo | None) -> list[str]:
    return [issue.field for issue in validate_image(request, model)]


def test_a_good_request_has_no_issues() -> None:
    request = ImageRequest("seedream-5-lite", "a fox in snow", aspect_ratio="21:9", resolution="4K",
                           output_format="png", references=(_ref(url="https://cdn.example.com/a.png"),) * 6)
    assert validate_image(request, SEEDREAM) == []
    assert validate_image(ImageRequest("sim-image-pro", "defaults"), PRO) == []


@pytest.mark.parametrize(
    ("request_", "field", "words"),
    [
        (ImageRequest("sim-image-pro", "   "), "prompt", "describes the image"),
        (ImageRequest("sim-image-pro", "x" * (MAX_PROMPT + 1)), "prompt", "remove 1"),
        (ImageRequest("sim-image-pro", "a", aspect_ratio="21:9"), "aspect_ratio", "16:9, 9:16, 1:1, 4:3, 3:4"),
        (ImageRequest("sim-image-pro", "a", resolution="4K"), "resolution", "1K, 2K"),
        (ImageRequest("sim-image-pro", "a", output_format="gif"), "output_format", "JPEG, PNG, WebP"),
        (ImageRequest("sim-image-pro", "a", references=(_ref(url="https://x.example/a.png"),) * 3),
         "reference_image", "at most 2 reference images; this request has 3"),
        (ImageRequest("sim-image-pro", "a", references=(_ref(url="http://x.example/a.png"),)),
         "reference_image", "https://"),
        (ImageRequest("sim-image-pro", "a", references=(_ref(url="https://x.example/a.png", role=Role.FIRST_FRAME),)),
         "reference_image", "reference images only"),
    ],
)
def test_each_issue_names_its_field(request_: ImageRequest, field: str, words: str) -> None:
    issues = validate_image(request_, PRO)
    assert [i.field for i in issues] == [field]
    assert words in issues[0].message


def test_an_unknown_or_video_model_is_refused() -> None:
    assert _fields(ImageRequest("no-such", "a"), None) == ["model"]
    video = MODELS["seedance-v1-pro"]
    issues = validate_image(ImageRequest("seedance-v1-pro", "a"), video)
    assert [i.field for i in issues] == ["model"]
    assert "not an image model" in issues[0].message


def test_a_model_without_references_refuses_any() -> None:
    bare = ModelInfo("bare", "Bare", "image", ("1:1",), ("1K",), (), (), False, Pricing())
    issues = validate_image(ImageRequest("bare", "a", references=(_ref(url="https://x.example/a.png"),)), bare)
    assert [i.field for i in issues] == ["reference_image"]
    assert "takes no reference images" in issues[0].message


def test_references_are_prepared_by_the_frame_rules(tmp_path: Path) -> None:
    gif = tmp_path / "loop.gif"
    Image.new("RGB", (40, 30), "red").save(gif, "GIF")
    png = tmp_path / "a.png"
    Image.new("RGB", (20, 10), "blue").save(png, "PNG")
    prepared = prepare_references([_ref(gif), _ref(png), _ref(url="https://cdn.example.com/c.webp")])
    assert [p.mime for p in prepared] == ["image/png", "image/png", ""]
    assert prepared[0].note == "GIF: it will be sent as PNG"
    assert prepared[1].url == "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()
    assert prepared[2].url == "https://cdn.example.com/c.webp"


def test_an_unusable_reference_says_which_one(tmp_path: Path) -> None:
    good = tmp_path / "a.png"
    Image.new("RGB", (20, 10), "blue").save(good, "PNG")
    bad = tmp_path / "notes.txt"
    bad.write_text("not a picture")
    with pytest.raises(GetimgError) as caught:
        prepare_references([_ref(good), _ref(bad)])
    assert caught.value.kind is ErrorKind.FRAME
    assert caught.value.param == "reference_image"
    assert caught.value.message.startswith("Reference image 2: notes.txt: ")


def _noise_png(path: Path, side: int, seed: int) -> Path:
    pixels = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, "PNG", compress_level=1)
    return path


@pytest.mark.slow
def test_a_reference_over_10_mib_is_reencoded_and_too_many_together_are_refused(tmp_path: Path) -> None:
    big = _noise_png(tmp_path / "big.png", 2000, 1)  # about 11.5 MB of noise: over the 10 MiB limit
    assert big.stat().st_size > MAX_IMAGE_BYTES
    (prepared,) = prepare_references([_ref(big)])
    assert prepared.byte_size <= MAX_IMAGE_BYTES
    assert prepared.note == "11.5 MB: will be re-encoded as JPEG to fit the 10 MB limit"
    decoded = Image.open(io.BytesIO(base64.b64decode(prepared.url.split(",", 1)[1])))
    assert (decoded.format, decoded.size) == ("JPEG", (2000, 2000))
    # three references just under 10 MiB each are over 25 MiB together once base64-encoded
    parts = [_noise_png(tmp_path / f"n{i}.png", 1700, i) for i in range(3)]
    assert all(p.stat().st_size < MAX_IMAGE_BYTES for p in parts)
    with pytest.raises(GetimgError) as caught:
        prepare_references([_ref(p) for p in parts])
    assert caught.value.kind is ErrorKind.FRAME
    assert caught.value.param == "reference_image"
    assert "at most 25 MB" in caught.value.message


@pytest.mark.parametrize(
    ("model_id", "resolution", "price"),
    [("seedream-5-lite", "2K", "0.035"), ("seedream-5-lite", "4K", "0.055"), ("seedream-5-lite", None, "0.035"),
     ("sim-image-pro", "1K", "0.012"), ("sim-image-pro", "2K", "0.024"), ("sim-image-lite", "1K", "0.002"),
     ("sim-image-lite", None, "0.002")],
)
def test_one_image_costs_its_resolution_rate(model_id: str, resolution: str | None, price: str) -> None:
    estimate = estimate_image_cost(ImageRequest(model_id, "a", resolution=resolution), MODELS[model_id])
    assert estimate.amount == Decimal(price)
    assert (estimate.unit_price, estimate.quantity, estimate.billable_unit) == (Decimal(price), 1, "image")
    assert estimate.times(4).amount == Decimal(price) * 4


def test_no_listed_rate_or_another_unit_is_no_price() -> None:
    unpriced = ModelInfo("u", "U", "image", ("1:1",), ("1K",), (), (), False, Pricing())
    assert estimate_image_cost(ImageRequest("u", "a"), unpriced).amount is None
    per_megapixel = ModelInfo("m", "M", "image", ("1:1",), ("1K",), (), (), False, Pricing(
        rates=(PriceRate("megapixel", None, SoundRate.NOT_APPLICABLE, Decimal("0.01")),)))
    assert not estimate_image_cost(ImageRequest("m", "a"), per_megapixel).known
