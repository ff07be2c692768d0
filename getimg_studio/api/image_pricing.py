"""What one image will cost, from the image model's listed rates.

Image models list rates with `billable_unit: "image"`, per resolution or resolution-independent, and
`sound: "not_applicable"`; the rate is chosen by `pricing.match_rate`, the same matching the video estimate
uses, so the estimate equals the billed `usage.total_cost`. One request makes one image (the API has no
count parameter): N variations are N requests, `estimate.times(N)`. A rate in another unit is not guessed at.
"""

from __future__ import annotations

from decimal import Decimal

from .image_types import BILLABLE_UNIT, ImageRequest
from .pricing import match_rate
from .types import CostEstimate, ModelInfo


def estimate_image_cost(request: ImageRequest, model: ModelInfo) -> CostEstimate:
    """The cost of ONE image of `request` (use `.times(n)` for variations)."""
    currency = model.pricing.currency
    resolution = request.resolution if request.resolution is not None else model.default_resolution
    rate = match_rate(model, resolution, sound=False)
    if rate is None or rate.billable_unit != BILLABLE_UNIT:
        return CostEstimate(amount=None, currency=currency)
    return CostEstimate(amount=rate.unit_price, currency=currency, unit_price=rate.unit_price, quantity=Decimal(1),
                        billable_unit=rate.billable_unit)
