"""An image loaded through an `ImageSource` and drawn in a graphics mode, or a placeholder text.

The widget is given everything as values: what to load (`ImageRequest`), where from (an
`ImageSource`: the session's image pipeline), and how to draw it (the graphics mode).
"""

from __future__ import annotations

from typing import Any, Protocol

from PIL import Image as PILImage
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from e621tui.core.images import PREVIEW_BOX, ImageRequest, ThumbError


class ImageSource(Protocol):
    """Where pictures come from (the session's `ImagePipeline`)."""

    def cached(self, req: ImageRequest, box: tuple[int, int]) -> PILImage.Image | None:
        """The decoded picture if it is in memory, else None (never waits)."""
        ...

    async def load(self, req: ImageRequest, box: tuple[int, int]) -> PILImage.Image:
        """The decoded picture fitting `box`; raises `ThumbError`."""
        ...


def image_widget_class(mode: str) -> type[Widget] | None:
    """The textual-image widget class for a graphics mode (None for ``none``).

    textual-image probes the terminal when it is imported, so the CLI imports it before the app
    starts; by the time this runs the import is cached.
    """
    if mode == "none":
        return None
    from textual_image import widget as ti

    classes: dict[str, Any] = {
        "auto": ti.Image,
        "kitty": ti.TGPImage,
        "sixel": ti.SixelImage,
        "halfcell": ti.HalfcellImage,
    }
    cls: type[Widget] = classes.get(mode, ti.HalfcellImage)
    return cls


class ImageView(Widget):
    """Shows one picture, fetched and decoded off the event loop, or a placeholder text.

    The widget keeps its two children (a text and an image) and switches between them, so that
    showing another post costs no mounting.

    Args:
        request: What to load; None shows ``placeholder`` only.
        images: Where to load it from.
        graphics: How to draw it (``none`` draws the placeholder only).
        placeholder: Text shown while loading or instead of the image.
        box: The pixel box the image is decoded into.
    """

    DEFAULT_CSS = """
    ImageView { width: 1fr; height: 1fr; align: center middle; }
    ImageView > .image-placeholder { width: 100%; height: 100%; content-align: center middle;
        color: $text-muted; }
    ImageView > .image { width: auto; height: auto; max-width: 100%; max-height: 100%; }
    """

    def __init__(
        self,
        request: ImageRequest | None,
        *,
        images: ImageSource,
        graphics: str,
        placeholder: str = "",
        box: tuple[int, int] = PREVIEW_BOX,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.request = request
        self.images = images
        self.graphics = graphics
        self.placeholder = placeholder
        self.box = box
        self.error: str | None = None
        self.loaded: PILImage.Image | None = None
        self._text = Static(Text(placeholder), classes="image-placeholder")
        self._picture: Widget | None = None
        self._picture_mode: str | None = None

    def compose(self) -> ComposeResult:
        """Start with the placeholder."""
        yield self._text

    def on_mount(self) -> None:
        """Load when shown."""
        self.reload()

    def set_request(self, request: ImageRequest | None, placeholder: str) -> None:
        """Show another picture (the previous load, if still running, is cancelled)."""
        self.request = request
        self.placeholder = placeholder
        self.error = None
        self.loaded = None
        if self.is_mounted:
            self.reload()

    def set_graphics(self, mode: str) -> None:
        """Draw in another graphics mode from now on."""
        self.graphics = mode
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        """(Re)load the image with the current graphics mode."""
        self.workers.cancel_group(self, "image")
        if self.request is None:
            self._show_text(self.placeholder)
            return
        if image_widget_class(self.graphics) is None:
            self._show_text(self.placeholder or "image")
            return
        cached = self.images.cached(self.request, self.box)
        if cached is not None:
            self._show_image(cached)
        else:
            self._show_text(self.placeholder or "…")
            self._load(self.request)

    @work(exclusive=True, group="image", exit_on_error=False)
    async def _load(self, request: ImageRequest) -> None:
        try:
            image = await self.images.load(request, self.box)
        except ThumbError as exc:
            if request is self.request:
                self.error = exc.message
                self._show_text(f"⚠ {exc.message}")
            return
        if request is self.request:
            self._show_image(image)

    def _show_text(self, text: str) -> None:
        self._text.update(Text(text))
        self._text.display = True
        if self._picture is not None:
            self._picture.display = False

    def _show_image(self, image: PILImage.Image) -> None:
        mode = self.graphics
        cls = image_widget_class(mode)
        self.loaded = image
        if cls is None:
            self._show_text(self.placeholder or "image")
            return
        if self._picture is not None and self._picture_mode != mode:
            self._picture.remove()
            self._picture = None
        if self._picture is None:
            self._picture = cls(image, classes="image")  # type: ignore[arg-type]
            self._picture_mode = mode
            self.mount(self._picture)
        else:
            self._picture.image = image  # type: ignore[attr-defined]
            self._picture.display = True
        self._text.display = False


__all__ = ["ImageSource", "ImageView", "image_widget_class"]
