"""Writing the config file: only the keys that change, the rest kept as the user wrote it.

tomlkit edits the document in place, so comments, order, layout and even keys this version
does not know survive (the app edits the blacklist, followed tags and saved searches). tomlkit
is imported only when the file is written: it costs about 40 ms to import.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from e621tui.settings.config import FIELDS, ConfigError, Settings, check_value, parse, read_text

if TYPE_CHECKING:
    import tomlkit

_NEW_FILE_HEADER = (
    "e621-tui settings. The app edits some keys in place (blacklist, follows,\n"
    "saved searches) and keeps the rest of this file, comments included, as you wrote it."
)


def _toml_item(value: Any) -> Any:
    import tomlkit

    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    return value


def _edit(doc: tomlkit.TOMLDocument, changes: dict[str, Any]) -> None:
    """Set (or, for None, remove) top-level keys of ``doc``, leaving everything else alone."""
    import tomlkit

    for key, value in changes.items():
        if value is None:
            if key in doc:
                del doc[key]
        elif isinstance(value, dict):
            table = tomlkit.table()
            for name, item in value.items():
                table[name] = _toml_item(item)
            doc[key] = table
        else:
            doc[key] = _toml_item(value)


def _new_document() -> tomlkit.TOMLDocument:
    import tomlkit

    doc = tomlkit.document()
    for line in _NEW_FILE_HEADER.splitlines():
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    return doc


def settings_to_toml(settings: Settings) -> str:
    """Render settings as a new TOML file (``None`` values are left out)."""
    import tomlkit

    doc = _new_document()
    scalars = {
        k: getattr(settings, k) for k in FIELDS if not isinstance(getattr(settings, k), dict)
    }
    tables = {k: getattr(settings, k) for k in FIELDS if isinstance(getattr(settings, k), dict)}
    _edit(doc, {**scalars, **tables})
    return tomlkit.dumps(doc)


def update_config(path: Path, **changes: Any) -> None:
    """Change only these keys in the config file, keeping the rest of it as the user wrote it.

    Each value is checked like a loaded one; ``None`` removes the key. The file is written
    atomically with its mode kept (a new file is readable only by its owner).

    Raises:
        TypeError: an unknown setting name.
        ConfigError: a bad value, an existing file that is not valid TOML (it is left
            untouched so the user's edits are not lost), or the file cannot be written.
    """
    for key, value in changes.items():
        if key not in FIELDS:
            raise TypeError(f"unknown setting: {key}")
        if value is not None:
            check_value(key, value)
    try:
        text = read_text(path)
        parse(path, text)
        mode: int | None = path.stat().st_mode & 0o777
    except FileNotFoundError:
        text, mode = "", None  # a new file keeps mkstemp's owner-only mode
    except ConfigError as exc:
        raise ConfigError(f"{exc}; not overwriting it - fix or remove the file first") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    import tomlkit

    doc = tomlkit.parse(text) if text else _new_document()
    _edit(doc, changes)
    _write_atomically(path, tomlkit.dumps(doc), mode)


def save_settings(settings: Settings, path: Path) -> None:
    """Write every setting to ``path`` (keys set to their default are written too).

    Raises:
        ConfigError: as for `update_config`.
    """
    update_config(path, **{key: getattr(settings, key) for key in FIELDS})


def _write_atomically(path: Path, text: str, mode: int | None) -> None:
    tomllib.loads(text)  # what we write must always read back
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


__all__ = ["save_settings", "settings_to_toml", "update_config"]
