"""The creator's settings, declared once with their types and defaults, and the one store that holds them.

Stored as JSON in the config folder. The API key is deliberately not a setting: it lives in the
keyring (see `secrets.py`). Unknown keys in the file are kept out; a corrupt file falls back to the
defaults and is set aside so it can be inspected, never silently overwritten.

`SettingsStore` is the only live copy: every part of the window reads `store.current`, changes go through
`store.update(...)` (which names the fields it changes, so two writers never undo each other's change),
and observers hear which fields changed. Saving happens on the store's own thread, coalesced: the painting
thread never waits for a disk. Each writer of the file (the store, `change_settings_file` for the command
line) holds its lock from read to write and writes only its own fields over what the file holds, so a
budget set from the command line while the window is open is neither lost nor reverted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from getimg_studio.fsutil import write_atomic

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Settings:
    output_dir: str = ""  # empty: Paths.output
    auto_download: bool = True
    notifications: bool = True
    theme: Theme = Theme.SYSTEM
    demo_mode: bool = False  # chosen on purpose; demo also starts when there is no key
    demo_banner_dismissed: bool = False
    # The per-job time limit: a job still generating after this long waits for the creator (resume or stop
    # it) instead of being polled for ever; 0: no limit. Well above the usual one or two minutes.
    poll_timeout_minutes: int = 30
    max_in_flight: int = 0  # generations in flight at once; 0: learn the account's limit from getimg
    max_concurrent_polls: int = 8
    max_concurrent_downloads: int = 4
    # Money: one action that would create more than this many generations says how many and how much first.
    confirm_batch_over: int = 1
    confirm_quit_active: bool = True  # quitting while jobs run says they carry on at the next start
    # Money: the spending budget for the local month and (optionally) day, as decimal text; "" for none.
    # Enforced by the engine before anything is queued (jobs/spend_guard.py); `getimg-studio budget` sets it too.
    budget_monthly: str = ""
    budget_daily: str = ""
    # The compose form as the creator left it: a GenerationRequest as JSON, and the number of variations.
    draft: str = ""
    draft_variations: int = 1
    # Window geometry and splitter state (base64 of Qt's own byte arrays), and which panels are shown.
    window_geometry: str = ""
    window_state: str = ""
    splitter_state: str = ""
    show_compose: bool = True
    show_player: bool = True
    show_queue: bool = True
    extra: dict[str, str] = field(default_factory=dict)


FIELD_NAMES = frozenset(f.name for f in fields(Settings))


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, Theme):
        return Theme(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise TypeError(name)
        return value
    if isinstance(default, float):
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(name)
        return value
    if isinstance(default, dict):
        return {str(k): str(v) for k, v in dict(value).items()}
    if not isinstance(value, str):
        raise TypeError(name)
    return value


def _draft_from_last_parameters(raw: dict[str, Any]) -> str:
    """Files written before the draft existed kept only the last parameters: start the draft from them."""
    return json.dumps({"model": raw.get("last_model"), "prompt": "",
                       "aspect_ratio": raw.get("last_aspect_ratio") or None,
                       "resolution": raw.get("last_resolution") or None,
                       "duration": raw.get("last_duration") or None,
                       "sound": bool(raw.get("last_sound")), "frames": []})


def read_settings(path: Path) -> Settings | None:
    """The settings in `path`, or None when it is missing or unreadable (and then left as it is)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s)", path, exc)
        return None
    if not isinstance(raw, dict):
        log.warning("settings file %s holds no settings", path)
        return None
    if "draft" not in raw and raw.get("last_model"):
        raw = {"draft": _draft_from_last_parameters(raw), "draft_variations": raw.get("last_variations", 1), **raw}
    defaults = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in raw:
            default = getattr(defaults, f.name)
            try:
                values[f.name] = _coerce(f.name, raw[f.name], default)
            except (TypeError, ValueError):
                log.warning("setting %s has an invalid value; using its default", f.name)
    return replace(defaults, **values)


def load_settings(path: Path) -> Settings:
    """The settings in `path`; the defaults when there are none, setting an unreadable file aside."""
    settings = read_settings(path)
    if settings is None:
        if path.exists():
            _set_aside(path)
        return Settings()
    return settings


def save_settings(path: Path, settings: Settings) -> None:
    """Atomic write: a crash mid-save leaves the previous file intact. Blocking (fsync)."""
    data = asdict(settings)
    data["theme"] = settings.theme.value
    write_atomic(path, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Blocking: one writer of `path` at a time, across processes (read, change, write as one step).

    An advisory lock on a file beside it, released by the OS if the holder dies. Where fcntl is missing
    (Windows) writers are not serialised; each save is still atomic.
    """
    if fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def change_settings_file(path: Path, **changes: Any) -> Settings:
    """Blocking: change only the named fields in the file, under its lock (the command line's writer)."""
    unknown = set(changes) - FIELD_NAMES
    if unknown:
        raise TypeError(f"no such setting: {', '.join(sorted(unknown))}")
    with file_lock(path):
        settings = replace(load_settings(path), **changes)
        save_settings(path, settings)
    return settings


def _set_aside(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.replace(path, path.with_suffix(".corrupt"))


SettingsObserver = Callable[[Settings, frozenset[str]], None]  # the new settings, the names that changed


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file from the next (it is replaced whole on each save); None: no file."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class SettingsStore:
    """The one live copy of the settings; saved on its own thread after each change.

    Another process may write the same file (`getimg-studio budget set` while the window is open). A save
    writes only the fields this store changed over what the file holds now, so it never undoes the other
    writer's change; `refresh()` brings that change into `current` and tells the observers.
    """

    def __init__(self, path: Path, initial: Settings | None = None, *,
                 save: Callable[[Path, Settings], None] = save_settings,
                 stamp: tuple[int, int, int] | None = None) -> None:
        self._path = path
        self._current = initial if initial is not None else Settings()
        self._save = save
        self._observers: list[SettingsObserver] = []
        self._lock = threading.Lock()
        self._dirty = False
        # What the file is known to hold, and its stamp then (None: not known, the file is taken to hold
        # `initial`); the fields changed here and not yet saved over it.
        self._disk = self._current
        self._stamp = stamp
        self._touched: set[str] = set()
        self._writing: Future[None] | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="settings-writer")
        self._closed = False

    @classmethod
    def open(cls, path: Path) -> SettingsStore:
        """Blocking: reads the file (call it before the first paint, or in an executor)."""
        stamp = file_stamp(path)  # before reading: a write in between is read again by the next refresh
        return cls(path, load_settings(path), stamp=stamp)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def current(self) -> Settings:
        return self._current

    def update(self, **changes: Any) -> Settings:
        """Change only the named fields; observers hear about the ones whose value really changed."""
        unknown = set(changes) - FIELD_NAMES
        if unknown:
            raise TypeError(f"no such setting: {', '.join(sorted(unknown))}")
        old = self._current
        new = replace(old, **changes)
        changed = frozenset(name for name in changes if getattr(new, name) != getattr(old, name))
        if not changed:
            return old
        self._current = new
        with self._lock:
            self._touched |= changed
        self._schedule_save()
        self._tell(new, changed)
        return new

    def _tell(self, new: Settings, changed: frozenset[str]) -> None:
        for observer in list(self._observers):
            try:
                observer(new, changed)
            except Exception:  # one broken observer must not stop the others or the save
                log.exception("a settings observer failed")

    def subscribe(self, observer: SettingsObserver) -> Callable[[], None]:
        self._observers.append(observer)

        def unsubscribe() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return unsubscribe

    def flush(self, timeout: float | None = None) -> None:
        """Blocking: wait until the latest settings are on disk."""
        while True:
            with self._lock:
                writing = self._writing
            if writing is None:
                return
            writing.result(timeout)

    async def aflush(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.flush)

    def close(self) -> None:
        self.flush()
        self._closed = True
        self._writer.shutdown(wait=True)

    def _schedule_save(self) -> None:
        if self._closed:  # a change after shutdown (a late observer): written at once, it is the last one
            self._dirty = True
            self._write_latest()
            return
        with self._lock:
            self._dirty = True
            if self._writing is None:
                self._writing = self._writer.submit(self._write_latest)

    def _write_latest(self) -> None:
        # Coalesced: a burst of updates (a draft being typed) is one write of the newest settings.
        while True:
            with self._lock:
                if not self._dirty:
                    self._writing = None
                    return
                self._dirty = False
                snapshot = self._current
                touched = set(self._touched)
            try:
                with file_lock(self._path):  # nobody writes between the read and the write
                    self._read_if_changed()
                    with self._lock:
                        merged = replace(self._disk, **{name: getattr(snapshot, name) for name in touched})
                    self._save(self._path, merged)
                    stamp = file_stamp(self._path)
            except OSError as exc:
                log.warning("could not save the settings: %s", exc)
                continue
            with self._lock:
                self._disk, self._stamp = merged, stamp
                # Saved, unless changed again meanwhile (that change has its own save coming).
                self._touched -= {name for name in touched
                                  if getattr(self._current, name) == getattr(snapshot, name)}

    def _read_if_changed(self) -> None:
        """On the writer's thread: take in what another process wrote since this store last read or wrote."""
        with self._lock:
            known = self._stamp
        stamp = file_stamp(self._path)
        if stamp is None or stamp == known:
            return
        theirs = read_settings(self._path)
        with self._lock:
            self._stamp = stamp
            if theirs is not None:  # an unreadable file: ours is written over it whole
                self._disk = theirs

    async def refresh(self) -> frozenset[str]:
        """Bring in what another process saved to the file (call it on the thread that owns the store).

        Fields changed here and not yet saved keep this store's value. Observers hear the fields that
        changed; nothing is written back. Returns their names.
        """
        if self._closed:
            return frozenset()
        await asyncio.get_running_loop().run_in_executor(self._writer, self._read_if_changed)
        with self._lock:
            disk = self._disk
            changes = {name: getattr(disk, name) for name in FIELD_NAMES
                       if name not in self._touched and getattr(disk, name) != getattr(self._current, name)}
        if not changes:
            return frozenset()
        new = replace(self._current, **changes)
        self._current = new
        self._tell(new, frozenset(changes))
        return frozenset(changes)
