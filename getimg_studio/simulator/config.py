"""The simulator's knobs (re-exported by :mod:`getimg_studio.simulator.harness`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# knobs that POST /_sim/config may change at runtime, with their types
RUNTIME_KNOBS: dict[str, type] = {
    "pending_seconds": float,
    "fail_rate": float,
    "max_pending": int,
    "rpm": int,
    "retention_seconds": float,
    "balance": Decimal,
    "image_seconds": float,
    "image_rpm": int,
}


@dataclass
class SimulatorConfig:
    """All knobs. Defaults suit tests: short pending time, deterministic when ``seed`` is set."""

    pending_seconds: float = 2.0
    fail_rate: float = 0.0
    seed: int | None = None
    api_keys: frozenset[str] | None = None  # None: any non-empty bearer key accepted
    balance: Decimal = Decimal("50.00")
    rpm: int = 60
    max_pending: int = 10
    retention_seconds: float = 24 * 3600
    max_image_bytes: int = 10 * 1024 * 1024
    max_body_bytes: int = 25 * 1024 * 1024
    state_dir: Path | None = None
    render_workers: int = 1
    render_cache: Path | None = None  # a folder of renders shared between simulators (tests); None: render each
    # POST /v2/images/generations answers no sooner than this after the request (rendering included)
    image_seconds: float = 0.5
    image_rpm: int = 60  # image creations per minute: a window of its own, as the vendor's guide says
