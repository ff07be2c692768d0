"""What a storyboard, or part of a run, will cost: per shot and per take, from the models' listed prices.

Video takes are priced by `api.pricing.estimate_cost` (the one place prices are matched); keyframe images
by a callable the caller passes, so image pricing stays with the image models. A price that cannot be known
(an unknown model, no listed rate, no image pricing given) is counted, never guessed: the total says "plus
N unpriced".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from getimg_studio.api.pricing import estimate_cost
from getimg_studio.api.types import CostEstimate, ModelInfo, format_money

from .checks import request_for_checking
from .model import Storyboard
from .resolve import KeyframeRequest, keyframe_request
from .slots import Part, SlotKey, keyframe_parts

ImageCost = Callable[[KeyframeRequest], CostEstimate]


@dataclass(frozen=True, slots=True)
class SlotCost:
    key: SlotKey
    estimate: CostEstimate


@dataclass(frozen=True, slots=True)
class ShotCost:
    shot_id: str
    lines: tuple[SlotCost, ...]  # each take, then each keyframe
    total: Decimal  # the priced lines
    unpriced: int

    @property
    def takes(self) -> tuple[SlotCost, ...]:
        return tuple(line for line in self.lines if line.key.part is Part.VIDEO)


@dataclass(frozen=True, slots=True)
class StoryboardCost:
    shots: tuple[ShotCost, ...]  # in storyboard order; shots with nothing to price are left out
    total: Decimal
    unpriced: int
    currency: str = "USD"

    @property
    def count(self) -> int:
        return sum(len(s.lines) for s in self.shots)

    def text(self) -> str:
        """'$1.25', '$1.25 plus 2 unpriced', or 'no listed price' when nothing has a price."""
        amount = format_money(self.total, self.currency)
        if not self.unpriced:
            return amount
        if self.unpriced == self.count:
            return "no listed price"
        return f"{amount} plus {self.unpriced} unpriced"


def full_run(storyboard: Storyboard) -> list[SlotKey]:
    """The slots a first run of the whole storyboard makes (take numbers from 0)."""
    keys: list[SlotKey] = []
    for shot in storyboard.shots:
        keys.extend(SlotKey(shot.id, Part.VIDEO, take) for take in range(shot.takes))
        keys.extend(SlotKey(shot.id, part, 0) for part in keyframe_parts(shot))
    return keys


def storyboard_cost(storyboard: Storyboard, models: Mapping[str, ModelInfo], *,
                    image_cost: ImageCost | None = None, slots: Iterable[SlotKey] | None = None) -> StoryboardCost:
    """The cost of `slots` (default: a whole first run, every take and keyframe of every shot).

    Pass `plan.remaining` for what pressing Generate will still spend, or a `Regeneration`'s slots for what
    remaking shots costs."""
    wanted = list(full_run(storyboard) if slots is None else slots)
    by_shot: dict[str, list[SlotCost]] = {}
    for key in wanted:
        by_shot.setdefault(key.shot_id, []).append(SlotCost(key, _price(storyboard, key, models, image_cost)))
    currency = next((line.estimate.currency for lines in by_shot.values() for line in lines
                     if line.estimate.known), "USD")
    shots: list[ShotCost] = []
    for shot in storyboard.shots:
        lines = sorted(by_shot.get(shot.id, ()), key=lambda line: (line.key.part is not Part.VIDEO, line.key))
        if not lines:
            continue
        priced = [line.estimate.amount for line in lines
                  if line.estimate.amount is not None and line.estimate.currency == currency]
        shots.append(ShotCost(shot.id, tuple(lines), sum(priced, Decimal(0)), len(lines) - len(priced)))
    return StoryboardCost(tuple(shots), sum((s.total for s in shots), Decimal(0)),
                          sum(s.unpriced for s in shots), currency)


def _price(storyboard: Storyboard, key: SlotKey, models: Mapping[str, ModelInfo],
           image_cost: ImageCost | None) -> CostEstimate:
    shot = storyboard.shot(key.shot_id)
    if key.part is not Part.VIDEO:
        if image_cost is None:
            return CostEstimate(None)
        return image_cost(keyframe_request(storyboard, shot, key.part.role, models))
    request = request_for_checking(storyboard, shot)
    model = models.get(request.model)
    if model is None:
        return CostEstimate(None)
    return estimate_cost(request, model)
