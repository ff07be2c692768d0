"""What the desktop does with a saved video: show it in the file manager, open it, copy it elsewhere.

Opening goes through QDesktopServices (the platform's file manager and default player); copying runs
in an executor and writes atomically, so a full disk never leaves half a file under the chosen name.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication


def reveal_in_file_manager(path: Path) -> bool:
    """Opens the folder that holds `path` (portable: not every file manager can select a file)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def open_in_system_player(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def copy_to_clipboard(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)


def copy_file_atomic(source: Path, dest: Path) -> Path:
    """Blocking: copies `source` to `dest` through a temporary name in the destination folder."""
    if source.resolve() == dest.resolve():
        return dest
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    try:
        with source.open("rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
            dst.flush()
            os.fsync(dst.fileno())
        shutil.copystat(source, tmp)
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return dest


async def copy_file(source: Path, dest: Path) -> Path:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, copy_file_atomic, source, dest)
