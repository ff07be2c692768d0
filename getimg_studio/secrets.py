"""Where the API key lives: the OS keyring first, `GETIMG_API_KEY` overriding it.

When no keyring backend exists (a headless Linux box, a minimal desktop), the app says so and the
creator chooses between keeping the key for this session only or in a file only they can read. It
never falls back silently. The key is never written to settings, logs or the history database.
The backend is named as what it is ("KDE Wallet", "the macOS Keychain"): a backend that keeps secrets in
a plain file (keyrings.alt) is never offered as the system keyring.

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
from typing import Any
from urllib.parse import urlsplit

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
            "keyring": "the keyring",
            "file": "a file only you can read",
            "session": "this session only",
            "none": "nowhere",
        }[self.value]


@dataclass(frozen=True, slots=True)
class KeyStatus:
    key: str | None
    source: KeySource
    keyring_available: bool  # a real system keyring (not a plain file) can keep the key
    keyring_name: str  # what that keyring is, in words ("KDE Wallet"), or why there is none
    stored_key_overridden: bool = False  # a stored key exists but GETIMG_API_KEY wins

    @property
    def where(self) -> str:
        """Where the key in use lives, naming the real keyring backend."""
        if self.source is KeySource.KEYRING:
            return self.keyring_name
        return self.source.label


# Backends that keep secrets in the desktop's own protected store, by the name a person knows them by.
_SYSTEM_BACKENDS = {
    "keyring.backends.SecretService.Keyring": "the desktop keyring (Secret Service)",
    "keyring.backends.libsecret.Keyring": "the desktop keyring (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KDE Wallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KDE Wallet",
    "keyring.backends.macOS.Keyring": "the macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
}


def _effective(backend: Any) -> Any:
    """The chainer stores in its highest-priority backend: that is the one to name."""
    members = getattr(backend, "backends", None)
    if type(backend).__name__ == "ChainerBackend" and members is not None:
        ranked = sorted(members, key=lambda b: getattr(b, "priority", 0), reverse=True)
        return ranked[0] if ranked else None
    return backend


def describe_backend(backend: Any) -> tuple[bool, str]:
    """Whether `backend` is a real system keyring, and what to call it. A plain-file backend is never one."""
    from keyring.backends import fail, null

    backend = _effective(backend)
    if backend is None or isinstance(backend, fail.Keyring | null.Keyring):
        return False, "no keyring backend is installed"
    try:
        priority = float(getattr(backend, "priority", 1))
    except Exception:  # a backend says it cannot work here (no D-Bus session) by raising from `priority`
        priority = 0.0
    cls = type(backend)
    if priority <= 0:
        return False, f"the {cls.__name__} keyring cannot be used here"
    if any(k.__module__.startswith("keyrings.alt") for k in cls.__mro__):
        # keyrings.alt's backends write the secret, at best obfuscated, into a file in the home folder.
        where = getattr(backend, "file_path", "") or "a file"
        return False, f"only {cls.__name__} is installed, which keeps secrets in a plain file ({where})"
    known = (_SYSTEM_BACKENDS.get(f"{k.__module__}.{k.__name__}") for k in cls.__mro__)
    return True, next((name for name in known if name), f"the {cls.__name__} keyring")


def keyring_backend() -> tuple[bool, str]:
    """Whether a real keyring backend exists, and its name. Blocking."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # keyring raises assorted errors when D-Bus or a wallet is missing
        return False, f"the keyring is unavailable ({exc.__class__.__name__})"
    try:
        return describe_backend(backend)
    except Exception as exc:
        return False, f"the keyring is unavailable ({exc.__class__.__name__})"


class KeyCheck(StrEnum):
    WORKS = "works"
    REFUSED = "refused"  # getimg answered and said no: the key is wrong, revoked, or lacks access
    UNREACHABLE = "unreachable"  # no answer from getimg: the key was not tested at all
    FAILED = "failed"  # getimg answered with something else (a server error)


@dataclass(frozen=True, slots=True)
class KeyCheckResult:
    outcome: KeyCheck
    message: str  # for the creator


async def check_key(base_url: str, key: str) -> KeyCheckResult:
    """Ask getimg for the balance with `key`: tells a refused key from a server that could not be reached."""
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.errors import ErrorKind, GetimgError
    from getimg_studio.api.types import format_money

    host = urlsplit(base_url).netloc or base_url
    client = GetimgClient(base_url, key, read_retries=0)
    try:
        balance = await client.balance()
    except GetimgError as exc:
        if exc.kind in (ErrorKind.AUTH, ErrorKind.QUOTA) or exc.status == 403:
            return KeyCheckResult(KeyCheck.REFUSED, f"getimg refused this key: {exc.message}")
        if exc.kind in (ErrorKind.OFFLINE, ErrorKind.TIMEOUT):
            return KeyCheckResult(KeyCheck.UNREACHABLE, f"{host} could not be reached, so the key was not tested: "
                                                        f"{exc.message}")
        return KeyCheckResult(KeyCheck.FAILED, f"{host} answered with an error, so the key was not tested: "
                                               f"{exc.message}")
    finally:
        await client.aclose()
    return KeyCheckResult(KeyCheck.WORKS, f"The key works. Balance: {format_money(balance.amount, balance.currency)}.")


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
        if where is KeySource.KEYRING:
            available, name = keyring_backend()
            if not available:  # never let a plain-file backend pass for the system keyring
                raise ValueError(f"there is no system keyring: {name}")
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
