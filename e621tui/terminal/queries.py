"""The queries the probe sends and a parser for what terminals answer.

Everything here is pure text processing: the probe (`probe.py`) does the I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ESC = "\x1b"
ST = ESC + "\\"
#: kitty graphics query: a 1×1 RGB image that is loaded and not stored (``a=q``).
KITTY_QUERY_ID = 31
KITTY_QUERY = f"{ESC}_Gi={KITTY_QUERY_ID},s=1,v=1,a=q,t=d,f=24;AAAA{ST}"
#: XTVERSION: the terminal's name and version (``DCS > | text ST``).
XTVERSION = f"{ESC}[>q"
#: Cell size in pixels (``CSI 6 ; height ; width t``).
CELL_SIZE = f"{ESC}[16t"
#: Text area size in pixels (``CSI 4 ; height ; width t``).
WINDOW_PIXELS = f"{ESC}[14t"
#: XTSMGRAPHICS: number of sixel colour registers (``CSI ? 1 ; status ; value S``).
COLOR_REGISTERS = f"{ESC}[?1;1;0S"
#: Primary device attributes; every terminal answers, so it goes last as the sentinel.
DA1 = f"{ESC}[c"

#: The queries in the order they are written, DA1 last.
QUERIES: tuple[tuple[str, str], ...] = (
    ("kitty graphics", KITTY_QUERY),
    ("XTVERSION", XTVERSION),
    ("cell size", CELL_SIZE),
    ("window pixels", WINDOW_PIXELS),
    ("colour registers", COLOR_REGISTERS),
    ("DA1", DA1),
)


def tmux_wrap(sequence: str) -> str:
    """Wrap ``sequence`` in tmux's passthrough DCS (every ESC inside doubled)."""
    return f"{ESC}Ptmux;" + sequence.replace(ESC, ESC + ESC) + ST


_APC = re.compile(r"\x1b_G([^;\x1b]*);([^\x1b]*)\x1b\\")
_XTVERSION = re.compile(r"\x1bP>\|([^\x1b]*)\x1b\\")
_DCS_OTHER = re.compile(r"\x1bP[^\x1b]*\x1b\\")
_CSI_T = re.compile(r"\x1b\[(4|6|8);(\d+);(\d+)t")
_XTSMGRAPHICS = re.compile(r"\x1b\[\?(\d+);(\d+)(?:;([\d;]*))?S")
_DA1 = re.compile(r"\x1b\[\?([\d;]*)c")
_ANY_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[P_\]^X][^\x1b]*\x1b\\|[^\[P_\]^X])", re.S)


@dataclass
class Answers:
    """What came back, parsed.

    Attributes:
        kitty: The kitty graphics answer's message (``OK`` or an error), None if unanswered.
        xtversion: The XTVERSION text (``kitty(0.26.5)``, ``XTerm(379)``…).
        cell_px: Cell size (width, height) in pixels from ``CSI 16 t``.
        window_px: Text area (width, height) in pixels from ``CSI 14 t``.
        color_registers: Sixel colour registers from XTSMGRAPHICS (None: not answered/error).
        da1: Every DA1 answer, in order of arrival, as tuples of attribute numbers.
        other: Any other sequence or text that arrived (kept for ``--doctor``).
    """

    kitty: str | None = None
    xtversion: str | None = None
    cell_px: tuple[int, int] | None = None
    window_px: tuple[int, int] | None = None
    color_registers: int | None = None
    da1: list[tuple[int, ...]] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(";") if part.isdigit())


def parse_answers(data: str) -> Answers:
    """Parse everything a terminal answered (in any order, with any junk in between)."""
    answers = Answers()
    pos = 0
    while pos < len(data):
        start = data.find(ESC, pos)
        if start < 0:
            answers.other.append(data[pos:])
            break
        if start > pos:
            answers.other.append(data[pos:start])
        pos = _parse_one(data, start, answers)
    return answers


def _parse_one(data: str, start: int, answers: Answers) -> int:
    """Parse the sequence at ``start`` into ``answers``; the position after it."""
    if m := _APC.match(data, start):
        if f"i={KITTY_QUERY_ID}" in m.group(1).split(","):
            answers.kitty = m.group(2)
        else:
            answers.other.append(m.group(0))
        return m.end()
    if m := _XTVERSION.match(data, start):
        answers.xtversion = m.group(1)
        return m.end()
    if m := _CSI_T.match(data, start):
        kind, height, width = m.group(1), int(m.group(2)), int(m.group(3))
        if kind == "6" and width > 0 and height > 0:
            answers.cell_px = (width, height)
        elif kind == "4" and width > 0 and height > 0:
            answers.window_px = (width, height)
        return m.end()
    if m := _XTSMGRAPHICS.match(data, start):
        item, status, values = m.group(1), m.group(2), _numbers(m.group(3) or "")
        if item == "1" and status == "0" and values:
            answers.color_registers = values[0]
        return m.end()
    if m := _DA1.match(data, start):
        answers.da1.append(_numbers(m.group(1)))
        return m.end()
    m = _DCS_OTHER.match(data, start) or _ANY_SEQUENCE.match(data, start)
    if m:
        answers.other.append(m.group(0))
        return m.end()
    answers.other.append(data[start:])  # an unfinished sequence at the end
    return len(data)


def count_da1(data: str) -> int:
    """How many complete DA1 answers ``data`` holds."""
    return len(_DA1.findall(data))


def printable(data: str) -> str:
    """``data`` with escapes and control characters shown as text (``\\e``, ``\\x07``)."""
    out = []
    for ch in data:
        if ch == ESC:
            out.append("\\e")
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable() and ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return "".join(out)


__all__ = [
    "CELL_SIZE",
    "COLOR_REGISTERS",
    "DA1",
    "KITTY_QUERY",
    "QUERIES",
    "WINDOW_PIXELS",
    "XTVERSION",
    "Answers",
    "count_da1",
    "parse_answers",
    "printable",
    "tmux_wrap",
]
