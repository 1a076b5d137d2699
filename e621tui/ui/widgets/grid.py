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

from rich.segment import Segment
from textual import events, work
from textual.binding import Binding
from textual.dom import NoScreen
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from e621tui.core.images import ImageRequest
from e621tui.terminal.decide import Mode
from e621tui.terminal.layer import PictureLayer
from e621tui.ui.graphics.renderers import Picture, PictureCache, Renderer
from e621tui.ui.graphics.slots import sync_pictures
from e621tui.ui.grid_layout import Geometry
from e621tui.ui.widgets.cell_state import CellState, caption, image_args
from e621tui.ui.widgets.grid_draw import CellPainter, CellView, palette_of
from e621tui.ui.widgets.grid_pictures import GridPictures
from e621tui.ui.widgets.image import ImageSource, fallback_renderer


class PostGrid(Widget, can_focus=True):
    """Posts in cells with a cursor moved by arrows, h/j/k/l, home/end and the mouse.

    Args:
        images: Where thumbnails come from (the session's image pipeline).
        graphics: The graphics mode (``none``: placeholders only).
        renderer: Draws thumbnails (the app's renderer for the mode; half-cell if omitted).
        layer: The renderer's picture layer (sixel, kitty), None otherwise.
        cache: Prepared pictures shared with other widgets of this mode.
    """

    COMPONENT_CLASSES = {
        "post-grid--frame",
        "post-grid--cursor",
        "post-grid--cursor-blurred",
        "post-grid--caption",
        "post-grid--cursor-caption",
        "post-grid--placeholder",
        "post-grid--scroll-track",
        "post-grid--scroll-thumb",
    }
    DEFAULT_CSS = """
    PostGrid { height: 1fr; }
    PostGrid > .post-grid--frame { color: $panel-lighten-1; }
    PostGrid > .post-grid--cursor { color: $accent; text-style: bold; }
    PostGrid > .post-grid--cursor-blurred { color: $accent 50%; }
    PostGrid > .post-grid--cursor-caption { background: $boost; text-style: bold; }
    PostGrid > .post-grid--placeholder { color: $text-muted; }
    PostGrid > .post-grid--scroll-track { color: $foreground 12%; }
    PostGrid > .post-grid--scroll-thumb { color: $foreground 45%; }
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

    cursor: reactive[int] = reactive(0, init=False, repaint=False)

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

    def __init__(
        self,
        *,
        images: ImageSource,
        graphics: str,
        renderer: Renderer | None = None,
        layer: PictureLayer | None = None,
        cache: PictureCache | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.images = images
        self.graphics = graphics
        self.items: list[CellState] = []
        self.marked: set[int] = set()
        self.top_row = 0
        self.renderer = renderer or fallback_renderer(graphics)
        self.picture_layer = layer
        self.pictures = GridPictures(images, cache or PictureCache(self.renderer))
        self._geometry = Geometry.fit(0, 0)
        self._painter: CellPainter | None = None
        self._views: dict[int, CellView] = {}
        self._stale = False
        self._ahead: list[CellState] = []

    # ---- what is shown ---------------------------------------------------------------------

    @property
    def columns(self) -> int:
        """How many cells fit across."""
        return self._geometry.columns

    @property
    def geometry(self) -> Geometry:
        """The layout for the current size."""
        return self._geometry

    @property
    def current(self) -> CellState | None:
        """The focused item."""
        if 0 <= self.cursor < len(self.items):
            return self.items[self.cursor]
        return None

    @property
    def drawing(self) -> bool:
        """Thumbnails are drawn at all (not mode ``none``)."""
        return self.renderer.mode != Mode.NONE and self.graphics != "none"

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

    def set_graphics(
        self,
        mode: str,
        renderer: Renderer | None = None,
        layer: PictureLayer | None = None,
        cache: PictureCache | None = None,
    ) -> None:
        """Draw every picture in another graphics mode (with that mode's renderer if given)."""
        if self.picture_layer is not None:
            self.picture_layer.hide(self)
        self.graphics = mode
        self.renderer = renderer or fallback_renderer(mode)
        self.picture_layer = layer
        self.pictures = GridPictures(self.images, cache or PictureCache(self.renderer))
        self._repaint()
        self._load_pictures()

    def pending_pictures(self) -> int:
        """Thumbnails in view that are neither drawn nor known to be missing yet."""
        if not self.drawing:
            return 0
        box = self._geometry.picture_box
        count = 0
        for index in self._view_range():
            if index >= len(self.items):
                break
            request = self._request(index)
            if request is None:
                continue
            if self.pictures.get(request, box) is None and self.pictures.error(request) is None:
                count += 1
        return count

    def prepare_ahead(self, states: list[CellState]) -> None:
        """Fetch and prepare these posts' thumbnails (the next page) after this page's own."""
        self._ahead = list(states)
        self._load_pictures()

    # ---- pictures ----------------------------------------------------------------------------

    def _load_pictures(self) -> None:
        if not self.drawing or not self.is_mounted or self.size.area == 0:
            return
        self.pictures.color_system = self.app.console.color_system
        view = self._view_range()
        order = [*range(view.start, min(view.stop, len(self.items)))]
        order += [i for i in range(len(self.items)) if i not in view]
        current = [r for i in order if (r := self._request(i)) is not None]
        ahead = [r for s in self._ahead if (r := image_args(s)[0]) is not None]
        self._prepare(current, ahead, self._geometry.picture_box)

    @work(group="pictures", exclusive=True, exit_on_error=False, description="thumbnails")
    async def _prepare(
        self, current: list[ImageRequest], ahead: list[ImageRequest], box: tuple[int, int]
    ) -> None:
        background = self._background()
        await self.pictures.prepare_all(current, box, background, self._pictures_ready)
        await self.pictures.prepare_all(ahead, box, background, lambda _batch: None)

    def _pictures_ready(self, requests: list[ImageRequest]) -> None:
        keys = {r.cache_key for r in requests}
        indexes = [
            i for i in range(len(self.items)) if (r := self._request(i)) and r.cache_key in keys
        ]
        self._refresh_cells(indexes)

    def _request(self, index: int) -> ImageRequest | None:
        return image_args(self.items[index])[0]

    def _background(self) -> tuple[int, int, int]:
        color = self.rich_style.bgcolor
        triplet = color.get_truecolor() if color is not None else None
        return (triplet.red, triplet.green, triplet.blue) if triplet else (0, 0, 0)

    def _cell_view(self, index: int) -> CellView:
        state = self.items[index]
        request, text = image_args(state)
        picture: Picture | None = None
        if request is not None and self.drawing:
            picture = self.pictures.get(request, self._geometry.picture_box)
            error = self.pictures.error(request) if picture is None else None
            if error:
                text = f"⚠ {error}"
        cap = caption(
            state.post,
            marked=state.post.id in self.marked,
            in_set=state.in_set,
            blacklisted=state.blacklisted is not None,
        )
        return CellView(cap, picture, text, index == self.cursor)

    # ---- drawing -----------------------------------------------------------------------------

    def _view_range(self) -> range:
        g = self._geometry
        return range(self.top_row * g.columns, (self.top_row + g.rows) * g.columns)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Lines as usual, and the visible pictures' places for the picture layer."""
        self._painter = CellPainter(
            self._geometry, palette_of(self), self.renderer, self.app.console
        )
        self._views = {}
        if self.picture_layer is not None:
            sync_pictures(self, self.picture_layer, self.renderer, self._placed_pictures())
        try:
            return super().render_lines(crop)
        finally:
            self._painter = None
            self._views = {}

    def _placed_pictures(self) -> list[tuple[Picture, int, int]]:
        g, painter = self._geometry, self._painter
        assert painter is not None
        out = []
        for index in self._view_range():
            if index >= len(self.items):
                break
            request = self._request(index)
            picture = self.pictures.get(request, g.picture_box) if request else None
            if picture is None or picture.cols > g.picture_box[0]:
                continue
            x, y = g.cell_origin(index, self.top_row)
            dx, dy = painter.picture_offset(picture)
            out.append((picture, x + dx, y + dy))
        return out

    def render_line(self, y: int) -> Strip:
        """One line across the cells, and the scroll indicator."""
        painter = self._painter or CellPainter(
            self._geometry, palette_of(self), self.renderer, self.app.console
        )
        g = self._geometry
        base = painter.palette.base
        width = self.size.width
        row_in_view, dy = divmod(y, g.cell_height)
        whole = row_in_view < g.rows
        row = self.top_row + row_in_view
        segments: list[Segment] = [Segment(" " * g.left, base)] if g.left else []
        for col in range(g.columns):
            index = row * g.columns + col
            if index < len(self.items):
                view = self._views.get(index)
                if view is None:
                    view = self._views[index] = self._cell_view(index)
                segments += painter.line(view, dy, pictures=whole)
            else:
                segments += painter.blank_cell()
        used = g.left + g.columns * g.cell_width
        if width - 1 > used:
            segments.append(Segment(" " * (width - 1 - used), base))
        segments.append(painter.scroll_column(y, self.top_row, len(self.items)))
        return Strip(segments).crop_extend(0, width, base)

    def _cell_regions(self, index: int, part: str) -> list[Region]:
        """The parts of a cell to repaint: ``all``, its ``frame`` (and caption) or ``caption``."""
        g = self._geometry
        if index not in self._view_range():
            return []
        x, y = g.cell_origin(index, self.top_row)
        w, h = g.cell_width, g.cell_height
        if part == "caption":
            return [Region(x, y + h - 2, w, 1)]
        if part == "frame":  # the picture inside need not be written again
            return [
                Region(x, y, w, 1),
                Region(x, y + h - 2, w, 2),
                Region(x, y + 1, 1, h - 3),
                Region(x + w - 1, y + 1, 1, h - 3),
            ]
        return [Region(x, y, w, h)]

    def _repaint(self, *regions: Region) -> None:
        """Refresh, unless the grid's screen is hidden: then once, when it is back (`resume`).
        (In Textual 8 a hidden screen that repaints makes every later message to it repaint
        the whole screen on top of it.)"""
        try:
            hidden = not self.screen.is_current
        except NoScreen:
            hidden = False
        if hidden:
            self._stale = True
            return
        self.refresh(*regions)

    def resume(self) -> None:
        """The grid's screen is back on top: draw what changed while it was hidden."""
        if self._stale:
            self._stale = False
            self.refresh()

    def _refresh_cells(self, indexes: list[int], part: str = "all") -> None:
        regions = [region for i in indexes for region in self._cell_regions(i, part)]
        if regions:
            self._repaint(*regions)

    # ---- size, focus, scrolling ----------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Fit the cells to the new size; pictures for a new cell size are prepared anew."""
        old = self._geometry
        self._geometry = Geometry.fit(self.size.width, self.size.height)
        self.top_row = self._geometry.top_for(self.cursor, self.top_row, len(self.items))
        self._repaint()
        if self._geometry.picture_box != old.picture_box or not old.width:
            self._load_pictures()

    def on_focus(self) -> None:
        """The cursor frame brightens."""
        self._refresh_cells([self.cursor], "frame")

    def on_blur(self) -> None:
        """The cursor frame dims."""
        self._refresh_cells([self.cursor], "frame")

    def _show_from_row(self, top_row: int) -> None:
        top_row = self._geometry.clamp_top(top_row, len(self.items))
        if top_row != self.top_row:
            self.top_row = top_row
            self._repaint()
            self._load_pictures()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        """One row of cells down."""
        event.stop()
        self._show_from_row(self.top_row + 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        """One row of cells up."""
        event.stop()
        self._show_from_row(self.top_row - 1)

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

    def on_unmount(self) -> None:
        """Nothing of ours stays on the screen."""
        if self.picture_layer is not None:
            self.picture_layer.hide(self)


__all__ = ["CellState", "PostGrid", "caption", "image_args"]
