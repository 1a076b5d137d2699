"""Segments for picture cells: cursor movers, placeholders and half blocks.

A *mover* is ``ESC [ n C`` written so that Rich/Textual measure it as exactly ``n`` cells
(``ESC`` counts 0, every other character 1): Textual's diffing, cropping and positioning stay
right, and the terminal moves the cursor over the cells instead of overwriting the sixel or
kitty picture under them. Widths from 3 cells up can be expressed (``ESC[3C``, ``ESC[04C``,
``ESC[005C``); pictures drawn this way are at least 3 cells wide.
"""

from __future__ import annotations

from functools import cache

from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style

from e621tui.terminal.halfcell import RGB, UPPER_HALF
from e621tui.terminal.kitty import placeholder_cell, placeholder_color

MIN_MOVER = 3
_NULL = Style()
_XTERM_CUBE = (0, 95, 135, 175, 215, 255)


def mover_texts(width: int) -> list[str]:
    """Mover texts that together span ``width`` (≥ 3) cells."""
    if width < MIN_MOVER:
        raise ValueError(f"a mover spans at least {MIN_MOVER} cells, not {width}")
    count, rest = divmod(width, 3)
    texts = ["\x1b[3C"] * count
    if rest == 1:
        texts[-1] = "\x1b[04C"
    elif rest == 2:
        texts[-1] = "\x1b[005C"
    return texts


@cache
def movers(width: int) -> tuple[Segment, ...]:
    """Segments that move the cursor across ``width`` cells without writing them."""
    return tuple(Segment(text, _NULL) for text in mover_texts(width))


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
    "blank",
    "halfcell_row",
    "id_color",
    "mover_texts",
    "movers",
    "placeholder_row",
]
