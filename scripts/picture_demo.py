"""A small app that draws the demo site's pictures with e621tui.ui.graphics (for xshot tests).

    python scripts/picture_demo.py [--graphics auto|kitty|kitty-direct|sixel|halfcell|none]
                                   [--post] [--page N]

A grid of 60 thumbnails drawn by ONE Line-API widget (the way the app's grid will be), and on
enter a post screen with one large picture. Keys: arrows/hjkl move, enter opens, escape goes
back, n/p turn the page, d opens a dialog over the pictures, t shows a toast, q quits.
The pictures are the demo server's own files (JPEG previews and samples, decoded like the app).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from e621tui.terminal import requested_mode
from e621tui.ui.graphics.setup import Graphics, setup_graphics

CELL_W, CELL_H = 22, 10
PAGE = 60


def _posts() -> list[tuple[int, bytes, bytes | None]]:
    """(id, preview JPEG, sample JPEG or None) of the demo site's newest posts with previews."""
    from e621tui.devserver.generate import generate
    from e621tui.devserver.images import StaticFiles
    from e621tui.devserver.render import data_path

    state = generate()
    files = StaticFiles(state)
    out = []
    for post in sorted(state.posts.values(), key=lambda p: -p.id):
        if post.deleted or post.ext not in ("jpg", "png") or post.preview_mode != "normal":
            continue
        status, preview, _ = files.get(data_path(post.md5, "preview", "jpg"))
        if status != 200:
            continue
        status, sample, _ = files.get(data_path(post.md5, "sample", "jpg"))
        out.append((post.id, preview, sample if status == 200 else None))
        if len(out) >= 4 * PAGE:
            break
    return out


def build_app(graphics: Graphics, start_post: bool, page: int) -> object:
    """The demo app (Textual imported here, after the probe)."""
    from rich.segment import Segment
    from rich.style import Style
    from textual import work
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical
    from textual.geometry import Region, Size
    from textual.screen import ModalScreen, Screen
    from textual.scroll_view import ScrollView
    from textual.strip import Strip
    from textual.widgets import Footer, Label, Static

    from e621tui.core.images.decode import decode_image
    from e621tui.ui.graphics.cells import blank
    from e621tui.ui.graphics.renderers import Picture, PictureCache
    from e621tui.ui.graphics.slots import sync_pictures
    from e621tui.ui.graphics.view import PictureView

    renderer, layer = graphics.renderer, graphics.layer
    posts = _posts()
    cache = PictureCache(renderer, capacity=3 * PAGE)
    background = (18, 18, 18)

    class Grid(ScrollView, can_focus=True):
        """All thumbnails of a page in one widget (Line API)."""

        BINDINGS = [
            Binding("left,h", "move(-1)", "Left", show=False),
            Binding("right,l", "move(1)", "Right", show=False),
            Binding("up,k", "move(-100)", "Up", show=False),
            Binding("down,j", "move(100)", "Down", show=False),
        ]

        def __init__(self) -> None:
            super().__init__(id="grid")
            self.items: list[tuple[int, bytes, bytes | None]] = []
            self.cursor = 0

        @property
        def columns(self) -> int:
            return max(1, self.size.width // CELL_W)

        def set_items(self, items: list[tuple[int, bytes, bytes | None]]) -> None:
            self.items = items
            self.cursor = 0
            rows = -(-len(items) // self.columns)
            self.virtual_size = Size(self.columns * CELL_W, rows * CELL_H)
            self.scroll_home(animate=False)
            self.refresh()
            self.load()

        def on_resize(self) -> None:
            if self.items:
                self.set_items(self.items)

        def key_of(self, index: int) -> tuple[int, str]:
            return (self.items[index][0], "thumb")

        def cell_region(self, index: int) -> Region:
            """Where cell ``index`` is, in the widget (scrolled)."""
            col, row = index % self.columns, index // self.columns
            return Region(col * CELL_W, row * CELL_H - self.scroll_offset.y, CELL_W, CELL_H)

        def refresh_cells(self, indexes: list[int]) -> None:
            """Repaint only these cells (one page turn or cursor move is one small update)."""
            self.refresh(*(self.cell_region(i) for i in indexes))

        @work(thread=True, exclusive=True, group="thumbs")
        def load(self) -> None:
            box = (CELL_W - 2, CELL_H - 2)
            ready: list[int] = []
            for index in range(len(self.items)):
                key = self.key_of(index)
                if cache.get(key) is None:
                    image = decode_image(self.items[index][1], (256, 256))
                    cache.put(renderer.prepare(key, image, box, background))
                ready.append(index)
                if len(ready) == 10 or index == len(self.items) - 1:
                    self.app.call_from_thread(self.refresh_cells, ready)
                    ready = []

        def _cell_picture(self, index: int) -> Picture | None:
            picture = cache.get(self.key_of(index))
            return picture if picture is not None and picture.mode == renderer.mode else None

        def _pictures(self) -> list[tuple[Picture, int, int]]:
            out = []
            for index in range(len(self.items)):
                picture = self._cell_picture(index)
                if picture is None:
                    continue
                col, row = index % self.columns, index // self.columns
                x = col * CELL_W + 1 + (CELL_W - 2 - picture.cols) // 2
                y = row * CELL_H + (CELL_H - 2 - picture.rows) // 2
                out.append((picture, x, y))
            return out

        def render_lines(self, crop: Region) -> list[Strip]:
            offset = self.scroll_offset
            view = Region(offset.x, offset.y, self.size.width, self.size.height)
            sync_pictures(self, layer, renderer, self._pictures(), view)
            return super().render_lines(crop)

        def render_line(self, y: int) -> Strip:
            width = self.size.width
            vy = self.scroll_offset.y + y
            row, dy = divmod(vy, CELL_H)
            base = self.rich_style
            segments: list[Segment] = []
            for col in range(self.columns):
                index = row * self.columns + col
                if index >= len(self.items):
                    segments.append(blank(CELL_W, base))
                    continue
                selected = index == self.cursor
                segments += self._cell_line(index, dy, selected, base)
            used = self.columns * CELL_W
            if width > used:
                segments.append(blank(width - used, base))
            return Strip(segments, max(width, used)).crop(0, width)

        def _cell_line(self, index: int, dy: int, selected: bool, base: Style) -> list[Segment]:
            box_w, box_h = CELL_W - 2, CELL_H - 2
            edge = Style(bgcolor="#d08020") if selected else base
            if dy == box_h:
                label = f"#{self.items[index][0]}".center(box_w)[:box_w]
                style = Style(color="black", bgcolor="#d08020") if selected else base
                return [blank(1, edge), Segment(label, style), blank(1, edge)]
            if dy > box_h:
                return [blank(CELL_W, base)]
            picture = self._cell_picture(index)
            if picture is None:
                text = "…" if dy == box_h // 2 else ""
                return [blank(1, edge), Segment(text.center(box_w), base), blank(1, edge)]
            top = (box_h - picture.rows) // 2
            left = (box_w - picture.cols) // 2
            right = box_w - left - picture.cols
            if not top <= dy < top + picture.rows:
                return [blank(1, edge), blank(box_w, base), blank(1, edge)]
            out = [blank(1, edge)]
            if left:
                out.append(blank(left, base))
            out += renderer.row(picture, dy - top)
            if right:
                out.append(blank(right, base))
            out.append(blank(1, edge))
            return out

        def action_move(self, delta: int) -> None:
            if not self.items:
                return
            step = delta if abs(delta) < 100 else (delta // 100) * self.columns
            old = self.cursor
            self.cursor = max(0, min(len(self.items) - 1, self.cursor + step))
            row = self.cursor // self.columns
            self.scroll_to_region(Region(0, row * CELL_H, CELL_W, CELL_H), animate=False)
            self.refresh_cells([old, self.cursor])

    class Message(ModalScreen[None]):
        """A dialog over the pictures."""

        BINDINGS = [Binding("escape,d,q", "dismiss", "Close")]
        DEFAULT_CSS = (
            "Message { align: center middle; } Message > Static { width: 40; height: 7;"
            " border: round $accent; background: $surface; content-align: center middle; }"
        )

        def compose(self) -> ComposeResult:
            yield Static("A dialog over the pictures.\nescape closes it.")

    class PostScreen(Screen[None]):
        """One large picture and a text panel."""

        BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
        DEFAULT_CSS = "PostScreen PictureView { width: 60%; } #info { width: 1fr; padding: 1; }"

        def __init__(self, post: tuple[int, bytes, bytes | None]) -> None:
            super().__init__()
            self.post = post

        def compose(self) -> ComposeResult:
            with Horizontal():
                yield PictureView(renderer, layer, text="loading…", id="picture")
                yield Label(f"#{self.post[0]}\n\nmode: {renderer.mode}", id="info")
            yield Footer()

        def on_picture_view_box_changed(self, message: PictureView.BoxChanged) -> None:
            self.load(message.box)

        @work(thread=True, exclusive=True)
        def load(self, box: tuple[int, int]) -> None:
            data = self.post[2] or self.post[1]
            image = decode_image(data, (box[0] * renderer.cell_px[0], box[1] * renderer.cell_px[1]))
            picture = renderer.prepare((self.post[0], "post", box), image, box, background)
            self.app.call_from_thread(self.query_one(PictureView).show, picture)

    class Demo(App[None]):
        """The demo."""

        BINDINGS = [
            Binding("q", "quit", "Quit"),
            Binding("n", "page(1)", "Next page"),
            Binding("p", "page(-1)", "Prev page"),
            Binding("enter", "open", "Open"),
            Binding("d", "dialog", "Dialog"),
            Binding("t", "toast", "Toast"),
        ]
        CSS = "Screen { background: #121212; } #status { height: 1; background: $panel; }"

        def __init__(self) -> None:
            super().__init__(driver_class=graphics.driver_class)
            self.page = page

        def compose(self) -> ComposeResult:
            with Vertical():
                yield Label("", id="status")
                yield Grid()
            yield Footer()

        def on_mount(self) -> None:
            self.show_page()
            if start_post:
                self.call_after_refresh(self.action_open)

        def show_page(self) -> None:
            items = posts[self.page * PAGE : (self.page + 1) * PAGE]
            self.query_one(Grid).set_items(items)
            status = f"page {self.page + 1} · {renderer.mode} · cell {renderer.cell_px}"
            self.query_one("#status", Label).update(status)

        def action_page(self, delta: int) -> None:
            self.page = max(0, min(len(posts) // PAGE - 1, self.page + delta))
            self.show_page()

        def action_open(self) -> None:
            grid = self.query_one(Grid)
            if grid.items:
                self.push_screen(PostScreen(grid.items[grid.cursor]))

        def action_dialog(self) -> None:
            self.push_screen(Message())

        def action_toast(self) -> None:
            self.notify("A toast over the grid", timeout=3)

    return Demo()


def main(argv: list[str] | None = None) -> int:
    """Probe, then run the demo."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--graphics", default=None, help="auto, kitty, kitty-direct, sixel, halfcell, none"
    )
    parser.add_argument("--post", action="store_true", help="open the first post at start")
    parser.add_argument("--page", type=int, default=0)
    args = parser.parse_args(argv)
    graphics = setup_graphics(requested_mode(args.graphics, None))
    try:
        app = build_app(graphics, args.post, args.page)
        app.run()  # type: ignore[attr-defined]
    finally:
        graphics.release()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
