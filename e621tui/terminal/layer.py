"""Pictures drawn at screen positions around the UI's frames (sixel, kitty direct placements).

The UI draws the cells under such a picture as *mover* cells (`MOVER`, a private-use
character one cell wide), which `frame` turns into cursor movements (``ESC [ n C``): the UI's
own repaints never touch the pixels, and a frame cut anywhere (a toast or a dialog's edge
over a picture) still moves the cursor by whole cells. The layer sees every frame the UI
writes (`frame`) and adds, after it, what must be (re)drawn; a picture that is unchanged
and untouched is not re-sent.

* New or moved pictures are drawn (a moved kitty placement is erased first).
* Text written over a picture's cells is something on top of it (a toast, a menu): it stays
  on top — the sixel pixels under it are gone, a kitty placement (drawn above text) is taken
  away — until the UI writes movers over those cells again (the toast left); then the picture
  is drawn again. A cleared screen redraws everything.
* Pictures whose owner is not visible (another screen, a dialog) are not drawn; kitty
  placements are erased and come back with the owner.

Commands that must precede a frame (kitty transmissions, deletions) are `queue`\\ d.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

SAVE_CURSOR = "\x1b7"
RESTORE_CURSOR = "\x1b8"
#: One cell the UI leaves alone (a picture drawn by the layer is under it).
MOVER = "\U0010fffd"
_MOVERS = re.compile(MOVER + "+")


def expand_movers(data: str) -> str:
    """``data`` with each run of `MOVER` cells turned into one cursor movement over them."""
    if MOVER not in data:
        return data
    return _MOVERS.sub(lambda m: f"\x1b[{len(m.group())}C", data)


_TOKEN = re.compile(
    r"\x1b\[([0-?]*)[ -/]*([@-~])"  # CSI
    r"|\x1b[\]P_^X].*?(?:\x1b\\|\x07)"  # OSC / DCS / APC / PM / SOS strings
    r"|\x1b(.)"  # other escapes (ESC 7, ESC 8…)
    r"|([\r\n\b])"
    r"|([^\x00-\x1f\x7f]+)",  # text
    re.S,
)


def char_width(ch: str) -> int:
    """Terminal cells taken by ``ch`` (0 for combining and format characters)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Cells taken by printable ``text``."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


@dataclass
class Cursor:
    """Where the terminal's cursor is, as far as the frames tell."""

    x: int = 0
    y: int = 0
    saved: tuple[int, int] = (0, 0)


#: Writes per row: [start, end) column spans and whether text (True) or movers (False) went
#: there, in order. ``EVERYWHERE`` marks a screen clear.
Spans = dict[int, list[tuple[int, int, bool]]]
Damage = Spans
EVERYWHERE = -1


def _params(text: str) -> list[int]:
    out = []
    for part in text.split(";"):
        digits = part.split(":")[0]
        out.append(int(digits) if digits.isdigit() else 0)
    return out


def spans_of(data: str, cursor: Cursor, columns: int = 10_000) -> Spans:
    """Where ``data`` writes text and where it only moves the cursor (``ESC [ n C``)."""
    spans: Spans = {}

    def mark(y: int, x0: int, x1: int, text: bool = True) -> None:
        if x1 > x0:
            spans.setdefault(y, []).append((x0, x1, text))

    for m in _TOKEN.finditer(data):
        csi_params, final, esc, control, text = m.groups()
        if text is not None:
            width = text_width(text)
            mark(cursor.y, cursor.x, cursor.x + width)
            cursor.x += width
        elif final is not None:
            if csi_params.startswith("?") or csi_params.startswith(">"):
                continue
            p = _params(csi_params)
            n = max(1, p[0]) if p else 1
            if final in "Hf":
                cursor.y = max(0, (p[0] if p else 1) - 1)
                cursor.x = max(0, (p[1] if len(p) > 1 else 1) - 1)
            elif final == "C":
                mark(cursor.y, cursor.x, cursor.x + n, text=False)
                cursor.x += n
            elif final == "D":
                cursor.x = max(0, cursor.x - n)
            elif final == "A":
                cursor.y = max(0, cursor.y - n)
            elif final == "B":
                cursor.y += n
            elif final == "G":
                cursor.x = n - 1
            elif final == "d":
                cursor.y = n - 1
            elif final == "J":
                spans[EVERYWHERE] = [(0, columns, True)]
            elif final == "K":
                mode = p[0] if p else 0
                mark(cursor.y, 0 if mode else cursor.x, cursor.x + 1 if mode == 1 else columns)
            elif final == "X":
                mark(cursor.y, cursor.x, cursor.x + n)
        elif esc is not None:
            if esc == "7":
                cursor.saved = (cursor.x, cursor.y)
            elif esc == "8":
                cursor.x, cursor.y = cursor.saved
            elif esc == "c":
                spans[EVERYWHERE] = [(0, columns, True)]
        elif control is not None:
            if control == "\r":
                cursor.x = 0
            elif control == "\n":
                cursor.y += 1
            elif control == "\b":
                cursor.x = max(0, cursor.x - 1)
    return spans


def damage_of(data: str, cursor: Cursor, columns: int = 10_000) -> dict[int, list[tuple[int, int]]]:
    """The cells ``data`` writes text into (``{EVERYWHERE: …}`` for a screen clear)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for y, row in spans_of(data, cursor, columns).items():
        for x0, x1, text in row:
            if text:
                out.setdefault(y, []).append((x0, x1))
    return out


@dataclass(frozen=True)
class Placement:
    """A picture at a screen position.

    Attributes:
        key: Identifies what is drawn (same key: same bytes, nothing to re-send).
        x: Left column on the screen (0-based).
        y: Top row on the screen (0-based).
        cols: Width in cells.
        rows: Height in cells.
        draw: The bytes that draw it, with the cursor at (x, y).
        erase: The bytes that remove it (kitty placements), or None (sixel: text replaces it).
    """

    key: Hashable
    x: int
    y: int
    cols: int
    rows: int
    draw: Callable[[], str]
    erase: Callable[[], str] | None = None

    @property
    def slot(self) -> tuple[Hashable, int, int]:
        """What must stay the same for the picture on screen to still be right."""
        return (self.key, self.x, self.y)

    def update(self, spans: Spans, obscured: set[tuple[int, int]]) -> bool:
        """Apply a frame's writes to the set of cells something covers; True if the UI wrote
        movers over any covered cell (whatever covered it is gone)."""
        restored = False
        right = self.x + self.cols
        for y in range(self.y, self.y + self.rows):
            for x0, x1, text in spans.get(y, ()):
                lo, hi = max(x0, self.x), min(x1, right)
                if lo >= hi:
                    continue
                cells = {(x, y) for x in range(lo, hi)}
                if text:
                    obscured |= cells
                elif obscured & cells:
                    obscured -= cells
                    restored = True
        return restored


@dataclass
class _Drawn:
    placement: Placement
    obscured: set[tuple[int, int]] = field(default_factory=set)
    shown: bool = True  # kitty: the placement is on the screen (not taken away)


@dataclass
class _Group:
    placements: Sequence[Placement]
    visible: Callable[[], bool]
    drawn: dict[tuple[Hashable, int, int], _Drawn] = field(default_factory=dict)


class PictureLayer:
    """Keeps pictures right on screen across the UI's frames (see the module docstring).

    Args:
        repair_damage: Pictures lose their pixels under text (sixel) rather than staying
            above it (kitty placements).
    """

    def __init__(self, *, repair_damage: bool) -> None:
        self.repair_damage = repair_damage
        self.cursor = Cursor()
        self._groups: dict[Hashable, _Group] = {}
        self._queued: list[str] = []
        self._erase: list[str] = []
        self.drawn_count = 0
        self.bytes_drawn = 0

    def queue(self, data: str) -> None:
        """Send ``data`` before the next frame."""
        if data:
            self._queued.append(data)

    def show(
        self, owner: Hashable, placements: Sequence[Placement], visible: Callable[[], bool]
    ) -> None:
        """The pictures ``owner`` shows now (replacing what it showed before)."""
        group = self._groups.get(owner)
        if group is None:
            self._groups[owner] = _Group(list(placements), visible)
            return
        group.placements = list(placements)
        group.visible = visible

    def hide(self, owner: Hashable) -> None:
        """``owner`` shows nothing any more (kitty placements are erased)."""
        group = self._groups.pop(owner, None)
        if group is not None:
            self._erase += [
                e() for d in group.drawn.values() if d.shown and (e := d.placement.erase)
            ]

    def frame(self, data: str) -> str:
        """``data`` (a frame of the UI) with what the pictures need before and after it."""
        prefix = "".join(self._queued) + "".join(self._erase)
        self._queued.clear()
        self._erase.clear()
        data = expand_movers(data)
        spans = spans_of(data, self.cursor) if data else {}
        after = "".join(self._update(group, spans) for group in self._groups.values())
        if after:
            after = SAVE_CURSOR + after + RESTORE_CURSOR
        return prefix + data + after

    def flush(self) -> str:
        """What is pending without a frame (call when the UI has nothing to write)."""
        return self.frame("")

    def _update(self, group: _Group, spans: Spans) -> str:
        out: list[str] = []
        if not group.visible():
            for drawn in group.drawn.values():
                if drawn.shown and drawn.placement.erase is not None:
                    out.append(drawn.placement.erase())
            group.drawn.clear()
            return "".join(out)
        wanted = {p.slot: p for p in group.placements}
        for slot, drawn in list(group.drawn.items()):
            if slot not in wanted:
                if drawn.shown and drawn.placement.erase is not None:
                    out.append(drawn.placement.erase())
                del group.drawn[slot]
        cleared = EVERYWHERE in spans
        for slot, placement in wanted.items():
            current = group.drawn.get(slot)
            if current is None or cleared:
                out.append(self._draw(placement))
                group.drawn[slot] = _Drawn(placement)
                continue
            was_covered = bool(current.obscured)
            restored = placement.update(spans, current.obscured)
            if current.obscured:
                if current.shown and not self.repair_damage and placement.erase is not None:
                    out.append(placement.erase())  # let what is on top show
                    current.shown = False
            elif was_covered and restored:
                out.append(self._draw(placement))
                current.shown = True
        return "".join(out)

    def _draw(self, placement: Placement) -> str:
        data = placement.draw()
        self.drawn_count += 1
        self.bytes_drawn += len(data)
        return f"\x1b[{placement.y + 1};{placement.x + 1}H{data}"


__all__ = [
    "EVERYWHERE",
    "MOVER",
    "Cursor",
    "Damage",
    "PictureLayer",
    "Placement",
    "damage_of",
    "expand_movers",
    "text_width",
]
