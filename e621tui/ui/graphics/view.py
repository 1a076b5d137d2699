"""`PictureView`: one picture (or a line of text) centred in a widget, drawn with the Line API."""

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
    """Shows a prepared `Picture` centred, or a text when there is none.

    The owner prepares pictures for `box` (the content size in cells) and calls `show`;
    when the box changes the view posts `BoxChanged` so a picture for the new size can be made.

    Args:
        renderer: Draws the picture's cells.
        layer: The picture layer (sixel, kitty-direct), None otherwise.
        text: Shown while there is no picture.
    """

    DEFAULT_CSS = """
    PictureView { width: 1fr; height: 1fr; }
    """

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
    def box(self) -> tuple[int, int]:
        """The content size in cells (what a picture may fill)."""
        size = self.content_size
        return size.width, size.height

    def show(self, picture: Picture | None, text: str = "") -> None:
        """Show ``picture`` (or ``text`` when None)."""
        self.picture = picture
        self.text = text
        self.refresh()

    def on_resize(self) -> None:
        """Ask for a picture of the new size."""
        if self.box != self._last_box:
            self._last_box = self.box
            self.post_message(self.BoxChanged(self, self.box))

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
        height = self.content_size.height
        if y != height // 2 or not self.text:
            return Strip([blank(width, style)], width)
        text = Text(self.text, style=style, no_wrap=True, overflow="ellipsis")
        text.truncate(width)
        text.align("center", width)
        return Strip(text.render(self.app.console), width)


__all__ = ["PictureView"]
