from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from getimg_studio.api.catalogue import ModelCatalogue, model_from_json, model_to_json, parse_models
from getimg_studio.api.types import Role, SoundRate

PAYLOAD: list[dict[str, Any]] = [
    {
        "id": "seedance-v1-5-pro",
        "name": "Seedance 1.5 Pro",
        "type": "video",
        "created_at": "2025-12-16T10:00:00Z",
        "supported_aspect_ratios": ["16:9", "9:16"],
        "supported_resolutions": ["720p", "1080p"],
        "supported_durations": [5.0, 10.0],
        "supported_references": {"first_frame": 1, "last_frame": 1, "hologram": 3},
        "supports_sound": True,
        "pricing": {
            "currency": "USD",
            "rates": [
                {"billable_unit": "video_second", "resolution": "720p", "sound": "sound_off", "unit_price": "0.05"},
                {"billable_unit": "video_second", "resolution": None, "sound": "not_applicable",
                 "unit_price": "0.045"},
                {"billable_unit": "video_second", "resolution": "720p", "sound": "loud", "unit_price": "9"},
            ],
        },
        "brand_new_field": {"whatever": 1},
    },
    {"id": "flux-image", "name": "Flux", "type": "image", "supported_durations": [],
     "pricing": {"currency": "USD", "rates": []}},
    {"name": "no id here"},
    "not even an object",
]


def test_parse_models_reads_capabilities_and_prices_as_decimal() -> None:
    models = parse_models(PAYLOAD)
    assert [m.id for m in models] == ["seedance-v1-5-pro", "flux-image"]
    video = models[0]
    assert video.name == "Seedance 1.5 Pro"
    assert video.aspect_ratios == ("16:9", "9:16")
    assert video.durations == (5.0, 10.0)
    assert video.references == ((Role.FIRST_FRAME, 1), (Role.LAST_FRAME, 1))  # unknown role dropped
    assert video.supports_sound
    assert video.created_at == datetime(2025, 12, 16, 10, 0, tzinfo=UTC)
    rates = video.pricing.rates
    assert len(rates) == 2  # the rate with an unknown sound value is skipped
    assert rates[0].unit_price == Decimal("0.05")
    assert rates[1].resolution is None
    assert rates[1].sound is SoundRate.NOT_APPLICABLE
    assert isinstance(rates[1].unit_price, Decimal)


def test_model_json_round_trip() -> None:
    for model in parse_models(PAYLOAD):
        assert model_from_json(json.loads(json.dumps(model_to_json(model)))) == model


def test_catalogue_lists_only_video_models_and_caches(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "models.json"
    catalogue = ModelCatalogue(cache)
    assert not catalogue.load_cache()
    assert catalogue.models() == []
    catalogue.set_models(parse_models(PAYLOAD), datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert [m.id for m in catalogue.models()] == ["seedance-v1-5-pro"]
    assert catalogue.get("flux-image") is None
    cache.parent.mkdir()
    cache.write_bytes(catalogue._cache_bytes())

    again = ModelCatalogue(cache)
    assert again.load_cache()
    assert again.fetched_at == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert again.get("seedance-v1-5-pro") == catalogue.get("seedance-v1-5-pro")


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "models.json"
    cache.write_text("{not json", encoding="utf-8")
    catalogue = ModelCatalogue(cache)
    assert not catalogue.load_cache()
    assert catalogue.models() == []


def test_numbers_parsed_as_decimal_are_understood() -> None:
    # the client reads JSON with parse_float=Decimal so prices stay exact; durations must survive that
    payload = json.loads(json.dumps(PAYLOAD[:1]), parse_float=Decimal)
    (model,) = parse_models(payload)
    assert model.durations == (5.0, 10.0)
    assert model.default_duration == 5.0
