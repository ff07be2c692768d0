"""Frame slots take real drops (QDragEnterEvent then QDropEvent carrying QMimeData) and pastes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gui_drops import send_drop as drop  # this folder is on sys.path for its tests
from PySide6.QtCore import QByteArray, QEvent, QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from getimg_studio.api.types import Role
from getimg_studio.ui.compose.frame_slot import FrameSlot


@pytest.fixture
def slot(qtbot: QtBot, qloop: Any, tmp_path: Path) -> FrameSlot:
    widget = FrameSlot(Role.FIRST_FRAME, "First frame", tmp_path / "frames")
    qtbot.addWidget(widget)
    widget.resize(420, 120)
    widget.show()
    return widget


def test_drop_a_file_from_the_file_manager(slot: FrameSlot, run: Callable[..., Any],
                                           image_file: Callable[..., Path]) -> None:
    path = image_file("sunset.jpg", (1280, 720))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])

    async def act() -> None:
        assert drop(slot, mime)
        await slot.settled()

    run(act())
    assert slot.frame is not None
    assert slot.frame.path == path
    assert "1280 × 720 px · JPEG" in slot.details.text()
    assert slot.name_label.full_text() == "sunset.jpg"
    assert not slot.thumb.pixmap().isNull()
    assert slot.clear_button.isEnabled()
    slot.clear_button.click()
    assert slot.frame is None
    assert slot.details.text() == ""


def test_drop_image_data_from_a_browser(slot: FrameSlot, run: Callable[..., Any], tmp_path: Path) -> None:
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    mime = QMimeData()
    mime.setImageData(image)

    async def act() -> None:
        assert drop(slot, mime)
        await slot.settled()

    run(act())
    assert slot.frame is not None
    assert slot.frame.path is not None
    assert slot.frame.path.is_file()
    assert (tmp_path / "frames") in slot.frame.path.parents
    assert "300 × 200 px · PNG" in slot.details.text()


def test_drop_png_bytes_in_image_png_format(slot: FrameSlot, run: Callable[..., Any],
                                            image_file: Callable[..., Path]) -> None:
    data = image_file("x.png", (64, 48)).read_bytes()
    mime = QMimeData()
    mime.setData("image/png", QByteArray(data))

    async def act() -> None:
        assert drop(slot, mime)
        await slot.settled()

    run(act())
    assert slot.info is not None
    assert (slot.info.width, slot.info.height) == (64, 48)


@pytest.mark.parametrize("how", ["uri-list", "text"])
def test_drop_an_https_url(slot: FrameSlot, run: Callable[..., Any], how: str) -> None:
    url = "https://images.example.com/cats/tabby.webp"
    mime = QMimeData()
    if how == "uri-list":
        mime.setUrls([QUrl(url)])
    else:
        mime.setText(url)

    async def act() -> None:
        assert drop(slot, mime)

    run(act())
    assert slot.frame is not None
    assert slot.frame.url == url
    assert slot.name_label.full_text() == "tabby.webp"
    assert "images.example.com" in slot.details.text()


def test_folder_non_image_and_unreadable_get_a_message(slot: FrameSlot, run: Callable[..., Any],
                                                       tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    folder = tmp_path / "a folder"
    folder.mkdir()

    async def act(path: Path) -> str:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        drop(slot, mime)
        await slot.settled()
        return slot.message.text()

    assert "is a folder" in run(act(folder))
    for path in (notes, broken):
        message = run(act(path))
        assert message, path
        assert slot.message.isVisible()
        assert slot.message.property("hint") == "error"
        assert slot.frame is None
    plain = QMimeData()
    plain.setText("hello there")
    run(_drop_async(slot, plain))
    assert "not an image" in slot.message.text()
    http = QMimeData()
    http.setText("http://insecure.example.com/a.png")
    run(_drop_async(slot, http))
    assert "https" in slot.message.text()
    assert slot.frame is None


async def _drop_async(slot: FrameSlot, mime: QMimeData) -> None:
    drop(slot, mime)
    await slot.settled()


def test_ctrl_v_pastes_an_image_or_a_url(slot: FrameSlot, run: Callable[..., Any], qtbot: QtBot) -> None:
    clipboard = QGuiApplication.clipboard()
    image = QImage(120, 90, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.red)
    clipboard.setImage(image)
    slot.setFocus()

    async def paste() -> None:
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier, "v")
        QApplication.sendEvent(slot, event)
        await slot.settled()

    run(paste())
    assert slot.info is not None
    assert (slot.info.width, slot.info.height) == (120, 90)
    clipboard.setText("https://example.org/still.png")
    run(paste())
    assert slot.frame is not None
    assert slot.frame.url == "https://example.org/still.png"
    clipboard.clear()


def test_disabled_slot_refuses_drops_and_says_why(slot: FrameSlot, image_file: Callable[..., Path],
                                                  run: Callable[..., Any]) -> None:
    slot.set_unsupported("Seedance 1.0 Pro does not take a first frame.")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image_file()))])
    assert not run(_enter_only(slot, mime))
    assert slot.toolTip() == "Seedance 1.0 Pro does not take a first frame."
    assert slot.message.text() == slot.toolTip()


async def _enter_only(slot: FrameSlot, mime: QMimeData) -> bool:
    return drop(slot, mime)


def test_a_bad_drop_keeps_the_good_image_already_there(slot: FrameSlot, run: Callable[..., Any],
                                                       image_file: Callable[..., Path], tmp_path: Path) -> None:
    good = image_file("harbour.png", (640, 360))
    notes = tmp_path / "notes.png"
    notes.write_text("these are my notes, not a picture")
    for path in (good, notes):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        run(_drop_async(slot, mime))
    assert slot.frame is not None
    assert slot.frame.path == good
    assert "notes.png" in slot.message.text()
    assert "previous image is kept" in slot.message.text()
    assert slot.name_label.full_text() == "harbour.png"


def test_a_history_copy_shows_the_name_it_came_with_and_never_widens_the_slot(
        slot: FrameSlot, run: Callable[..., Any], image_file: Callable[..., Path], tmp_path: Path) -> None:
    from getimg_studio.api.frames import import_frame

    long_name = "harbour-at-dusk-reference-still-from-the-location-scout-day-two-final-graded-v3.png"
    original = image_file(long_name, (1280, 720))
    copy = import_frame(original, tmp_path / "history-frames")  # what a remix loads: <sha256>.png
    assert len(copy.stem) == 64
    width = slot.sizeHint().width()
    run(_drop_async(slot, _file_mime(copy)))
    assert slot.shown_name == long_name
    assert slot.name_label.full_text() == long_name
    assert slot.name_label.toolTip() == long_name
    assert slot.name_label.shown_text().count("…") == 1  # elided to the width it has
    assert slot.sizeHint().width() <= width  # the name asks for no room of its own
    assert copy.stem not in slot.details.text()


def _file_mime(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime
