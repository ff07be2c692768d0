"""Validation of ``POST /v2/videos/generations`` bodies, rule by rule as shared/API.md states them.

Every rejection is an :class:`ApiError` 400 whose ``param`` names the field at fault (image problems all name
``images``). Oversized bodies are answered earlier, by the server (413 ``request_too_large``).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

from PIL import Image

from .catalog import ModelSpec, find_model
from .errors import ApiError, invalid, missing

MAX_PROMPT = 4096
MAX_IMAGES = 8
MAX_IMAGE_PIXELS = 50_000_000
ROLES = ("first_frame", "last_frame", "reference_image")
_DATA_URL = re.compile(r"data:image/(png|jpeg|webp);base64,(.*)", re.DOTALL)


@dataclass(frozen=True)
class ImageInput:
    role: str
    data: bytes | None  # decoded inline image
    ext: str | None  # png | jpeg | webp for inline images
    remote_host: str | None  # host of an https image


@dataclass(frozen=True)
class CreateRequest:
    model: ModelSpec
    prompt: str
    aspect_ratio: str
    resolution: str
    duration: int
    sound: bool
    images: tuple[ImageInput, ...]


def sniff_image(data: bytes) -> str | None:
    """The real format of image bytes, from their magic numbers (never trust a declared mime type)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _string(body: dict[str, object], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(name, f"'{name}' must be a string.")
    return value


def _choice(body: dict[str, object], name: str, allowed: tuple[str, ...], model: ModelSpec) -> str:
    value = _string(body, name)
    if value is None:
        return allowed[0]
    if value not in allowed:
        raise invalid(name, f"'{name}' must be one of {', '.join(allowed)} for model {model.id}.")
    return value


def _duration(body: dict[str, object], model: ModelSpec, listed: tuple[float, ...] | None = None) -> int:
    """Whole seconds, one of the model's. `listed`: durations a fault made /v2/models list instead; the API
    takes integers, so a listed 7.5 is accepted as the whole second nearest it (8)."""
    allowed = tuple(int(Decimal(str(d)).to_integral_value(ROUND_HALF_UP)) for d in listed) if listed else (
        model.durations)
    value = body.get("duration")
    if value is None:
        return allowed[0]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid("duration", "'duration' must be an integer number of seconds.")
    if isinstance(value, float) and not value.is_integer():
        raise invalid("duration", "'duration' must be an integer number of seconds.")
    seconds = int(value)
    if seconds not in allowed:
        text = ", ".join(str(d) for d in allowed)
        raise invalid("duration", f"'duration' must be one of {text} seconds for model {model.id}.")
    return seconds


def _decode_data_url(url: str, index: int, max_image_bytes: int) -> tuple[bytes, str]:
    m = _DATA_URL.fullmatch(url)
    if m is None:
        raise invalid("images", f"images[{index}].url must be an https URL or a data:image/(png|jpeg|webp);"
                                "base64 URL.")
    declared, payload = m.group(1), m.group(2)
    # reject before decoding: base64 is 4 chars per 3 bytes
    if len(payload) * 3 // 4 > max_image_bytes + 3:
        raise invalid("images", f"images[{index}] is larger than {max_image_bytes} bytes.")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("images", f"images[{index}].url is not valid base64.") from None
    if len(data) > max_image_bytes:
        raise invalid("images", f"images[{index}] is larger than {max_image_bytes} bytes.")
    real = sniff_image(data)
    if real is None:
        raise invalid("images", f"images[{index}] is not a PNG, JPEG or WebP image.")
    if real != declared:
        raise invalid("images", f"images[{index}] is declared image/{declared} but is {real}.")
    try:
        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
    except Exception:  # Pillow raises many types (and a bomb warning may be an error under -W error)
        raise invalid("images", f"images[{index}] could not be decoded.") from None
    if w * h > MAX_IMAGE_PIXELS:
        raise invalid("images", f"images[{index}] has too many pixels ({w}x{h}).")
    return data, real


def _images(body: dict[str, object], model: ModelSpec, max_image_bytes: int) -> tuple[ImageInput, ...]:
    raw = body.get("images")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise invalid("images", "'images' must be an array of {url, role} objects.")
    if len(raw) > MAX_IMAGES:
        raise invalid("images", f"At most {MAX_IMAGES} images are allowed.")
    limits = model.reference_limits
    counts: dict[str, int] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise invalid("images", f"images[{i}] must be an object with url and role.")
        role = item.get("role")
        if role is None:
            raise ApiError(400, "parameter_missing", f"images[{i}].role is required.", "images")
        if not isinstance(role, str) or role not in ROLES:
            raise invalid("images", f"images[{i}].role must be one of {', '.join(ROLES)}.")
        if limits.get(role, 0) <= 0:
            raise invalid("images", f"Model {model.id} does not support the image role '{role}'.")
        counts[role] = counts.get(role, 0) + 1
        if counts[role] > limits[role]:
            raise invalid("images", f"Model {model.id} accepts at most {limits[role]} '{role}' image(s).")
    if counts.get("last_frame") and not counts.get("first_frame"):
        raise invalid("images", "A last_frame image requires a first_frame image.")
    if counts.get("reference_image") and (counts.get("first_frame") or counts.get("last_frame")):
        raise invalid("images", "reference_image cannot be combined with first_frame or last_frame.")
    return tuple(image_input(item, i, item["role"], max_image_bytes) for i, item in enumerate(raw))


def image_input(item: dict[str, object], index: int, role: str, max_image_bytes: int) -> ImageInput:
    """One ``images[index]`` entry's ``url``: an inline image (decoded and checked) or a public https URL."""
    url = item.get("url")
    if url is None:
        raise ApiError(400, "parameter_missing", f"images[{index}].url is required.", "images")
    if not isinstance(url, str) or not url:
        raise invalid("images", f"images[{index}].url must be a non-empty string.")
    if url.startswith("data:"):
        data, ext = _decode_data_url(url, index, max_image_bytes)
        return ImageInput(role, data, ext, None)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host, parts = None, None
    if parts is None or parts.scheme != "https" or not host:
        raise invalid("images", f"images[{index}].url must be a public https URL or an image data URL "
                                "(bare base64 is not accepted).")
    return ImageInput(role, None, None, host)


def model_and_prompt(body: object, model_type: str) -> tuple[dict[str, object], ModelSpec, str]:
    """The checks every creation body starts with (videos and images alike): (body, model, prompt)."""
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "The request body must be a JSON object.")
    model_id = body.get("model")
    if model_id is None:
        raise missing("model")
    if not isinstance(model_id, str):
        raise invalid("model", "'model' must be a string.")
    prompt = body.get("prompt")
    if prompt is None:
        raise missing("prompt")
    if not isinstance(prompt, str):
        raise invalid("prompt", "'prompt' must be a string.")
    if not 1 <= len(prompt) <= MAX_PROMPT:
        raise invalid("prompt", f"'prompt' must be 1 to {MAX_PROMPT} characters long.")
    model = find_model(model_id)
    if model is None or model.type != model_type:
        raise invalid("model", f"Unknown {model_type} model '{model_id}'.")
    return body, model, prompt


def validate_create(body: object, max_image_bytes: int,
                    durations: Mapping[str, tuple[float, ...]] | None = None) -> CreateRequest:
    fields, model, prompt = model_and_prompt(body, "video")
    aspect_ratio = _choice(fields, "aspect_ratio", model.aspect_ratios, model)
    resolution = _choice(fields, "resolution", model.resolutions, model)
    duration = _duration(fields, model, (durations or {}).get(model.id))
    sound = fields.get("sound", False)
    if sound is None:
        sound = False
    if not isinstance(sound, bool):
        raise invalid("sound", "'sound' must be a boolean.")
    if sound and not model.supports_sound:
        raise invalid("sound", f"Model {model.id} does not support sound.")
    images = _images(fields, model, max_image_bytes)
    return CreateRequest(model, prompt, aspect_ratio, resolution, duration, sound, images)
