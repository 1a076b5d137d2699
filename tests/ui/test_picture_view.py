"""PictureView and the renderers inside a running (headless) Textual app."""

from __future__ import annotations

import pytest
from PIL import Image
from rich.cells import cell_len
from textual.app import App, ComposeResult

from e621tui.terminal.decide import Decision, Mode
from e621tui.terminal.layer import PictureLayer
from e621tui.ui.graphics.renderers import make_layer, make_renderer
from e621tui.ui.graphics.view import PictureView


def _picture() -> Image.Image:
    return Image.linear_gradient("L").resize((300, 200)).convert("RGB")


class One(App[None]):
    def __init__(self, mode: Mode) -> None:
        super().__init__()
        decision = Decision(mode=mode, explicit=True, cell_px=(8, 17))
        self.layer = make_layer(decision)
        self.renderer = make_renderer(decision, self.layer)
        self.boxes: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield PictureView(self.renderer, self.layer, text="loading…")

    def on_picture_view_box_changed(self, message: PictureView.BoxChanged) -> None:
        self.boxes.append(message.box)
        picture = self.renderer.prepare("p", _picture(), message.box, (18, 18, 18))
        message.view.show(picture)


@pytest.mark.parametrize("mode", [Mode.SIXEL, Mode.KITTY_DIRECT, Mode.KITTY, Mode.HALFCELL])
async def test_picture_view_draws_every_mode(mode: Mode) -> None:
    app = One(mode)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        view = app.query_one(PictureView)
        assert app.boxes == [(60, 20)]
        picture = view.picture
        assert picture is not None and picture.mode == mode
        assert picture.cols <= 60 and picture.rows <= 20
        lines = view.render_lines(view.region.reset_offset)
        assert all(line.cell_length == 60 for line in lines)
        assert all(sum(cell_len(s.text) for s in line) == 60 for line in lines)
        if mode in (Mode.SIXEL, Mode.KITTY_DIRECT):
            layer = app.layer
            assert isinstance(layer, PictureLayer)
            group = layer._groups[view]
            (placement,) = group.placements
            assert (placement.cols, placement.rows) == (picture.cols, picture.rows)
            assert group.visible()
            drawn = layer.frame("")
            assert drawn.count("\x1b7") == 1 and f"{placement.y + 1};{placement.x + 1}H" in drawn


async def test_picture_view_says_why_when_there_is_no_picture() -> None:
    app = One(Mode.SIXEL)
    async with app.run_test(size=(40, 9)) as pilot:
        view = app.query_one(PictureView)
        view.show(None, "⚠ image is corrupt")
        await pilot.pause()
        text = "".join(s.text for s in view.render_line(4))
        assert "image is corrupt" in text
        assert app.layer is not None and view not in app.layer._groups
