from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from getimg_studio.secrets import ENV_VAR, KeySource, KeyStore


def test_keyring_first(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "api-key", env={})
    store.save("sk-test-123", KeySource.KEYRING)
    status = store.load()
    assert (status.key, status.source, status.keyring_available) == ("sk-test-123", KeySource.KEYRING, True)
    assert not (tmp_path / "api-key").exists()


def test_environment_overrides_a_stored_key(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "api-key", env={ENV_VAR: "from-env"})
    store.save("stored", KeySource.KEYRING)
    status = store.load()
    assert status.key == "from-env"
    assert status.source is KeySource.ENV
    assert status.stored_key_overridden


def test_remove_forgets_everywhere(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "api-key", env={})
    store.save("one", KeySource.KEYRING)
    store.remove()
    assert store.load().source is KeySource.NONE


@pytest.fixture
def no_keyring() -> object:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield None
    keyring.set_keyring(previous)


@pytest.mark.usefixtures("no_keyring")
def test_without_a_backend_it_says_so_and_uses_a_private_file(tmp_path: Path) -> None:
    key_file = tmp_path / "cfg" / "api-key"
    store = KeyStore(key_file, env={})
    assert store.load().keyring_available is False
    store.save("file-key", KeySource.FILE)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    status = KeyStore(key_file, env={}).load()
    assert (status.key, status.source) == ("file-key", KeySource.FILE)


@pytest.mark.usefixtures("no_keyring")
def test_session_only_key_is_not_written_anywhere(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "api-key", env={})
    store.save("session-key", KeySource.SESSION)
    assert store.load().source is KeySource.SESSION
    assert not any(tmp_path.iterdir())
    assert KeyStore(tmp_path / "api-key", env={}).load().key is None


def test_async_load_runs_off_the_loop(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "api-key", env={})
    store.save("k-async", KeySource.KEYRING)
    assert asyncio.run(store.aload()).key == "k-async"


def test_a_plain_file_backend_is_never_called_the_system_keyring(tmp_path: Path) -> None:
    from keyrings.alt.file import PlaintextKeyring

    from getimg_studio.secrets import describe_backend

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    usable, name = describe_backend(backend)
    assert not usable
    assert "plain file" in name
    assert "PlaintextKeyring" in name
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        store = KeyStore(tmp_path / "api-key", env={})
        status = store.load()
        assert not status.keyring_available
        with pytest.raises(ValueError, match="no system keyring"):
            store.save("sk-plain", KeySource.KEYRING)
        assert not (tmp_path / "keyring_pass.cfg").exists()
    finally:
        keyring.set_keyring(previous)


def test_system_backends_are_named_as_people_know_them() -> None:
    from keyring.backends import SecretService, null

    from getimg_studio.secrets import describe_backend

    class SessionKeyring(SecretService.Keyring):  # as on a desktop with a D-Bus session
        priority = 5  # type: ignore[assignment]

    assert describe_backend(SessionKeyring()) == (True, "the desktop keyring (Secret Service)")
    assert describe_backend(null.Keyring())[0] is False
    assert describe_backend(fail.Keyring()) == (False, "no keyring backend is installed")
