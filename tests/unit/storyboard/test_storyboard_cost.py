from __future__ import annotations

from decimal import Decimal

from getimg_studio.api.types import CostEstimate, ModelInfo
from getimg_studio.jobs.storyboard.cost import full_run, storyboard_cost
from getimg_studio.jobs.storyboard.fileformat import load_storyboard_file
from getimg_studio.jobs.storyboard.resolve import KeyframeRequest
from getimg_studio.jobs.storyboard.slots import Part, SlotKey
from tests.unit.storyboard.builders import EXAMPLE, board, chained, keyframed, plain

Models = dict[str, ModelInfo]


def image_cost(request: KeyframeRequest) -> CostEstimate:
    assert request.model == "sim-image-lite"
    return CostEstimate(Decimal("0.002"), unit_price=Decimal("0.002"), quantity=Decimal(1), billable_unit="image")


def test_per_shot_and_take_from_the_listed_prices(models: Models) -> None:
    sb = board(
        plain("a", duration=5.0, resolution="720p", sound=True, takes=2),  # 2 x 5 s x 0.075
        chained("b", duration=10.0, resolution="480p"),  # 10 s x 0.03
        plain("c", model="seedance-v1-pro"),  # its defaults: 1080p, 5 s x 0.12
    )
    cost = storyboard_cost(sb, models)
    assert [(s.shot_id, s.total, len(s.takes)) for s in cost.shots] == [
        ("a", Decimal("0.750"), 2), ("b", Decimal("0.30"), 1), ("c", Decimal("0.60"), 1)]
    assert [line.key for line in cost.shots[0].lines] == [SlotKey("a", Part.VIDEO, 0), SlotKey("a", Part.VIDEO, 1)]
    assert cost.shots[0].lines[0].estimate.amount == Decimal("0.375")
    assert cost.total == Decimal("1.650")
    assert cost.unpriced == 0
    assert cost.text() == "$1.65"


def test_keyframes_are_priced_by_the_callable_or_counted_unpriced(models: Models) -> None:
    sb = board(keyframed("a", duration=5.0, resolution="720p"))  # 5 s x 0.05, sound off by default
    without = storyboard_cost(sb, models)
    assert without.total == Decimal("0.25")
    assert without.unpriced == 1
    assert without.text() == "$0.25 plus 1 unpriced"
    priced = storyboard_cost(sb, models, image_cost=image_cost)
    assert priced.total == Decimal("0.252")
    assert priced.unpriced == 0
    assert [line.key.part for line in priced.shots[0].lines] == [Part.VIDEO, Part.FIRST_FRAME]


def test_unknown_models_are_never_guessed(models: Models) -> None:
    cost = storyboard_cost(board(plain("a", model="nope"), plain("b", model="nope")), models)
    assert cost.total == 0
    assert cost.unpriced == 2
    assert cost.text() == "no listed price"


def test_a_chosen_set_of_slots(models: Models) -> None:
    sb = board(plain("a", duration=5.0, resolution="720p"), chained("b", duration=5.0, resolution="720p"))
    cost = storyboard_cost(sb, models, slots=[SlotKey("b", Part.VIDEO, 7), SlotKey("b", Part.VIDEO, 8)])
    assert [s.shot_id for s in cost.shots] == ["b"]
    assert cost.total == Decimal("0.50")
    assert storyboard_cost(sb, models, slots=[]).total == 0


def test_full_run_lists_every_take_and_keyframe_to_make() -> None:
    sb = board(plain("a", takes=3), keyframed("k"))
    assert full_run(sb) == [SlotKey("a", Part.VIDEO, 0), SlotKey("a", Part.VIDEO, 1), SlotKey("a", Part.VIDEO, 2),
                            SlotKey("k", Part.VIDEO, 0), SlotKey("k", Part.FIRST_FRAME, 0)]


def test_the_example_costs(models: Models) -> None:
    cost = storyboard_cost(load_storyboard_file(EXAMPLE), models, image_cost=image_cost)
    # harbour, climb (2 takes) and lamp: 5 s at 720p with sound, 0.075 a second; plus a keyframe each for two
    by_shot = {s.shot_id: s.total for s in cost.shots}
    assert by_shot["harbour"] == Decimal("0.375") + Decimal("0.002")
    assert by_shot["climb"] == Decimal("0.750")
    assert by_shot["lamp"] == Decimal("0.375") + Decimal("0.002")
    assert by_shot["gull"] == Decimal("0.30")  # the storyboard's 720p at Seedance 1.0's 0.06
    assert cost.count == 7
    assert cost.unpriced == 0
