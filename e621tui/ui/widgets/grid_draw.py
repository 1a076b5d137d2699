"""Drawing one grid cell a line at a time: the frame, the picture (or why there is none), the
caption, and the cursor as a heavier, brighter frame. Everything but the picture is text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from e621tui.ui.graphics.cells import blank
from e621tui.ui.graphics.renderers import Picture, Renderer
from e621tui.ui.grid_layout import Geometry

if TYPE_CHECKING:
    from textual.widget import Widget

#: Frame characters: (top-left, horizontal, top-right, vertical, bottom-left, bottom-right).
ROUND = ("╭", "─", "╮", "│", "╰", "╯")
HEAVY = ("┏", "━", "┓", "┃", "┗", "┛")


@dataclass(frozen=True)
class Palette:
    """The styles a frame of the grid is drawn with (from the widget's component classes)."""

    base: Style
    frame: Style
    cursor: Style
    caption: Style
    cursor_caption: Style
    placeholder: Style
    scroll_track: Style
    scroll_thumb: Style


def palette_of(widget: Widget) -> Palette:
    """The grid's styles now (the cursor dims while the grid does not have the focus)."""
    style = widget.get_component_rich_style
    cursor = "post-grid--cursor" if widget.has_focus else "post-grid--cursor-blurred"
    return Palette(
        base=widget.rich_style,
        frame=style("post-grid--frame"),
        cursor=style(cursor),
        caption=style("post-grid--caption"),
        cursor_caption=style("post-grid--cursor-caption"),
        placeholder=style("post-grid--placeholder"),
        scroll_track=style("post-grid--scroll-track"),
        scroll_thumb=style("post-grid--scroll-thumb"),
    )


@dataclass
class CellView:
    """What one cell shows in this frame."""

    caption: Text
    picture: Picture | None
    text: str
    cursor: bool


def placeholder_lines(text: str, width: int, height: int) -> list[str]:
    """``text`` wrapped into at most ``height`` lines of ``width`` columns."""
    lines: list[str] = []
    for part in text.split("\n"):
        lines += textwrap.wrap(part, width, break_long_words=True) or [""]
    if len(lines) > height:
        lines = lines[:height]
        if lines:
            lines[-1] = lines[-1][: max(0, width - 1)] + "…"
    return lines


class CellPainter:
    """Draws cells for one geometry and palette (made once per repaint)."""

    def __init__(
        self, geometry: Geometry, palette: Palette, renderer: Renderer, console: Console
    ) -> None:
        self.geometry = geometry
        self.palette = palette
        self.renderer = renderer
        self.console = console
        self.inner = geometry.cell_width - 2
        self.area = geometry.picture_box[1]

    def blank_cell(self) -> list[Segment]:
        """A line of a cell with no post in it."""
        return [blank(self.geometry.cell_width, self.palette.base)]

    def line(self, cell: CellView, dy: int, *, pictures: bool = True) -> list[Segment]:
        """Line ``dy`` of a cell (``pictures=False``: the cell is not wholly in view)."""
        p = self.palette
        chars = HEAVY if cell.cursor else ROUND
        edge = p.cursor if cell.cursor else p.frame
        last = self.geometry.cell_height - 1
        if dy == 0:
            return [Segment(chars[0] + chars[1] * self.inner + chars[2], edge)]
        if dy == last:
            return [Segment(chars[4] + chars[1] * self.inner + chars[5], edge)]
        side = Segment(chars[3], edge)
        if dy == last - 1:
            return [side, *self._caption(cell), side]
        return [side, *self._inside(cell, dy - 1, pictures), side]

    def _caption(self, cell: CellView) -> list[Segment]:
        style = self.palette.cursor_caption if cell.cursor else self.palette.caption
        line = Text(no_wrap=True, overflow="ellipsis", style=style)
        line.append(" ")
        line.append_text(cell.caption)
        line.truncate(self.inner, overflow="ellipsis", pad=True)
        return list(Segment.apply_style(line.render(self.console), style))

    def _inside(self, cell: CellView, row: int, pictures: bool) -> list[Segment]:
        base = self.palette.base
        picture = cell.picture
        if picture is not None and pictures and picture.cols <= self.inner:
            top = (self.area - picture.rows) // 2
            if not top <= row < top + picture.rows:
                return [blank(self.inner, base)]
            left = (self.inner - picture.cols) // 2
            out = [blank(left, base)] if left else []
            out += self.renderer.row(picture, row - top)
            right = self.inner - left - picture.cols
            if right:
                out.append(blank(right, base))
            return out
        if picture is not None:
            return [blank(self.inner, base)]  # partly in view: the frame only
        lines = placeholder_lines(cell.text, self.inner, self.area)
        top = (self.area - len(lines)) // 2
        if not top <= row < top + len(lines):
            return [blank(self.inner, base)]
        text = lines[row - top].center(self.inner)[: self.inner]
        return [Segment(text, self.palette.placeholder)]

    def grid_line(
        self, y: int, top_row: int, items: int, view: Callable[[int], CellView], width: int
    ) -> Strip:
        """Line ``y`` of the grid: every cell's line, then the scroll indicator."""
        g = self.geometry
        base = self.palette.base
        row_in_view, dy = divmod(y, g.cell_height)
        whole = row_in_view < g.rows  # a row cut by the bottom edge shows no pictures
        first = (top_row + row_in_view) * g.columns
        segments: list[Segment] = [Segment(" " * g.left, base)] if g.left else []
        for index in range(first, first + g.columns):
            if index < items:
                segments += self.line(view(index), dy, pictures=whole)
            else:
                segments += self.blank_cell()
        used = g.left + g.columns * g.cell_width
        if width - 1 > used:
            segments.append(Segment(" " * (width - 1 - used), base))
        segments.append(self.scroll_column(y, top_row, items))
        return Strip(segments).crop_extend(0, width, base)

    def placed(
        self, pictures: list[tuple[int, Picture]], top_row: int
    ) -> list[tuple[Picture, int, int]]:
        """(picture, x, y) in the widget for the (cell index, picture) pairs in view."""
        out = []
        for index, picture in pictures:
            if picture.cols > self.inner:
                continue
            x, y = self.geometry.cell_origin(index, top_row)
            dx, dy = self.picture_offset(picture)
            out.append((picture, x + dx, y + dy))
        return out

    def picture_offset(self, picture: Picture) -> tuple[int, int]:
        """Where a picture's top-left cell is inside its cell."""
        left = 1 + (self.inner - picture.cols) // 2
        top = 1 + (self.area - picture.rows) // 2
        return left, top

    def scroll_column(self, y: int, top_row: int, items: int) -> Segment:
        """The scroll indicator's cell on line ``y`` (a thumb where the view is)."""
        g = self.geometry
        total = g.row_count(items)
        if total <= g.rows:
            return blank(1, self.palette.base)
        height = g.height
        thumb = max(1, round(height * g.rows / total))
        start = round((height - thumb) * top_row / max(1, total - g.rows))
        if start <= y < start + thumb:
            return Segment("┃", self.palette.scroll_thumb)
        return Segment("│", self.palette.scroll_track)


__all__ = [
    "HEAVY",
    "ROUND",
    "CellPainter",
    "CellView",
    "Palette",
    "palette_of",
    "placeholder_lines",
]
