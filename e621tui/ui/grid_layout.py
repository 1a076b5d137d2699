"""Where the grid's cells go: columns, cell size and the picture box, from the widget's size.

Pure arithmetic (no Textual), so it is easy to test. The grid scrolls by whole rows of cells,
and the cell height is chosen so that a whole number of rows fills the height: pictures are
never cut at the top or bottom of the view (a cut sixel would be re-encoded on every frame).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The narrowest cell, in columns (frame included): 17 columns of picture.
MIN_CELL_WIDTH = 19
#: The cell height aimed at, in rows (frame, picture, caption).
CELL_HEIGHT = 11
MIN_CELL_HEIGHT = 7
MAX_CELL_HEIGHT = 15
#: Rows a cell spends on anything but the picture: top frame, caption, bottom frame.
CELL_CHROME_ROWS = 3
#: Columns a cell spends on its frame.
CELL_CHROME_COLS = 2
#: The rightmost column shows where the view is in the page.
SCROLL_COLUMN = 1


@dataclass(frozen=True)
class Geometry:
    """The grid's layout for one widget size.

    Attributes:
        width: Widget content width in columns.
        height: Widget content height in rows.
        columns: Cells across.
        cell_width: Columns per cell (frame included).
        cell_height: Rows per cell (frame and caption included).
        rows: Whole rows of cells that fit the height.
        left: Blank columns before the first cell (centres the cells).
    """

    width: int
    height: int
    columns: int
    cell_width: int
    cell_height: int
    rows: int
    left: int

    @classmethod
    def fit(cls, width: int, height: int) -> Geometry:
        """The layout for a widget of ``width`` × ``height`` cells."""
        usable = max(1, width - SCROLL_COLUMN)
        columns = max(1, usable // MIN_CELL_WIDTH)
        cell_width = max(CELL_CHROME_COLS + 1, usable // columns)
        rows = max(1, round(max(1, height) / CELL_HEIGHT))
        cell_height = max(MIN_CELL_HEIGHT, min(MAX_CELL_HEIGHT, max(1, height) // rows))
        rows = max(1, height // cell_height) if height >= cell_height else 1
        left = max(0, (usable - columns * cell_width) // 2)
        return cls(width, height, columns, cell_width, cell_height, rows, left)

    @property
    def picture_box(self) -> tuple[int, int]:
        """(columns, rows) a thumbnail may take inside a cell."""
        return (
            max(1, self.cell_width - CELL_CHROME_COLS),
            max(1, self.cell_height - CELL_CHROME_ROWS),
        )

    def row_count(self, items: int) -> int:
        """Rows of cells needed for ``items`` posts."""
        return -(-items // self.columns) if items else 0

    def cell_origin(self, index: int, top_row: int) -> tuple[int, int]:
        """The top-left corner of cell ``index`` in the widget, with ``top_row`` at the top."""
        row, col = divmod(index, self.columns)
        return self.left + col * self.cell_width, (row - top_row) * self.cell_height

    def index_at(self, x: int, y: int, top_row: int) -> int | None:
        """The cell index under the widget point (x, y), or None (margins, past the rows)."""
        if x < self.left or y < 0:
            return None
        col, row = (x - self.left) // self.cell_width, y // self.cell_height
        if col >= self.columns or row >= self.rows:
            return None
        return (top_row + row) * self.columns + col

    def top_for(self, index: int, top_row: int, items: int) -> int:
        """The top row that keeps cell ``index`` in view, moving as little as possible."""
        row = index // self.columns
        if row < top_row:
            top_row = row
        elif row >= top_row + self.rows:
            top_row = row - self.rows + 1
        return self.clamp_top(top_row, items)

    def clamp_top(self, top_row: int, items: int) -> int:
        """``top_row`` within the page (no empty rows scrolled into view below the last)."""
        return max(0, min(top_row, self.row_count(items) - self.rows))


__all__ = [
    "CELL_CHROME_COLS",
    "CELL_CHROME_ROWS",
    "CELL_HEIGHT",
    "MIN_CELL_WIDTH",
    "Geometry",
]
