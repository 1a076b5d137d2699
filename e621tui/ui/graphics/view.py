"""`PictureView`: one picture (or some lines of text) centred in a widget, with the Line API."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from e621tui.terminal.layer import PictureLayer
from e621tui.ui.graphics.cells import blank
from e621tui.ui.graphics.renderers import Picture, Renderer
from e621tui.ui.graphics.slots import sync_pictures


class PictureView(Widget):
    """Shows a prepared `Picture` centred, or a (multi-line) text when there is none.

    The owner prepares pictures for `cell_box` (the content size in cells) and calls `show`;
    when the box changes the view posts `BoxChanged` so a picture for the new size can be made.

    Args:
        renderer: Draws the picture's cells.
        layer: The picture layer (sixel, kitty-direct), None otherwise.
        text: Shown while there is no picture.
    """

    DEFAULT_CSS = """
    PictureView { width: 1fr; height: 1fr; }
    PictureView > .picture-view--text { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"picture-view--text"}

    @dataclass
    class BoxChanged(Message):
        """The view's size in cells changed; pictures should be prepared for `box`."""

        view: PictureView
        box: tuple[int, int]

    def __init__(
        self,
        renderer: Renderer,
        layer: PictureLayer | None = None,
        *,
        text: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.renderer = renderer
        self.picture_layer = layer
        self.picture: Picture | None = None
        self.text = text
        self._last_box: tuple[int, int] = (0, 0)

    @property
    def cell_box(self) -> tuple[int, int]:
        """The content size in cells (what a picture may fill)."""
        size = self.content_size
        return size.width, size.height

    def show(self, picture: Picture | None, text: str = "") -> None:
        """Show ``picture`` (or ``text`` when None)."""
        if picture is self.picture and text == self.text:
            return
        self.picture = picture
        self.text = text
        self.refresh()

    def set_renderer(self, renderer: Renderer, layer: PictureLayer | None) -> None:
        """Draw with another renderer from now on (the picture shown is dropped)."""
        if self.picture_layer is not None and layer is not self.picture_layer:
            self.picture_layer.hide(self)
        self.renderer = renderer
        self.picture_layer = layer
        self.picture = None
        self.refresh()

    @property
    def background_rgb(self) -> tuple[int, int, int]:
        """The widget's background colour (what padding around a picture is filled with)."""
        color = self.rich_style.bgcolor
        triplet = color.get_truecolor() if color is not None else None
        return (triplet.red, triplet.green, triplet.blue) if triplet else (0, 0, 0)

    def on_resize(self) -> None:
        """Ask for a picture of the new size."""
        if self.cell_box != self._last_box:
            self._last_box = self.cell_box
            self.post_message(self.BoxChanged(self, self.cell_box))

    def on_unmount(self) -> None:
        """Nothing of ours stays on the screen."""
        if self.picture_layer is not None:
            self.picture_layer.hide(self)

    def _origin(self, size: Size) -> tuple[int, int]:
        picture = self.picture
        assert picture is not None
        return max(0, (size.width - picture.cols) // 2), max(0, (size.height - picture.rows) // 2)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Lines as usual, and the picture's place on the screen for the layer."""
        picture = self.picture
        if picture is not None and picture.mode == self.renderer.mode:
            x, y = self._origin(self.content_size)
            sync_pictures(self, self.picture_layer, self.renderer, [(picture, x, y)])
        elif self.picture_layer is not None:
            self.picture_layer.hide(self)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """One line: blank, a picture row, or the text."""
        width = self.content_size.width
        style = self.rich_style
        picture = self.picture
        if picture is None or picture.mode != self.renderer.mode:
            return self._text_line(y, width, style)
        left, top = self._origin(self.content_size)
        row = y - top
        if not 0 <= row < picture.rows or picture.cols > width:
            return Strip([blank(width, style)], width)
        segments: list[Segment] = [blank(left, style)] if left else []
        segments += self.renderer.row(picture, row)
        rest = width - left - picture.cols
        if rest > 0:
            segments.append(blank(rest, style))
        return Strip(segments, width)

    def _text_line(self, y: int, width: int, style: Style) -> Strip:
        lines = self.text.split("\n") if self.text else []
        top = (self.content_size.height - len(lines)) // 2
        if not 0 <= y - top < len(lines):
            return Strip([blank(width, style)], width)
        text_style = self.get_component_rich_style("picture-view--text")
        text = Text(lines[y - top], style=text_style, no_wrap=True, overflow="ellipsis")
        text.truncate(width, overflow="ellipsis")
        text.align("center", width)
        return Strip(Segment.apply_style(text.render(self.app.console), text_style), width)


__all__ = ["PictureView"]
