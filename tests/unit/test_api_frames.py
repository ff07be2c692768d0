from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.frames import (
    MAX_IMAGE_BYTES,
    PreparedFrame,
    check_body_size,
    import_frame,
    inspect_frame,
    original_name,
    prepare_frame,
)
from getimg_studio.api.types import FrameRef, Role


def _save(image: Image.Image, path: Path, fmt: str, **kw: object) -> Path:
    image.save(path, fmt, **kw)
    return path


def _decoded(frame: PreparedFrame) -> Image.Image:
    header, payload = frame.url.split(",", 1)
    assert header == f"data:{frame.mime};base64"
    image = Image.open(io.BytesIO(base64.b64decode(payload)))
    image.load()
    return image


def test_small_png_is_sent_byte_for_byte(tmp_path: Path) -> None:
    path = _save(Image.new("RGB", (64, 48), "red"), tmp_path / "red.png", "PNG")
    info = inspect_frame(path)
    assert (info.format, info.width, info.height, info.note) == ("PNG", 64, 48, "")
    assert not info.will_convert
    frame = prepare_frame(FrameRef(Role.FIRST_FRAME, path=path))
    assert frame.url == "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
    assert (frame.width, frame.height, frame.byte_size) == (64, 48, path.stat().st_size)


def test_animated_gif_sends_its_first_frame_as_png(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (40, 30), c) for c in ("red", "green", "blue")]
    path = tmp_path / "loop.gif"
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=100)
    info = inspect_frame(path)
    assert info.will_convert
    assert info.note == "GIF: its first frame will be sent as PNG"
    frame = prepare_frame(FrameRef(Role.REFERENCE_IMAGE, path=path))
    assert frame.mime == "image/png"
    assert _decoded(frame).size == (40, 30)


def test_bmp_is_converted(tmp_path: Path) -> None:
    path = _save(Image.new("RGB", (20, 10), "blue"), tmp_path / "a.bmp", "BMP")
    frame = prepare_frame(FrameRef(Role.FIRST_FRAME, path=path))
    assert frame.mime == "image/png"
    assert frame.note == "BMP: it will be sent as PNG"


def test_exif_rotated_jpeg_is_sent_upright(tmp_path: Path) -> None:
    image = Image.new("RGB", (60, 20), "green")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    path = _save(image, tmp_path / "phone.jpg", "JPEG", exif=exif.tobytes())
    before = path.read_bytes()
    info = inspect_frame(path)
    assert (info.width, info.height) == (20, 60)  # the size a person sees: the photo is a portrait
    assert "upright" in info.note
    frame = prepare_frame(FrameRef(Role.FIRST_FRAME, path=path))
    assert frame.mime == "image/jpeg"
    assert _decoded(frame).size == (20, 60)
    assert path.read_bytes() == before  # the original is never modified


def test_big_noisy_photo_is_downscaled_to_fit(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, size=(3100, 4600, 3), dtype=np.uint8)
    path = _save(Image.fromarray(pixels, "RGB"), tmp_path / "huge.png", "PNG", compress_level=1)
    size = path.stat().st_size
    assert size > 40 * 1024 * 1024
    frame = prepare_frame(FrameRef(Role.FIRST_FRAME, path=path))
    assert frame.byte_size <= MAX_IMAGE_BYTES
    assert frame.mime == "image/jpeg"
    assert frame.width < 4600
    assert abs(frame.width / frame.height - 4600 / 3100) < 0.01
    assert "will be downscaled" in frame.note
    assert "to fit the 10 MB limit" in frame.note
    assert path.stat().st_size == size


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_text("hello, I am text") or p, "not an image"),
        (lambda p: p.write_bytes(b"") or p, "empty"),
        (lambda p: (p.mkdir() or p), "folder"),
    ],
)
def test_unusable_inputs_name_the_file(tmp_path: Path, make: object, expected: str) -> None:
    path = tmp_path / "picture.png"
    make(path)  # type: ignore[operator]
    with pytest.raises(GetimgError) as caught:
        inspect_frame(path)
    assert caught.value.kind is ErrorKind.FRAME
    assert "picture.png" in caught.value.message
    assert expected in caught.value.message


def test_truncated_and_missing_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    full = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, size=(200, 200, 3), dtype=np.uint8)).save(full, "PNG")
    cut = tmp_path / "cut.png"
    cut.write_bytes(full.getvalue()[: len(full.getvalue()) // 2])
    with pytest.raises(GetimgError, match=r"cut\.png: the image is damaged"):
        prepare_frame(FrameRef(Role.FIRST_FRAME, path=cut))
    with pytest.raises(GetimgError, match=r"gone\.png: the file was not found"):
        inspect_frame(tmp_path / "gone.png")


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    path = _save(Image.new("1", (12000, 12000)), tmp_path / "bomb.png", "PNG")
    with pytest.raises(GetimgError, match="too many pixels") as caught:
        inspect_frame(path)
    assert caught.value.kind is ErrorKind.FRAME


def test_https_url_passes_through_and_body_limit() -> None:
    frame = prepare_frame(FrameRef(Role.REFERENCE_IMAGE, url="https://cdn.test/a.png"))
    assert frame.url == "https://cdn.test/a.png"
    check_body_size([frame])
    big = PreparedFrame(Role.REFERENCE_IMAGE, "data:image/png;base64," + "A" * (14 * 1024 * 1024),
                        "image/png", 1, 1, 0, "")
    check_body_size([big])
    with pytest.raises(GetimgError, match="at most 25 MB"):
        check_body_size([big, big])


def test_import_frame_is_content_addressed(tmp_path: Path) -> None:
    original = _save(Image.new("RGB", (8, 8), "white"), tmp_path / "a.png", "PNG")
    frames_dir = tmp_path / "frames"
    copy = import_frame(original, frames_dir)
    assert copy.parent == frames_dir
    assert copy.suffix == ".png"
    assert copy.read_bytes() == original.read_bytes()
    assert import_frame(original.read_bytes(), frames_dir) == copy
    original.unlink()
    assert prepare_frame(FrameRef(Role.FIRST_FRAME, path=copy)).width == 8
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(GetimgError, match=r"notes\.png"):
        import_frame(text, frames_dir)
    assert {p.name for p in frames_dir.iterdir()} == {copy.name, copy.stem + ".name"}
    assert original_name(copy) == "a.png"  # the name it came with, kept beside the hash-named copy
