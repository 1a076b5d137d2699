"""Renderers: a decoded picture → cells a Line-API widget can return from ``render_line``.

    renderer = make_renderer(decision, layer)          # once, from the probe's decision
    picture = renderer.prepare(key, image, (cols, rows), background)   # in a worker thread
    segments = renderer.row(picture, y)               # in render_line: picture.cols cells
    placement = renderer.placement(picture, x, y, visible_rows)  # screen cells, or None

Per mode the row is: half blocks (halfcell), kitty placeholders (kitty; the image is
transmitted once, before the first frame that shows it), or cursor movers over a picture the
`PictureLayer` draws after the frame (sixel, kitty-direct). `placement` is None for modes whose
cells are the picture. Pictures that leave the renderer's cache are deleted in the terminal.

(Over 400 lines on purpose: the five renderers share one contract and one cache; side by
side, a change to the contract is seen in every mode at once.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

from PIL import Image
from rich.color import ColorSystem
from rich.console import COLOR_SYSTEMS
from rich.segment import Segment
from textual.strip import Strip

from e621tui.terminal import kitty, layout, sixel
from e621tui.terminal.decide import Decision, Mode
from e621tui.terminal.halfcell import halfcell_rows
from e621tui.terminal.kitty_ids import ImageIds
from e621tui.terminal.layer import PictureLayer, Placement
from e621tui.ui.graphics.cells import MIN_MOVER, blank, halfcell_row, movers, placeholder_row

RGB = tuple[int, int, int]


@dataclass(eq=False)
class Picture:
    """A picture prepared for one mode and one cell box.

    Attributes:
        key: The caller's key (one per image and box).
        cols: Width in cells.
        rows: Height in cells.
        mode: The mode it was prepared for.
        lines: Ready segments per row (halfcell, kitty placeholders).
        image: The picture at the box's pixel size (sixel, kitty-direct: for crops).
        image_id: kitty image id.
        transmit: kitty commands that send the image (sent once).
        sixel: The whole picture as sixel data.
        background: The colour its box was filled with (what is behind it on screen).
    """

    key: Hashable
    cols: int
    rows: int
    mode: Mode
    lines: tuple[tuple[Segment, ...], ...] = ()
    image: Image.Image | None = None
    image_id: int = 0
    transmit: str = ""
    sixel: bytes = b""
    crops: dict[tuple[int, int], str] = field(default_factory=dict)
    background: RGB = (0, 0, 0)


class Renderer:
    """Draws pictures for one mode (the base class draws nothing: mode ``none``)."""

    mode = Mode.NONE

    def __init__(self, decision: Decision, layer: PictureLayer | None = None) -> None:
        self.decision = decision
        self.layer = layer
        self.cell_px = decision.cell_px

    def fit(self, size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
        """The cell box a picture of ``size`` pixels takes inside ``box`` cells."""
        return layout.fit_cells(size, box, self.cell_px)

    def prepare(
        self, key: Hashable, image: Image.Image, box: tuple[int, int], background: RGB = (0, 0, 0)
    ) -> Picture:
        """Prepare ``image`` to fit ``box`` (columns, rows); CPU work, call off the loop."""
        cols, rows = self.fit(image.size, box)
        return Picture(key, cols, rows, self.mode)

    def row(self, picture: Picture, y: int) -> tuple[Segment, ...]:
        """Segments for row ``y`` of the picture, ``picture.cols`` cells wide."""
        return (blank(picture.cols),)

    def placement(self, picture: Picture, x: int, y: int, rows: range) -> Placement | None:
        """The layer placement for the picture's ``rows`` with its top-left at screen (x, y)."""
        return None

    def release(self, picture: Picture) -> None:
        """The picture will not be shown again (free it in the terminal)."""

    def preload(self, picture: Picture) -> bool:
        """Send the picture to the terminal before it is shown, if the mode stores pictures
        (kitty): showing it later costs no transmission. True if something was queued."""
        return False


class HalfcellRenderer(Renderer):
    """Half blocks: the cells are the picture."""

    mode = Mode.HALFCELL

    def __init__(
        self, decision: Decision, layer: PictureLayer | None = None, *, gamma: bool = True
    ):
        super().__init__(decision, layer)
        self.gamma = gamma

    def prepare(
        self, key: Hashable, image: Image.Image, box: tuple[int, int], background: RGB = (0, 0, 0)
    ) -> Picture:
        """Resample into half-cell pixels and build the segments."""
        cells = halfcell_rows(image, box, self.cell_px, background=background, gamma=self.gamma)
        lines = tuple(halfcell_row(row) for row in cells)
        return Picture(key, len(cells[0]) if cells else 1, len(cells), self.mode, lines=lines)

    def row(self, picture: Picture, y: int) -> tuple[Segment, ...]:
        """The ready row."""
        return picture.lines[y]


class _KittyBase(Renderer):
    """Shared by both kitty modes: ids, transmit once, delete on eviction."""

    def __init__(self, decision: Decision, layer: PictureLayer | None, capacity: int = 512):
        super().__init__(decision, layer)
        self.ids = ImageIds(capacity)
        self.wrap = kitty.wrap_for(decision.in_tmux)
        self._sent: set[int] = set()
        self._lock = threading.RLock()

    def _assign(self, key: Hashable) -> int:
        image_id, _new, evicted = self.ids.assign(key)
        with self._lock:
            for old in evicted:
                self._sent.discard(old)
                if self.layer is not None:
                    self.layer.queue(kitty.delete_image(old, wrap=self.wrap))
        return image_id

    def _ensure_sent(self, picture: Picture) -> bool:
        """Queue the transmission before the first frame that shows the picture (True if it
        had not been sent)."""
        with self._lock:
            if picture.image_id in self._sent or self.layer is None:
                return False
            if self.ids.get(picture.key) != picture.image_id:
                picture.image_id = self._assign(picture.key)  # evicted meanwhile: new id
                self._encode(picture)
            self._sent.add(picture.image_id)
            self.layer.queue(picture.transmit)
            return True

    def preload(self, picture: Picture) -> bool:
        """Transmit now (stored under its id; nothing is shown until its cells are)."""
        return picture.mode == self.mode and self._ensure_sent(picture)

    def _encode(self, picture: Picture) -> None:
        """Build the transmission (and cells) for the picture's current id."""
        raise NotImplementedError

    def release(self, picture: Picture) -> None:
        """Delete the image in the terminal (``a=d,d=I``)."""
        image_id = self.ids.forget(picture.key)
        with self._lock:
            if image_id is not None and image_id in self._sent:
                self._sent.discard(image_id)
                if self.layer is not None:
                    self.layer.queue(kitty.delete_image(image_id, wrap=self.wrap))


class KittyRenderer(_KittyBase):
    """kitty Unicode placeholders: the cells name the image; kitty draws it in them."""

    mode = Mode.KITTY

    def prepare(
        self, key: Hashable, image: Image.Image, box: tuple[int, int], background: RGB = (0, 0, 0)
    ) -> Picture:
        """Fit, box (transparent padding) and encode the transmission."""
        cols, rows = self.fit(
            image.size, (min(box[0], kitty.MAX_CELLS), min(box[1], kitty.MAX_CELLS))
        )
        boxed = layout.boxed(image, (cols, rows), self.cell_px)
        picture = Picture(key, cols, rows, self.mode, image=boxed)
        picture.image_id = self._assign(key)
        self._encode(picture)
        return picture

    def _encode(self, picture: Picture) -> None:
        assert picture.image is not None
        picture.transmit = kitty.transmit(
            picture.image_id,
            picture.image,
            placeholder=(picture.cols, picture.rows),
            wrap=self.wrap,
        )
        picture.lines = tuple(
            placeholder_row(picture.image_id, y, picture.cols) for y in range(picture.rows)
        )

    def row(self, picture: Picture, y: int) -> tuple[Segment, ...]:
        """Placeholder cells (the first call queues the transmission)."""
        self._ensure_sent(picture)
        return picture.lines[y]


class KittyDirectRenderer(_KittyBase):
    """kitty placements at cell positions, drawn by the layer; the cells are movers."""

    mode = Mode.KITTY_DIRECT

    def prepare(
        self, key: Hashable, image: Image.Image, box: tuple[int, int], background: RGB = (0, 0, 0)
    ) -> Picture:
        """Fit, box and encode the transmission (stored, not placed)."""
        cols, rows = self.fit(image.size, box)
        cols = max(cols, MIN_MOVER)
        # Opaque: the placement covers its cells whole (what the terminal kept there is old).
        boxed = layout.boxed(image, (cols, rows), self.cell_px, (*background, 255))
        picture = Picture(key, cols, rows, self.mode, image=boxed, background=background)
        picture.image_id = self._assign(key)
        self._encode(picture)
        return picture

    def _encode(self, picture: Picture) -> None:
        assert picture.image is not None
        picture.transmit = kitty.transmit(picture.image_id, picture.image, wrap=self.wrap)

    def row(self, picture: Picture, y: int) -> tuple[Segment, ...]:
        """Movers (the placement covers the cells)."""
        return movers(picture.cols)

    def placement(self, picture: Picture, x: int, y: int, rows: range) -> Placement | None:
        """A placement of the visible rows at (x, y), erased when it goes."""
        self._ensure_sent(picture)
        image_id = picture.image_id
        placement_id = 1 + (y * 4096 + x) % 0x7FFF_FFFE
        ch = self.cell_px[1]
        crop = None
        if len(rows) != picture.rows:
            crop = (0, rows.start * ch, picture.cols * self.cell_px[0], len(rows) * ch)
        # The cells under a placement are movers: blank them first, so that when the placement
        # makes way (a toast or dialog over part of it) no old text shows in the rest.
        red, green, blue = picture.background
        blank_cells = (
            f"\x1b[48;2;{red};{green};{blue}m"
            + "".join(f"\x1b[{y + 1 + r};{x + 1}H\x1b[{picture.cols}X" for r in range(len(rows)))
            + "\x1b[0m"
        )
        command = (
            blank_cells
            + f"\x1b[{y + 1};{x + 1}H"
            + kitty.place(
                image_id, placement_id, picture.cols, len(rows), crop=crop, wrap=self.wrap
            )
        )
        erase = kitty.delete_placement(image_id, placement_id, wrap=self.wrap)
        return Placement(
            (picture.key, image_id, rows.start, rows.stop), x, y, picture.cols, len(rows),
            draw=lambda: command, erase=lambda: erase,
        )  # fmt: skip


class SixelRenderer(Renderer):
    """Sixel pictures drawn by the layer after each frame that needs them; cells are movers."""

    mode = Mode.SIXEL

    def __init__(
        self, decision: Decision, layer: PictureLayer | None = None, *, dither: bool = True
    ):
        super().__init__(decision, layer)
        self.colors = max(2, min(decision.color_registers, sixel.MAX_REGISTERS))
        self.dither = dither

    def prepare(
        self, key: Hashable, image: Image.Image, box: tuple[int, int], background: RGB = (0, 0, 0)
    ) -> Picture:
        """Fit, box on ``background`` (every cell covered) and encode."""
        cols, rows = self.fit(image.size, box)
        cols = max(cols, MIN_MOVER)
        boxed = layout.boxed(image, (cols, rows), self.cell_px, (*background, 255))
        encoded = sixel.encode(boxed, colors=self.colors, dither=self.dither)
        return Picture(key, cols, rows, self.mode, image=boxed, sixel=encoded.data)

    def row(self, picture: Picture, y: int) -> tuple[Segment, ...]:
        """Movers (the sixel covers the cells)."""
        return movers(picture.cols)

    def placement(self, picture: Picture, x: int, y: int, rows: range) -> Placement | None:
        """The sixel of the visible rows at (x, y)."""
        if len(rows) == picture.rows:
            data = picture.sixel.decode("ascii")
        else:
            data = self._crop(picture, rows)
        return Placement(
            (picture.key, rows.start, rows.stop), x, y, picture.cols, len(rows), draw=lambda: data
        )

    def _crop(self, picture: Picture, rows: range) -> str:
        cached = picture.crops.get((rows.start, rows.stop))
        if cached is None:
            assert picture.image is not None
            ch = self.cell_px[1]
            part = picture.image.crop((0, rows.start * ch, picture.image.width, rows.stop * ch))
            cached = sixel.encode(part, colors=self.colors, dither=self.dither).data.decode("ascii")
            if len(picture.crops) > 8:
                picture.crops.clear()
            picture.crops[(rows.start, rows.stop)] = cached
        return cached


def prepare_picture(
    renderer: Renderer,
    key: Hashable,
    image: Image.Image,
    box: tuple[int, int],
    background: RGB = (0, 0, 0),
    color_system: str | None = None,
) -> Picture:
    """`Renderer.prepare`, then the escape codes of every cell style worked out for
    ``color_system`` (a Rich console's ``color_system``): the frame that first shows the
    picture only joins strings. CPU work: call it in a thread."""
    picture = renderer.prepare(key, image, box, background)
    system = COLOR_SYSTEMS.get(color_system or "", ColorSystem.TRUECOLOR)
    for line in picture.lines:
        for segment in line:
            style = segment.style
            if style is not None and style._ansi is None:
                Strip.render_ansi(style, system)  # caches the codes on the style
    return picture


_RENDERERS: dict[Mode, type[Renderer]] = {
    Mode.NONE: Renderer,
    Mode.HALFCELL: HalfcellRenderer,
    Mode.SIXEL: SixelRenderer,
    Mode.KITTY: KittyRenderer,
    Mode.KITTY_DIRECT: KittyDirectRenderer,
}


def make_layer(decision: Decision) -> PictureLayer | None:
    """The picture layer a mode needs (None for the modes whose cells are the picture)."""
    if decision.mode == Mode.SIXEL:
        return PictureLayer(repair_damage=True)
    if decision.mode in (Mode.KITTY, Mode.KITTY_DIRECT):
        return PictureLayer(repair_damage=False)
    return None


def make_renderer(decision: Decision, layer: PictureLayer | None = None) -> Renderer:
    """The renderer for the decision's mode."""
    return _RENDERERS[decision.mode](decision, layer)


#: Rough bytes a ready cell (segment, style, colours) costs (half-cell, placeholders).
_CELL_BYTES = 500


def picture_bytes(picture: Picture) -> int:
    """About how much memory ``picture`` holds (pixels, encoded data, ready cells)."""
    size = len(picture.sixel) + len(picture.transmit) + sum(len(c) for c in picture.crops.values())
    if picture.image is not None:
        size += picture.image.width * picture.image.height * len(picture.image.getbands())
    return size + sum(len(line) for line in picture.lines) * _CELL_BYTES


class PictureCache:
    """Prepared pictures by key, bounded by count and by bytes; evicted ones are released in
    the terminal (kitty deletes them)."""

    def __init__(
        self, renderer: Renderer, capacity: int = 256, max_bytes: int = 64 * 2**20
    ) -> None:
        self.renderer = renderer
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Hashable, Picture] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}

    def get(self, key: Hashable) -> Picture | None:
        """The picture for ``key`` (recently used), or None."""
        picture = self._items.get(key)
        if picture is not None:
            self._items.move_to_end(key)
        return picture

    def put(self, picture: Picture) -> None:
        """Keep ``picture``; release the least recently used beyond the bounds (never the
        one just put)."""
        key = picture.key
        self.bytes -= self._sizes.pop(key, 0)
        self._items[key] = picture
        self._items.move_to_end(key)
        self._sizes[key] = picture_bytes(picture)
        self.bytes += self._sizes[key]
        while len(self._items) > 1 and (
            len(self._items) > self.capacity or self.bytes > self.max_bytes
        ):
            old_key, old = self._items.popitem(last=False)
            self.bytes -= self._sizes.pop(old_key, 0)
            self.renderer.release(old)

    def __len__(self) -> int:
        return len(self._items)


__all__ = [
    "HalfcellRenderer",
    "KittyDirectRenderer",
    "KittyRenderer",
    "Picture",
    "PictureCache",
    "Renderer",
    "SixelRenderer",
    "make_layer",
    "make_renderer",
    "picture_bytes",
    "prepare_picture",
]
