"""The output side of the DText renderer: styled lines with quote bars, and table layout."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from e621tui.text.dtext_styles import DTextStyles

MAX_COLUMNS = 16
MAX_ROWS = 200
MAX_CELL_WIDTH = 40
ELLIPSIS = "…"
#: Style meta key holding the index (in `DTextRender.links`) of the link a character is in.
LINK_META = "dtext_link"


@dataclass
class Seg:
    """A run of safe text with one style; ``link`` indexes the renderer's links."""

    text: str
    style: Style | None
    link: int | None = None


class LineOut:
    """Finished lines (each with the quote depth it started at); ``None`` marks a blank line."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, list[Seg] | None]] = []
        self._current: list[Seg] | None = None
        self._depth = 0

    @property
    def has_content(self) -> bool:
        """Whether the current line has text."""
        return bool(self._current)

    @property
    def line_empty(self) -> bool:
        """True at the start of a line."""
        return not self._current

    def add(self, seg: Seg, depth: int) -> None:
        """Append to the current line (starting one at quote ``depth``)."""
        if self._current is None:
            self._current, self._depth = [], depth
        self._current.append(seg)

    def end_line(self) -> None:
        """Finish the current line, if one was started."""
        if self._current is not None:
            self.lines.append((self._depth, self._current))
            self._current = None

    def blank(self, depth: int) -> None:
        """A paragraph break (repeated breaks collapse into one)."""
        self.end_line()
        if self.lines and self.lines[-1][1] is not None:
            self.lines.append((depth, None))

    def flat_segments(self) -> list[Seg]:
        """Every segment, lines joined by spaces (for table cells)."""
        self.end_line()
        out: list[Seg] = []
        for _, segs in self.lines:
            if segs is None:
                continue
            if out:
                out.append(Seg(" ", None))
            out.extend(segs)
        return out

    def assemble(self, bar: Style, max_bars: int) -> tuple[Text, dict[int, tuple[int, int]]]:
        """The final text and the (start, end) offsets of every link found in it."""
        self.end_line()
        lines = list(self.lines)
        while lines and lines[-1][1] is None:
            lines.pop()
        while lines and lines[0][1] is None:
            lines.pop(0)
        text = Text()
        spans: dict[int, tuple[int, int]] = {}
        for n, (depth, segs) in enumerate(lines):
            if n:
                text.append("\n")
            if depth:
                prefix = "│ " * min(depth, max_bars)
                text.append(prefix.rstrip() if segs is None else prefix, bar)
            for seg in segs or ():
                start = len(text)
                style = seg.style
                if seg.link is not None:  # lets a view find the link under the mouse
                    style = (style or Style()) + Style.from_meta({LINK_META: seg.link})
                text.append(seg.text, style)
                if seg.link is not None:
                    old = spans.get(seg.link)
                    spans[seg.link] = (old[0] if old else start, len(text))
        return text, spans


class InlineStack:
    """Open inline tags (`[b]`, `[color=…]`…) and the style they add up to."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self._names: list[str] = []
        self._styles: list[Style] = [Style()]
        self._open: dict[str, int] = {}

    @property
    def style(self) -> Style:
        """The combined style of every open tag."""
        return self._styles[-1]

    def push(self, name: str, style: Style | None) -> None:
        """Open a tag (past ``max_depth`` tags are ignored, their text stays plain)."""
        if len(self._names) >= self.max_depth:
            return
        self._names.append(name)
        self._styles.append(self._styles[-1] + (style or Style()))
        self._open[name] = self._open.get(name, 0) + 1

    def pop_to(self, name: str) -> bool:
        """Close ``name`` (and anything opened after it); False if it is not open."""
        if not self._open.get(name):
            return False
        while self._names:
            top = self._names.pop()
            self._styles.pop()
            self._open[top] -= 1
            if top == name:
                break
        return True

    def clear(self) -> None:
        """Close everything (a block ended)."""
        self._names.clear()
        del self._styles[1:]
        self._open.clear()


@dataclass
class Cell:
    """One table cell."""

    header: bool
    segs: list[Seg] = field(default_factory=list)

    @property
    def width(self) -> int:
        """Terminal cells the content needs."""
        return sum(cell_len(s.text) for s in self.segs)


class Table:
    """Rows of cells collected while reading `[table]` or `[ltable]`."""

    def __init__(self) -> None:
        self.rows: list[list[Cell]] = []
        self.current: Cell | None = None
        self._row: list[Cell] | None = None
        self.in_head = False

    def new_row(self) -> None:
        """Start a row."""
        self.end_row()
        self._row = []
        self.rows.append(self._row)

    def end_row(self) -> None:
        """Finish the row."""
        self.end_cell()
        self._row = None

    def new_cell(self, header: bool) -> None:
        """Start a cell (a row too, if none is open)."""
        self.end_cell()
        if self._row is None:
            self.new_row()
        assert self._row is not None
        self.current = Cell(header or self.in_head)
        self._row.append(self.current)

    def end_cell(self) -> None:
        """Finish the cell."""
        self.current = None

    def add(self, seg: Seg) -> None:
        """Add content to the open cell (opening one for stray text)."""
        if self.current is None:
            self.new_cell(header=self.in_head)
        assert self.current is not None
        self.current.segs.append(seg)


def _fit(segs: list[Seg], width: int) -> list[Seg]:
    """Cut or pad segments to exactly ``width`` terminal cells."""
    out: list[Seg] = []
    used = 0
    total = sum(cell_len(s.text) for s in segs)
    limit = width if total <= width else width - 1
    for seg in segs:
        room = limit - used
        if room <= 0:
            break
        piece = seg.text
        if cell_len(piece) > room:
            kept: list[str] = []
            for char in piece:
                if cell_len("".join(kept) + char) > room:
                    break
                kept.append(char)
            piece = "".join(kept)
        out.append(Seg(piece, seg.style, seg.link))
        used += cell_len(piece)
    if total > width:
        out.append(Seg(ELLIPSIS, None))
        used += 1
    if used < width:
        out.append(Seg(" " * (width - used), None))
    return out


def layout_table(table: Table, styles: DTextStyles) -> list[list[Seg]]:
    """Lines of an aligned grid: cells separated by ``│``, a rule under header rows."""
    rows = [row for row in table.rows if row]
    if not rows:
        return []
    extra_rows = max(0, len(rows) - MAX_ROWS)
    rows = rows[:MAX_ROWS]
    columns = min(MAX_COLUMNS, max(len(row) for row in rows))
    widths = [1] * columns
    for row in rows:
        for c, cell in enumerate(row[:columns]):
            widths[c] = max(widths[c], min(MAX_CELL_WIDTH, cell.width))
    lines: list[list[Seg]] = []
    for r, row in enumerate(rows):
        line: list[Seg] = []
        for c in range(columns):
            if c:
                line.append(Seg(" │ ", styles.table_rule))
            cell = row[c] if c < len(row) else Cell(False)
            segs = cell.segs
            if cell.header:
                segs = [Seg(s.text, (s.style or Style()) + styles.bold, s.link) for s in segs]
            line.extend(_fit(segs, widths[c]))
        if len(row) > columns:
            line.append(Seg(f" │ {ELLIPSIS}", styles.table_rule))
        lines.append(line)
        if all(cell.header for cell in row) and r + 1 < len(rows):
            rule = "─┼─".join("─" * w for w in widths)
            lines.append([Seg(rule, styles.table_rule)])
    if extra_rows:
        lines.append([Seg(f"{ELLIPSIS} {extra_rows} more rows", styles.note)])
    return lines


__all__ = ["LINK_META", "Cell", "InlineStack", "LineOut", "Seg", "Table", "layout_table"]
