"""The thumbnail grid: cells of image + caption, a cursor, and key movement.

The grid is handed what it shows as values (`CellState`: the post, and what the screen knows
about it: blacklisted, hidden by the site, in the active set) and posts messages for what the
user does; it never looks at the session.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from e621tui.api.models import Post
from e621tui.core.images import ImageRequest, preview_request
from e621tui.text.sanitize import one_line
from e621tui.ui.widgets.image import ImageSource, ImageView

#: Cell width in columns (including margin) and height in rows (image + caption).
CELL_WIDTH = 20
CELL_HEIGHT = 11

_RATING = {"s": "S", "q": "Q", "e": "E"}


@dataclass(frozen=True)
class CellState:
    """What one cell shows: the post and what the screen knows about it."""

    post: Post
    blacklisted: str | None = None
    """The blacklist rule the post matches (shown only while blacklisted posts are shown)."""
    hidden_reason: str | None = None
    """Why the site withheld the image (deleted, log in, safe mode), or None."""
    in_set: bool = False
    """In the active set."""


def caption(post: Post, *, marked: bool, in_set: bool, blacklisted: bool) -> Text:
    """The one-line caption under a thumbnail: score, favorites, rating, type and markers."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if marked:
        text.append("✓", style="bold yellow")
    if in_set:
        text.append("●", style="bold cyan")
    if post.is_favorited:
        text.append("♥", style="bold red")
    if blacklisted:
        text.append("⊘", style="bold magenta")
    if len(text):
        text.append(" ")
    score = post.score.total
    text.append(f"{'▲' if score >= 0 else '▼'}{abs(score)}", style="green" if score >= 0 else "red")
    if post.vote:
        text.append("*", style="bold")
    text.append(f" ♥{post.fav_count}")
    text.append(f" {_RATING.get(post.rating, '?')}")
    ext = one_line(post.file.ext, 4).upper() or "?"
    style = "bold magenta" if post.is_animated else ""
    text.append(f" {ext}", style=style)
    return text


def image_args(state: CellState) -> tuple[ImageRequest | None, str]:
    """The picture a cell loads (None when there is none to show) and its placeholder text."""
    post = state.post
    if state.blacklisted is not None:
        return None, f"⊘ blacklisted\n#{post.id}"
    if state.hidden_reason:
        return None, f"{state.hidden_reason}\n#{post.id}"
    request = preview_request(post)
    if request is None:
        return None, f"no preview\n#{post.id}"
    return request, f"#{post.id}"


class PostCell(Widget):
    """One post in the grid."""

    def __init__(self, state: CellState, index: int, *, images: ImageSource, graphics: str) -> None:
        super().__init__(classes="post-cell")
        self.state = state
        self.index = index
        self._images = images
        self._graphics = graphics
        self.marked = False

    @property
    def post(self) -> Post:
        """The post shown."""
        return self.state.post

    def compose(self) -> ComposeResult:
        """Image (or the reason there is none) and a caption."""
        request, placeholder = image_args(self.state)
        yield ImageView(
            request,
            images=self._images,
            graphics=self._graphics,
            placeholder=placeholder,
            classes="cell-image",
        )
        yield Static(self.caption_text(), classes="cell-caption")

    def set_item(self, state: CellState, index: int, *, marked: bool) -> None:
        """Show another post in this cell (cells are reused from page to page)."""
        self.state = state
        self.index = index
        views = self.query(ImageView)
        if not views:
            self.marked = marked
            return  # not composed yet: compose() will draw the new post
        request, placeholder = image_args(state)
        views.first().set_request(request, placeholder)
        self.update_caption(marked=marked)

    def set_graphics(self, mode: str) -> None:
        """Draw the picture in another graphics mode."""
        self._graphics = mode
        for view in self.query(ImageView):
            view.set_graphics(mode)

    def caption_text(self) -> Text:
        """The caption with the current state."""
        return caption(
            self.post,
            marked=self.marked,
            in_set=self.state.in_set,
            blacklisted=self.state.blacklisted is not None,
        )

    def update_caption(self, *, marked: bool) -> None:
        """Repaint the caption (after a favorite, vote, mark or set change)."""
        self.marked = marked
        for caption_widget in self.query(".cell-caption").results(Static):
            caption_widget.update(self.caption_text())


class PostGrid(ScrollableContainer, can_focus=True):
    """A grid of `PostCell`s with a cursor moved by arrows and h/j/k/l."""

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

    cursor: reactive[int] = reactive(0, init=False)

    @dataclass
    class CursorMoved(Message):
        """The focused cell changed."""

        grid: PostGrid
        index: int

    @dataclass
    class Selected(Message):
        """Enter was pressed on a cell."""

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

    def __init__(self, *, images: ImageSource, graphics: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.images = images
        self.graphics = graphics
        self.items: list[CellState] = []
        self.marked: set[int] = set()
        self._set_lock = asyncio.Lock()

    @property
    def columns(self) -> int:
        """How many cells fit across."""
        width = self.scrollable_content_region.width or self.size.width
        return max(1, width // CELL_WIDTH)

    @property
    def current(self) -> CellState | None:
        """The focused item."""
        if 0 <= self.cursor < len(self.items):
            return self.items[self.cursor]
        return None

    def cells(self) -> list[PostCell]:
        """The mounted cells, in order."""
        return list(self.query(PostCell))

    async def set_items(self, items: list[CellState], cursor: int = 0) -> None:
        """Show a new page, reusing the cells already mounted (mounting is the slow part)."""
        async with self._set_lock:  # one page change at a time: cells may still be mounting
            await self._set_items(items, cursor)

    async def _set_items(self, items: list[CellState], cursor: int) -> None:
        self.items = items
        cells = self.cells()
        for index, (cell, item) in enumerate(zip(cells, items, strict=False)):
            cell.set_item(item, index, marked=item.post.id in self.marked)
        if len(cells) > len(items):
            await self.remove_children(cells[len(items) :])
        elif len(items) > len(cells):
            await self.mount_all(
                PostCell(item, i, images=self.images, graphics=self.graphics)
                for i, item in enumerate(items)
                if i >= len(cells)
            )
            for cell in self.cells()[len(cells) :]:
                cell.update_caption(marked=cell.post.id in self.marked)
        self._apply_columns()
        self.set_reactive(PostGrid.cursor, max(0, min(cursor, len(items) - 1)))
        self._paint_cursor(scroll=False)
        self.scroll_home(animate=False)
        if cursor:
            self._paint_cursor()
        self.post_message(self.CursorMoved(self, self.cursor))

    def refresh_posts(self, post_ids: frozenset[int] | None = None) -> None:
        """Repaint captions of these posts (all when None)."""
        for cell in self.cells():
            if post_ids is None or cell.post.id in post_ids:
                cell.update_caption(marked=cell.post.id in self.marked)

    def update_states(self, states: list[CellState]) -> None:
        """New states for the posts shown (e.g. set membership changed): repaint captions."""
        if [s.post.id for s in states] != [s.post.id for s in self.items]:
            raise ValueError("update_states needs the same posts in the same order")
        self.items = states
        for cell, state in zip(self.cells(), states, strict=False):
            cell.state = state
            cell.update_caption(marked=state.post.id in self.marked)

    def set_graphics(self, mode: str) -> None:
        """Draw every picture in another graphics mode."""
        self.graphics = mode
        for cell in self.cells():
            cell.set_graphics(mode)

    def on_resize(self) -> None:
        """Fit the columns to the width."""
        self._apply_columns()

    def _apply_columns(self) -> None:
        self.styles.grid_size_columns = self.columns

    def watch_cursor(self, old: int, new: int) -> None:
        """Move the highlight and tell the screen."""
        self._paint_cursor()
        self.post_message(self.CursorMoved(self, new))

    def _paint_cursor(self, *, scroll: bool = True) -> None:
        for cell in self.cells():
            cell.set_class(cell.index == self.cursor, "-cursor")
        cells = self.cells()
        if scroll and 0 <= self.cursor < len(cells):
            self.scroll_to_widget(cells[self.cursor], animate=False)

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
