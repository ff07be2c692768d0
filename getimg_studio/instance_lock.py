"""One engine per history: a second window or `generate` on the same data folder is refused, clearly.

Two engines on one history would both follow the same jobs: recovery in one would call the other's
in-flight submissions uncertain, and both would write the same `.part` file. An advisory lock on a file
in the data folder (released by the OS when the process dies, so a crash never leaves it stuck) keeps
it to one; reading the history (`jobs list`, `jobs show`) needs no lock.
"""

from __future__ import annotations

import os
from pathlib import Path

from getimg_studio.api.errors import ErrorKind, GetimgError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks through fcntl; the check is skipped there
    fcntl = None  # type: ignore[assignment]


class HistoryInUse(GetimgError):
    def __init__(self, data_dir: Path, pid: str) -> None:
        owner = f" (process {pid})" if pid else ""
        super().__init__(
            ErrorKind.UNKNOWN,
            f"getimg Studio is already working on the history in {data_dir}{owner}. Use that window, or "
            "close it first; `getimg-studio jobs list` still works meanwhile. To run a second one, give it "
            "its own --data-dir.",
            code="history_in_use",
        )


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise `HistoryInUse` at once (never waits)."""
        if fcntl is None or self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise HistoryInUse(self.path.parent, pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
