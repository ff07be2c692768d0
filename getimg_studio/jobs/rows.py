"""The history's rows and the typed changes written to them: SQLite values to `Job`/`Output` and back.

A write is a `JobChange` (and optionally an `OutputChange`): every field is a column, typed, and left as it
is unless given. There is no "set any column" method: what the engine may change is spelled out here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Final

from getimg_studio.api.image_types import IMAGE_KIND, ImageRequest
from getimg_studio.api.types import CostEstimate, GenerationRequest
from getimg_studio.jobs.model import Job, JobKind, JobProvenance, JobRequest, JobState, Output, UrlState, WaitReason


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP  # "leave this column as it is"


@dataclass(frozen=True, slots=True)
class JobChange:
    """Columns of `jobs` to set; only the lifecycle (and the store's own helpers) build these."""

    state: JobState | _Keep = KEEP
    remote_id: str | _Keep | None = KEEP
    submitted_at: datetime | _Keep | None = KEEP
    completed_at: datetime | _Keep | None = KEEP
    finished_at: datetime | _Keep | None = KEEP
    error_code: str | _Keep | None = KEEP
    error_message: str | _Keep | None = KEEP
    cost: Decimal | _Keep | None = KEEP
    currency: str | _Keep = KEEP
    attention: str | _Keep | None = KEEP
    wait_reason: WaitReason | _Keep | None = KEEP
    tracking_since: datetime | _Keep | None = KEEP
    queue_pos: int | _Keep | None = KEEP
    request: JobRequest | _Keep = KEEP
    estimate: CostEstimate | _Keep | None = KEEP

    def columns(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is KEEP:
                continue
            if f.name == "request":
                out["request"] = json.dumps(value.to_json())
                out["model"] = value.model
                out["prompt_folded"] = value.prompt.casefold()
            elif f.name == "estimate":
                out["estimate"] = estimate_json(value)
            else:
                out[f.name] = to_sql(value)
        return out


NO_CHANGE = JobChange()


@dataclass(frozen=True, slots=True)
class OutputChange:
    """Columns of one output to set. `url` is the signed URL: a secret that never leaves the store."""

    file_path: Path | _Keep | None = KEEP
    saved: bool | _Keep = KEEP
    bytes_done: int | _Keep = KEEP
    bytes_total: int | _Keep | None = KEEP
    url: str | _Keep | None = KEEP
    deletes_at: datetime | _Keep | None = KEEP
    gone: bool | _Keep = KEEP
    sha256: str | _Keep | None = KEEP  # of the file as saved (getimg's bytes, never modified)

    def columns(self) -> dict[str, Any]:
        return {f.name: to_sql(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not KEEP}


@dataclass(frozen=True, slots=True)
class NewOutput:
    """An item of a completed answer, as it is first recorded."""

    index: int
    url: str
    mime_type: str = "video/mp4"
    deletes_at: datetime | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    has_sound: bool | None = None


@dataclass(frozen=True, slots=True)
class NewImport:
    """A file added to the history as a ready row (`JobProvenance.IMPORTED`), with what was read from it."""

    request: GenerationRequest  # its recipe's request (frames resolved), or an empty one: nothing to remix
    title: str  # what the row is called
    file: Path
    size: int
    sha256: str
    mime_type: str = "video/mp4"
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    has_sound: bool | None = None
    recipes_json: str | None = None  # the recipe document it carried
    recipe_from: str | None = None  # "metadata" | "sidecar"
    kind: JobKind = JobKind.VIDEO


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """What the history keeps of an imported file beyond its row."""

    recipes_json: str | None
    recipe_from: str | None
    imported_at: datetime
def request_from_json(data: dict[str, Any]) -> JobRequest:
    """A stored request: an image's JSON carries `"kind": "image"` (a video's, written before images, none)."""
    if data.get("kind") == IMAGE_KIND:
        return ImageRequest.from_json(data)
    return GenerationRequest.from_json(data)


def iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def to_sql(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal | Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def estimate_json(estimate: CostEstimate | None) -> str | None:
    if estimate is None:
        return None
    return json.dumps({
        "amount": _dec_text(estimate.amount),
        "currency": estimate.currency,
        "unit_price": _dec_text(estimate.unit_price),
        "quantity": _dec_text(estimate.quantity),
        "billable_unit": estimate.billable_unit,
    })


def _dec_text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _parse_estimate(text: str | None) -> CostEstimate | None:
    if not text:
        return None
    data = json.loads(text)
    return CostEstimate(
        amount=_dec(data.get("amount")),
        currency=data.get("currency") or "USD",
        unit_price=_dec(data.get("unit_price")),
        quantity=_dec(data.get("quantity")),
        billable_unit=data.get("billable_unit"),
    )


def to_output(row: sqlite3.Row) -> Output:
    has_sound = row["has_sound"]
    url_state = UrlState.GONE if row["gone"] else UrlState.HELD if row["url"] else UrlState.NONE
    return Output(
        index=int(row["idx"]),
        mime_type=row["mime_type"] or "video/mp4",
        file_path=Path(row["file_path"]) if row["file_path"] else None,
        saved=bool(row["saved"]),
        bytes_done=int(row["bytes_done"] or 0),
        bytes_total=row["bytes_total"],
        width=row["width"],
        height=row["height"],
        duration=row["duration"],
        fps=row["fps"],
        has_sound=bool(has_sound) if has_sound is not None else None,
        deletes_at=_time(row["deletes_at"]),
        url_state=url_state,
        sha256=row["sha256"],
    )


def to_job(row: sqlite3.Row, outputs: Sequence[Output] = ()) -> Job:
    first = outputs[0] if outputs else Output(index=0)
    wait = row["wait_reason"]
    return Job(
        id=int(row["id"]),
        state=JobState(row["state"]),
        request=request_from_json(json.loads(row["request"])),
        created_at=_time(row["created_at"]) or datetime.now(UTC),
        updated_at=_time(row["updated_at"]) or datetime.now(UTC),
        remote_id=row["remote_id"],
        submitted_at=_time(row["submitted_at"]),
        completed_at=_time(row["completed_at"]),
        finished_at=_time(row["finished_at"]),
        error_code=row["error_code"],
        error_message=row["error_message"],
        estimate=_parse_estimate(row["estimate"]),
        cost=_dec(row["cost"]),
        currency=row["currency"] or "USD",
        width=first.width,
        height=first.height,
        duration=first.duration,
        fps=first.fps,
        has_sound=first.has_sound,
        deletes_at=first.deletes_at,
        file_path=first.file_path,
        bytes_done=first.bytes_done,
        bytes_total=first.bytes_total,
        favourite=bool(row["favourite"]),
        batch_id=row["batch_id"],
        backend=row["backend"],
        kind=JobKind(row["kind"] or "video"),
        outputs=tuple(outputs),
        attention=row["attention"],
        wait_reason=WaitReason(wait) if wait else None,
        tracking_since=_time(row["tracking_since"]),
        origin=row["origin"],
        provenance=JobProvenance(row["provenance"] or "generated"),
        title=row["title"],
    )


def chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """SQLite caps the number of parameters of one statement: IN (...) lists go in chunks."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
