"""A frame slot's "Generate image…": the image form as the creator sees it, and the chosen image in the slot.

The first test is the whole window against the simulator (an image made from the prompt fills the first
frame, then a video is made from it); the others drive the form with the compose view and narrow ports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PIL import Image
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import GenerationRequest, ModelInfo, Role
from getimg_studio.jobs.model import Job, JobKind, JobState, Output
from getimg_studio.ui.keyframes.controller import KeyframeController, matching_ratio
from getimg_studio.ui.keyframes.ports import KeyframePorts
from getimg_studio.ui.ports import Catalogue

PROMPT = "A lighthouse on a cliff at dawn, waves below, slow push in"


async def _answer_question(expected_title: str, yes: bool = True) -> QMessageBox:
    """The "Several generations" box: check what it says, then press its first button (yes) or Cancel."""
    box = await until(lambda: next((w for w in QApplication.topLevelWidgets()
                                    if isinstance(w, QMessageBox) and w.objectName() == "question"
                                    and w.isVisible()), None), 10, "the several-generations question")
    assert box.text() == expected_title
    if yes:
        next(b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole).click()
    else:
        box.button(QMessageBox.StandardButton.Cancel).click()
    return box


def test_a_first_frame_made_from_a_prompt_then_a_video_from_it(sim: Any, open_window: Callable[..., Any],
                                                               run: Callable[..., Any], qtbot: QtBot) -> None:
    async def scenario() -> tuple[Any, Job, list[Job], float]:
        window = await open_window(sim.base_url)
        compose = window.compose
        assert compose.select_model("seedance-v1-5-pro")
        qtbot.keyClicks(compose.view.prompt, PROMPT)
        slot = compose.view.frames.first
        assert slot.generate_button.isVisible()
        assert slot.generate_button.text() == "Generate image…"
        slot.generate_button.click()
        keyframes: KeyframeController = window.keyframes
        dialog = keyframes.dialog
        assert dialog is not None
        assert dialog.isVisible()
        assert dialog.heading.text() == "An image for the first frame"
        assert dialog.prompt.toPlainText() == PROMPT  # prefilled from the video's prompt
        video_ratio = compose.request().aspect_ratio
        assert dialog.aspect_combo.currentData() == video_ratio
        assert dialog.aspect_note.text() == f"Matches the video ({video_ratio})."
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("sim-image-lite"))
        dialog.variations.setValue(2)
        assert dialog.cost.text() == "Estimated cost: $0.004  (1 image × $0.002 × 2)"
        assert dialog.generate_button.text() == "Generate 2 images"
        started = asyncio.get_running_loop().time()
        dialog.generate_button.click()
        await _answer_question("Make 2 images?")  # more than confirm_batch_over (1): asked first
        await keyframes.wait_done()
        assert [b.text() for b in dialog.choices] == ["Image 1 · 1024×576", "Image 2 · 1024×576"]
        assert all(not b.icon().isNull() for b in dialog.choices)
        assert dialog.message.text().startswith("2 of 2 images ready in ")
        assert "billed $0.004" in dialog.message.text()
        assert not dialog.use_button.isEnabled()  # nothing picked yet
        dialog.choices[1].click()
        dialog.use_button.click()
        await compose.view.frames.settled()
        elapsed = asyncio.get_running_loop().time() - started
        assert keyframes.dialog is None  # closed (and deleted) once the slot has its image
        store = window.services.engine.store
        made = [j for j in store.get_many(store.ids()) if j.kind is JobKind.IMAGE]  # in the history too
        assert slot.frame is not None
        assert slot.details.text().startswith("1024 × 576 px")
        compose.view.generate_button.click()
        await compose.wait_submitted()
        video_ids = [i for i in window.services.engine.store.ids() if i not in {j.id for j in made}]
        [video] = await window.services.engine.wait_idle(video_ids, timeout=60)
        return slot, video, made, elapsed

    slot, video, made, elapsed = run(scenario(), timeout=120)
    assert [j.state for j in made] == [JobState.READY, JobState.READY]
    chosen = sorted(made, key=lambda j: j.id)[1]
    assert chosen.file_path is not None
    assert slot.frame.path == chosen.file_path
    assert video.state is JobState.READY, video.error_message
    [first] = video.request.frames
    assert first.role is Role.FIRST_FRAME
    assert first.path is not None
    assert first.path.read_bytes() == chosen.file_path.read_bytes()
    print(f"Generate image -> frame in the slot: {elapsed:.2f} s (demo simulator, load {_load()})")


def _load() -> str:
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# The form with narrow ports ------------------------------------------------------------------------------------

class FakeImages:
    """Ports whose images are real files written at once; what was asked is kept."""

    def __init__(self, folder: Path, models: list[ModelInfo], video: GenerationRequest, threshold: int = 1) -> None:
        self.folder, self.models, self.video, self.threshold = folder, models, video, threshold
        self.asked: list[tuple[ImageRequest, int]] = []
        self.fail = False

    def ports(self) -> KeyframePorts:
        catalogue = Catalogue.of(list, lambda: self.models)
        return KeyframePorts(image_models=lambda: self.models, estimate=catalogue.estimate, submit=self.submit,
                             wait_done=self.wait_done, video_request=lambda: self.video,
                             confirm_over=lambda: self.threshold)

    async def submit(self, request: ImageRequest, count: int) -> list[Job]:
        from getimg_studio.api.errors import ErrorKind, GetimgError

        self.asked.append((request, count))
        if self.fail:
            raise GetimgError(ErrorKind.CONTENT_POLICY, "The prompt was refused by getimg's content policy.",
                              param="prompt")
        now = datetime.now(UTC)
        jobs = []
        for n in range(count):
            path = self.folder / f"image-{len(self.asked)}-{n}.png"
            self.folder.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (1024, 576), (40 * n, 90, 160)).save(path)
            out = Output(index=0, file_path=path, saved=True, width=1024, height=576, mime_type="image/png")
            jobs.append(Job(id=100 + n, state=JobState.READY, request=request, created_at=now, updated_at=now,
                            kind=JobKind.IMAGE, cost=Decimal("0.012"), outputs=(out,), file_path=path,
                            width=1024, height=576))
        self.jobs = jobs
        return jobs

    async def wait_done(self, ids: Sequence[int]) -> list[Job]:
        return [j for j in self.jobs if j.id in ids]


def _form(make_compose: Callable[..., Any], video_models: list[ModelInfo], sim_models: list[ModelInfo],
          tmp_path: Path, **kw: Any) -> tuple[Any, KeyframeController, FakeImages]:
    compose = make_compose(video_models)
    images = [m for m in sim_models if m.type == "image"]
    video = GenerationRequest(model="x", prompt=PROMPT, aspect_ratio=kw.pop("ratio", "16:9"))
    fake = FakeImages(tmp_path / "made", images, video, **kw)
    controller = KeyframeController(fake.ports(), compose.view)
    compose.view.frames.generateRequested.connect(lambda s: controller.open_for(s.title, s.set_path))
    compose.view.frames.offer_generate(True)
    return compose, controller, fake


def test_a_reference_slot_gets_the_image_picked_and_the_form_says_what_it_costs(
        make_compose: Callable[..., Any], video_models: list[ModelInfo], sim_models: list[ModelInfo],
        tmp_path: Path, run: Callable[..., Any]) -> None:
    compose, controller, fake = _form(make_compose, video_models, sim_models, tmp_path)
    assert compose.select_model("seedance-v1-pro")  # takes reference images
    [slot] = [s for s in compose.view.frames.references if s.isVisible()]
    assert slot.generate_button.isVisible()

    async def act() -> None:
        slot.generate_button.click()
        dialog = controller.dialog
        assert dialog is not None
        assert dialog.heading.text() == "An image for the reference image 1"
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("sim-image-pro"))
        assert [dialog.resolution_combo.itemData(i) for i in range(dialog.resolution_combo.count())] == ["1K", "2K"]
        dialog.resolution_combo.setCurrentIndex(dialog.resolution_combo.findData("2K"))
        assert dialog.cost.text() == "Estimated cost: $0.024  (1 image × $0.024)"
        assert dialog.generate_button.isEnabled(), dialog.message.text()
        dialog.generate_button.click()  # one image: no question
        await controller.wait_done()
        assert len(dialog.choices) == 1
        assert dialog.choices[0].isChecked()
        assert dialog.use_button.isEnabled()
        dialog.use_button.click()
        await compose.view.frames.settled()

    run(act())
    [(request, count)] = fake.asked
    assert (request.model, request.resolution, request.aspect_ratio, count) == ("sim-image-pro", "2K", "16:9", 1)
    assert slot.frame is not None
    assert slot.frame.path == fake.jobs[0].file_path
    assert compose.view.frames.frames()[0].role is Role.REFERENCE_IMAGE


def test_several_images_are_asked_about_and_cancel_sends_nothing(
        make_compose: Callable[..., Any], video_models: list[ModelInfo], sim_models: list[ModelInfo],
        tmp_path: Path, run: Callable[..., Any]) -> None:
    compose, controller, fake = _form(make_compose, video_models, sim_models, tmp_path)

    async def act() -> None:
        compose.view.frames.first.generate_button.click()
        dialog = controller.dialog
        assert dialog is not None
        dialog.variations.setValue(4)
        assert dialog.variations.value() == 4
        assert dialog.variations.maximum() == 4
        dialog.generate_button.click()
        box = await _answer_question("Make 4 images?", yes=False)
        assert "billed about $0.008 in total" in box.informativeText()
        await controller.wait_done()
        assert dialog.choices == []

    run(act())
    assert fake.asked == []  # Cancel sent nothing


def test_an_unmatched_ratio_picks_the_closest_and_says_so(
        make_compose: Callable[..., Any], video_models: list[ModelInfo], sim_models: list[ModelInfo],
        tmp_path: Path, run: Callable[..., Any]) -> None:
    compose, controller, _fake = _form(make_compose, video_models, sim_models, tmp_path, ratio="21:9")
    compose.view.frames.first.generate_button.click()
    dialog = controller.dialog
    assert dialog is not None
    offered = tuple(dialog.aspect_combo.itemData(i) for i in range(dialog.aspect_combo.count()))
    expected = matching_ratio("21:9", offered)
    assert dialog.aspect_combo.currentData() == expected
    if "21:9" not in offered:
        assert dialog.aspect_note.text().startswith("The video is 21:9;")
    dialog.close()


def test_a_refusal_is_shown_in_the_form_and_nothing_fills_the_slot(
        make_compose: Callable[..., Any], video_models: list[ModelInfo], sim_models: list[ModelInfo],
        tmp_path: Path, run: Callable[..., Any]) -> None:
    compose, controller, fake = _form(make_compose, video_models, sim_models, tmp_path)
    fake.fail = True

    async def act() -> None:
        compose.view.frames.first.generate_button.click()
        dialog = controller.dialog
        assert dialog is not None
        dialog.prompt.setPlainText("")
        assert not dialog.generate_button.isEnabled()  # an empty prompt cannot be sent
        assert dialog.message.text() != ""
        dialog.prompt.setPlainText("a cat")
        dialog.generate_button.click()
        await controller.wait_done()
        assert dialog.message.text() == "The prompt was refused by getimg's content policy."
        assert dialog.generate_button.isEnabled()  # the creator can change the prompt and try again
        assert not dialog.use_button.isEnabled()

    run(act())
    assert compose.view.frames.first.frame is None


def test_matching_ratio() -> None:
    assert matching_ratio("16:9", ("1:1", "16:9")) == "16:9"
    assert matching_ratio("21:9", ("1:1", "16:9", "9:16")) == "16:9"
    assert matching_ratio("4:5", ("1:1", "16:9", "9:16")) == "1:1"
    assert matching_ratio(None, ("1:1",)) is None
    assert matching_ratio("16:9", ()) is None


def test_the_keyboard_alone_makes_and_uses_an_image(
        make_compose: Callable[..., Any], video_models: list[ModelInfo], sim_models: list[ModelInfo],
        tmp_path: Path, run: Callable[..., Any], qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    compose, controller, fake = _form(make_compose, video_models, sim_models, tmp_path)
    slot = compose.view.frames.first

    async def act() -> None:
        slot.generate_button.setFocus()
        qtbot.keyClick(slot.generate_button, Qt.Key.Key_Space)
        dialog = await until(lambda: controller.dialog, 5, "the image form")
        assert dialog.focusWidget() is dialog.prompt  # typing goes to the prompt at once
        qtbot.keyClick(dialog.prompt, Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.model_combo
        qtbot.keyClick(dialog.model_combo, Qt.Key.Key_Return)  # Enter presses Generate, the default button
        await until(lambda: fake.asked, 5, "the request")
        await controller.wait_done()
        assert dialog.choices[0].isChecked()
        assert dialog.focusWidget() is dialog.use_button  # the only image is picked: Space uses it
        qtbot.keyClick(dialog.use_button, Qt.Key.Key_Space)
        await compose.view.frames.settled()

    run(act())
    assert slot.frame is not None
    assert slot.frame.path == fake.jobs[0].file_path


def test_reference_images_are_added_checked_limited_and_sent(
        make_compose: Callable[..., Any], video_models: list[ModelInfo], sim_models: list[ModelInfo],
        tmp_path: Path, run: Callable[..., Any]) -> None:
    from PIL import Image

    _compose, controller, fake = _form(make_compose, video_models, sim_models, tmp_path)
    pictures = []
    for name, colour in (("harbour-look.png", "#335577"), ("sunset-look.jpg", "#aa5522"), ("third.png", "#225533")):
        path = tmp_path / name
        Image.new("RGB", (640, 360), colour).save(path)
        pictures.append(path)
    broken = tmp_path / "not-a-picture.png"
    broken.write_bytes(b"this is text, not an image")
    animated = tmp_path / "wave.gif"
    Image.new("RGB", (320, 180), "#123456").save(animated, save_all=True,
                                                 append_images=[Image.new("RGB", (320, 180), "#654321")])

    async def act() -> None:
        dialog = controller.open_for("First frame", lambda _path: None)
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("sim-image-pro"))  # takes 2
        assert dialog.references.full_text() == "None"
        assert dialog.add_reference.isEnabled()
        assert not dialog.clear_references.isEnabled()
        await controller.add_references([pictures[0], broken])
        assert dialog.references.full_text() == "harbour-look.png"
        assert "not-a-picture.png" in dialog.references_note.text()
        await controller.add_references([pictures[1], pictures[2]])
        assert dialog.references.full_text() == "2 images: harbour-look.png, sunset-look.jpg"
        assert "takes up to 2 reference images: third.png was left out" in dialog.references_note.text()
        assert not dialog.add_reference.isEnabled()  # full
        assert dialog.generate_button.isEnabled(), dialog.message.text()
        dialog.generate_button.click()
        await controller.wait_done()
        dialog.clear_references.click()
        assert dialog.references.full_text() == "None"
        assert controller.request().references == ()
        await controller.add_references([animated])
        assert "wave.gif: GIF: its first frame will be sent as PNG." in dialog.references_note.text()
        dialog.clear_references.click()

    run(act())
    [(request, _count)] = fake.asked
    assert [ref.path for ref in request.references] == pictures[:2]
    assert {ref.role for ref in request.references} == {Role.REFERENCE_IMAGE}
