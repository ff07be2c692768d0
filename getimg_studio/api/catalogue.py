"""The model catalogue: `/v2/models` parsed into `ModelInfo`, cached on disk with its fetch time.

The app must start offline with the last known models, so the cache is written atomically after every
successful fetch and a failed refresh keeps whatever list was known before.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from getimg_studio.fsutil import write_atomic

from .timestamps import parse_timestamp
from .types import ModelInfo, PriceRate, Pricing, Role, SoundRate

if TYPE_CHECKING:
    from .client import GetimgClient
    from .image_client import ImageClient

log = logging.getLogger(__name__)
CACHE_VERSION = 1


def parse_datetime(value: Any) -> datetime | None:
    """A time in any form getimg writes (see `timestamps.parse_timestamp`), as an aware UTC datetime."""
    return parse_timestamp(value)


def parse_decimal(value: Any) -> Decimal | None:
    """A decimal string (or a JSON number, read through its text so 0.1 stays 0.1) to Decimal."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, str | int | float | Decimal) and not isinstance(v, bool))


def _durations(value: Any) -> tuple[float, ...]:
    if not isinstance(value, list):
        return ()
    out: list[float] = []
    for v in value:
        # Decimal too: the client parses JSON numbers as Decimal to keep prices exact
        if isinstance(v, int | float | Decimal) and not isinstance(v, bool) and v > 0:
            out.append(float(v))
    return tuple(out)


def _references(value: Any) -> tuple[tuple[Role, int], ...]:
    if not isinstance(value, dict):
        return ()
    out: list[tuple[Role, int]] = []
    for key, count in value.items():
        try:
            role = Role(key)
        except ValueError:
            continue  # a role this version does not know: not offered rather than guessed
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            out.append((role, count))
    return tuple(out)


def _rate(item: Any) -> PriceRate | None:
    if not isinstance(item, dict):
        return None
    price = parse_decimal(item.get("unit_price"))
    unit = item.get("billable_unit")
    try:
        sound = SoundRate(item.get("sound", SoundRate.NOT_APPLICABLE.value))
    except ValueError:
        return None
    resolution = item.get("resolution")
    if price is None or not isinstance(unit, str) or not (resolution is None or isinstance(resolution, str)):
        return None
    return PriceRate(billable_unit=unit, resolution=resolution, sound=sound, unit_price=price)


def _pricing(value: Any) -> Pricing:
    if not isinstance(value, dict):
        return Pricing()
    currency = value.get("currency") if isinstance(value.get("currency"), str) else "USD"
    raw_rates = value.get("rates")
    rates: list[Any] = raw_rates if isinstance(raw_rates, list) else []
    return Pricing(currency=str(currency), rates=tuple(r for r in map(_rate, rates) if r is not None))


def parse_model(item: Any) -> ModelInfo | None:
    """One entry of `/v2/models`; None when it lacks an id (unknown fields are ignored)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        return None
    model_id = item["id"]
    name = item.get("name")
    return ModelInfo(
        id=model_id,
        name=name if isinstance(name, str) and name else model_id,
        type=str(item.get("type") or "video"),
        aspect_ratios=_strings(item.get("supported_aspect_ratios")),
        resolutions=_strings(item.get("supported_resolutions")),
        durations=_durations(item.get("supported_durations")),
        references=_references(item.get("supported_references")),
        supports_sound=item.get("supports_sound") is True,
        pricing=_pricing(item.get("pricing")),
        created_at=parse_datetime(item.get("created_at")),
    )


def parse_models(payload: Any) -> list[ModelInfo]:
    """The `/v2/models` answer (a list, or `{"data": [...]}`) to models; malformed entries are skipped."""
    if isinstance(payload, dict):
        payload = payload.get("data", payload.get("models", []))
    if not isinstance(payload, list):
        return []
    models: list[ModelInfo] = []
    for item in payload:
        model = parse_model(item)
        if model is None:
            log.warning("skipping a malformed model entry")
        else:
            models.append(model)
    return models


def model_to_json(model: ModelInfo) -> dict[str, Any]:
    """The `/v2/models` shape again, so the cache is read by the same parser as the API's answer."""
    return {
        "id": model.id,
        "name": model.name,
        "type": model.type,
        "created_at": model.created_at.isoformat() if model.created_at else None,
        "supported_aspect_ratios": list(model.aspect_ratios),
        "supported_resolutions": list(model.resolutions),
        "supported_durations": list(model.durations),
        "supported_references": {role.value: count for role, count in model.references},
        "supports_sound": model.supports_sound,
        "pricing": {
            "currency": model.pricing.currency,
            "rates": [
                {
                    "billable_unit": r.billable_unit,
                    "resolution": r.resolution,
                    "sound": r.sound.value,
                    "unit_price": str(r.unit_price),
                }
                for r in model.pricing.rates
            ],
        },
    }


def model_from_json(data: dict[str, Any]) -> ModelInfo:
    model = parse_model(data)
    if model is None:
        raise ValueError("not a model entry")
    return model


class ModelCatalogue:
    """The models the creator can choose from: the last fetched lists, from memory or the disk cache.

    Video and image models are fetched apart (`refresh`, `refresh_images`); each refresh keeps the other kind.
    """

    def __init__(self, cache_file: Path) -> None:
        self.cache_file = cache_file
        self.fetched_at: datetime | None = None
        self._models: list[ModelInfo] = []

    def models(self) -> list[ModelInfo]:
        return [m for m in self._models if m.type == "video"]

    def get(self, model_id: str) -> ModelInfo | None:
        return next((m for m in self.models() if m.id == model_id), None)

    def image_models(self) -> list[ModelInfo]:
        return [m for m in self._models if m.type == "image"]

    def get_image(self, model_id: str) -> ModelInfo | None:
        return next((m for m in self.image_models() if m.id == model_id), None)

    def set_models(self, models: Iterable[ModelInfo], fetched_at: datetime | None = None) -> None:
        self._models = list(models)
        self.fetched_at = fetched_at or datetime.now(UTC)

    def seed(self, models: Iterable[ModelInfo]) -> None:
        """Models to offer before any fetch (a first demo start: the simulator's own list); not cached, and
        `fetched_at` stays None: they were never fetched."""
        self._models = list(models)

    def load_cache(self) -> bool:
        """Read the disk cache (blocking, small); False when there is none or it cannot be read."""
        try:
            raw = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            log.warning("model cache %s unreadable: %s", self.cache_file, exc)
            return False
        if not isinstance(raw, dict) or not isinstance(raw.get("models"), list):
            log.warning("model cache %s has an unknown shape", self.cache_file)
            return False
        self._models = parse_models(raw["models"])
        self.fetched_at = parse_datetime(raw.get("fetched_at"))
        return True

    def _cache_bytes(self) -> bytes:
        payload = {
            "version": CACHE_VERSION,
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "models": [model_to_json(m) for m in self._models],
        }
        return json.dumps(payload, indent=1).encode("utf-8")

    async def refresh(self, client: GetimgClient) -> list[ModelInfo]:
        """Fetch the list, keep it and write the cache. A failure raises and leaves the known list as it was."""
        fetched = await client.list_models()
        self.set_models([*fetched, *self.image_models()])
        await self._write_cache()
        return self.models()

    async def refresh_images(self, client: ImageClient) -> list[ModelInfo]:
        """The same for image models (`GET /v2/models?type=image`); the known video models stay."""
        fetched = await client.list_image_models()
        self.set_models([*(m for m in self._models if m.type != "image"), *fetched])
        await self._write_cache()
        return self.image_models()

    async def _write_cache(self) -> None:
        data = self._cache_bytes()
        try:
            await asyncio.get_running_loop().run_in_executor(None, write_atomic, self.cache_file, data)
        except OSError as exc:
            # The list is still good for this session; only the next offline start loses it.
            log.warning("could not write the model cache %s: %s", self.cache_file, exc)
