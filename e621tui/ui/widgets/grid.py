"""The thumbnail grid: one widget drawn with the Line API, a cursor, keys and the mouse.

The grid is handed what it shows as values (`CellState`: the post, and what the screen knows
about it: blacklisted, hidden by the site, in the active set; the renderer, layer and picture
cache to draw thumbnails with) and posts messages for what the user does; it never looks at
the session. Thumbnails are drawn by the renderer, frames, captions and the cursor as text, so
showing another page mounts nothing: it is one repaint, with the pictures prepared ahead
(`prepare_ahead`) already in the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message

from e621tui.ui.widgets.cell_state import CellState, caption, image_args
from e621tui.ui.widgets.grid_view import GridView


class PostGrid(GridView, can_focus=True):
    """Posts in cells with a cursor moved by arrows, h/j/k/l, home/end and the mouse.

    Args:
        images: Where thumbnails come from (the session's image pipeline).
        graphics: The graphics mode (``none``: placeholders only).
        renderer: Draws thumbnails (the app's renderer for the mode; half-cell if omitted).
        layer: The renderer's picture layer (sixel, kitty), None otherwise.
        cache: Prepared pictures shared with other widgets of this mode.
    """

    BINDINGS = [
        Binding("left,h", "move(-1, 0)", "Left", show=False, id="left"),
        Binding("right,l", "move(1, 0)", "Right", show=False, id="right"),
        Binding("up,k", "move(0, -1)", "Up", show=False, id="up"),
        Binding("down,j", "move(0, 1)", "Down", show=False, id="down"),
        Binding("home", "jump(0)", "First", show=False, id="first"),
        Binding("end", "jump(-1)", "Last", show=False, id="last"),
        Binding("enter", "select", "Open", id="open", tooltip="Open the focused post"),
        Binding("space", "mark", "Mark", id="mark", tooltip="Mark or unmark the focused post"),
    ]

    @dataclass
    class CursorMoved(Message):
        """The focused cell changed."""

        grid: PostGrid
        index: int

    @dataclass
    class Selected(Message):
        """Enter was pressed on a cell (or it was clicked while focused, or double-clicked)."""

        grid: PostGrid
        index: int

    @dataclass
    class MarkToggled(Message):
        """Space was pressed on a cell."""

        grid: PostGrid
        index: int

    @dataclass
    class EdgeReached(Message):
        """The cursor tried to move past the first or last cell (direction -1 or +1)."""

        grid: PostGrid
        direction: int

    # ---- what is shown ---------------------------------------------------------------------

    @property
    def current(self) -> CellState | None:
        """The focused item."""
        if 0 <= self.cursor < len(self.items):
            return self.items[self.cursor]
        return None

    async def set_items(self, items: list[CellState], cursor: int = 0) -> None:
        """Show a new page: one repaint (its pictures are drawn as soon as they are ready)."""
        self.items = list(items)
        cursor = max(0, min(cursor, len(self.items) - 1))
        self.set_reactive(PostGrid.cursor, cursor)
        self.top_row = self._geometry.top_for(cursor, 0, len(self.items))
        self._repaint()
        self._load_pictures()
        self.post_message(self.CursorMoved(self, self.cursor))

    def update_states(self, states: list[CellState]) -> None:
        """New states for the posts shown (e.g. set membership changed): repaint captions."""
        if [s.post.id for s in states] != [s.post.id for s in self.items]:
            raise ValueError("update_states needs the same posts in the same order")
        changed = [i for i, (a, b) in enumerate(zip(self.items, states, strict=True)) if a != b]
        self.items = list(states)
        self._refresh_cells(changed, "caption")

    def refresh_posts(self, post_ids: frozenset[int] | None = None) -> None:
        """Repaint captions of these posts (all when None)."""
        indexes = [i for i, s in enumerate(self.items) if post_ids is None or s.post.id in post_ids]
        self._refresh_cells(indexes, "caption")

    # ---- focus, mouse, cursor ------------------------------------------------------------------

    def on_focus(self) -> None:
        """The cursor frame brightens."""
        self._refresh_cells([self.cursor], "frame")

    def on_blur(self) -> None:
        """The cursor frame dims."""
        self._refresh_cells([self.cursor], "frame")

    def on_click(self, event: events.Click) -> None:
        """A click focuses a cell; a double click, or a click on the focused cell, opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self._geometry.index_at(offset.x, offset.y, self.top_row)
        if index is None or index >= len(self.items):
            return
        event.stop()
        self.focus()
        if event.chain >= 2 or index == self.cursor:
            self.post_message(self.Selected(self, index))
        else:
            self.cursor = index

    def watch_cursor(self, old: int, new: int) -> None:
        """Move the highlight (scrolling the row into view) and tell the screen."""
        top = self._geometry.top_for(new, self.top_row, len(self.items))
        if top != self.top_row:
            self.top_row = top
            self._repaint()
            self._load_pictures()
        else:
            self._refresh_cells([old, new], "frame")
        self.post_message(self.CursorMoved(self, new))

    # ---- keys ----------------------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        """Move the cursor; at the edges ask the screen to turn the page."""
        if not self.items:
            return
        target = self.cursor + dx + dy * self.columns
        if target < 0:
            if self.cursor == 0:
                self.post_message(self.EdgeReached(self, -1))
            target = 0 if dy else self.cursor
        elif target >= len(self.items):
            if self.cursor == len(self.items) - 1:
                self.post_message(self.EdgeReached(self, 1))
            target = len(self.items) - 1 if (dy or dx > 0) else self.cursor
        self.cursor = target

    def action_jump(self, index: int) -> None:
        """Go to the first (0) or last (-1) cell."""
        if self.items:
            self.cursor = index % len(self.items)

    def action_select(self) -> None:
        """Open the focused post."""
        if self.current is not None:
            self.post_message(self.Selected(self, self.cursor))

    def action_mark(self) -> None:
        """Mark or unmark the focused post."""
        if self.current is not None:
            self.post_message(self.MarkToggled(self, self.cursor))


__all__ = ["CellState", "PostGrid", "caption", "image_args"]
