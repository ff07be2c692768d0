"""The form is built from each model's capabilities; the rules and the cost are visible as the creator edits."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from getimg_studio.api.types import ModelInfo, Role
from getimg_studio.api.validation import format_seconds
from getimg_studio.ui.compose.controller import ComposeController
from getimg_studio.ui.compose.fields import resolution_order


async def _load(slot: Any, path: Path) -> None:
    slot.set_path(path)  # widgets start their tasks on the running loop, as they do in the app
    await slot.settled()


@pytest.fixture
def compose(make_compose: Callable[..., ComposeController], video_models: list[ModelInfo]) -> ComposeController:
    return make_compose(video_models)


def _items(combo: Any) -> list[Any]:
    return [combo.itemData(i) for i in range(combo.count())]


def test_each_simulator_model_drives_the_controls(compose: ComposeController,
                                                  video_models: list[ModelInfo]) -> None:
    v = compose.view
    assert [v.model_combo.itemText(i) for i in range(v.model_combo.count())] == [m.name for m in video_models]
    for model in video_models:
        assert compose.select_model(model.id)
        assert _items(v.aspect_combo) == list(model.aspect_ratios)
        # Listed smallest first (720p, 1080p, 480p as the API gives them reads as a mistake); the
        # model's own default is still the one chosen.
        assert _items(v.resolution_combo) == sorted(model.resolutions, key=resolution_order)
        assert v.resolution_combo.currentData() == model.resolutions[0]
        assert [v.duration_combo.itemText(i) for i in range(v.duration_combo.count())] == [
            format_seconds(d) for d in sorted(model.durations)
        ]
        assert v.sound_check.isEnabled() == model.supports_sound
        if not model.supports_sound:
            assert "without sound" in v.sound_check.toolTip()
        for combo, values in ((v.resolution_combo, model.resolutions), (v.duration_combo, model.durations)):
            assert combo.isEnabled() == (len(values) > 1)
            if len(values) == 1:
                assert "only offers" in combo.toolTip()
        first = v.frames.first
        assert first.isHidden() == (not model.supports(Role.FIRST_FRAME))
        refs = [s for s in v.frames.references if not s.isHidden()]
        # Reference slots appear one at a time: an empty one, never four empty boxes.
        assert len(refs) == (1 if model.supports(Role.REFERENCE_IMAGE) else 0)


def test_resolutions_are_listed_in_order() -> None:
    assert sorted(["720p", "1080p", "480p"], key=resolution_order) == ["480p", "720p", "1080p"]
    assert sorted(["4K", "1K", "2K"], key=resolution_order) == ["1K", "2K", "4K"]


def test_variations_say_what_they_count(compose: ComposeController) -> None:
    spin = compose.view.variations
    assert spin.text() == "1 video"
    spin.setValue(2)
    assert spin.text() == "2 videos"
    assert "(s)" not in spin.text()


def test_switching_model_keeps_every_choice_and_gives_it_back(compose: ComposeController) -> None:
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    assert (compose.request().aspect_ratio, compose.request().resolution) == ("16:9", "720p")
    compose.set_aspect_ratio("4:3")
    v.resolution_combo.setCurrentIndex(v.resolution_combo.findData("1080p"))
    v.duration_combo.setCurrentIndex(v.duration_combo.findData(10.0))
    v.sound_check.setChecked(True)
    compose.select_model("seedance-v1-pro")  # 1080p and 10 s fit; no 4:3, no sound
    r = compose.request()
    assert (r.aspect_ratio, r.resolution, r.duration, r.sound) == ("16:9", "1080p", 10.0, False)
    assert "does not offer 4:3" in v.messages.text("aspect_ratio")
    assert "without sound" in v.messages.text("sound")
    compose.select_model("sim-fixed-lite")
    r = compose.request()
    assert (r.aspect_ratio, r.resolution, r.duration) == ("16:9", "480p", 4.0)
    compose.select_model("seedance-v1-5-pro")  # everything comes back
    r = compose.request()
    assert (r.aspect_ratio, r.resolution, r.duration, r.sound) == ("4:3", "1080p", 10.0, True)
    assert v.messages.text("aspect_ratio") == ""


def test_model_round_trip_keeps_both_frames_and_the_sound(compose: ComposeController, run: Callable[..., Any],
                                                          image_file: Callable[..., Path]) -> None:
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    v.prompt.setPlainText("dawn to dusk over the harbour")
    v.sound_check.setChecked(True)
    run(_load(v.frames.first, image_file("dawn.png", (1280, 720))))
    assert not v.frames.last.isHidden()  # the last frame slot appears once there is a first frame
    run(_load(v.frames.last, image_file("dusk.png", (1280, 720), "#aa5500")))
    assert [f.role for f in compose.request().frames] == [Role.FIRST_FRAME, Role.LAST_FRAME]

    compose.select_model("seedance-v1-pro")  # takes reference images only, no sound
    assert compose.request().frames == ()  # nothing it cannot take is sent...
    assert not compose.request().sound
    for slot in (v.frames.first, v.frames.last):
        assert slot.frame is not None  # ...but nothing is thrown away
        assert slot.isVisible()
        assert slot.unsupported
        assert "kept" in slot.message.text()
    assert compose.view.generate_button.isEnabled()

    compose.select_model("seedance-v1-5-pro")
    r = compose.request()
    assert [f.role for f in r.frames] == [Role.FIRST_FRAME, Role.LAST_FRAME]
    assert [f.path.name for f in r.frames if f.path] == ["dawn.png", "dusk.png"]
    assert r.sound


def test_prompt_count_and_generate_reason(compose: ComposeController, qtbot: QtBot) -> None:
    v = compose.view
    assert not v.generate_button.isEnabled()
    assert v.generate_reason.text() == "Write a prompt to generate."
    v.prompt.setFocus()
    qtbot.keyClicks(v.prompt, "a red fox")
    assert v.prompt_count.text() == "9 / 4,096"
    assert v.generate_button.isEnabled()
    v.prompt.setPlainText("x" * 4100)
    assert not v.generate_button.isEnabled()
    assert v.prompt_count.text() == "4,100 / 4,096"
    message = v.messages.labels["prompt"]
    assert message.isVisible()
    assert "remove 4" in message.text()


def test_cost_estimate_follows_the_options_and_warns_over_balance(compose: ComposeController) -> None:
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    v.prompt.setPlainText("waves")
    assert compose.estimate.amount == Decimal("0.25")  # 720p, no sound, 5 s at 0.05
    v.sound_check.setChecked(True)
    v.variations.setValue(3)
    assert compose.estimate.amount == Decimal("0.075") * 5 * 3
    assert "$1.125" in v.cost_label.text()
    compose.set_balance(Decimal("1.00"))
    assert v.cost_warning.isVisible()
    assert "more than your balance ($1.00)" in v.cost_warning.text()
    v.variations.setValue(1)
    assert not v.cost_warning.isVisible()


def test_no_listed_price(make_compose: Callable[..., ComposeController], video_models: list[ModelInfo]) -> None:
    from dataclasses import replace

    from getimg_studio.api.types import Pricing

    panel = make_compose([replace(video_models[0], pricing=Pricing("USD", ()))])
    panel.view.prompt.setPlainText("x")
    assert "no listed price" in panel.view.cost_label.text()
    assert panel.view.generate_button.isEnabled()


def test_rule_explanations_in_words(compose: ComposeController, run: Callable[..., Any],
                                    image_file: Callable[..., Path]) -> None:
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    v.prompt.setPlainText("a fox")
    assert v.frames.last.isHidden()
    assert "Add a first frame" in v.frames.rules.text()
    run(_load(v.frames.first, image_file("first.png", (1280, 720))))
    run(_load(v.frames.last, image_file("last.png", (1280, 720))))
    # Both frames set: no rule about a missing first frame anywhere.
    assert "needs a first frame" not in v.frames.rules.text()
    assert "needs a first frame" not in v.frames.last.message.text()
    assert v.generate_button.isEnabled()
    v.frames.first.clear()
    assert "needs a first frame" in v.frames.last.message.text()
    assert not v.generate_button.isEnabled()
    compose.select_model("seedance-v1-pro")
    assert "Up to 4 reference images." in v.frames.rules.text()
    compose.select_model("sim-fixed-lite")
    assert "takes no images" in v.frames.rules.text()


def test_reference_slots_appear_one_at_a_time(compose: ComposeController, run: Callable[..., Any],
                                              image_file: Callable[..., Path]) -> None:
    v = compose.view
    compose.select_model("seedance-v1-pro")

    def shown() -> list[str]:
        return [s.accessibleName() for s in v.frames.references if not s.isHidden()]

    assert shown() == ["Reference image 1"]
    run(_load(v.frames.references[0], image_file("a.png", (800, 800))))
    assert shown() == ["Reference image 1", "Reference image 2"]
    run(_load(v.frames.references[1], image_file("b.png", (800, 800))))
    run(_load(v.frames.references[2], image_file("c.png", (800, 800))))
    run(_load(v.frames.references[3], image_file("d.png", (800, 800))))
    assert len(shown()) == 4  # the model's limit: no fifth slot
    assert len(compose.request().frames) == 4


def test_first_frame_shape_offers_closest_ratio(compose: ComposeController, run: Callable[..., Any],
                                                image_file: Callable[..., Path]) -> None:
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    run(_load(v.frames.first, image_file("tall.png", (720, 1280))))
    assert v.frames.aspect_note.isVisible()
    assert "not 16:9" in v.frames.aspect_note.text()
    assert v.frames.aspect_button.text() == "Use 9:16"
    v.frames.aspect_button.click()
    assert compose.request().aspect_ratio == "9:16"
    assert not v.frames.aspect_note.isVisible()


def test_a_phone_photo_is_measured_upright(compose: ComposeController, run: Callable[..., Any],
                                           tmp_path: Path) -> None:
    """4000x3000 pixels stored sideways with EXIF "rotate 90": the creator sees a 3000x4000 portrait."""
    from PIL import Image

    photo = tmp_path / "IMG_2041.jpg"
    with Image.new("RGB", (4000, 3000), "#446688") as img:
        exif = img.getexif()
        exif[0x0112] = 6  # rotate 90 clockwise to display
        img.save(photo, "JPEG", exif=exif.tobytes(), quality=70)
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    run(_load(v.frames.first, photo))
    assert "3000 × 4000 px" in v.frames.first.details.text()
    assert "3000 × 4000, not 16:9" in v.frames.aspect_note.text()
    assert v.frames.aspect_button.text() == "Use 3:4"  # a portrait ratio, never 4:3
    from getimg_studio.api.frames import prepare_frame

    prepared = prepare_frame(compose.request().frames[0])
    assert prepared.height > prepared.width  # what is sent is upright too


def test_a_small_image_is_flagged(compose: ComposeController, run: Callable[..., Any],
                                  image_file: Callable[..., Path]) -> None:
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    run(_load(v.frames.first, image_file("thumb.png", (320, 180))))
    message = v.frames.first.message
    assert message.isVisible()
    assert "Only 320 × 180" in message.text()
    assert message.property("hint") == "warning"
    assert compose.request().frames  # a warning, not a refusal


def test_draft_round_trip_through_the_settings(compose: ComposeController, make_compose: Callable[..., Any],
                                               video_models: list[ModelInfo], run: Callable[..., Any],
                                               image_file: Callable[..., Path], tmp_path: Path) -> None:
    v = compose.view
    compose.select_model("seedance-v1-5-pro")
    v.prompt.setPlainText("a lighthouse in a storm")
    compose.set_aspect_ratio("9:16")
    v.sound_check.setChecked(True)
    v.variations.setValue(2)
    run(_load(v.frames.first, image_file("keeper.png", (1280, 720))))
    compose.select_model("seedance-v1-pro")  # the frame and the sound are kept, not sent
    compose.save_draft()
    again = make_compose(video_models, frames_dir=tmp_path / "frames2")  # same settings store: a restart

    async def restore() -> bool:  # as the window's start() does, on the running loop
        restored = again.restore_draft()
        await again.view.frames.settled()
        return restored

    assert run(restore())
    r = again.request()
    assert (r.model, r.prompt, r.aspect_ratio) == ("seedance-v1-pro", "a lighthouse in a storm", "9:16")
    assert again.view.variations.value() == 2
    assert again.view.frames.first.frame is not None
    again.select_model("seedance-v1-5-pro")
    r = again.request()
    assert r.sound
    assert [f.role for f in r.frames] == [Role.FIRST_FRAME]
