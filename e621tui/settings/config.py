"""Typed user settings: a TOML file in the platform config directory, plus CLI overrides.

The settings are a msgspec `Struct`: each key's type and range is declared once, beside its
documentation, and msgspec checks values and names the problem. Writing the file back (keeping
the user's comments and layout) is `config_file`.

Path precedence: an explicit path (``--config``) > ``$E621_TUI_CONFIG`` > the platform default.
Loading never raises and never writes; problems come back as human-readable warnings and the
affected setting keeps its default. Directories are created only when saving.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import msgspec
import platformdirs

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
]

APP_NAME = "e621-tui"
GraphicsMode = Literal["auto", "kitty", "kitty-direct", "sixel", "halfcell", "none"]
GRAPHICS_MODES: tuple[str, ...] = get_args(GraphicsMode)
SITES = {"e621": "https://e621.net", "e926": "https://e926.net"}
CONFIG_ENV = "E621_TUI_CONFIG"
MAX_PAGE_SIZE = 320
MAX_REQUEST_RATE = 1.0
MAX_THUMB_CACHE_MB = 100_000


class ConfigError(Exception):
    """A setting value or the config file itself is unusable."""


class Settings(msgspec.Struct, kw_only=True):
    """All user settings, with their defaults."""

    site: Literal["e621", "e926"] = "e621"
    """Which site to browse: ``e621`` or ``e926`` (e926 only shows safe content)."""
    base_url: str | None = None
    """Root URL of any e621ng-compatible site; overrides ``site``. ``http://`` only for loopback."""
    username: str | None = None
    """Account name; the API key comes from ``E621_API_KEY`` or the credential store."""
    graphics: GraphicsMode = "auto"
    """Image rendering: ``auto`` (ask the terminal), ``kitty`` (Unicode placeholders, also
    through tmux), ``kitty-direct`` (placements: kitty before 0.28, not in tmux), ``sixel``,
    ``halfcell`` or ``none``."""
    page_size: Annotated[int, msgspec.Meta(ge=1, le=MAX_PAGE_SIZE)] = 60
    """Posts per page (1-320)."""
    request_rate: Annotated[float, msgspec.Meta(gt=0)] = 1.0
    """Sustained API requests per second; may be lowered, never above 1.0."""
    thumb_cache_mb: Annotated[int, msgspec.Meta(ge=0, le=MAX_THUMB_CACHE_MB)] = 200
    """Disk space for cached preview images, in MiB (0 disables the disk cache)."""
    safe_mode: bool = False
    """Only show posts rated safe."""
    blacklist: str = ""
    """Local blacklist, one rule per line, in the site's blacklist grammar."""
    keymap: dict[str, str] = msgspec.field(default_factory=dict)
    """Key overrides: binding id -> comma-separated keys, e.g. ``{"vote_up": "u,+"}``."""
    follows: list[str] = msgspec.field(default_factory=list)
    """Followed tags: their new posts make up the feed (``e621-tui --feed``)."""
    saved_searches: dict[str, str] = msgspec.field(default_factory=dict)
    """Named queries, offered in the command palette and the search box."""
    download_dir: str | None = None
    """Where downloads go; default: the platform downloads folder + ``e621-tui``."""
    download_template: str | None = None
    """Path of a downloaded post inside ``download_dir``, e.g. ``{artist}/{id}.{ext}``."""
    pool_template: str | None = None
    """Path of a post downloaded from a pool, e.g. ``{pool_name}/{index:04} - {id}.{ext}``."""
    player: str = "mpv"
    """The video player for webm/mp4/gif posts."""
    player_args: list[str] = msgspec.field(default_factory=list)
    """Extra arguments for the player."""

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


FIELDS: dict[str, msgspec.structs.FieldInfo] = {f.name: f for f in msgspec.structs.fields(Settings)}


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
    from urllib.parse import urlsplit

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


# --- checks beyond types and ranges --------------------------------------------------------

Note = str | None
"""A remark for the user about a value that was accepted after a change."""


def _optional_text(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def _base_url(value: str | None) -> tuple[Any, Note]:
    text = _optional_text(value)
    return (None if text is None else check_base_url(text)), None


def _username(value: str | None) -> tuple[Any, Note]:
    text = _optional_text(value)
    if text is not None and (not text.isprintable() or any(ch.isspace() for ch in text)):
        raise ConfigError(f"not a valid user name: {text!r}")
    return text, None


def _request_rate(value: float) -> tuple[Any, Note]:
    if value > MAX_REQUEST_RATE:
        return MAX_REQUEST_RATE, f"{value:g} is above the site limit; using {MAX_REQUEST_RATE}"
    return float(value), None


def _follows(value: list[str]) -> tuple[Any, Note]:
    tags = [tag.strip().lower() for tag in value if tag.strip()]
    return list(dict.fromkeys(tags)), None


_CHECKS: dict[str, Callable[[Any], tuple[Any, Note]]] = {
    "base_url": _base_url,
    "username": _username,
    "request_rate": _request_rate,
    "download_dir": lambda v: (_optional_text(v), None),
    "download_template": lambda v: (_optional_text(v), None),
    "pool_template": lambda v: (_optional_text(v), None),
    "follows": _follows,
}


def _keymap(value: Any) -> tuple[dict[str, str], Note]:
    """A keymap table; entries may be a string or a list of keys, bad ones are skipped."""
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


def check_value(key: str, value: Any) -> tuple[Any, Note]:
    """Check one setting's value; return it (maybe adjusted) and a note for the user.

    Raises:
        KeyError: ``key`` is not a setting.
        ConfigError: the value has the wrong type or is out of range.
    """
    if key == "keymap":
        return _keymap(value)
    field = FIELDS[key]
    try:
        converted = msgspec.convert(value, field.type, strict=True)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{exc} (got {value!r})") from None
    check = _CHECKS.get(key)
    return check(converted) if check is not None else (converted, None)


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


def read_text(path: Path) -> str:
    """Read the config file as UTF-8; FileNotFoundError means "no config"."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def parse(path: Path, text: str) -> dict[str, Any]:
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
        text = read_text(config_path)
        raw = parse(config_path, text)
    except FileNotFoundError:
        return Settings(), []
    except ConfigError as exc:
        return Settings(), [f"{exc}; using default settings"]
    except OSError as exc:
        return Settings(), [f"{config_path}: cannot read ({exc.strerror or exc}); using defaults"]
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        where = _where(config_path, text, key)
        if key not in FIELDS:
            warnings.append(f"{where}: unknown setting {key!r} ignored")
            continue
        try:
            values[key], note = check_value(key, value)
        except ConfigError as exc:
            warnings.append(f"{where}: {key}: {exc}; using the default")
            continue
        if note:
            warnings.append(f"{where}: {key}: {note}")
    return Settings(**values), warnings


def apply_overrides(settings: Settings, **cli_values: Any) -> Settings:
    """Return a copy of ``settings`` with command-line values applied (``None`` = not given).

    Raises:
        TypeError: an unknown setting name.
        ConfigError: an invalid value (the message names the option).
    """
    changes: dict[str, Any] = {}
    for key, value in cli_values.items():
        if key not in FIELDS:
            raise TypeError(f"unknown setting: {key}")
        if value is None:
            continue
        try:
            changes[key], _ = check_value(key, value)
        except ConfigError as exc:
            raise ConfigError(f"--{key.replace('_', '-')}: {exc}") from None
    return msgspec.structs.replace(settings, **changes)
