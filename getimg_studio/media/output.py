"""The one way media work writes a file: beside the destination, then renamed into place (fsutil.replacing).

Failures of the destination (disk full, read-only, no folder) become `MediaError(DISK)`; a cancel or any other
error removes the temporary file and propagates.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from getimg_studio.fsutil import replacing

from .errors import bad_option, disk_error

SHARED_MODE = 0o644  # exports are meant to be shared: readable by others, like any file a user saves


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextmanager
def writing(out: Path, inputs: Sequence[Path] = ()) -> Iterator[Path]:
    """A temporary path to write `out` through; refuses to overwrite any of the `inputs` being read."""
    for source in inputs:
        if _same_file(out, source):
            raise bad_option("output", f"“{out.name}” is one of the clips being read: choose another name.")
    try:
        with replacing(out, suffix=f".tmp{out.suffix}", mode=SHARED_MODE) as tmp:
            yield tmp
    except OSError as exc:
        mapped = disk_error(out, exc)
        if mapped is None:
            raise
        raise mapped from exc
