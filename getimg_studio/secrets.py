"""Where the API key lives: the OS keyring first, `GETIMG_API_KEY` overriding it.

When no keyring backend exists (a headless Linux box, a minimal desktop), the app says so and the
creator chooses between keeping the key for this session only or in a file only they can read. It
never falls back silently. The key is never written to settings, logs or the history database.

Keyring calls can block (a locked wallet asks for a password), so callers on the event loop use the
`a*` variants, which run in an executor with a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)

SERVICE = "getimg-studio"
USERNAME = "api-key"
ENV_VAR = "GETIMG_API_KEY"
KEYRING_TIMEOUT = 5.0


class KeySource(StrEnum):
    ENV = "env"
    KEYRING = "keyring"
    FILE = "file"
    SESSION = "session"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "env": "the GETIMG_API_KEY environment variable",
            "keyring": "the system keyring",
            "file": "a file only you can read",
            "session": "this session only",
            "none": "nowhere",
        }[self.value]


@dataclass(frozen=True, slots=True)
class KeyStatus:
    key: str | None
    source: KeySource
    keyring_available: bool
    keyring_name: str  # the backend's name, for the settings dialog
    stored_key_overridden: bool = False  # a stored key exists but GETIMG_API_KEY wins


def keyring_backend() -> tuple[bool, str]:
    """Whether a real keyring backend exists, and its name. Blocking."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as exc:  # keyring raises assorted errors when D-Bus or a wallet is missing
        return False, f"unavailable ({exc.__class__.__name__})"
    name = type(backend).__name__
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return False, name
    return True, name


class KeyStore:
    def __init__(self, key_file: Path, env: Mapping[str, str] | None = None) -> None:
        self._key_file = key_file
        self._env = os.environ if env is None else env
        self._session_key: str | None = None

    # Blocking API (executor or command line) -------------------------------------------------------

    def load(self) -> KeyStatus:
        available, name = keyring_backend()
        stored, source = self._stored_key(available)
        env_key = (self._env.get(ENV_VAR) or "").strip()
        if env_key:
            return KeyStatus(env_key, KeySource.ENV, available, name, stored_key_overridden=stored is not None)
        if stored is not None:
            return KeyStatus(stored, source, available, name)
        return KeyStatus(None, KeySource.NONE, available, name)

    def save(self, key: str, where: KeySource) -> None:
        key = key.strip()
        if not key:
            raise ValueError("the key is empty")
        self._forget_everywhere()
        if where is KeySource.KEYRING:
            import keyring

            keyring.set_password(SERVICE, USERNAME, key)
        elif where is KeySource.FILE:
            self._write_private_file(key)
        elif where is KeySource.SESSION:
            self._session_key = key
        else:
            raise ValueError(f"cannot keep a key in {where.value}")

    def remove(self) -> None:
        self._forget_everywhere()

    # Async API for the event loop -------------------------------------------------------------------

    async def aload(self) -> KeyStatus:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(None, self.load), KEYRING_TIMEOUT)
        except TimeoutError:
            log.warning("the keyring did not answer within %.0f s", KEYRING_TIMEOUT)
            env_key = (self._env.get(ENV_VAR) or "").strip()
            if env_key:
                return KeyStatus(env_key, KeySource.ENV, False, "timed out")
            return KeyStatus(self._session_key, KeySource.SESSION if self._session_key else KeySource.NONE,
                             False, "timed out")

    async def asave(self, key: str, where: KeySource) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(loop.run_in_executor(None, self.save, key, where), KEYRING_TIMEOUT)

    async def aremove(self) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(loop.run_in_executor(None, self.remove), KEYRING_TIMEOUT)

    # ------------------------------------------------------------------------------------------------

    def _stored_key(self, keyring_available: bool) -> tuple[str | None, KeySource]:
        if self._session_key:
            return self._session_key, KeySource.SESSION
        if keyring_available:
            try:
                import keyring

                value = keyring.get_password(SERVICE, USERNAME)
            except Exception as exc:  # a locked or broken wallet must not stop the app
                log.warning("reading the keyring failed: %s", exc.__class__.__name__)
                value = None
            if value:
                return value, KeySource.KEYRING
        try:
            value = self._key_file.read_text(encoding="utf-8").strip()
        except OSError:
            value = ""
        if value:
            return value, KeySource.FILE
        return None, KeySource.NONE

    def _forget_everywhere(self) -> None:
        self._session_key = None
        available, _ = keyring_backend()
        if available:
            try:
                import keyring
                from keyring.errors import PasswordDeleteError

                with contextlib.suppress(PasswordDeleteError):
                    keyring.delete_password(SERVICE, USERNAME)
            except Exception as exc:
                log.warning("removing the key from the keyring failed: %s", exc.__class__.__name__)
        self._key_file.unlink(missing_ok=True)

    def _write_private_file(self, key: str) -> None:
        self._key_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._key_file.with_suffix(".tmp")
        # Created 0600 from the start: never a moment where another user could read it.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._key_file)
