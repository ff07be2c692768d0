from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from getimg_studio.api.pricing import estimate_cost
from getimg_studio.api.types import (
    FrameRef,
    GenerationRequest,
    ModelInfo,
    PriceRate,
    Pricing,
    Role,
    SoundRate,
)
from getimg_studio.api.validation import MAX_PROMPT, validate


def _rate(res: str | None, sound: SoundRate, price: str) -> PriceRate:
    return PriceRate("video_second", res, sound, Decimal(price))


SEEDANCE_15 = ModelInfo(
    id="seedance-v1-5-pro", name="Seedance 1.5 Pro", type="video",
    aspect_ratios=("16:9", "9:16", "1:1"), resolutions=("720p", "1080p", "480p"), durations=(5.0, 10.0),
    references=((Role.FIRST_FRAME, 1), (Role.LAST_FRAME, 1)), supports_sound=True,
    pricing=Pricing("USD", (
        _rate("480p", SoundRate.OFF, "0.03"), _rate("480p", SoundRate.ON, "0.045"),
        _rate("720p", SoundRate.OFF, "0.05"), _rate("720p", SoundRate.ON, "0.075"),
        _rate("1080p", SoundRate.OFF, "0.11"), _rate("1080p", SoundRate.ON, "0.14"),
    )),
)
SEEDANCE_10 = ModelInfo(
    id="seedance-v1-pro", name="Seedance 1.0 Pro", type="video",
    aspect_ratios=("16:9",), resolutions=("1080p", "720p"), durations=(5.0, 10.0),
    references=((Role.REFERENCE_IMAGE, 4),), supports_sound=False,
    pricing=Pricing("USD", (_rate("720p", SoundRate.NOT_APPLICABLE, "0.06"),
                            _rate("1080p", SoundRate.NOT_APPLICABLE, "0.12"))),
)
LITE = ModelInfo(
    id="lite", name="Lite", type="video", aspect_ratios=("1:1",), resolutions=("480p",), durations=(4.0,),
    references=(), supports_sound=False, pricing=Pricing("USD", (_rate(None, SoundRate.NOT_APPLICABLE, "0.01"),)),
)


def _req(model: str = "seedance-v1-5-pro", **kw: object) -> GenerationRequest:
    return GenerationRequest(model=model, prompt=str(kw.pop("prompt", "a cat")), **kw)  # type: ignore[arg-type]


def _frame(role: Role, name: str = "a.png") -> FrameRef:
    return FrameRef(role, path=Path(name))


def _fields(request: GenerationRequest, model: ModelInfo | None) -> list[str]:
    return [i.field for i in validate(request, model)]


def test_valid_request_has_no_issues() -> None:
    req = _req(aspect_ratio="9:16", resolution="1080p", duration=10, sound=True,
               frames=(_frame(Role.FIRST_FRAME), FrameRef(Role.LAST_FRAME, url="https://x.test/b.png")))
    assert validate(req, SEEDANCE_15) == []


def test_prompt_limits() -> None:
    assert _fields(_req(prompt="   "), SEEDANCE_15) == ["prompt"]
    assert validate(_req(prompt="x" * MAX_PROMPT), SEEDANCE_15) == []
    (issue,) = validate(_req(prompt="x" * (MAX_PROMPT + 1)), SEEDANCE_15)
    assert issue.field == "prompt"
    assert "4,097" in issue.message
    assert "4,096" in issue.message


def test_unknown_model() -> None:
    (issue,) = validate(_req("nope"), None)
    assert issue.field == "model"
    assert "nope" in issue.message


def test_options_name_what_is_allowed() -> None:
    issues = validate(_req(aspect_ratio="4:5", resolution="4k", duration=7, sound=False), SEEDANCE_15)
    messages = {i.field: i.message for i in issues}
    assert messages["duration"] == "Duration must be one of 5 s, 10 s for Seedance 1.5 Pro."
    assert "16:9, 9:16, 1:1" in messages["aspect_ratio"]
    assert "720p, 1080p, 480p" in messages["resolution"]
    (sound,) = validate(_req("seedance-v1-pro", sound=True), SEEDANCE_10)
    assert sound.field == "sound"
    assert "Seedance 1.0 Pro" in sound.message


def test_frame_rules() -> None:
    assert _fields(_req(frames=(_frame(Role.LAST_FRAME),)), SEEDANCE_15) == ["last_frame"]
    assert _fields(_req(frames=(_frame(Role.FIRST_FRAME), _frame(Role.FIRST_FRAME))), SEEDANCE_15) == ["first_frame"]
    assert _fields(_req(frames=(_frame(Role.REFERENCE_IMAGE),)), SEEDANCE_15) == ["reference_image"]
    mixed = _req(frames=(_frame(Role.FIRST_FRAME), _frame(Role.REFERENCE_IMAGE)))
    assert _fields(mixed, SEEDANCE_15) == ["reference_image", "reference_image"]
    assert _fields(_req("seedance-v1-pro", frames=(_frame(Role.REFERENCE_IMAGE),) * 5), SEEDANCE_10) == [
        "reference_image"
    ]
    too_many = _req("seedance-v1-pro", frames=(_frame(Role.REFERENCE_IMAGE),) * 9)
    assert "images" in _fields(too_many, SEEDANCE_10)
    http = _req(frames=(FrameRef(Role.FIRST_FRAME, url="http://x.test/a.png"),))
    (issue,) = validate(http, SEEDANCE_15)
    assert issue.field == "first_frame"
    assert "https://" in issue.message


def test_cost_matches_resolution_and_sound() -> None:
    est = estimate_cost(_req(resolution="480p", duration=5, sound=True), SEEDANCE_15)
    assert est.amount == Decimal("0.225")
    assert est.text() == "$0.225"
    default = estimate_cost(_req(), SEEDANCE_15)  # 720p, 5 s, no sound
    assert default.amount == Decimal("0.25")
    assert default.quantity == 5
    assert estimate_cost(_req(duration=10), SEEDANCE_15).times(3).amount == Decimal("1.50")
    assert estimate_cost(_req("seedance-v1-pro", resolution="720p", duration=10), SEEDANCE_10).amount == Decimal("0.6")
    assert estimate_cost(_req("lite"), LITE).amount == Decimal("0.04")


def test_cost_without_a_matching_rate_is_unlisted() -> None:
    est = estimate_cost(_req(resolution="4k"), SEEDANCE_10)
    assert est.amount is None
    assert est.text() == "no listed price"
    no_rates = ModelInfo(
        id="x", name="X", type="video", aspect_ratios=(), resolutions=(), durations=(5.0,),
        references=(), supports_sound=False, pricing=Pricing(),
    )
    assert not estimate_cost(_req("x"), no_rates).known
