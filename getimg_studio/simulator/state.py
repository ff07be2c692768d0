"""Generation records, the balance and the URL-signing secret, persisted as one JSON file.

``<state_dir>/state.json`` is rewritten atomically (tmp file, fsync, rename) after every change, so a killed
simulator restarts with its generations, balance and secret intact; rendered files live in
``<state_dir>/videos`` (generated images in ``<state_dir>/images``) and decoded input images in
``<state_dir>/inputs``.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

STATE_VERSION = 1


@dataclass
class Generation:
    id: str
    model: str
    prompt: str
    aspect_ratio: str
    resolution: str
    duration: int
    sound: bool
    width: int
    height: int
    images: list[dict[str, str | None]]  # {"role", "path" (inline, relative to state dir), "remote_host"}
    created_at: float
    ready_at: float
    unit_price: str
    estimated_cost: str
    fail_code: str | None = None  # decided at creation: the generation will fail with this code
    fail_message: str | None = None
    status: str = "pending"  # pending | completed | failed
    video_file: str | None = None  # relative to the state dir, once rendered
    info: dict[str, Any] | None = None  # real metadata of the rendered file
    rendered_at: float | None = None
    completed_at: float | None = None
    deletes_at: float | None = None
    charged: str | None = None  # cost charged on completion (once)
    items: int = 1  # files its completed answer lists (more only through an injected fault)
    kind: str = "video"  # video | image (images are made synchronously by POST /v2/images/generations)
    mime_type: str = "video/mp4"  # of the file at video_file
    take: int = 0  # the nth repeat of the same request (render.TAKES apart): drawn as another take

    @property
    def cost(self) -> Decimal:
        return Decimal(self.charged) if self.charged is not None else Decimal(0)


@dataclass
class State:
    root: Path
    balance: Decimal
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    generations: dict[str, Generation] = field(default_factory=dict)

    @property
    def videos_dir(self) -> Path:
        return self.root / "videos"

    @property
    def inputs_dir(self) -> Path:
        return self.root / "inputs"

    @property
    def file(self) -> Path:
        return self.root / "state.json"

    @classmethod
    def open(cls, root: Path, initial_balance: Decimal) -> State:
        """Load ``root/state.json`` if present, else a fresh state with ``initial_balance``."""
        root.mkdir(parents=True, exist_ok=True)
        state = cls(root=root, balance=initial_balance)
        state.videos_dir.mkdir(exist_ok=True)
        state.inputs_dir.mkdir(exist_ok=True)
        if state.file.exists():
            raw = json.loads(state.file.read_text("utf-8"))
            if raw.get("version") != STATE_VERSION:
                raise ValueError(f"unsupported simulator state version in {state.file}")
            state.balance = Decimal(raw["balance"])
            state.secret = bytes.fromhex(raw["secret"])
            state.generations = {g["id"]: Generation(**g) for g in raw["generations"]}
        return state

    def save(self) -> None:
        data = {
            "version": STATE_VERSION,
            "balance": str(self.balance),
            "secret": self.secret.hex(),
            "generations": [asdict(g) for g in self.generations.values()],
        }
        tmp = self.file.with_name(self.file.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.file)

    def pending_count(self) -> int:
        return sum(1 for g in self.generations.values() if g.status == "pending")

    def reserved(self) -> Decimal:
        """Estimated cost of generations still pending (not failing): money already promised."""
        return sum((Decimal(g.estimated_cost) for g in self.generations.values()
                    if g.status == "pending" and g.fail_code is None), Decimal(0))
