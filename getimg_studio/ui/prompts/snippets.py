"""Saved prompt snippets ("styles"): a name and a text, kept in a small JSON file of the data folder.

Reads and writes block (a file, an fsync): the window calls them in an executor. A damaged file is read as
no snippets (and logged), never an error at start-up; it is replaced on the next save.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from getimg_studio.fsutil import write_atomic

log = logging.getLogger(__name__)
MAX_SNIPPETS = 50


@dataclass(frozen=True, slots=True)
class Snippet:
    name: str
    text: str


def load_snippets(path: Path) -> list[Snippet]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("ignoring the saved styles in %s: %s", path, exc)
        return []
    items = data.get("snippets") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [Snippet(str(i["name"]), str(i["text"])) for i in items
            if isinstance(i, dict) and isinstance(i.get("name"), str) and isinstance(i.get("text"), str)]


def save_snippets(path: Path, snippets: list[Snippet]) -> None:
    data = {"snippets": [{"name": s.name, "text": s.text} for s in snippets[:MAX_SNIPPETS]]}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def with_snippet(snippets: list[Snippet], name: str, text: str) -> list[Snippet]:
    """A snippet saved under `name` (replacing one of that name), newest first."""
    name = " ".join(name.split())
    return [Snippet(name, text), *(s for s in snippets if s.name != name)][:MAX_SNIPPETS]
