"""The simulator's model catalogue and pricing.

The three video models differ on purpose (image roles, sound, durations, resolutions) so every branch of a
client's form and validation logic gets exercised; so do the three image models (resolutions 1K/2K/4K,
aspect ratios, how many reference images, a flat rate or one rate per resolution). Prices are plausible,
distinct per resolution and sound, and listed the way the real API lists them: decimal strings, ordered by
unit price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CURRENCY = "USD"


@dataclass(frozen=True)
class Rate:
    billable_unit: str
    resolution: str | None
    sound: str  # sound_on | sound_off | not_applicable
    unit_price: Decimal

    def to_json(self) -> dict[str, Any]:
        return {"billable_unit": self.billable_unit, "resolution": self.resolution, "sound": self.sound,
                "unit_price": str(self.unit_price)}


@dataclass(frozen=True)
class ModelSpec:
    id: str
    name: str
    type: str  # video | image
    created_at: str
    aspect_ratios: tuple[str, ...]
    resolutions: tuple[str, ...]
    durations: tuple[int, ...]
    references: tuple[tuple[str, int], ...]
    supports_sound: bool
    rates: tuple[Rate, ...]

    @property
    def reference_limits(self) -> dict[str, int]:
        return dict(self.references)

    def to_json(self) -> dict[str, Any]:
        rates = sorted(self.rates, key=lambda r: r.unit_price)
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "created_at": self.created_at,
            "supported_aspect_ratios": list(self.aspect_ratios),
            "supported_resolutions": list(self.resolutions),
            "supported_durations": [float(d) for d in self.durations],
            "supported_references": self.reference_limits,
            "supports_sound": self.supports_sound,
            "pricing": {"currency": CURRENCY, "rates": [r.to_json() for r in rates]},
        }


def _video_rates(prices: dict[tuple[str | None, str], str]) -> tuple[Rate, ...]:
    return tuple(Rate("video_second", res, sound, Decimal(price)) for (res, sound), price in prices.items())


def _image_rates(prices: dict[str, str]) -> tuple[Rate, ...]:
    return tuple(Rate("image", res, "not_applicable", Decimal(price)) for res, price in prices.items())


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        id="seedance-v1-5-pro",
        name="Seedance 1.5 Pro",
        type="video",
        created_at="2025-12-16T10:00:00Z",
        aspect_ratios=("16:9", "9:16", "1:1", "4:3", "3:4", "21:9"),
        resolutions=("720p", "1080p", "480p"),
        durations=(5, 10),
        references=(("first_frame", 1), ("last_frame", 1)),
        supports_sound=True,
        rates=_video_rates({
            ("480p", "sound_off"): "0.03", ("480p", "sound_on"): "0.045",
            ("720p", "sound_off"): "0.05", ("720p", "sound_on"): "0.075",
            ("1080p", "sound_off"): "0.11", ("1080p", "sound_on"): "0.14",
        }),
    ),
    ModelSpec(
        id="seedance-v1-pro",
        name="Seedance 1.0 Pro",
        type="video",
        created_at="2025-06-11T10:00:00Z",
        aspect_ratios=("16:9", "1:1", "9:16"),
        resolutions=("1080p", "720p"),
        durations=(5, 10),
        references=(("reference_image", 4),),
        supports_sound=False,
        rates=_video_rates({("720p", "not_applicable"): "0.06", ("1080p", "not_applicable"): "0.12"}),
    ),
    ModelSpec(
        id="sim-fixed-lite",
        name="Simulator Lite (fixed 4 s)",
        type="video",
        created_at="2026-01-05T10:00:00Z",
        aspect_ratios=("16:9", "1:1"),
        resolutions=("480p",),
        durations=(4,),
        references=(),
        supports_sound=False,
        rates=_video_rates({(None, "not_applicable"): "0.01"}),
    ),
    ModelSpec(
        id="sim-image-lite",
        name="Simulator Image Lite",
        type="image",
        created_at="2026-01-05T10:00:00Z",
        aspect_ratios=("1:1", "16:9", "9:16"),
        resolutions=("1K",),
        durations=(),
        references=(("reference_image", 4),),
        supports_sound=False,
        rates=(Rate("image", None, "not_applicable", Decimal("0.002")),),
    ),
    ModelSpec(
        id="seedream-5-lite",
        name="Seedream 5.0 Lite",
        type="image",
        created_at="2026-02-10T10:00:00Z",
        aspect_ratios=("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9"),
        resolutions=("2K", "4K"),
        durations=(),
        references=(("reference_image", 6),),
        supports_sound=False,
        rates=_image_rates({"2K": "0.035", "4K": "0.055"}),
    ),
    ModelSpec(
        id="sim-image-pro",
        name="Simulator Image Pro",
        type="image",
        created_at="2026-01-20T10:00:00Z",
        aspect_ratios=("16:9", "9:16", "1:1", "4:3", "3:4"),
        resolutions=("1K", "2K"),
        durations=(),
        references=(("reference_image", 2),),
        supports_sound=False,
        rates=_image_rates({"1K": "0.012", "2K": "0.024"}),
    ),
)


def find_model(model_id: str) -> ModelSpec | None:
    return next((m for m in MODELS if m.id == model_id), None)


def list_models(model_type: str | None = None) -> list[ModelSpec]:
    return [m for m in MODELS if model_type is None or m.type == model_type]


def unit_price(model: ModelSpec, resolution: str, sound: bool) -> Decimal:
    """The rate for resolution + sound; not_applicable and resolution-independent rates are fallbacks."""
    wanted = "sound_on" if sound else "sound_off"

    def score(rate: Rate) -> int:
        res_ok = rate.resolution in (resolution, None)
        sound_ok = rate.sound in (wanted, "not_applicable")
        if not (res_ok and sound_ok):
            return -1
        return (2 if rate.resolution == resolution else 0) + (1 if rate.sound == wanted else 0)

    best = max(model.rates, key=score, default=None)
    if best is None or score(best) < 0:
        raise LookupError(f"no rate for {model.id} {resolution} {wanted}")
    return best.unit_price


def estimate_cost(model: ModelSpec, resolution: str, sound: bool, duration: int) -> tuple[Decimal, Decimal]:
    """(unit_price, total_cost) for a video of ``duration`` seconds."""
    price = unit_price(model, resolution, sound)
    return price, price * duration


def dimensions(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """Pixel size: the resolution names the short side; both sides even (yuv420p needs it)."""
    short = int(resolution.rstrip("pP"))
    aw, ah = (int(x) for x in aspect_ratio.split(":"))

    def even(x: float) -> int:
        return max(2, round(x / 2) * 2)

    if aw >= ah:
        return even(short * aw / ah), even(short)
    return even(short), even(short * ah / aw)


IMAGE_BASE_SIDE = 1024  # "1K": the long side of an image in pixels; "2K" doubles it, "4K" quadruples it


def image_dimensions(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """Pixel size of a generated image: ``resolution`` names the long side (1K = 1024 px), the short side
    follows the aspect ratio, rounded to a multiple of 8 as image models produce them."""
    long_side = int(resolution.rstrip("kK")) * IMAGE_BASE_SIDE
    aw, ah = (int(x) for x in aspect_ratio.split(":"))
    short_side = max(8, round(long_side * min(aw, ah) / max(aw, ah) / 8) * 8)
    return (long_side, short_side) if aw >= ah else (short_side, long_side)
