"""Frame images made ready for the API: formats, EXIF orientation, size limits, data URLs.

The API takes PNG, JPEG and WebP inline, each at most 10 MiB decoded, in a request of at most 25 MiB.
A file that already fits is sent byte for byte (no quality lost); anything else Pillow can read is
converted, turned upright and downscaled until it fits. The creator's original is only ever read.
Everything here blocks (Pillow, file I/O): call it in an executor.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from getimg_studio.fsutil import write_atomic

from .errors import ErrorKind, GetimgError
from .types import FrameRef, Role

MiB = 1024 * 1024
MAX_IMAGE_BYTES = 10 * MiB
MAX_BODY_BYTES = 25 * MiB
MAX_SOURCE_BYTES = 512 * MiB  # refuse to even read anything larger: no photo is that big
BODY_OVERHEAD = 64 * 1024  # prompt, parameters and JSON punctuation around the images
SENT_AS_IS = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp"}
_EXT = {"PNG": ".png", "JPEG": ".jpg", "MPO": ".jpg", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp",
        "TIFF": ".tif"}
_ORIENTATION = 0x0112
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_NAME_SUFFIX = ".name"  # beside a history copy: the file name the creator knew it by
_LOSSY = {"JPEG", "MPO", "WEBP"}


@dataclass(frozen=True, slots=True)
class FrameInfo:
    source: str
    width: int
    height: int
    format: str  # as Pillow names it: PNG, JPEG, GIF...
    file_size: int
    will_convert: bool
    will_downscale: bool
    note: str  # "" or what will be done to the image, in words


@dataclass(frozen=True, slots=True)
class PreparedFrame:
    role: Role
    url: str  # a data URL, or the creator's https URL as it was given
    mime: str
    width: int
    height: int
    byte_size: int  # decoded bytes sent (0 for an https URL)
    note: str


@dataclass(frozen=True, slots=True)
class _Encoded:
    data: bytes
    mime: str
    width: int
    height: int
    source_format: str
    source_size: tuple[int, int]
    converted: bool
    downscaled: bool
    note: str


def _megabytes(size: int) -> str:
    return f"{size / MiB:.1f} MB"


def _frame_error(label: str, why: str) -> GetimgError:
    return GetimgError(ErrorKind.FRAME, f"{label}: {why}", param="images")


def _read_source(source: Path | bytes, name: str) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), name or "the pasted image"
    label = name or source.name or str(source)
    try:
        if source.is_dir():
            raise _frame_error(label, "this is a folder, not an image file.")
        size = source.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise _frame_error(label, f"the file is {_megabytes(size)}, far too large to be a usable image.")
        return source.read_bytes(), label
    except FileNotFoundError:
        raise _frame_error(label, "the file was not found (was it moved or deleted?).") from None
    except PermissionError:
        raise _frame_error(label, "the file cannot be read (permission denied).") from None
    except OSError as exc:
        raise _frame_error(label, f"the file cannot be read ({exc.strerror or exc}).") from None


def _open(data: bytes, label: str) -> Image.Image:
    """Decode fully (a truncated file fails here, not on the server); bombs are refused, not warned about."""
    if not data:
        raise _frame_error(label, "the file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _frame_error(label, "the image has too many pixels to be used safely.") from None
    except UnidentifiedImageError:
        raise _frame_error(label, "this is not an image getimg Studio can read (use PNG, JPEG or WebP).") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _frame_error(label, f"the image is damaged or incomplete ({exc}).") from None
    if image.width < 1 or image.height < 1:
        raise _frame_error(label, "the image has no pixels.")
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def _encode(image: Image.Image, as_jpeg: bool) -> tuple[bytes, str]:
    out = io.BytesIO()
    if as_jpeg:
        rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
        rgb.save(out, "JPEG", quality=90, optimize=True)
        return out.getvalue(), "image/jpeg"
    keep = image.mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16")
    png = image if keep else image.convert("RGBA" if _has_alpha(image) else "RGB")
    png.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue(), "image/png"


def _fit(image: Image.Image, as_jpeg: bool) -> tuple[bytes, str, Image.Image]:
    """Encode; while over the limit, shrink by the square root of the excess (with a margin) and retry."""
    data, mime = _encode(image, as_jpeg)
    current = image
    for _ in range(12):
        if len(data) <= MAX_IMAGE_BYTES:
            return data, mime, current
        scale = min(0.9, math.sqrt(MAX_IMAGE_BYTES / len(data)) * 0.95)
        size = (max(1, int(current.width * scale)), max(1, int(current.height * scale)))
        current = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        data, mime = _encode(current, as_jpeg)
    raise GetimgError(ErrorKind.FRAME, "The image could not be made small enough for the API.", param="images")


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_ORIENTATION, 1))
    except (ValueError, TypeError, OSError):
        return 1


def _convert(data: bytes, label: str) -> _Encoded:
    image = _open(data, label)
    fmt = (image.format or "").upper()
    frames = int(getattr(image, "n_frames", 1) or 1)
    orientation = _orientation(image)
    rotated = orientation not in (1, 0)
    # The size a person sees: orientations 5-8 turn the picture a quarter, swapping width and height.
    size = (image.height, image.width) if orientation in _QUARTER_TURNS else (image.width, image.height)
    if fmt in SENT_AS_IS and not rotated and len(data) <= MAX_IMAGE_BYTES:
        return _Encoded(data, SENT_AS_IS[fmt], image.width, image.height, fmt, size, False, False, "")

    notes: list[str] = []
    if fmt not in SENT_AS_IS:
        image.seek(0)  # the first frame of an animation
    upright = ImageOps.exif_transpose(image) if rotated else image
    # Photos (lossy sources, or anything big without transparency) become JPEG; the rest stays lossless.
    as_jpeg = not _has_alpha(upright) and (fmt in _LOSSY or len(data) > MAX_IMAGE_BYTES)
    encoded, mime, final = _fit(upright, as_jpeg)
    target = "JPEG" if as_jpeg else "PNG"
    downscaled = final.size != upright.size
    if fmt not in SENT_AS_IS:
        what = "its first frame" if frames > 1 else "it"
        notes.append(f"{fmt or 'this format'}: {what} will be sent as {target}")
    if rotated:
        notes.append(f"turned upright from its camera orientation and sent as {target}")
    if downscaled:
        notes.append(f"{_megabytes(len(data))}: will be downscaled to {final.width}×{final.height} "
                     f"to fit the {MAX_IMAGE_BYTES // MiB} MB limit")
    elif len(data) > MAX_IMAGE_BYTES:
        notes.append(f"{_megabytes(len(data))}: will be re-encoded as {target} to fit the "
                     f"{MAX_IMAGE_BYTES // MiB} MB limit")
    note = "; ".join(notes)
    note = note[:1].upper() + note[1:]
    return _Encoded(encoded, mime, final.width, final.height, fmt, size, True, downscaled, note)


def inspect_frame(source: Path | bytes, *, name: str = "") -> FrameInfo:
    """What the image is and what will be done to it; GetimgError(FRAME) naming the file when unusable."""
    data, label = _read_source(source, name)
    result = _convert(data, label)
    return FrameInfo(
        source=label,
        width=result.source_size[0],
        height=result.source_size[1],
        format=result.source_format,
        file_size=len(data),
        will_convert=result.converted,
        will_downscale=result.downscaled,
        note=result.note,
    )


def prepare_frame(ref: FrameRef) -> PreparedFrame:
    """The image as the API takes it: a data URL (or the creator's https URL, passed through as it is)."""
    if ref.url is not None:
        if not ref.url.lower().startswith("https://"):
            raise _frame_error(ref.role.label, "only public https:// addresses can be sent.")
        return PreparedFrame(ref.role, ref.url, "", 0, 0, 0, "")
    assert ref.path is not None  # FrameRef guarantees one of the two
    data, label = _read_source(ref.path, "")
    result = _convert(data, label)
    url = f"data:{result.mime};base64,{base64.b64encode(result.data).decode('ascii')}"
    return PreparedFrame(ref.role, url, result.mime, result.width, result.height, len(result.data), result.note)


def check_body_size(frames: Sequence[PreparedFrame]) -> None:
    """GetimgError(FRAME) when the images together would make the request larger than the API accepts."""
    total = BODY_OVERHEAD + sum(len(f.url) for f in frames)
    if total > MAX_BODY_BYTES:
        raise GetimgError(
            ErrorKind.FRAME,
            f"The images together are {_megabytes(total)} once encoded; a request can carry at most "
            f"{MAX_BODY_BYTES // MiB} MB. Use fewer or smaller images.",
            param="images",
        )


def import_frame(source: Path | bytes, frames_dir: Path, *, name: str = "") -> Path:
    """The history's own copy of an image (named by its SHA-256), so a remix works after the original moves.

    The bytes are copied unchanged; preparation happens at send time. The same image imported twice is
    stored once. The name it came with is kept beside it (`<sha256>.name`) for `original_name`.
    """
    data, label = _read_source(source, name)
    image = _open(data, label)  # refuse unusable files now, while the creator is still looking
    digest = hashlib.sha256(data).hexdigest()
    dest = frames_dir / f"{digest}{_EXT.get((image.format or '').upper(), '.img')}"
    image.close()
    try:
        if not (dest.exists() and dest.stat().st_size == len(data)):
            write_atomic(dest, data)
        name_file = dest.with_suffix(_NAME_SUFFIX)
        # The first name an image came with is the one shown for it (a remix of a remix keeps it).
        if label != dest.name and not name_file.exists():
            write_atomic(name_file, label.encode("utf-8"))
    except OSError as exc:
        raise GetimgError(ErrorKind.DISK, f"Could not keep a copy of {label} in {frames_dir}: "
                                          f"{exc.strerror or exc}.") from None
    return dest


def original_name(path: Path) -> str:
    """The name to show for a frame: the one it was dropped or pasted with, not its history copy's hash."""
    try:
        name = path.with_suffix(_NAME_SUFFIX).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    if name:
        return name
    stem = path.stem
    if len(stem) == 64 and all(c in "0123456789abcdef" for c in stem):
        return f"image from the history{path.suffix}"
    return path.name
