"""Segments for picture cells: movers, placeholders and half blocks.

A *mover* cell (`MOVER`, one cell wide for Rich and Textual) marks a cell the UI must not
write because a picture drawn by the layer (sixel, kitty direct placements) is under it; the
picture layer turns each run of them into ``ESC [ n C`` in the frame. Textual may cut a line
anywhere (at a toast's or a dialog's edge) and each piece is still whole cells.
"""

from __future__ import annotations

from functools import cache

from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style

from e621tui.terminal.halfcell import RGB, UPPER_HALF
from e621tui.terminal.kitty import placeholder_cell, placeholder_color
from e621tui.terminal.layer import MOVER

MIN_MOVER = 1
_NULL = Style()
_XTERM_CUBE = (0, 95, 135, 175, 215, 255)


@cache
def movers(width: int) -> tuple[Segment, ...]:
    """Segments that leave ``width`` cells to the picture under them."""
    if width < MIN_MOVER:
        raise ValueError(f"a mover spans at least {MIN_MOVER} cell, not {width}")
    return (Segment(MOVER * width, _NULL),)


def blank(width: int, style: Style | None = None) -> Segment:
    """``width`` spaces."""
    return Segment(" " * width, style or _NULL)


def _palette_triplet(index: int) -> ColorTriplet:
    if index < 232:
        n = index - 16
        return ColorTriplet(_XTERM_CUBE[n // 36], _XTERM_CUBE[n // 6 % 6], _XTERM_CUBE[n % 6])
    level = 8 + 10 * (index - 232)
    return ColorTriplet(level, level, level)


@cache
def id_color(index: int) -> Color:
    """A 256-colour foreground that reaches the terminal as ``38;5;index``.

    Textual turns colours without an RGB triplet into truecolor (its ANSI filter); a
    256-colour `Color` that carries its palette triplet is left alone and Rich still writes
    the index, which is what kitty reads as the image id's low byte.
    """
    return Color(
        f"color({index})", ColorType.EIGHT_BIT, number=index, triplet=_palette_triplet(index)
    )


def placeholder_row(image_id: int, row: int, cols: int) -> tuple[Segment, ...]:
    """One row of kitty placeholder cells (one segment per cell, so crops keep diacritics)."""
    style = Style(color=id_color(placeholder_color(image_id)))
    return tuple(Segment(placeholder_cell(image_id, row, col), style) for col in range(cols))


def halfcell_row(cells: list[tuple[RGB, RGB]]) -> tuple[Segment, ...]:
    """One row of ``▀`` cells: top pixel as foreground, bottom pixel as background."""
    out = []
    for top, bottom in cells:
        style = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
        out.append(Segment(UPPER_HALF, style))
    return tuple(Segment.simplify(out))


__all__ = [
    "MIN_MOVER",
    "MOVER",
    "blank",
    "halfcell_row",
    "id_color",
    "movers",
    "placeholder_row",
]
