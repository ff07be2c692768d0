"""What one generation will cost, from the model's listed rates.

The estimate must equal what the server bills (`usage.total_cost`) to the cent, so it is computed in Decimal
with the same matching the API documents: the resolution's own rate before a resolution-independent one,
the sound setting's own rate before the `not_applicable` fallback.
"""

from __future__ import annotations

from decimal import Decimal

from .types import CostEstimate, GenerationRequest, ModelInfo, PriceRate, SoundRate, wire_duration

PER_SECOND = "video_second"


def match_rate(model: ModelInfo, resolution: str | None, sound: bool) -> PriceRate | None:
    """The rate that applies, or None when the model lists none for this combination."""
    wanted = SoundRate.ON if sound else SoundRate.OFF
    best: PriceRate | None = None
    best_score = -1
    for rate in model.pricing.rates:
        if rate.resolution is not None and rate.resolution != resolution:
            continue
        if rate.sound not in (wanted, SoundRate.NOT_APPLICABLE):
            continue
        score = (2 if rate.resolution is not None else 0) + (1 if rate.sound is wanted else 0)
        # Ties keep the first listed rate: the API orders rates by price, and so does its billing.
        if score > best_score:
            best, best_score = rate, score
    return best


def _quantity(unit: str, request: GenerationRequest, model: ModelInfo) -> Decimal | None:
    if unit == PER_SECOND:
        if request.duration is not None:  # billed for what is sent: whole seconds
            return Decimal(wire_duration(request.duration))
        seconds = model.default_duration  # not sent: the model's own default, as listed
        if seconds is None:
            return None
        return Decimal(int(seconds)) if float(seconds).is_integer() else Decimal(str(seconds))
    return Decimal(1)  # per video / per image: one unit per generation


def estimate_cost(request: GenerationRequest, model: ModelInfo) -> CostEstimate:
    """The cost of ONE generation of `request` (use `.times(n)` for variations)."""
    currency = model.pricing.currency
    resolution = request.resolution if request.resolution is not None else model.default_resolution
    rate = match_rate(model, resolution, request.sound)
    if rate is None:
        return CostEstimate(amount=None, currency=currency)
    quantity = _quantity(rate.billable_unit, request, model)
    if quantity is None:
        return CostEstimate(amount=None, currency=currency, unit_price=rate.unit_price,
                            billable_unit=rate.billable_unit)
    return CostEstimate(
        amount=rate.unit_price * quantity,
        currency=currency,
        unit_price=rate.unit_price,
        quantity=quantity,
        billable_unit=rate.billable_unit,
    )
