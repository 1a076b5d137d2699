"""File and folder names that are safe on every OS, and paths that stay inside their folder.

Tags, pool names and set names come from the site and are hostile. A name component made from
them never contains a separator, a control character, a character Windows forbids
(``<>:"/\\|?*``), a leading dot, a trailing dot or space, or a reserved Windows device name
(``CON``, ``NUL``, ``COM1``… also with an extension); it is NFC-normalized and at most
`MAX_COMPONENT_BYTES` bytes of UTF-8 (cut keeping a short extension). A whole relative path is
at most `MAX_PATH_BYTES` bytes.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from e621tui.text.sanitize import one_line

#: Longest file or folder name, in bytes of UTF-8 (file systems allow 255; the partial file
#: adds a dot and ``.part``).
MAX_COMPONENT_BYTES = 150
#: Longest path below the download folder, in bytes of UTF-8.
MAX_PATH_BYTES = 480
#: Longest extension kept when a name is cut.
MAX_EXT_CHARS = 10

_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"}
    | {f"{dev}{n}" for dev in ("com", "lpt") for n in (*"0123456789", "¹", "²", "³")}
)
# Characters Windows forbids in names, and the separators of every OS.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# What `one_line` leaves of control characters: control pictures and the replacement char.
_PLACEHOLDERS = re.compile("[\u2400-\u2421\ufffd]")


class PathEscape(ValueError):
    """A path would leave the folder it belongs in."""


def safe_component(text: object, max_bytes: int = MAX_COMPONENT_BYTES) -> str:
    """One safe file or folder name made from ``text`` (never empty, never ``.``/``..``)."""
    name = one_line(text)  # escape sequences, bidi and zero-width characters removed
    name = _PLACEHOLDERS.sub("_", name)
    name = unicodedata.normalize("NFC", name)
    name = _FORBIDDEN.sub("_", name)
    name = name.strip().lstrip(".").rstrip(". ").strip()
    if not name:
        return "_"
    device = name.split(".")[0].rstrip(" ").lower()
    if device in _RESERVED:
        name = "_" + name
    return _cap(name, max(8, max_bytes))


def _cap(name: str, max_bytes: int) -> str:
    """Cut ``name`` to ``max_bytes`` of UTF-8, keeping a short extension."""
    if len(name.encode()) <= max_bytes:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > MAX_EXT_CHARS or " " in ext:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = max_bytes - len(suffix.encode())
    cut = stem.encode()[:budget].decode("utf-8", errors="ignore").rstrip(". ")
    return (cut or "_") + suffix


def cap_path(parts: list[str], max_bytes: int = MAX_PATH_BYTES) -> list[str]:
    """Shorten the folder names (never the file name) until the joined path fits."""
    parts = list(parts)

    def size() -> int:
        return sum(len(p.encode()) for p in parts) + len(parts) - 1

    while size() > max_bytes and len(parts) > 1:
        longest = max(range(len(parts) - 1), key=lambda i: len(parts[i].encode()))
        current = len(parts[longest].encode())
        if current <= 8:
            parts.pop(longest)  # only tiny folders left: drop one
            continue
        parts[longest] = _cap(parts[longest], max(8, current // 2)).rstrip(". ") or "_"
    if size() > max_bytes:
        parts[-1] = _cap(parts[-1], max_bytes)
    return parts


def inside(root: Path, relative: PurePosixPath) -> Path:
    """``root / relative``, checked to resolve inside ``root`` (else `PathEscape`)."""
    parts = relative.parts
    if not parts or relative.is_absolute() or any(part in ("", ".", "..") for part in parts):
        raise PathEscape(f"not a plain relative path: {str(relative)!r}")
    base = root.resolve()
    target = base.joinpath(*parts)
    resolved = target.resolve()
    if resolved != base and base not in resolved.parents:
        raise PathEscape(f"{str(relative)!r} would leave {base}")
    return target


__all__ = [
    "MAX_COMPONENT_BYTES",
    "MAX_PATH_BYTES",
    "PathEscape",
    "cap_path",
    "inside",
    "safe_component",
]
