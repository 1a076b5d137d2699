"""Make server-supplied text safe to show in a terminal.

Every string that comes from a server (tags, descriptions, pool and set names, user names,
error messages) passes through this module before it reaches the screen, a window title, a
notification or the clipboard.

Contract:

* The functions return **plain** strings. They do not escape Rich/Textual markup; callers
  display the result with ``rich.text.Text(...)`` (never as markup), so ``[bold]`` in a tag
  stays literal text.
* Complete terminal escape sequences (CSI, OSC, DCS/APC/PM/SOS, their 8-bit C1 forms and
  two-character ``ESC x`` sequences) are removed.
* Any control character left over is replaced by a visible placeholder: C0 controls by their
  Unicode "control picture" (``ESC`` -> ``␛``, ``BEL`` -> ``␇``), DEL by ``␡``, C1 controls
  (U+0080-U+009F) and lone surrogates by ``�`` (U+FFFD).
* Bidirectional embedding/override/isolate/mark characters and zero-width characters are
  dropped so text cannot reorder the UI around it. Real right-to-left letters and emoji are
  kept. (Dropping U+200D splits emoji ZWJ sequences into their parts; that also keeps the
  terminal's idea of their width consistent with Rich's.)
* ``\\r\\n``, lone ``\\r``, U+2028 and U+2029 become ``\\n``.
* The two private-use characters the picture cells are made of (kitty's placeholder U+10EEEE
  and the picture layer's mover U+10FFFD) become ``�``: text never draws or hides a picture.

Everything is linear-time: escape sequences are removed by a small scanner, not by
backtracking regular expressions.
"""

from __future__ import annotations

import re

from e621tui.text import dtext

__all__ = ["clean", "dtext_to_plain", "one_line", "safe_filename", "truncate"]

ELLIPSIS = "…"
C1_PLACEHOLDER = "\ufffd"

_ESC = "\x1b"
_BEL = "\x07"
_ST_7BIT = "\x1b\\"
_ST_8BIT = "\x9c"

# Characters that may start an escape sequence: ESC and the 8-bit introducers
# DCS (0x90), SOS (0x98), CSI (0x9b), OSC (0x9d), PM (0x9e), APC (0x9f).
_INTRODUCER = re.compile("[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
# CSI body after "ESC [" / 0x9b: parameters, intermediates, one final byte. Possessive
# quantifiers over disjoint classes: a failed match costs no backtracking.
_CSI_BODY = re.compile("[\x30-\x3f]*+[\x20-\x2f]*+[\x40-\x7e]")
# nF / Fp / Fe / Fs escapes: "ESC (intermediates) final", e.g. "ESC ( B", "ESC 7", "ESC \".
_SHORT_ESC_BODY = re.compile("[\x20-\x2f]*+[\x30-\x7e]")

_OSC_SECOND = "]"
_STRING_SECOND = frozenset("P_^X")  # DCS, APC, PM, SOS
_STRING_8BIT = frozenset("\x90\x98\x9e\x9f")

_BIDI_CONTROLS = (
    "\u061c\u200e\u200f"  # ALM, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_PICTURE_CELLS = "\U0010eeee\U0010fffd"


def _build_table(keep_newlines: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"
    for code in range(0x80, 0xA0):
        table[code] = C1_PLACEHOLDER
    for char in _BIDI_CONTROLS + _ZERO_WIDTH:
        table[ord(char)] = None
    for char in _PICTURE_CELLS:
        table[ord(char)] = C1_PLACEHOLDER
    if keep_newlines:
        del table[ord("\n")]
        del table[ord("\t")]
    else:
        table[ord("\n")] = " "
        table[ord("\t")] = " "
    return table


_TABLE_KEEP = _build_table(keep_newlines=True)
_TABLE_FLAT = _build_table(keep_newlines=False)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029]")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_FILENAME_BAD = re.compile(r'[<>:"/\\|?*]')


class _NextFinder:
    """Find the next occurrence of a needle, caching so a left-to-right scan stays linear."""

    def __init__(self, text: str, needle: str) -> None:
        self._text = text
        self._needle = needle
        self._searched_from = -1
        self._found = -1

    def at(self, start: int) -> int:
        """Return the first index >= start where the needle occurs, or -1."""
        reusable = self._searched_from >= 0 and start >= self._searched_from
        if reusable and (self._found == -1 or self._found >= start):
            return self._found
        self._searched_from = start
        self._found = self._text.find(self._needle, start)
        return self._found


class _StringTerminators:
    """Locate the terminator of OSC / DCS-like string sequences."""

    def __init__(self, text: str) -> None:
        self._bel = _NextFinder(text, _BEL)
        self._st7 = _NextFinder(text, _ST_7BIT)
        self._st8 = _NextFinder(text, _ST_8BIT)

    def end(self, start: int, *, allow_bel: bool) -> int:
        """Return the index just past the terminator, or -1 when the string never ends."""
        candidates = [(self._st7.at(start), 2), (self._st8.at(start), 1)]
        if allow_bel:
            candidates.append((self._bel.at(start), 1))
        found = [(pos, size) for pos, size in candidates if pos != -1]
        if not found:
            return -1
        pos, size = min(found)
        return pos + size


def _strip_escapes(text: str) -> str:
    """Remove complete escape sequences; introducers of incomplete ones are left in place."""
    if _INTRODUCER.search(text) is None:
        return text
    parts: list[str] = []
    terminators = _StringTerminators(text)
    pos = 0
    length = len(text)
    while True:
        match = _INTRODUCER.search(text, pos)
        if match is None:
            parts.append(text[pos:])
            break
        start = match.start()
        parts.append(text[pos:start])
        intro = text[start]
        end = -1
        if intro == _ESC:
            second = text[start + 1] if start + 1 < length else ""
            if second == "[":
                body = _CSI_BODY.match(text, start + 2)
                end = body.end() if body else -1
            elif second == _OSC_SECOND:
                end = terminators.end(start + 2, allow_bel=True)
            elif second and second in _STRING_SECOND:
                end = terminators.end(start + 2, allow_bel=False)
            elif second:
                body = _SHORT_ESC_BODY.match(text, start + 1)
                end = body.end() if body else -1
        elif intro == "\x9b":
            body = _CSI_BODY.match(text, start + 1)
            end = body.end() if body else -1
        elif intro == "\x9d":
            end = terminators.end(start + 1, allow_bel=True)
        elif intro in _STRING_8BIT:
            end = terminators.end(start + 1, allow_bel=False)
        if end == -1:
            # Incomplete: keep the introducer so the control-character pass makes it visible.
            parts.append(intro)
            pos = start + 1
        else:
            pos = end
    return "".join(parts)


def clean(text: object, *, keep_newlines: bool = False) -> str:
    """Return ``text`` as a string that is safe to put on a terminal.

    Args:
        text: Anything; non-strings are converted with ``str()``.
        keep_newlines: Keep ``\\n`` and ``\\t``. Otherwise both become a single space.

    Returns:
        The text without escape sequences, bidi or zero-width controls, with remaining
        control characters replaced by visible placeholders. ``clean`` is idempotent.
    """
    value = text if isinstance(text, str) else str(text)
    if _LONE_SURROGATE.search(value):
        value = _LONE_SURROGATE.sub(C1_PLACEHOLDER, value)
    value = _NEWLINES.sub("\n", value)
    value = _strip_escapes(value)
    return value.translate(_TABLE_KEEP if keep_newlines else _TABLE_FLAT)


def truncate(text: str, max_len: int) -> str:
    """Shorten ``text`` to at most ``max_len`` characters, ending with ``…`` when cut."""
    if max_len <= 0:
        return ""
    if len(text) <= max_len:
        return text
    return text[: max_len - 1].rstrip() + ELLIPSIS


def one_line(text: object, max_len: int | None = None) -> str:
    """Clean ``text`` and collapse all whitespace and line breaks to single spaces.

    Args:
        text: Anything; non-strings are converted with ``str()``.
        max_len: Maximum length in characters (``…`` marks a cut); ``None`` for no limit.
    """
    flat = " ".join(clean(text).split())
    return flat if max_len is None else truncate(flat, max_len)


def safe_filename(text: str, max_bytes: int = 200) -> str:
    """Turn ``text`` into a single safe file name component (no directories).

    Removes path separators and characters Windows forbids, leading dots, trailing dots and
    spaces, and avoids reserved device names. The result is at most ``max_bytes`` bytes of
    UTF-8, keeping a short extension when it has to cut. Never empty.
    """
    name = _FILENAME_BAD.sub("_", one_line(text))
    name = name.lstrip(". ").rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10 or " " in ext:
        stem, ext = name, ""
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{ext}" if ext else ""
    budget = max(1, max_bytes - len(suffix.encode()))
    encoded = stem.encode()
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", errors="ignore").rstrip(". ")
    result = stem + suffix
    return result if stem else "_" + suffix


def dtext_to_plain(text: object, max_len: int = 20000, *, base_url: str | None = None) -> str:
    """Convert DText (the site's markup) to readable plain text, then :func:`clean` it.

    The conversion itself (what becomes of quotes, links, lists, tags) is `dtext.render`.

    Args:
        text: The DText source.
        max_len: Longer input is cut to this many characters and a note is appended.
        base_url: Site root used to make relative links (``"x":/posts/1``) absolute.
    """
    source = _NEWLINES.sub("\n", text if isinstance(text, str) else str(text))
    note = ""
    if len(source) > max_len:
        note = f"\n\n… (truncated; {len(source) - max_len} more characters not shown)"
        source = source[: max(0, max_len)]
    plain = dtext.render(source, base_url=base_url)
    return clean(plain + note, keep_newlines=True)
