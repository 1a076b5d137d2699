"""The thumbnail grid: cells of image + caption, a cursor, and key movement."""

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
from e621tui.core.images.pipeline import ImageRequest, preview_request
from e621tui.core.session import Session, Shown
from e621tui.text.sanitize import one_line
from e621tui.ui.widgets.image import ImageView

#: Cell width in columns (including margin) and height in rows (image + caption).
CELL_WIDTH = 20
CELL_HEIGHT = 11

_RATING = {"s": "S", "q": "Q", "e": "E"}


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


class PostCell(Widget):
    """One post in the grid."""

    def __init__(self, shown: Shown, index: int, session: Session) -> None:
        super().__init__(classes="post-cell")
        self.shown = shown
        self.index = index
        self.session = session

    @property
    def post(self) -> Post:
        """The post shown."""
        return self.shown.post

    def _image_args(self) -> tuple[ImageRequest | None, str]:
        post = self.post
        reason = self.session.hidden_reason(post)
        request = None if reason else preview_request(post)
        if self.shown.blacklisted is not None:
            return None, f"⊘ blacklisted\n#{post.id}"
        if reason:
            return None, f"{reason}\n#{post.id}"
        if request is None:
            return None, f"no preview\n#{post.id}"
        return request, f"#{post.id}"

    def compose(self) -> ComposeResult:
        """Image (or the reason there is none) and a caption."""
        request, placeholder = self._image_args()
        yield ImageView(request, placeholder=placeholder, classes="cell-image")
        yield Static(self.caption_text(), classes="cell-caption")

    def set_item(self, shown: Shown, index: int, *, marked: bool) -> None:
        """Show another post in this cell (cells are reused from page to page)."""
        self.shown = shown
        self.index = index
        views = self.query(ImageView)
        if not views:
            return  # not composed yet: compose() will draw the new post
        request, placeholder = self._image_args()
        views.first().set_request(request, placeholder)
        self.update_caption(marked=marked)

    def caption_text(self, *, marked: bool = False) -> Text:
        """The caption with the current state."""
        members = self.session.sets.active_members
        return caption(
            self.post,
            marked=marked,
            in_set=self.post.id in members,
            blacklisted=self.shown.blacklisted is not None,
        )

    def update_caption(self, *, marked: bool) -> None:
        """Repaint the caption (after a favorite, vote, mark or set change)."""
        for caption_widget in self.query(".cell-caption").results(Static):
            caption_widget.update(self.caption_text(marked=marked))


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

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.items: list[Shown] = []
        self.marked: set[int] = set()
        self._set_lock = asyncio.Lock()

    @property
    def columns(self) -> int:
        """How many cells fit across."""
        width = self.scrollable_content_region.width or self.size.width
        return max(1, width // CELL_WIDTH)

    @property
    def current(self) -> Shown | None:
        """The focused item."""
        if 0 <= self.cursor < len(self.items):
            return self.items[self.cursor]
        return None

    def cells(self) -> list[PostCell]:
        """The mounted cells, in order."""
        return list(self.query(PostCell))

    async def set_items(self, items: list[Shown], cursor: int = 0) -> None:
        """Show a new page, reusing the cells already mounted (mounting is the slow part)."""
        async with self._set_lock:  # one page change at a time: cells may still be mounting
            await self._set_items(items, cursor)

    async def _set_items(self, items: list[Shown], cursor: int) -> None:
        self.items = items
        cells = self.cells()
        for index, (cell, item) in enumerate(zip(cells, items, strict=False)):
            cell.set_item(item, index, marked=item.post.id in self.marked)
        if len(cells) > len(items):
            await self.remove_children(cells[len(items) :])
        elif len(items) > len(cells):
            await self.mount_all(
                PostCell(item, i, self.session) for i, item in enumerate(items) if i >= len(cells)
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
