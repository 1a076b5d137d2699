"""A small TOML writer for flat settings: strings, numbers, booleans and one level of tables.

`tomllib` only reads; this writes what `config` saves. Output always parses back with
`tomllib` to the same values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r"}


def _escape(text: str, *, multiline: bool) -> str:
    out: list[str] = []
    for ch in text:
        if ch == "\n" and multiline:
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def toml_string(text: str) -> str:
    """A TOML basic string (multi-line when `text` has newlines)."""
    if "\n" in text:
        # The newline right after the opening quotes is not part of the value.
        return '"""\n' + _escape(text, multiline=True) + '"""'
    return '"' + _escape(text, multiline=False) + '"'


def toml_key(key: str) -> str:
    """A key, bare when it can be, else quoted."""
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: object) -> str:
    """A scalar value; raises `TypeError` for anything but bool, int, float and str."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} values to the config file")


def dumps(values: Mapping[str, object], *, header: str = "") -> str:
    """Render `values` as TOML: scalars first, then each mapping as a table; None is left out.

    Args:
        values: Top-level keys and their values, in order.
        header: A comment line (without ``#``) put at the top.

    Raises:
        TypeError: a value cannot be written.
    """
    lines = [f"# {header}"] if header else []
    tables: list[str] = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            tables.append(f"\n[{toml_key(key)}]")
            tables.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in sorted(value.items()))
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(lines + tables) + "\n"


__all__ = ["dumps", "toml_key", "toml_string", "toml_value"]
