"""Small blocking file helpers shared by every layer (call them in an executor from the loop)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HASH_CHUNK = 1024 * 1024


@contextmanager
def replacing(path: Path, *, suffix: str = ".tmp", mode: int | None = None) -> Iterator[Path]:
    """Yields a fresh temporary path beside `path` for the caller (or a library such as PyAV) to write; when
    the block ends normally the file is fsynced and renamed over `path`, otherwise it is removed.

    A crash or a cancel at any point leaves the old file or the new one, never half of one. The temporary
    name starts with a dot so file browsers and the app's own folder scans do not show it. The file is
    private (0600) unless `mode` says otherwise: creators share exports, so media passes 0644.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, rename: a crash leaves the old file or the new one."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def sha256_file(path: Path) -> str:
    """The file's SHA-256 as hex, read in 1 MiB chunks so a large video costs no memory."""
    import hashlib  # never before the first paint: files are hashed after a download or for an export

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
