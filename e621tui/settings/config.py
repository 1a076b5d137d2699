"""Typed user settings: a TOML file in the platform config directory, plus CLI overrides.

Path precedence: an explicit path (``--config``) > ``$E621_TUI_CONFIG`` > the platform default.
Loading never raises and never writes; problems come back as human-readable warnings and the
affected setting keeps its default. Directories are created only when saving.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from e621tui.settings import toml_write

__all__ = [
    "CONFIG_ENV",
    "GRAPHICS_MODES",
    "SITES",
    "ConfigError",
    "Settings",
    "apply_overrides",
    "cache_dir",
    "check_base_url",
    "data_dir",
    "default_config_path",
    "load_settings",
    "resolve_config_path",
    "save_settings",
    "settings_to_toml",
]

APP_NAME = "e621-tui"
GRAPHICS_MODES = ("auto", "kitty", "sixel", "halfcell", "none")
SITES = {"e621": "https://e621.net", "e926": "https://e926.net"}
CONFIG_ENV = "E621_TUI_CONFIG"
MAX_PAGE_SIZE = 320
MAX_REQUEST_RATE = 1.0
MAX_THUMB_CACHE_MB = 100_000
_TOML_HEADER = "e621-tui settings (rewritten by the app; comments are not kept)"


class ConfigError(Exception):
    """A setting value or the config file itself is unusable."""


@dataclass
class Settings:
    """All user settings, with their defaults."""

    site: str = "e621"
    """Which site to browse: ``e621`` or ``e926`` (e926 only shows safe content)."""
    base_url: str | None = None
    """Root URL of any e621ng-compatible site; overrides ``site``. ``http://`` only for loopback."""
    username: str | None = None
    """Account name; the API key comes from ``E621_API_KEY`` or the credential store."""
    graphics: str = "auto"
    """Image rendering: ``auto``, ``kitty``, ``sixel``, ``halfcell`` or ``none``."""
    page_size: int = 60
    """Posts per page (1-320)."""
    request_rate: float = 1.0
    """Sustained API requests per second; may be lowered, never above 1.0."""
    thumb_cache_mb: int = 200
    """Disk space for cached preview images, in MiB (0 disables the disk cache)."""
    safe_mode: bool = False
    """Only show posts rated safe."""
    blacklist: str = ""
    """Local blacklist, one rule per line, in the site's blacklist grammar."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Key overrides: binding id -> comma-separated keys, e.g. ``{"vote_up": "u,+"}``."""
    external_viewer: str | None = None
    """Command used to open videos and originals; default is the system opener."""
    download_dir: str | None = None
    """Where ``d`` saves originals; default is the platform downloads directory."""

    @property
    def effective_base_url(self) -> str:
        """The site root requests go to, without a trailing slash."""
        if self.base_url:
            return self.base_url.rstrip("/")
        return SITES.get(self.site, SITES["e621"])

    @property
    def effective_safe_mode(self) -> bool:
        """Whether only safe posts should be shown (``safe_mode`` or browsing e926)."""
        return self.safe_mode or (self.base_url is None and self.site == "e926")


def default_config_path() -> Path:
    """The platform's config file location (not created)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def data_dir() -> Path:
    """The platform's per-user data directory for the app (not created)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The platform's per-user cache directory for the app (not created)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def resolve_config_path(path: Path | str | None = None) -> Path:
    """Return the config file to use: ``path`` > ``$E621_TUI_CONFIG`` > the default."""
    if path is not None and str(path) != "":
        return Path(path).expanduser()
    env = os.environ.get(CONFIG_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return default_config_path()


_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """Validate a site root URL and return it without a trailing slash.

    Raises:
        ConfigError: not http(s), has credentials/query/fragment, or plain ``http://`` for a
            host that is not loopback.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        _ = parts.port
    except ValueError as exc:
        raise ConfigError(f"not a valid URL: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"expected an http(s) URL like https://e621.net, got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ConfigError("the URL must not contain a user name or password")
    if parts.query or parts.fragment:
        raise ConfigError(f"the URL must not have a query or fragment: {url!r}")
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigError(f"plain http:// is only allowed for loopback hosts, not {host!r}")
    return url.strip().rstrip("/")


# --- validation ----------------------------------------------------------------------------

_Validator = Callable[[Any], tuple[Any, str | None]]
"""Turns a raw value into a setting value plus an optional note, or raises ConfigError."""


def _choice(options: tuple[str, ...] | Mapping[str, str]) -> _Validator:
    def check(value: Any) -> tuple[Any, str | None]:
        if not isinstance(value, str) or value not in options:
            raise ConfigError(f"expected one of {', '.join(options)}, got {value!r}")
        return value, None

    return check


def _int_range(low: int, high: int) -> _Validator:
    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"expected a whole number, got {value!r}")
        if not low <= value <= high:
            raise ConfigError(f"must be between {low} and {high}, got {value}")
        return value, None

    return check


def _request_rate(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"expected a number, got {value!r}")
    rate = float(value)
    if not math.isfinite(rate) or rate <= 0:
        raise ConfigError(f"must be greater than 0, got {value!r}")
    if rate > MAX_REQUEST_RATE:
        return MAX_REQUEST_RATE, f"{value} is above the site limit; using {MAX_REQUEST_RATE}"
    return rate, None


def _bool(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        raise ConfigError(f"expected true or false, got {value!r}")
    return value, None


def _string(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        raise ConfigError(f"expected a string, got {value!r}")
    return value, None


def _optional_string(value: Any) -> tuple[Any, str | None]:
    text, _ = _string(value)
    return (text.strip() or None), None


def _username(value: Any) -> tuple[Any, str | None]:
    text, _ = _optional_string(value)
    if text is not None and (not text.isprintable() or any(ch.isspace() for ch in text)):
        raise ConfigError(f"not a valid user name: {text!r}")
    return text, None


def _base_url(value: Any) -> tuple[Any, str | None]:
    text, _ = _optional_string(value)
    return (None if text is None else check_base_url(text)), None


def _keymap(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, dict):
        raise ConfigError(f"expected a table of binding id = keys, got {value!r}")
    keymap: dict[str, str] = {}
    skipped: list[str] = []
    for binding, keys in value.items():
        if isinstance(keys, list) and all(isinstance(key, str) for key in keys):
            keys = ",".join(key.strip() for key in keys if key.strip())
        if isinstance(keys, str) and keys.strip():
            keymap[binding] = keys.strip()
        else:
            skipped.append(binding)
    note = f'ignored entries without keys (expected a string like "u,+"): {", ".join(skipped)}'
    return keymap, (note if skipped else None)


_VALIDATORS: dict[str, _Validator] = {
    "site": _choice(SITES),
    "base_url": _base_url,
    "username": _username,
    "graphics": _choice(GRAPHICS_MODES),
    "page_size": _int_range(1, MAX_PAGE_SIZE),
    "request_rate": _request_rate,
    "thumb_cache_mb": _int_range(0, MAX_THUMB_CACHE_MB),
    "safe_mode": _bool,
    "blacklist": _string,
    "keymap": _keymap,
    "external_viewer": _optional_string,
    "download_dir": _optional_string,
}


# --- loading -------------------------------------------------------------------------------


def _key_line(text: str, key: str) -> int | None:
    """Best-effort 1-based line number where ``key`` is assigned or opened as a table."""
    name = re.escape(key)
    pattern = rf"""^[ \t]*(?:\[[ \t]*)?(?:{name}|"{name}"|'{name}')[ \t]*(?:=|\])"""
    match = re.search(pattern, text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _where(path: Path, text: str, key: str) -> str:
    line = _key_line(text, key)
    return f"{path}: line {line}" if line else f"{path}"


def _read_text(path: Path) -> str:
    """Read the config file as UTF-8; FileNotFoundError means "no config"."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_settings(path: Path | str | None = None) -> tuple[Settings, list[str]]:
    """Load settings, falling back to defaults for anything missing or invalid.

    Args:
        path: Config file; ``None`` means ``$E621_TUI_CONFIG`` or the platform default.

    Returns:
        The settings and a list of warnings for the user (each names the file and, where it
        can, the line). Never raises and never writes the file.
    """
    config_path = resolve_config_path(path)
    try:
        text = _read_text(config_path)
        raw = _parse(config_path, text)
    except FileNotFoundError:
        return Settings(), []
    except ConfigError as exc:
        return Settings(), [f"{exc}; using default settings"]
    except OSError as exc:
        return Settings(), [f"{config_path}: cannot read ({exc.strerror or exc}); using defaults"]
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        validator = _VALIDATORS.get(key)
        if validator is None:
            warnings.append(f"{_where(config_path, text, key)}: unknown setting {key!r} ignored")
            continue
        try:
            values[key], note = validator(value)
        except ConfigError as exc:
            warnings.append(f"{_where(config_path, text, key)}: {key}: {exc}; using the default")
            continue
        if note:
            warnings.append(f"{_where(config_path, text, key)}: {key}: {note}")
    return Settings(**values), warnings


def apply_overrides(settings: Settings, **cli_values: Any) -> Settings:
    """Return a copy of ``settings`` with command-line values applied (``None`` = not given).

    Raises:
        TypeError: an unknown setting name.
        ConfigError: an invalid value (the message names the option).
    """
    changes: dict[str, Any] = {}
    for key, value in cli_values.items():
        validator = _VALIDATORS.get(key)
        if validator is None:
            raise TypeError(f"unknown setting: {key}")
        if value is None:
            continue
        try:
            changes[key], _ = validator(value)
        except ConfigError as exc:
            raise ConfigError(f"--{key.replace('_', '-')}: {exc}") from None
    return dataclasses.replace(settings, **changes)


# --- saving --------------------------------------------------------------------------------


def settings_to_toml(settings: Settings) -> str:
    """Render settings as TOML (``None`` values are left out)."""
    values = {item.name: getattr(settings, item.name) for item in dataclasses.fields(settings)}
    try:
        return toml_write.dumps(values, header=_TOML_HEADER)
    except TypeError as exc:
        raise ConfigError(str(exc)) from None


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings to ``path`` atomically, creating parent directories.

    Raises:
        ConfigError: the existing file is invalid (it is left untouched so the user's edits
            are not lost) or it cannot be written.
    """
    try:
        _parse(path, _read_text(path))
        mode: int | None = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = None  # a new file keeps mkstemp's owner-only mode
    except ConfigError as exc:
        raise ConfigError(f"{exc}; not overwriting it - fix or remove the file first") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = settings_to_toml(settings)
    tomllib.loads(text)  # our own writer must always produce valid TOML
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write ({exc.strerror or exc})") from None
