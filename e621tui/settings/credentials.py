"""API key storage and log redaction.

Keys live in the OS keyring when a real backend is available, otherwise in a JSON file that
is readable only by the user (created 0600 from the start, in a 0700 directory). Every key
the store hands out or receives is registered as a secret; :class:`SecretFilter` and
:func:`redact` then keep it (and its HTTP Basic ``user:key`` form) out of logs and messages.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from e621tui.settings.config import data_dir

__all__ = [
    "API_KEY_ENV",
    "CredentialError",
    "CredentialStore",
    "SecretFilter",
    "api_key_from_env",
    "redact",
    "register_secret",
]

API_KEY_ENV = "E621_API_KEY"
SERVICE_PREFIX = "e621-tui"
REDACTED = "***"
MIN_SECRET_LENGTH = 4
_FILE_VERSION = 1

log = logging.getLogger(__name__)


class CredentialError(Exception):
    """The API key could not be stored (the message never contains the key)."""


# --- secret registry and redaction ---------------------------------------------------------

_secrets_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
_secret_pattern: re.Pattern[str] | None = None
# Runs of base64 (standard or URL-safe alphabet) long enough to hide "user:key".
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")


def register_secret(secret: str) -> None:
    """Add ``secret`` to the process-wide set that :func:`redact` removes.

    Values shorter than ``MIN_SECRET_LENGTH`` are ignored: redacting them would mangle
    ordinary text without protecting anything.
    """
    global _secrets, _secret_pattern
    candidates = {value for value in (secret, secret.strip()) if len(value) >= MIN_SECRET_LENGTH}
    with _secrets_lock:
        if candidates <= _secrets:
            return
        _secrets = _secrets | candidates
        ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
        _secret_pattern = re.compile("|".join(map(re.escape, ordered)))


def _decode_base64(token: str) -> bytes | None:
    data = token.rstrip("=").translate(_URLSAFE_TO_STANDARD)
    if len(data) % 4 == 1:
        return None
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def redact(text: str) -> str:
    """Replace every registered secret, plain or inside base64 (``Basic user:key``), by ``***``."""
    with _secrets_lock:
        pattern, known = _secret_pattern, _secrets
    if pattern is None:
        return text
    text = pattern.sub(REDACTED, text)
    encoded = [value.encode("utf-8") for value in known]

    def hide_encoded(match: re.Match[str]) -> str:
        decoded = _decode_base64(match.group(0))
        if decoded is not None and any(value in decoded for value in encoded):
            return REDACTED
        return match.group(0)

    return _BASE64_RUN.sub(hide_encoded, text)


def _has_secrets() -> bool:
    with _secrets_lock:
        return bool(_secrets)


class SecretFilter(logging.Filter):
    """Redact registered secrets from log records; never drops a record.

    Attach it to *handlers* (``handler.addFilter(SecretFilter())``): filters on a logger do
    not see records propagated from child loggers. The message is formatted and redacted,
    and an exception is rendered to redacted text up front (``exc_text``) so no formatter
    can render the raw traceback later.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place and keep it."""
        if not _has_secrets():
            return True
        try:
            message = record.getMessage()
        # A broken __str__ in any argument can raise anything; fall back to the raw parts.
        except Exception:
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def api_key_from_env() -> str | None:
    """Return ``$E621_API_KEY`` stripped (registered as a secret), or ``None`` if unset/empty."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        return None
    register_secret(key)
    return key


# --- the store -----------------------------------------------------------------------------


def _host_key(host: str) -> str:
    """``"https://E621.net/"`` and ``"e621.net"`` name the same site; ports stay distinct."""
    host = host.strip()
    if "://" in host:
        host = urlsplit(host).netloc.rpartition("@")[2]
    return host.rstrip("/").lower()


def _user_key(username: str) -> str:
    return username.strip().casefold()


def _probe_keyring() -> Any | None:
    """Return the active keyring backend if it is a real, usable one, else ``None``."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring | null.Keyring):
            return None
        if isinstance(backend, chainer.ChainerBackend):
            return backend if backend.backends else None
        # Below 1 are the plaintext/"encrypted file" fallbacks: no better than our own file.
        return backend if float(backend.priority) >= 1 else None
    # Importing or probing backends can fail in many ways (no D-Bus, broken plugins).
    except Exception as exc:
        log.info("keyring unavailable (%s); using the credentials file", type(exc).__name__)
        return None


class _CorruptFile(Exception):
    """The credentials file exists but cannot be understood."""


class CredentialStore:
    """Per-site, per-user API keys in the OS keyring or an owner-only file."""

    def __init__(self, path: Path | None = None, *, use_keyring: bool = True) -> None:
        """Create a store.

        Args:
            path: Fallback file; default ``data_dir()/credentials.json`` (created on first set).
            use_keyring: Try the OS keyring first (tests pass ``False``).
        """
        self._path = path if path is not None else data_dir() / "credentials.json"
        self._use_keyring = use_keyring
        self._keyring: Any | None = None
        self._probed = False
        self._lock = threading.RLock()

    @property
    def path(self) -> Path:
        """The fallback credentials file."""
        return self._path

    @property
    def backend_name(self) -> str:
        """Where keys are stored: ``"keyring (<name>)"`` or ``"file (<path>)"``."""
        backend = self._backend()
        if backend is not None:
            return f"keyring ({getattr(backend, 'name', type(backend).__name__)})"
        return f"file ({self._path})"

    def _backend(self) -> Any | None:
        with self._lock:
            if self._use_keyring and not self._probed:
                self._keyring = _probe_keyring()
                self._probed = True
            return self._keyring

    def _keyring_failed(self, action: str, exc: Exception) -> None:
        log.warning(
            "keyring %s failed (%s: %s); using the credentials file %s",
            action,
            type(exc).__name__,
            redact(str(exc)),
            self._path,
        )
        with self._lock:
            self._keyring = None

    def get(self, host: str, username: str) -> str | None:
        """Return the stored API key for ``username`` on ``host``, or ``None``."""
        service, user = f"{SERVICE_PREFIX}:{_host_key(host)}", _user_key(username)
        backend = self._backend()
        if backend is not None:
            try:
                key = backend.get_password(service, user)
            # Backends raise their own exception types (D-Bus, locked collections, ...).
            except Exception as exc:
                self._keyring_failed("read", exc)
            else:
                if key:
                    register_secret(key)
                    return str(key)
        with self._lock:
            try:
                key = self._read_file().get(_host_key(host), {}).get(user)
            except _CorruptFile as exc:
                log.warning("ignoring unreadable credentials file %s: %s", self._path, exc)
                return None
        if key:
            register_secret(key)
        return key

    def set(self, host: str, username: str, api_key: str) -> None:
        """Store ``api_key`` for ``username`` on ``host``.

        Raises:
            CredentialError: neither the keyring nor the file could store it.
        """
        api_key = api_key.strip()
        if not api_key:
            raise CredentialError("the API key is empty")
        register_secret(api_key)
        service, user = f"{SERVICE_PREFIX}:{_host_key(host)}", _user_key(username)
        backend = self._backend()
        if backend is not None:
            try:
                backend.set_password(service, user, api_key)
            except Exception as exc:  # backend-specific errors, see get()
                self._keyring_failed("write", exc)
            else:
                self._remove_from_file(host, username)  # no stale copy left on disk
                return
        with self._lock:
            try:
                data = self._read_file()
            except _CorruptFile as exc:
                self._move_aside(exc)
                data = {}
            data.setdefault(_host_key(host), {})[user] = api_key
            self._write_file(data)

    def delete(self, host: str, username: str) -> None:
        """Forget the key for ``username`` on ``host`` (no error if there is none)."""
        service, user = f"{SERVICE_PREFIX}:{_host_key(host)}", _user_key(username)
        backend = self._backend()
        if backend is not None:
            try:
                if backend.get_password(service, user) is not None:
                    backend.delete_password(service, user)
            except Exception as exc:  # backend-specific errors, see get()
                self._keyring_failed("delete", exc)
        self._remove_from_file(host, username)

    def _remove_from_file(self, host: str, username: str) -> None:
        with self._lock:
            try:
                data = self._read_file()
            except _CorruptFile:
                return  # nothing we can safely remove; never rewrite a file we cannot read
            users = data.get(_host_key(host), {})
            if users.pop(_user_key(username), None) is None:
                return
            if not users:
                del data[_host_key(host)]
            self._write_file(data)

    def _read_file(self) -> dict[str, dict[str, str]]:
        try:
            raw = self._path.read_text(encoding="utf-8")
            mode = self._path.stat().st_mode
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise _CorruptFile(type(exc).__name__) from None
        if os.name == "posix" and mode & 0o077:
            log.warning("credentials file %s is readable by other users; chmod 600 it", self._path)
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _CorruptFile(f"not JSON (line {exc.lineno})") from None
        table = document.get("credentials") if isinstance(document, dict) else None
        if not isinstance(table, dict):
            raise _CorruptFile("unexpected structure")
        return {
            str(host): {str(u): k for u, k in users.items() if isinstance(k, str) and k}
            for host, users in table.items()
            if isinstance(users, dict)
        }

    def _move_aside(self, reason: _CorruptFile) -> None:
        backup = self._path.with_name(self._path.name + ".corrupt")
        log.warning(
            "credentials file %s is unreadable (%s); moving it to %s", self._path, reason, backup
        )
        try:
            os.replace(self._path, backup)
        except OSError as exc:
            raise CredentialError(f"cannot move aside {self._path}: {exc.strerror}") from None

    def _write_file(self, data: dict[str, dict[str, str]]) -> None:
        parent = self._path.parent
        tmp = parent / f".{self._path.name}.{secrets.token_hex(8)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        document = {"version": _FILE_VERSION, "credentials": data}
        try:
            parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Owner-only from the first byte: the mode is given at creation, umask can only
            # narrow it, and the file is never written first and chmod-ed later.
            fd = os.open(tmp, flags, 0o600)
        except OSError as exc:
            raise CredentialError(f"cannot write {self._path}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CredentialError(f"cannot write {self._path}: {exc.strerror}") from None
