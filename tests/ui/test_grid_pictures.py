"""The grid as one widget: page turns mount nothing, the next page's pictures are ready before
the turn, the mouse, the layout at 80×24 and 160×50, and pictures under dialogs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.color import ColorType
from textual import constants
from textual.widget import Widget

from e621tui.devserver import DevServer
from e621tui.terminal import kitty
from e621tui.terminal.layer import MOVER
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.dialogs.help import HelpDialog
from e621tui.ui.graphics.setup import forced_graphics
from e621tui.ui.grid_layout import Geometry
from e621tui.ui.widgets.cell_state import image_args
from e621tui.ui.widgets.grid import PostGrid
from tests.conftest import make_session
from tests.ui.conftest import grid_screen, loaded, make_app, wait_until


def widgets(app: E621App) -> list[Widget]:
    return list(app.screen.walk_children(with_self=True))


def next_page_ready(app: E621App) -> bool:
    screen = grid_screen(app)
    feed = screen.feed
    page = feed.cached(screen.page_index + 1) if feed is not None else None
    if page is None:
        return False
    grid = screen.grid
    box = grid.geometry.picture_box
    shown, _ = app.session.visible(page.posts)
    requests = [image_args(screen.cell_state(s))[0] for s in shown]
    return all(
        grid.pictures.get(r, box) is not None or grid.pictures.error(r) is not None
        for r in requests
        if r is not None
    )


async def test_a_page_turn_mounts_nothing_and_its_pictures_are_ready(
    server: DevServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path, graphics="halfcell", login=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        assert screen.grid.columns == 8
        await pilot.press("n")  # page 2: `p` comes into the footer
        await wait_until(pilot, lambda: screen.page_index == 1)
        await wait_until(pilot, lambda: next_page_ready(app), timeout=30)
        before = widgets(app)
        first = screen.grid.items[0].post.id
        await pilot.press("n")
        await wait_until(pilot, lambda: screen.page_index == 2)
        assert screen.grid.items[0].post.id != first
        # The same widgets, none mounted or removed; every picture in view already prepared.
        assert widgets(app) == before
        assert screen.grid.pending_pictures() == 0
        line = screen.grid.render_line(3)
        assert "▀" in "".join(s.text for s in line)  # half-cell rows of a thumbnail


async def test_clicks_focus_a_cell_and_open_it(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, login=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        grid = screen.grid
        g = grid.geometry
        second = (g.left + g.cell_width + 3, 3)
        await pilot.click(PostGrid, offset=second)
        assert grid.cursor == 1 and app.screen is screen
        await pilot.click(PostGrid, offset=second)  # the focused cell: opens it
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PostScreen")
        assert app.screen.current.id == grid.items[1].post.id  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        third_row = (g.left + 2, g.cell_height + 2)
        await pilot.click(PostGrid, offset=third_row, times=2)  # double click: opens
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PostScreen")
        assert app.screen.current.id == grid.items[g.columns].post.id  # type: ignore[attr-defined]


def test_layout_fits_small_and_large_terminals() -> None:
    # The search screen's grid: the terminal minus the query, status and footer lines.
    small, large = Geometry.fit(80, 21), Geometry.fit(160, 47)
    assert (small.columns, small.rows) == (4, 2) and small.rows * small.cell_height <= 21
    assert (large.columns, large.rows) == (8, 4) and large.rows * large.cell_height <= 47
    for g in (small, large):
        assert g.left + g.columns * g.cell_width < g.width  # the scroll column stays free
        cols, rows = g.picture_box
        assert cols >= 15 and rows >= 6
        assert g.index_at(g.left, 0, 0) == 0
        assert g.index_at(g.left + g.cell_width, g.cell_height, 2) == (2 + 1) * g.columns + 1
        assert g.index_at(g.left - 1, 0, 0) is None if g.left else True
    assert small.top_for(4 * 5, 0, 60) == 4  # the cursor's row comes into view at the bottom
    assert small.top_for(0, 4, 60) == 0
    assert small.clamp_top(99, 60) == 15 - small.rows


async def test_status_line_names_the_graphics_mode(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, graphics="halfcell", login=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        status = str(app.screen.query_one("#status").render())
        assert "▣ half-cell" in status
        app.set_graphics("none")
        await wait_until(
            pilot, lambda: "▣ no pictures" in str(app.screen.query_one("#status").render())
        )
        assert grid_screen(app).grid.renderer.mode.value == "none"


async def test_kitty_placeholders_keep_their_id_colour_under_a_dialog(
    server: DevServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the CLI sets for kitty placeholders (setup_graphics) when the terminal says less.
    monkeypatch.setattr(constants, "COLOR_SYSTEM", "256")
    session = make_session(server, tmp_path, login=False)
    app = E621App(session, graphics=forced_graphics("kitty"), start=StartTarget("search", ""))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        grid = grid_screen(app).grid
        await wait_until(pilot, lambda: grid.pending_pictures() == 0)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpDialog))
        await pilot.pause(0.2)
        update = app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens
        )
        frame = update.render_segments(app.console)
        cells = re.findall(r"\x1b\[([0-9;]*)m(" + kitty.PLACEHOLDER + ")", frame)
        assert len(cells) > 100  # the pictures around the dialog are still there…
        assert all(re.search(r"(^|;)38;5;\d+", codes) for codes, _ in cells)  # …with their ids
        picture = grid.pictures.get(grid._request(0), grid.geometry.picture_box)  # type: ignore[arg-type]
        assert picture is not None
        style = picture.lines[0][0].style
        assert style is not None and style.color is not None
        assert style.color.type == ColorType.EIGHT_BIT
        assert style.color.number == kitty.placeholder_color(picture.image_id)


async def test_sixel_cells_are_whole_movers_even_when_cut(
    server: DevServer, tmp_path: Path
) -> None:
    """The cells over a sixel picture are one-cell movers: a cut anywhere keeps them whole."""
    session = make_session(server, tmp_path, login=False)
    app = E621App(session, graphics=forced_graphics("sixel"), start=StartTarget("search", ""))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        grid = grid_screen(app).grid
        await wait_until(pilot, lambda: grid.pending_pictures() == 0)
        layer = app.pictures.layer
        assert layer is not None and grid in layer._groups
        placements = layer._groups[grid].placements
        assert len(placements) >= 10
        place = placements[0]
        origin = grid.content_region
        line = grid.render_line(place.y - origin.y)
        text = "".join(s.text for s in line)
        x = place.x - origin.x
        assert text[x : x + place.cols] == MOVER * place.cols
        for cut in range(1, 40):  # Textual cuts lines at other widgets' edges
            left, right = line.divide([cut, line.cell_length])[:2]
            assert left.cell_length == cut and left.cell_length + right.cell_length == 120
