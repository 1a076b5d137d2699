"""The full-screen picture: one post's image using the whole terminal; escape returns.

The sample (≤ 850 px wide on e621) is what the post screen shows. When the terminal can show
more pixels than the sample has, the original file is loaded instead (still pictures only:
a video's still is its sample).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from e621tui.api.models import Post
from e621tui.core.images import ImageRequest, display_request
from e621tui.core.images.pipeline import MAX_DOWNLOAD_BYTES
from e621tui.text.sanitize import one_line
from e621tui.ui.styles import stylesheet
from e621tui.ui.widgets.image import ImageSource, ImageView

#: Pixels one terminal cell shows, by graphics mode (a typical cell is 10×20 px; half-cell
#: blocks give 1×2 per cell). Nominal: it only decides between the sample and the original.
CELL_PIXELS = {"kitty": (10, 20), "sixel": (10, 20), "auto": (10, 20), "halfcell": (1, 2)}
#: Still pictures whose original may be shown (videos and flash have none to show).
STILL_EXTS = frozenset({"jpg", "jpeg", "png", "gif", "webp"})
#: The largest box a picture is decoded into.
MAX_BOX = 4096


def terminal_pixels(mode: str, columns: int, rows: int) -> tuple[int, int]:
    """About how many pixels a ``columns`` × ``rows`` terminal shows in this graphics mode."""
    cell_w, cell_h = CELL_PIXELS.get(mode, CELL_PIXELS["halfcell"])
    return columns * cell_w, rows * cell_h


def full_screen_request(post: Post, pixels: tuple[int, int]) -> ImageRequest | None:
    """What to show: the original when the sample is smaller than ``pixels`` allow, else
    what the post screen shows (None when the site withheld every image)."""
    shown = display_request(post)
    file = post.file
    if not file.url or file.ext.lower() not in STILL_EXTS:
        return shown
    if file.size > MAX_DOWNLOAD_BYTES["file"]:
        return shown
    if shown is not None and shown.kind == "sample":
        sample = post.sample
        fits = sample.width >= pixels[0] or sample.height >= pixels[1]
        if fits or (sample.width >= file.width and sample.height >= file.height):
            return shown
    return ImageRequest(file.url, file.md5, "file")


class FullScreenView(Screen[None]):
    """A post's picture over the whole terminal.

    Args:
        post: The post.
        images: Where pictures come from (the session's pipeline).
        graphics: The graphics mode in use.
        size: The terminal's size in cells (columns, rows).
    """

    CSS_PATH = stylesheet("downloads.tcss")
    HELP_WHERE = "full screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,z", "close", "Back", id="full_screen.close", tooltip="Back to the post"),
    ]

    def __init__(
        self, post: Post, *, images: ImageSource, graphics: str, size: tuple[int, int]
    ) -> None:
        super().__init__()
        self.post = post
        self.graphics = graphics
        width, height = terminal_pixels(graphics, *size)
        self.request = full_screen_request(post, (width, height))
        self.box = (min(MAX_BOX, max(width, 1200)), min(MAX_BOX, max(height, 1200)))
        self._images = images

    def compose(self) -> ComposeResult:
        """Only the picture."""
        ext = one_line(self.post.file.ext, 8).upper()
        placeholder = f"#{self.post.id}\n{self.post.file.width}×{self.post.file.height} {ext}"
        if self.request is None:
            placeholder = f"no image to show\n#{self.post.id}"
        yield ImageView(
            self.request,
            images=self._images,
            graphics=self.graphics,
            placeholder=placeholder,
            box=self.box,
            id="full-image",
        )

    def action_close(self) -> None:
        """Back to the post."""
        self.dismiss(None)


__all__ = ["FullScreenView", "full_screen_request", "terminal_pixels"]
