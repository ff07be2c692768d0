"""Domain objects of image generation (`POST /v2/images/generations`): the request, its result, formats.

Image models are plain `ModelInfo`s with `type == "image"` (no durations, no sound, `reference_image` as their
one image role); these types add what only images have. Frozen, no I/O, no Qt, money in Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .types import FrameRef, RateLimit, Usage

# What the SDK's `output_format` allows; the API's default is JPEG.
OUTPUT_FORMATS = ("jpeg", "png", "webp")
DEFAULT_OUTPUT_FORMAT = "jpeg"
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
IMAGE_KIND = "image"
BILLABLE_UNIT = "image"


def sniff_image_mime(head: bytes) -> str | None:
    """The MIME type of image bytes from their first 12 bytes (what a downloaded file really is)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True, slots=True)
class ImageRequest:
    """One image the creator asked for. `None` means the model's (or the API's) default and is not sent.

    `references` are `reference_image` frames: the history's own copies or https URLs, like a video's frames.
    """

    model: str
    prompt: str
    aspect_ratio: str | None = None
    resolution: str | None = None
    output_format: str | None = None  # one of OUTPUT_FORMATS; None: the API's default (JPEG)
    references: tuple[FrameRef, ...] = ()

    @property
    def mime_type(self) -> str:
        """What the answer should carry (a fallback when an answer omits its `mime_type`)."""
        return MIME_TYPES.get(self.output_format or DEFAULT_OUTPUT_FORMAT, MIME_TYPES[DEFAULT_OUTPUT_FORMAT])

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": IMAGE_KIND,
            "model": self.model,
            "prompt": self.prompt,
            "aspect_ratio": self.aspect_ratio,
            "resolution": self.resolution,
            "output_format": self.output_format,
            "references": [f.to_json() for f in self.references],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImageRequest:
        return cls(
            model=str(data["model"]),
            prompt=str(data["prompt"]),
            aspect_ratio=data.get("aspect_ratio"),
            resolution=data.get("resolution"),
            output_format=data.get("output_format"),
            references=tuple(FrameRef.from_json(f) for f in data.get("references") or ()),
        )


@dataclass(frozen=True, slots=True)
class ImageItem:
    url: str  # signed and temporary: a secret, never logged whole
    mime_type: str
    deletes_at: datetime | None  # None: the answer gave none we could read; download at once
    width: int | None = None
    height: int | None = None

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.mime_type, ".img")


@dataclass(frozen=True, slots=True)
class ImageResult:
    """A completed image generation (the API answers 200 only when the image exists)."""

    id: str
    model: str | None
    items: tuple[ImageItem, ...]
    usage: Usage | None  # required by the API; None only when an answer's usage could not be read
    rate_limit: RateLimit = field(default_factory=RateLimit)
