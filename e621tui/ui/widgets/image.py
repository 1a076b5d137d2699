"""An image loaded through an `ImageSource` and drawn by a picture renderer, or a placeholder text.

The widget is given everything as values: what to load (`ImageRequest`), where from (an
`ImageSource`: the session's image pipeline), and how to draw it (the graphics mode and the
renderer, layer and picture cache of that mode). It fetches and decodes off the event loop,
prepares the picture for its own size in cells (again when it is resized), and draws it with
the Line API (`PictureView`): repaints cost nothing and never re-send an unchanged picture.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from PIL import Image as PILImage
from textual import work

from e621tui.core.images import PREVIEW_BOX, ImageRequest, ThumbError
from e621tui.terminal.decide import Mode, explicit
from e621tui.terminal.layer import PictureLayer
from e621tui.ui.graphics.renderers import (
    Picture,
    PictureCache,
    Renderer,
    make_renderer,
    prepare_picture,
)
from e621tui.ui.graphics.view import PictureView


class ImageSource(Protocol):
    """Where pictures come from (the session's `ImagePipeline`)."""

    def cached(self, req: ImageRequest, box: tuple[int, int]) -> PILImage.Image | None:
        """The decoded picture if it is in memory, else None (never waits)."""
        ...

    async def load(self, req: ImageRequest, box: tuple[int, int]) -> PILImage.Image:
        """The decoded picture fitting `box`; raises `ThumbError`."""
        ...


def fallback_renderer(mode: str) -> Renderer:
    """A renderer for ``mode`` without a picture layer (half-cell and none need none)."""
    wanted = Mode(mode) if mode in {m.value for m in Mode} else Mode.HALFCELL
    if wanted not in (Mode.HALFCELL, Mode.NONE):
        wanted = Mode.HALFCELL  # the other modes need the app's picture layer
    return make_renderer(explicit(wanted.value))


class ImageView(PictureView):
    """Shows one picture, fetched and decoded off the event loop, or a placeholder text.

    Args:
        request: What to load; None shows ``placeholder`` only.
        images: Where to load it from.
        graphics: The graphics mode (``none`` draws the placeholder only).
        placeholder: Text shown while loading or instead of the image (lines split on ``\\n``).
        box: The pixel box the image is decoded into.
        renderer: Draws the picture (the app's renderer for ``graphics``); when omitted, the
            app's `picture_kit(mode)` is asked on mount, else half-cell blocks are drawn.
        layer: The renderer's picture layer (sixel, kitty).
        cache: Prepared pictures to share with other widgets (one of its own otherwise).
    """

    DEFAULT_CSS = """
    ImageView { width: 1fr; height: 1fr; }
    """

    def __init__(
        self,
        request: ImageRequest | None,
        *,
        images: ImageSource,
        graphics: str,
        placeholder: str = "",
        box: tuple[int, int] = PREVIEW_BOX,
        renderer: Renderer | None = None,
        layer: PictureLayer | None = None,
        cache: PictureCache | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        self._given = renderer is not None
        renderer = renderer or fallback_renderer(graphics)
        super().__init__(renderer, layer, text=placeholder, id=id, classes=classes)
        self.request = request
        self.images = images
        self.graphics = graphics
        self.placeholder = placeholder
        self.box = box
        self.error: str | None = None
        self.loaded: PILImage.Image | None = None
        self.cache = cache if cache is not None else PictureCache(renderer, capacity=4)

    def on_mount(self) -> None:
        """Take the app's renderer if none was given; load."""
        if not self._given:
            self._adopt_app_kit()
        self.reload()

    def _adopt_app_kit(self) -> None:
        kit_for: Any = getattr(self.app, "picture_kit", None)
        if not callable(kit_for):
            return
        try:
            kit = kit_for(self.graphics)
        except ValueError:
            return  # a mode this app cannot draw: stay with half-cell blocks
        self.set_renderer(kit.renderer, kit.layer)
        self.cache = kit.cache

    def set_request(self, request: ImageRequest | None, placeholder: str) -> None:
        """Show another picture (the previous load, if still running, is cancelled)."""
        self.request = request
        self.placeholder = placeholder
        self.error = None
        self.loaded = None
        if self.is_mounted:
            self.reload()

    def set_graphics(
        self,
        mode: str,
        renderer: Renderer | None = None,
        layer: PictureLayer | None = None,
        cache: PictureCache | None = None,
    ) -> None:
        """Draw in another graphics mode from now on (with that mode's renderer if given)."""
        self.graphics = mode
        renderer = renderer or fallback_renderer(mode)
        self.set_renderer(renderer, layer)
        self.cache = cache if cache is not None else PictureCache(renderer, capacity=4)
        if self.is_mounted:
            self.reload()

    # ---- loading ---------------------------------------------------------------------------

    @property
    def drawing(self) -> bool:
        """Pictures are drawn at all (not mode ``none``)."""
        return self.renderer.mode != Mode.NONE and self.graphics != "none"

    def reload(self) -> None:
        """(Re)load the image and prepare it for the current size."""
        self.workers.cancel_group(self, "image")
        if self.request is None:
            self.show(None, self.placeholder)
            return
        if not self.drawing:
            self.show(None, self.placeholder or "image")
            return
        picture = self._cached_picture()
        if picture is not None:
            self.loaded = self.loaded or self.images.cached(self.request, self.box)
            self.show(picture, self.placeholder)
            return
        self.show(None, self.placeholder or "…")
        self._load(self.request, self.cells)

    @property
    def cells(self) -> tuple[int, int]:
        """The cell box pictures are prepared for (the content size, at least 1×1)."""
        width, height = self.cell_box
        return max(1, width), max(1, height)

    def _key(self, request: ImageRequest, cells: tuple[int, int]) -> tuple[object, ...]:
        return (request.cache_key, request.kind, self.box, cells)

    def _cached_picture(self) -> Picture | None:
        if self.request is None or self.cell_box[0] <= 0 or self.cell_box[1] <= 0:
            return None
        picture = self.cache.get(self._key(self.request, self.cells))
        return picture if picture is not None and picture.mode == self.renderer.mode else None

    @work(exclusive=True, group="image", exit_on_error=False)
    async def _load(self, request: ImageRequest, cells: tuple[int, int]) -> None:
        try:
            image = self.loaded or await self.images.load(request, self.box)
        except ThumbError as exc:
            if request is self.request:
                self.error = exc.message
                self.show(None, f"⚠ {exc.message}")
            return
        if request is not self.request:
            return
        self.loaded = image
        while request is self.request and self.cell_box[0] > 0 and self.cell_box[1] > 0:
            cells, renderer = self.cells, self.renderer
            picture = self._cached_picture()
            if picture is None:
                key = self._key(request, cells)
                background = self.background_rgb
                system = self.app.console.color_system
                picture = await asyncio.to_thread(
                    prepare_picture, renderer, key, image, cells, background, system
                )
                self.cache.put(picture)
            if cells == self.cells and renderer is self.renderer:
                self.show(picture, self.placeholder)
                return
            # Resized (or another mode) while preparing: once more for the size it has now.

    def on_resize(self) -> None:
        """A new size: prepare the picture for it (the decoded image is kept)."""
        super().on_resize()
        if self.request is not None and self.drawing:
            picture = self._cached_picture()
            if picture is not None:
                self.show(picture, self.placeholder)
            elif self.loaded is not None:
                self._load(self.request, self.cells)

    def on_picture_view_box_changed(self, message: PictureView.BoxChanged) -> None:
        """Our own size message: handled by `on_resize` already."""
        if message.view is self:
            message.stop()


__all__ = ["ImageSource", "ImageView", "fallback_renderer"]
