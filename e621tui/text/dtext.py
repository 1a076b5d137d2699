"""DText, the site's markup, rendered as readable plain text.

`render` does the conversion only; `e621tui.text.sanitize.dtext_to_plain` wraps it with newline
normalisation, a length cap and `clean`, and is what callers use.
"""

from __future__ import annotations

import re

# Every repeated class excludes the delimiter that opens its alternative and every quantifier
# is possessive or bounded, so a failed attempt costs at most the distance to the next
# delimiter and the whole scan stays linear on hostile input.
_DTEXT_TOKEN = re.compile(
    r"""
      \[\[(?P<wiki>[^\[\]|\n]++)(?:\|(?P<wiki_text>[^\[\]|\n]*+))?\]\]
    | \{\{(?P<search>[^{}\n]++)\}\}
    | "(?P<link_text>[^"\n]++)":
      (?:\[(?P<link_bracketed>[^\[\]\s]++)\]|(?P<link_url>(?:https?://|/|\#)[^\s"<>\[\]]*+))
    | \[(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9]{0,15}+)(?P<arg>[=,][^\[\]\n]{0,200}+)?\]
    """,
    re.VERBOSE,
)
_DTEXT_LINE_START = re.compile(
    r"^[ \t]*+(?:(?P<heading>h[1-6](?:\#[\w-]*+)?\.)[ \t]*+|(?P<stars>\*++)[ \t]++)", re.M
)
_LITERAL_TAGS = {
    "code": re.compile(r"\[/code\]", re.I),
    "nodtext": re.compile(r"\[/nodtext\]", re.I),
}
_INLINE_TAGS = frozenset({"b", "i", "u", "s", "o", "sup", "sub", "spoiler", "color", "tn"})
_BLOCK_TAGS = frozenset({"table", "thead", "tbody", "tr"})
_CELL_TAGS = frozenset({"td", "th"})
_URL_TRAILING = ".,;:!?'"
_BLANK_RUNS = re.compile(r"\n{3,}")


class _Writer:
    """Collect plain-text output lines, prefixing lines inside quotes with ``> ``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._current: list[str] = []
        self._line_depth: int | None = None
        self.depth = 0
        self._skip_newline = False

    def text(self, chunk: str) -> None:
        if self._skip_newline and chunk.startswith("\n"):
            chunk = chunk[1:]
        if not chunk:
            return
        self._skip_newline = False
        for index, piece in enumerate(chunk.split("\n")):
            if index:
                self.newline()
            if piece:
                if self._line_depth is None:
                    self._line_depth = self.depth
                self._current.append(piece)

    @property
    def has_text(self) -> bool:
        """Whether the current line has any text yet."""
        return bool(self._current)

    def newline(self) -> None:
        depth = self.depth if self._line_depth is None else self._line_depth
        line = "> " * depth + "".join(self._current)
        self.lines.append(line.rstrip())
        self._current = []
        self._line_depth = None

    def block_break(self) -> None:
        """End the current line (if it has text) and swallow one newline that follows."""
        if self.has_text:
            self.newline()
        self._skip_newline = True

    def result(self) -> str:
        if self._current:
            self.newline()
        return _BLANK_RUNS.sub("\n\n", "\n".join(self.lines)).strip("\n")


def _link(text: str, url: str, base_url: str | None) -> str:
    label = text.strip()
    if url.startswith("#"):
        return label
    if url.startswith("/") and base_url:
        url = base_url.rstrip("/") + url
    return f"<{url}>" if label == url else f"{label} <{url}>"


def _line_starts(chunk: str, at_line_start: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.start() == 0 and not at_line_start:
            return match.group(0)
        if match.group("heading"):
            return ""
        return "  " * (len(match.group("stars")) - 1) + "• "

    return _DTEXT_LINE_START.sub(replace, chunk)


def _dtext_tag(out: _Writer, match: re.Match[str]) -> bool:
    """Apply a formatting tag; return False for unknown tags (which stay literal)."""
    tag = match.group("tag").lower()
    closing = bool(match.group("close"))
    if tag in _INLINE_TAGS:
        return True
    if tag == "quote":
        out.block_break()
        out.depth = max(0, out.depth + (-1 if closing else 1))
    elif tag == "section":
        out.block_break()
        title = (match.group("arg") or "").partition("=")[2].strip()
        if title and not closing:
            out.text(title)
            out.block_break()
    elif tag in _BLOCK_TAGS:
        out.block_break()
    elif tag in _CELL_TAGS:
        if not closing and out.has_text:
            out.text(" | ")
    elif tag == "br" and not closing:
        out.newline()
    else:
        return False
    return True


def render(source: str, *, base_url: str | None = None) -> str:
    """Convert DText with ``\\n`` line ends to plain text (not yet cleaned for the terminal).

    Formatting tags are dropped keeping their text; quotes become ``> `` lines; ``[code]``
    stays literal; links become ``text <url>``; wiki links and ``{{searches}}`` become their
    text; list items become ``•`` bullets. Unknown ``[tags]`` stay as they are.

    Args:
        source: The DText.
        base_url: Site root used to make relative links (``"x":/posts/1``) absolute.
    """
    out = _Writer()
    pos = 0
    at_line_start = True
    while pos < len(source):
        match = _DTEXT_TOKEN.search(source, pos)
        end = match.start() if match else len(source)
        if end > pos:
            out.text(_line_starts(source[pos:end], at_line_start))
        if match is None:
            break
        pos = match.end()
        if match.group("wiki") is not None:
            label = (match.group("wiki_text") or "").strip()
            out.text(label or match.group("wiki").partition("#")[0].replace("_", " ").strip())
        elif match.group("search") is not None:
            query, _, label = match.group("search").partition("|")
            out.text(label.strip() or query.strip())
        elif match.group("link_text") is not None:
            url = match.group("link_bracketed") or match.group("link_url")
            trailing = ""
            if match.group("link_url") is not None:
                kept = url.rstrip(_URL_TRAILING)
                if kept.endswith(")") and "(" not in kept:
                    kept = kept[:-1]
                trailing = url[len(kept) :]
                url = kept
            out.text(_link(match.group("link_text"), url, base_url) + trailing)
        elif match.group("tag").lower() in _LITERAL_TAGS and not match.group("close"):
            closer = _LITERAL_TAGS[match.group("tag").lower()].search(source, pos)
            literal_end = closer.start() if closer else len(source)
            is_block = match.group("tag").lower() == "code"
            if is_block:
                out.block_break()
            out.text(source[pos:literal_end])
            if is_block:
                out.block_break()
            pos = closer.end() if closer else len(source)
        elif not _dtext_tag(out, match):
            out.text(match.group(0))
        at_line_start = source[pos - 1] == "\n"
    return out.result()


__all__ = ["render"]
