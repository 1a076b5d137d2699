"""The grid's drawing: cells of one page laid out by `Geometry`, drawn with the Line API, their
thumbnails prepared off the event loop (`GridPictures`) and drawn by the renderer.

`PostGrid` (the posts, the cursor, keys and messages) is built on it. Showing another page
mounts nothing: it is one repaint, with the pictures prepared ahead already in the cache.
"""

from __future__ import annotations

from textual import events, work
from textual.dom import NoScreen
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from e621tui.core.images import ImageRequest
from e621tui.terminal.decide import Mode
from e621tui.terminal.layer import PictureLayer
from e621tui.ui.graphics.renderers import Picture, PictureCache, Renderer
from e621tui.ui.graphics.slots import screens_in_view, sync_pictures
from e621tui.ui.grid_layout import Geometry
from e621tui.ui.widgets.cell_state import CellState, caption, image_args
from e621tui.ui.widgets.grid_draw import CellPainter, CellView, palette_of
from e621tui.ui.widgets.grid_pictures import GridPictures
from e621tui.ui.widgets.image import ImageSource, fallback_renderer


class GridView(Widget):
    """Cells of posts drawn a line at a time; the cell at `cursor` has the cursor's frame.

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
    GridView { height: 1fr; }
    GridView > .post-grid--frame { color: $panel-lighten-1; }
    GridView > .post-grid--cursor { color: $accent; text-style: bold; }
    GridView > .post-grid--cursor-blurred { color: $accent 50%; }
    GridView > .post-grid--cursor-caption { background: $boost; text-style: bold; }
    GridView > .post-grid--placeholder { color: $text-muted; }
    GridView > .post-grid--scroll-track { color: $foreground 12%; }
    GridView > .post-grid--scroll-thumb { color: $foreground 45%; }
    """
    cursor: reactive[int] = reactive(0, init=False, repaint=False)

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

    @property
    def columns(self) -> int:
        """How many cells fit across."""
        return self._geometry.columns

    @property
    def geometry(self) -> Geometry:
        """The layout for the current size."""
        return self._geometry

    @property
    def drawing(self) -> bool:
        """Thumbnails are drawn at all (not mode ``none``)."""
        return self.renderer.mode != Mode.NONE and self.graphics != "none"

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
        view = self._view_range()
        requests = [self._request(i) for i in range(view.start, min(view.stop, len(self.items)))]
        return self.pictures.pending(requests, self._geometry.picture_box)

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
        if self.picture_layer is not None:  # kitty: sent now, the turn only writes cells
            in_view = self._geometry.columns * self._geometry.rows
            await self.pictures.preload(ahead[:in_view], box, self._flush_layer)

    def _flush_layer(self) -> None:
        # The layer writes what it queued before the next frame: make one (a single cell).
        self._repaint(Region(0, 0, 1, 1))

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
        assert self._painter is not None
        box = self._geometry.picture_box
        view = self._view_range()
        shown = []
        for index in range(view.start, min(view.stop, len(self.items))):
            request = self._request(index)
            picture = self.pictures.get(request, box) if request else None
            if picture is not None:
                shown.append((index, picture))
        return self._painter.placed(shown, self.top_row)

    def render_line(self, y: int) -> Strip:
        """One line across the cells, and the scroll indicator."""
        painter = self._painter or CellPainter(
            self._geometry, palette_of(self), self.renderer, self.app.console
        )
        return painter.grid_line(y, self.top_row, len(self.items), self._view_of, self.size.width)

    def _view_of(self, index: int) -> CellView:
        view = self._views.get(index)
        if view is None:
            view = self._views[index] = self._cell_view(index)
        return view

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
            hidden = self.screen not in screens_in_view(self.app)
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

    def on_resize(self, event: events.Resize) -> None:
        """Fit the cells to the new size; pictures for a new cell size are prepared anew."""
        old = self._geometry
        self._geometry = Geometry.fit(self.size.width, self.size.height)
        self.top_row = self._geometry.top_for(self.cursor, self.top_row, len(self.items))
        self._repaint()
        if self._geometry.picture_box != old.picture_box or not old.width:
            self._load_pictures()

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

    def on_unmount(self) -> None:
        """Nothing of ours stays on the screen."""
        if self.picture_layer is not None:
            self.picture_layer.hide(self)


__all__ = ["GridView"]
