"""Pictures drawn at screen positions around the UI's frames (sixel, kitty direct placements).

The UI draws the cells under such a picture as cursor movements (``ESC [ n C``), so its own
repaints never touch the pixels. The layer sees every frame the UI writes (`frame`) and adds,
after it, what must be (re)drawn: pictures that are new or moved, and — for sixel, whose
pixels any text written over them replaces — pictures whose cells the frame overwrote (a
toast, a dialog, another screen). A picture that is unchanged and untouched is not re-sent.
Kitty placements are removed when their picture goes (``erase``); kitty never loses them.

Commands that must precede a frame (kitty transmissions, deletions) are `queue`\\ d.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

SAVE_CURSOR = "\x1b7"
RESTORE_CURSOR = "\x1b8"

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


#: Damage: row → list of [start, end) column spans overwritten by text.
Damage = dict[int, list[tuple[int, int]]]
EVERYWHERE = -1


def _params(text: str) -> list[int]:
    out = []
    for part in text.split(";"):
        digits = part.split(":")[0]
        out.append(int(digits) if digits.isdigit() else 0)
    return out


def damage_of(data: str, cursor: Cursor, columns: int = 10_000) -> Damage:
    """The cells ``data`` writes text into (``{EVERYWHERE: …}`` for a screen clear)."""
    damage: Damage = {}

    def mark(y: int, x0: int, x1: int) -> None:
        if x1 > x0:
            damage.setdefault(y, []).append((x0, x1))

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
                damage[EVERYWHERE] = [(0, columns)]
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
                damage[EVERYWHERE] = [(0, columns)]
        elif control is not None:
            if control == "\r":
                cursor.x = 0
            elif control == "\n":
                cursor.y += 1
            elif control == "\b":
                cursor.x = max(0, cursor.x - 1)
    return damage


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

    def hit(self, damage: Damage) -> bool:
        """Whether ``damage`` overwrote any of this picture's cells."""
        if EVERYWHERE in damage:
            return True
        right = self.x + self.cols
        for y in range(self.y, self.y + self.rows):
            for x0, x1 in damage.get(y, ()):
                if x0 < right and x1 > self.x:
                    return True
        return False


@dataclass
class _Group:
    placements: Sequence[Placement]
    visible: Callable[[], bool]
    drawn: dict[tuple[Hashable, int, int], Placement] = field(default_factory=dict)


class PictureLayer:
    """Keeps pictures right on screen across the UI's frames (see the module docstring).

    Args:
        repair_damage: Re-draw pictures whose cells a frame overwrote (sixel).
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
            self._erase += [e() for p in group.drawn.values() if (e := p.erase) is not None]

    def pending(self) -> bool:
        """Something is queued or a visible picture is not drawn yet."""
        if self._queued or self._erase:
            return True
        return any(
            p.slot not in g.drawn
            for g in self._groups.values()
            if g.visible()
            for p in g.placements
        )

    def frame(self, data: str) -> str:
        """``data`` (a frame of the UI) with what the pictures need before and after it."""
        prefix = "".join(self._queued) + "".join(self._erase)
        self._queued.clear()
        self._erase.clear()
        damage: Damage = {}
        if self.repair_damage and self._groups:
            damage = damage_of(data, self.cursor)
        elif self._groups:
            damage_of(data, self.cursor)  # keep the cursor right
        suffix = []
        for group in self._groups.values():
            suffix.append(self._update(group, damage))
        after = "".join(suffix)
        if after:
            after = SAVE_CURSOR + after + RESTORE_CURSOR
        return prefix + data + after

    def flush(self) -> str:
        """What is pending without a frame (call when the UI has nothing to write)."""
        return self.frame("")

    def _update(self, group: _Group, damage: Damage) -> str:
        out: list[str] = []
        if not group.visible():
            for placement in group.drawn.values():
                if placement.erase is not None:
                    out.append(placement.erase())
            group.drawn.clear()
            return "".join(out)
        wanted = {p.slot: p for p in group.placements}
        for slot, placement in list(group.drawn.items()):
            if slot not in wanted:
                if placement.erase is not None:
                    out.append(placement.erase())
                del group.drawn[slot]
        for slot, placement in wanted.items():
            if slot in group.drawn and not (damage and placement.hit(damage)):
                continue
            data = placement.draw()
            out.append(f"\x1b[{placement.y + 1};{placement.x + 1}H{data}")
            group.drawn[slot] = placement
            self.drawn_count += 1
            self.bytes_drawn += len(data)
        return "".join(out)


__all__ = ["EVERYWHERE", "Cursor", "Damage", "PictureLayer", "Placement", "damage_of", "text_width"]
