"""Tests for e621tui.settings.credentials: the API key store and secret redaction."""

from __future__ import annotations

import base64
import io
import logging
import os
import stat
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring.core
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail

from e621tui.settings import credentials
from e621tui.settings.credentials import (
    CredentialError,
    CredentialStore,
    SecretFilter,
    api_key_from_env,
    redact,
    register_secret,
)

KEY = "Zx8Qw3Rt5Yu7Io9PaSdFgHjK"


@pytest.fixture(autouse=True)
def _fresh_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start each test with an empty process-wide secret set."""
    monkeypatch.setattr(credentials, "_secrets", frozenset())
    monkeypatch.setattr(credentials, "_secret_pattern", None)


@pytest.fixture
def store(tmp_path: Path) -> CredentialStore:
    return CredentialStore(tmp_path / "data" / "credentials.json", use_keyring=False)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_file_is_0600_from_creation(
    store: CredentialStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open
    created: list[tuple[int, int, int]] = []

    def spy_open(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        fd = real_open(path, flags, mode, **kwargs)
        if str(path).endswith(".tmp"):
            info = os.fstat(fd)
            created.append((flags, stat.S_IMODE(info.st_mode), info.st_size))
        return fd

    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the credentials file must not be chmod-ed after creation")

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "chmod", forbidden)
    monkeypatch.setattr(os, "fchmod", forbidden)
    store.set("e621.net", "fox", KEY)

    assert len(created) == 1
    flags, mode, size = created[0]
    assert flags & os.O_CREAT and flags & os.O_EXCL
    assert (mode, size) == (0o600, 0)
    assert mode_of(store.path) == 0o600
    assert mode_of(store.path.parent) == 0o700
    assert [p.name for p in store.path.parent.iterdir()] == ["credentials.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_umask_zero_does_not_widen_modes(store: CredentialStore) -> None:
    old = os.umask(0)
    try:
        store.set("e621.net", "fox", KEY)
    finally:
        os.umask(old)
    assert mode_of(store.path) == 0o600
    assert mode_of(store.path.parent) == 0o700


def test_round_trip_delete_and_isolation(store: CredentialStore) -> None:
    assert store.get("e621.net", "fox") is None
    store.set("e621.net", "fox", KEY)
    store.set("e621.net", "wolf", "wolfkey123")
    store.set("e926.net", "fox", "safekey456")
    store.set("127.0.0.1:3000", "fox", "demokey789")

    assert store.get("e621.net", "fox") == KEY
    assert store.get("https://E621.net/", "Fox") == KEY
    assert store.get("e621.net", "wolf") == "wolfkey123"
    assert store.get("e926.net", "fox") == "safekey456"
    assert store.get("127.0.0.1:3000", "fox") == "demokey789"
    assert store.get("127.0.0.1:4000", "fox") is None

    store.set("e621.net", "fox", "  replaced-key \n")
    assert store.get("e621.net", "fox") == "replaced-key"
    store.delete("e621.net", "fox")
    assert store.get("e621.net", "fox") is None
    assert store.get("e621.net", "wolf") == "wolfkey123"
    store.delete("e621.net", "nobody")  # no error

    reopened = CredentialStore(store.path, use_keyring=False)
    assert reopened.get("e926.net", "fox") == "safekey456"
    assert mode_of(store.path) == 0o600 or os.name != "posix"


def test_empty_key_is_rejected(store: CredentialStore) -> None:
    with pytest.raises(CredentialError):
        store.set("e621.net", "fox", "   ")
    assert not store.path.exists()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[]", b'{"credentials": 5}', b"\xff\xfe\x00garbage", b""],
)
def test_corrupt_file_is_not_used_or_overwritten_silently(
    store: CredentialStore, content: bytes
) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)

    assert store.get("e621.net", "fox") is None
    store.delete("e621.net", "fox")
    assert store.path.read_bytes() == content

    store.set("e621.net", "fox", KEY)
    assert store.get("e621.net", "fox") == KEY
    backup = store.path.with_name("credentials.json.corrupt")
    assert backup.read_bytes() == content


def test_write_failure_message_never_contains_key(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    store = CredentialStore(blocker / "credentials.json", use_keyring=False)
    with pytest.raises(CredentialError) as info:
        store.set("e621.net", "fox", KEY)
    assert KEY not in str(info.value)
    assert "credentials.json" in str(info.value)


def test_backend_name_file(store: CredentialStore) -> None:
    assert store.backend_name == f"file ({store.path})"


def test_default_path_is_in_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    default = CredentialStore(use_keyring=False)
    assert default.path == tmp_path / "e621-tui" / "credentials.json"
    assert not default.path.parent.exists()


# --- keyring backends ----------------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    """A real keyring backend class that keeps passwords in memory."""

    priority = 5.0

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring is untyped here
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.passwords[(service, username)]


class BrokenKeyring(MemoryKeyring):
    """Claims to be usable but fails on every call (e.g. a locked collection)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"cannot store {password}")


class PlaintextKeyring(MemoryKeyring):
    priority = 0.5


@pytest.fixture
def active_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def activate(backend: KeyringBackend) -> KeyringBackend:
        monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
        return backend

    yield activate


def test_keyring_is_used_when_real(tmp_path: Path, active_keyring: Any) -> None:
    backend = active_keyring(MemoryKeyring())
    store = CredentialStore(tmp_path / "credentials.json")
    store.set("e621.net", "Fox", KEY)
    assert backend.passwords == {("e621-tui:e621.net", "fox"): KEY}
    assert store.get("https://e621.net", "fox") == KEY
    assert not store.path.exists()
    assert store.backend_name.startswith("keyring (")
    store.delete("e621.net", "fox")
    assert backend.passwords == {}


def test_keyring_set_removes_stale_file_copy(tmp_path: Path, active_keyring: Any) -> None:
    path = tmp_path / "credentials.json"
    CredentialStore(path, use_keyring=False).set("e621.net", "fox", "oldkey-in-file")
    backend = active_keyring(MemoryKeyring())
    store = CredentialStore(path)
    assert store.get("e621.net", "fox") == "oldkey-in-file"  # still found after migration
    store.set("e621.net", "fox", KEY)
    assert "oldkey-in-file" not in path.read_text()
    assert backend.passwords[("e621-tui:e621.net", "fox")] == KEY


@pytest.mark.parametrize(
    "make_backend",
    [fail.Keyring, PlaintextKeyring, chainer.ChainerBackend],
    ids=["fail", "plaintext", "empty-chainer"],
)
def test_unusable_keyrings_fall_back_to_file(
    tmp_path: Path, active_keyring: Any, monkeypatch: pytest.MonkeyPatch, make_backend: Any
) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    active_keyring(make_backend())
    store = CredentialStore(tmp_path / "credentials.json")
    assert store.backend_name.startswith("file (")
    store.set("e621.net", "fox", KEY)
    assert store.get("e621.net", "fox") == KEY
    assert store.path.exists()


def test_keyring_errors_fall_back_to_file(
    tmp_path: Path, active_keyring: Any, caplog: pytest.LogCaptureFixture
) -> None:
    active_keyring(BrokenKeyring())
    store = CredentialStore(tmp_path / "credentials.json")
    with caplog.at_level(logging.WARNING):
        store.set("e621.net", "fox", KEY)
    assert store.get("e621.net", "fox") == KEY
    assert store.backend_name.startswith("file (")
    assert "PasswordSetError" in caplog.text
    assert KEY not in caplog.text


# --- redaction -----------------------------------------------------------------------------


def basic(user: str, key: str) -> str:
    return base64.b64encode(f"{user}:{key}".encode()).decode()


def test_redact_plain_and_basic_forms() -> None:
    assert redact(f"key={KEY}") == f"key={KEY}"  # nothing registered yet
    register_secret(KEY)
    assert redact(f"GET /posts.json?api_key={KEY}&x=1") == "GET /posts.json?api_key=***&x=1"
    assert redact(f"Authorization: Basic {basic('fox', KEY)}") == "Authorization: Basic ***"
    for user in ("a", "ab", "abc", "some_long_user_name"):  # every base64 alignment
        assert KEY not in redact(basic(user, KEY)) and "***" in redact(basic(user, KEY))
    urlsafe = base64.urlsafe_b64encode(f"fox:{KEY}".encode()).decode()
    assert redact(urlsafe) == "***"
    assert redact("ordinary text dGhpcyBpcyBmaW5l") == "ordinary text dGhpcyBpcyBmaW5l"


def test_short_or_blank_secrets_are_ignored() -> None:
    register_secret("ab")
    register_secret("   ")
    assert redact("abc ab") == "abc ab"


def test_api_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("E621_API_KEY", raising=False)
    assert api_key_from_env() is None
    monkeypatch.setenv("E621_API_KEY", "   ")
    assert api_key_from_env() is None
    monkeypatch.setenv("E621_API_KEY", f"  {KEY}\n")
    assert api_key_from_env() == KEY
    assert redact(KEY) == "***"


def test_store_registers_keys_it_handles(store: CredentialStore) -> None:
    store.set("e621.net", "fox", KEY)
    assert redact(KEY) == "***"


def test_secret_filter_on_real_logger() -> None:
    register_secret(KEY)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(SecretFilter())
    logger = logging.getLogger("e621tui.test.secretfilter")
    logger.addHandler(handler)
    logger.propagate = False
    child = logger.getChild("client")  # propagated records must be filtered too
    try:
        logger.warning("request failed: api_key=%s", KEY)
        child.info("header %r", {"Authorization": f"Basic {basic('fox', KEY)}"})
        try:
            raise ValueError(f"server rejected key {KEY}")
        except ValueError:
            child.exception("login failed for %s", "fox")
        logger.warning("stack", stack_info=True, extra={"note": KEY})
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert KEY not in output
    assert basic("fox", KEY) not in output
    assert "api_key=***" in output
    assert "Traceback (most recent call last)" in output
    assert "ValueError: server rejected key ***" in output
    assert "login failed for fox" in output


class RawTracebackHandler(logging.Handler):
    """Renders ``exc_info`` itself, as rich/third-party handlers do, bypassing exc_text."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "".join(traceback.format_exception(*record.exc_info))
        self.rendered.append(text + (record.exc_text or ""))


def test_secret_filter_protects_handlers_that_render_exc_info() -> None:
    register_secret(KEY)
    handler = RawTracebackHandler()
    handler.addFilter(SecretFilter())
    logger = logging.getLogger("e621tui.test.rawtraceback")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError(f"bad key {KEY}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert len(handler.rendered) == 1
    assert KEY not in handler.rendered[0]
    assert "RuntimeError: bad key ***" in handler.rendered[0]


def test_import_is_light() -> None:
    code = (
        "import sys, e621tui.settings.credentials; "
        "assert 'textual' not in sys.modules and 'keyring' not in sys.modules; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
