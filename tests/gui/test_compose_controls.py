"""The form is built from each model's capabilities; the rules and the cost are visible as the creator edits."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from getimg_studio.api.types import GenerationRequest, ModelInfo, Role
from getimg_studio.api.validation import format_seconds
from getimg_studio.jobs.model import Job
from getimg_studio.ui.compose.controller import ComposePanel


async def _load(slot: Any, path: Path) -> None:
    slot.set_path(path)  # widgets start their tasks on the running loop, as they do in the app
    await slot.settled()


async def _never(request: GenerationRequest, count: int) -> list[Job]:
    raise AssertionError("these tests do not submit")


@pytest.fixture
def compose(qtbot: QtBot, qloop: Any, video_models: list[ModelInfo], tmp_path: Path) -> ComposePanel:
    panel = ComposePanel(lambda: video_models, _never, tmp_path / "frames")
    qtbot.addWidget(panel)
    panel.resize(460, 900)
    panel.show()
    return panel


def _items(combo: Any) -> list[Any]:
    return [combo.itemData(i) for i in range(combo.count())]


def test_each_simulator_model_drives_the_controls(compose: ComposePanel, video_models: list[ModelInfo]) -> None:
    assert [compose.model_combo.itemText(i) for i in range(compose.model_combo.count())] == [
        m.name for m in video_models
    ]
    for model in video_models:
        assert compose.select_model(model.id)
        assert _items(compose.aspect_combo) == list(model.aspect_ratios)
        assert _items(compose.resolution_combo) == list(model.resolutions)
        assert [compose.duration_combo.itemText(i) for i in range(compose.duration_combo.count())] == [
            format_seconds(d) for d in model.durations
        ]
        assert compose.sound_check.isEnabled() == model.supports_sound
        if not model.supports_sound:
            assert "without sound" in compose.sound_check.toolTip()
        for combo, values in ((compose.resolution_combo, model.resolutions),
                              (compose.duration_combo, model.durations)):
            assert combo.isEnabled() == (len(values) > 1)
            if len(values) == 1:
                assert "only offers" in combo.toolTip()
        first, _last = compose.frames.first, compose.frames.last
        assert first.isEnabled() == model.supports(Role.FIRST_FRAME)
        if not model.supports(Role.FIRST_FRAME):
            assert "does not take a first frame" in first.toolTip()
        refs = [s for s in compose.frames.references if not s.isHidden()]
        wanted = model.max_count(Role.REFERENCE_IMAGE)
        if wanted:
            assert [s.accessibleName() for s in refs] == [f"Reference image {i + 1}" for i in range(wanted)]
            assert all(s.isEnabled() for s in refs)
        else:
            assert all(not s.isEnabled() for s in refs)


def test_defaults_are_first_of_each_list_and_switching_keeps_what_fits(compose: ComposePanel) -> None:
    compose.select_model("seedance-v1-5-pro")
    assert compose.request().aspect_ratio == "16:9"
    assert compose.request().resolution == "720p"
    assert compose.request().duration == 5.0
    compose.set_aspect_ratio("9:16")
    compose.resolution_combo.setCurrentIndex(compose.resolution_combo.findData("1080p"))
    compose.duration_combo.setCurrentIndex(1)
    compose.sound_check.setChecked(True)
    compose.select_model("seedance-v1-pro")  # has 9:16, 1080p, 10 s; no sound
    r = compose.request()
    assert (r.aspect_ratio, r.resolution, r.duration, r.sound) == ("9:16", "1080p", 10.0, False)
    compose.select_model("sim-fixed-lite")  # 16:9/1:1, 480p, 4 s: nothing fits but the defaults
    r = compose.request()
    assert (r.aspect_ratio, r.resolution, r.duration) == ("16:9", "480p", 4.0)


def test_prompt_count_and_generate_reason(compose: ComposePanel, qtbot: QtBot) -> None:
    assert not compose.generate_button.isEnabled()
    assert compose.generate_reason.text() == "Write a prompt to generate."
    compose.prompt.setFocus()
    qtbot.keyClicks(compose.prompt, "a red fox")
    assert compose.prompt_count.text() == "9 / 4,096"
    assert compose.generate_button.isEnabled()
    compose.prompt.setPlainText("x" * 4100)
    assert not compose.generate_button.isEnabled()
    assert compose.prompt_count.text() == "4,100 / 4,096"
    message = compose.messages.labels["prompt"]
    assert message.isVisible()
    assert "remove 4" in message.text()


def test_cost_estimate_follows_the_options_and_warns_over_balance(compose: ComposePanel) -> None:
    compose.select_model("seedance-v1-5-pro")
    compose.prompt.setPlainText("waves")
    assert compose.estimate.amount == Decimal("0.25")  # 720p, no sound, 5 s at 0.05
    compose.sound_check.setChecked(True)
    compose.variations.setValue(3)
    assert compose.estimate.amount == Decimal("0.075") * 5 * 3
    assert "$1.125" in compose.cost_label.text()
    compose.set_balance(Decimal("1.00"))
    assert compose.cost_warning.isVisible()
    assert "more than your balance ($1.00)" in compose.cost_warning.text()
    compose.variations.setValue(1)
    assert not compose.cost_warning.isVisible()


def test_no_listed_price(compose: ComposePanel, video_models: list[ModelInfo], tmp_path: Path,
                         qtbot: QtBot) -> None:
    from dataclasses import replace

    from getimg_studio.api.types import Pricing

    unpriced = [replace(video_models[0], pricing=Pricing("USD", ()))]
    panel = ComposePanel(lambda: unpriced, _never, tmp_path / "f2")
    qtbot.addWidget(panel)
    panel.prompt.setPlainText("x")
    assert "no listed price" in panel.cost_label.text()
    assert panel.generate_button.isEnabled()


def test_rule_explanations_in_words(compose: ComposePanel, run: Callable[..., Any],
                                    image_file: Callable[..., Path]) -> None:
    compose.select_model("seedance-v1-5-pro")
    compose.prompt.setPlainText("a fox")
    assert "A last frame needs a first frame." in compose.frames.rules.text()
    run(_load(compose.frames.last, image_file("last.png")))
    assert "needs a first frame" in compose.frames.last.message.text()
    assert not compose.generate_button.isEnabled()
    run(_load(compose.frames.first, image_file("first.png")))
    assert not compose.frames.last.message.isVisible() or "needs" not in compose.frames.last.message.text()
    assert compose.generate_button.isEnabled()
    compose.select_model("seedance-v1-pro")
    assert "does not take a first frame" in compose.frames.first.toolTip()
    assert compose.frames.first.frame is None  # an unsupported role's frame is not sent
    assert "Up to 4 reference images." in compose.frames.rules.text()
    compose.select_model("sim-fixed-lite")
    assert "takes no images" in compose.frames.rules.text()


def test_first_frame_shape_offers_closest_ratio(compose: ComposePanel, run: Callable[..., Any],
                                                image_file: Callable[..., Path]) -> None:
    compose.select_model("seedance-v1-5-pro")
    run(_load(compose.frames.first, image_file("tall.png", (360, 640))))
    assert compose.frames.aspect_note.isVisible()
    assert "not 16:9" in compose.frames.aspect_note.text()
    assert compose.frames.aspect_button.text() == "Use 9:16"
    compose.frames.aspect_button.click()
    assert compose.request().aspect_ratio == "9:16"
    assert not compose.frames.aspect_note.isVisible()
