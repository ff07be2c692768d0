"""Typed domain objects shared by every layer: model capabilities, requests, remote status, usage.

Frozen dataclasses and enums only: no I/O, no Qt. Money is `Decimal` end to end so that a cost shown
before submitting and the cost billed afterwards compare equal to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any


class Role(StrEnum):
    FIRST_FRAME = "first_frame"
    LAST_FRAME = "last_frame"
    REFERENCE_IMAGE = "reference_image"

    @property
    def label(self) -> str:
        return {"first_frame": "First frame", "last_frame": "Last frame"}.get(self.value, "Reference image")


class SoundRate(StrEnum):
    ON = "sound_on"
    OFF = "sound_off"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class PriceRate:
    billable_unit: str  # e.g. "video_second"
    resolution: str | None  # None: applies to every resolution
    sound: SoundRate
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Pricing:
    currency: str = "USD"
    rates: tuple[PriceRate, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model's capabilities as `/v2/models` lists them. Forms are built from this, never hard-coded."""

    id: str
    name: str
    type: str  # "video" | "image"
    aspect_ratios: tuple[str, ...]
    resolutions: tuple[str, ...]
    durations: tuple[float, ...]
    references: tuple[tuple[Role, int], ...]  # role -> maximum count, in the API's order
    supports_sound: bool
    pricing: Pricing
    created_at: datetime | None = None

    def max_count(self, role: Role) -> int:
        return dict(self.references).get(role, 0)

    def supports(self, role: Role) -> bool:
        return self.max_count(role) > 0

    @property
    def default_aspect_ratio(self) -> str | None:
        return self.aspect_ratios[0] if self.aspect_ratios else None

    @property
    def default_resolution(self) -> str | None:
        return self.resolutions[0] if self.resolutions else None

    @property
    def default_duration(self) -> float | None:
        return self.durations[0] if self.durations else None


@dataclass(frozen=True, slots=True)
class FrameRef:
    """One image input of a request: a local file (the history's own copy) or an https URL."""

    role: Role
    path: Path | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.url is None):
            raise ValueError("a frame is either a local file or an https URL")

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role.value, "path": str(self.path) if self.path else None, "url": self.url}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FrameRef:
        path = data.get("path")
        return cls(role=Role(data["role"]), path=Path(path) if path else None, url=data.get("url"))


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """What the creator asked for. `None` means "the model's default" and is not sent."""

    model: str
    prompt: str
    aspect_ratio: str | None = None
    resolution: str | None = None
    duration: float | None = None
    sound: bool = False
    frames: tuple[FrameRef, ...] = ()

    def frames_with(self, role: Role) -> tuple[FrameRef, ...]:
        return tuple(f for f in self.frames if f.role is role)

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "prompt": self.prompt,
            "aspect_ratio": self.aspect_ratio,
            "resolution": self.resolution,
            "duration": self.duration,
            "sound": self.sound,
            "frames": [f.to_json() for f in self.frames],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GenerationRequest:
        duration = data.get("duration")
        return cls(
            model=str(data["model"]),
            prompt=str(data["prompt"]),
            aspect_ratio=data.get("aspect_ratio"),
            resolution=data.get("resolution"),
            duration=float(duration) if duration is not None else None,
            sound=bool(data.get("sound", False)),
            frames=tuple(FrameRef.from_json(f) for f in data.get("frames") or ()),
        )


def wire_duration(seconds: float) -> int:
    """The duration as the API types it (whole seconds): a listed 7.5 is sent as 8 (halves round up)."""
    return max(1, int(Decimal(str(seconds)).to_integral_value(rounding=ROUND_HALF_UP)))


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """What a request will cost before it is sent. `amount is None` means no listed price matched."""

    amount: Decimal | None
    currency: str = "USD"
    unit_price: Decimal | None = None
    quantity: Decimal | None = None
    billable_unit: str | None = None

    @property
    def known(self) -> bool:
        return self.amount is not None

    def times(self, n: int) -> CostEstimate:
        if self.amount is None:
            return self
        quantity = self.quantity * n if self.quantity is not None else None
        return CostEstimate(self.amount * n, self.currency, self.unit_price, quantity, self.billable_unit)

    def text(self) -> str:
        if self.amount is None:
            return "no listed price"
        return format_money(self.amount, self.currency)


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """$0.25, $1.05, $0.125 (keeps a third decimal only when the price has one)."""
    symbol = "$" if currency == "USD" else f"{currency} "
    quantized = amount.quantize(Decimal("0.01")) if amount == amount.quantize(Decimal("0.01")) else amount
    return f"{symbol}{quantized:,}"


@dataclass(frozen=True, slots=True)
class Usage:
    total_cost: Decimal
    billable_unit: str
    unit_price: Decimal
    quantity: float


@dataclass(frozen=True, slots=True)
class ResultItem:
    url: str  # signed and temporary: a secret, never logged whole
    mime_type: str
    deletes_at: datetime | None  # None: getimg did not say (or said it in no form we read); fetch at once
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    has_sound: bool | None = None


class RemoteState(StrEnum):
    PENDING = "pending"
    FAILED = "failed"
    COMPLETED = "completed"
    UNKNOWN = "unknown"  # a status string this app does not know (`RemoteStatus.raw_status` holds it)


@dataclass(frozen=True, slots=True)
class RemoteStatus:
    """One answer of GET /v2/videos/generations/{id}."""

    id: str
    state: RemoteState
    model: str | None = None
    items: tuple[ResultItem, ...] = ()
    usage: Usage | None = None
    error_code: str | None = None
    error_message: str | None = None
    retry_after: float | None = None  # from the response headers, when the server asked for a pace
    raw_status: str = ""  # the status string as getimg sent it
    problem: str | None = None  # completed, but why (some) items could not be used; None: all usable


@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None  # unix seconds


@dataclass(frozen=True, slots=True)
class Created:
    """The server accepted a generation (202)."""

    id: str
    rate_limit: RateLimit = field(default_factory=RateLimit)


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class CostReport:
    """`GET /v2/billing/costs`: the total and one bucket per UTC day, in the account's currency."""

    total: Decimal
    days: tuple[tuple[date, Decimal], ...]
    currency: str = "USD"
