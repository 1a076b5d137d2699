"""Pilot tests of the post screen against the real devserver (graphics "none")."""

from __future__ import annotations

import html
import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from e621tui.api.models import FileInfo, Post
from e621tui.devserver import DevServer
from e621tui.devserver.hostile import LONG_TAG
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.graphics.view import PictureView
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.widgets.image import ImageView
from e621tui.ui.widgets.post_details import human_size, media_note
from e621tui.ui.widgets.taglist import MAX_PER_CATEGORY, TagList, tag_text
from tests.ui.conftest import make_app, wait_until

CONTROL_CHARS = ("\x1b", "\x07", "\x9b")


@pytest.fixture
def hostile_server() -> Iterator[DevServer]:
    """A devserver with the hostile content set."""
    with DevServer(hostile=True) as srv:
        yield srv


@asynccontextmanager
async def running(
    srv: DevServer,
    tmp_path: Path,
    start: StartTarget,
    *,
    login: bool = False,
    size: Any = (120, 40),
    blacklist: str = "",
) -> AsyncIterator[tuple[E621App, Pilot[Any]]]:
    """The app against ``srv``, started at ``start``."""
    app = make_app(srv, tmp_path, start=start, login=login, blacklist=blacklist)
    async with app.run_test(size=size) as pilot:
        yield app, pilot


async def open_post(app: E621App, pilot: Pilot[Any]) -> PostScreen:
    """Wait for the post screen the app was started on."""
    await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PostScreen)
    return screen


async def open_by_id(app: E621App, pilot: Pilot[Any], post_id: int) -> PostScreen:
    """Open another post by id (as ``--post`` does) and wait for its screen."""
    before = app.screen
    app.open_post_by_id(post_id)
    await wait_until(pilot, lambda: app.screen is not before and isinstance(app.screen, PostScreen))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PostScreen) and screen.current.id == post_id
    return screen


def screen_text(app: E621App) -> str:
    """All text of the screen's widgets, including the parts scrolled out of view."""
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static):
            parts.append(str(widget.content))
        elif isinstance(widget, TagList):
            parts.append(widget.render().plain)
        elif isinstance(widget, PictureView):  # drawn line by line (the Line API)
            height = widget.content_size.height
            parts += ["".join(s.text for s in widget.render_line(y)) for y in range(height)]
    return "\n".join(parts)


def visible_text(svg: str) -> str:
    """The text drawn in an SVG screenshot, line by line."""
    lines: dict[int, list[tuple[float, str]]] = {}
    pattern = r'<text[^>]*x="([\d.]+)"[^>]*clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>'
    for x, line, content in re.findall(pattern, svg, flags=re.S):
        lines.setdefault(int(line), []).append((float(x), html.unescape(content)))
    return "\n".join(
        "".join(text for _, text in sorted(parts)).replace("\xa0", " ")
        for _, parts in sorted(lines.items())
    )


def post_ids_in_title(app: E621App) -> str:
    """The details pane's title line."""
    return str(app.screen.query_one("#post-title", Static).content)


# ---- pure helpers --------------------------------------------------------------------------


def test_human_size_and_media_note() -> None:
    assert human_size(512) == "512 B"
    assert human_size(1_258_291) == "1.2 MB"
    assert human_size(3 * 2**30) == "3.0 GB"
    video = Post(id=1, file=FileInfo(ext="webm"), duration=12.34)
    assert media_note(video) == "▶ video (webm, 12.3 s) — o or enter plays it"
    assert media_note(Post(id=2, file=FileInfo(ext="png"))) == ""


def test_tag_text_groups_in_site_order_and_caps_each_category() -> None:
    tags = {"general": [f"t{i}" for i in range(MAX_PER_CATEGORY + 5)], "artist": ["someone"]}
    plain = tag_text(Post(id=1, tags=tags)).plain
    assert plain.index("Artist (1)") < plain.index(f"General ({MAX_PER_CATEGORY + 5})")
    assert "t299" in plain and "t300" not in plain
    assert plain.rstrip().endswith("… and 5 more")


# ---- the screen ----------------------------------------------------------------------------


async def test_post_shows_id_tags_and_file(server: DevServer, tmp_path: Path) -> None:
    post_id = server.state.special["described"]
    async with running(server, tmp_path, StartTarget("post", str(post_id))) as (app, pilot):
        screen = await open_post(app, pilot)
        post = screen.current
        text = screen_text(app)
        assert post_ids_in_title(app).startswith(f"#{post_id}")
        for tag in post.tags["general"][:5] + post.tags.get("artist", []):
            assert tag in text
        assert "Artist (" in text and "General (" in text
        assert "file: PNG" in text and "1600×1200" in text
        assert "https://example.com/art/1" in text
        assert "The Lantern Road" in text and "[b]" not in text
        assert screen.target_posts() == [post]


async def test_left_and_right_walk_the_list_from_the_grid(
    server: DevServer, tmp_path: Path
) -> None:
    async with running(server, tmp_path, StartTarget("search", "")) as (app, pilot):
        await wait_until(
            pilot, lambda: isinstance(app.screen, GridScreen) and len(app.screen.grid.items) > 3
        )
        grid_screen = app.screen
        assert isinstance(grid_screen, GridScreen)
        ids = [item.post.id for item in grid_screen.grid.items]
        await pilot.press("enter")
        screen = await open_post(app, pilot)
        assert screen.current.id == ids[0]
        assert f"post 1/{len(ids)}" in str(screen.query_one("#status", Static).content)
        await pilot.press("right", "l")
        assert screen.current.id == ids[2]
        assert post_ids_in_title(app).startswith(f"#{ids[2]}")
        await pilot.press("left")
        await pilot.pause()
        assert post_ids_in_title(app).startswith(f"#{ids[1]}")
        assert len(screen.query(ImageView)) == 1
        await pilot.press("h", "h")  # the second one is past the start: stays, says so
        assert screen.current.id == ids[0]
        await pilot.press("escape")
        assert app.screen is grid_screen


async def test_favorite_and_vote_from_the_post_screen(server: DevServer, tmp_path: Path) -> None:
    post_id = server.state.special["png"]
    async with running(server, tmp_path, StartTarget("post", str(post_id)), login=True) as (
        app,
        pilot,
    ):
        screen = await open_post(app, pilot)
        assert not screen.current.is_favorited and screen.current.vote == 0
        await pilot.press("f")
        await wait_until(pilot, lambda: "♥ favorited" in post_ids_in_title(app))
        await pilot.press("plus")
        await wait_until(pilot, lambda: "voted +1" in post_ids_in_title(app))
        await wait_until(
            pilot,
            lambda: (
                server.api_requests("/favorites.json", "POST")
                and server.api_requests(f"/posts/{post_id}/votes.json", "POST")
            ),
        )
        fav = server.api_requests("/favorites.json", "POST")[0]
        assert fav.form["post_id"] == [str(post_id)]
        vote = server.api_requests(f"/posts/{post_id}/votes.json", "POST")[0]
        assert vote.form["score"] == ["1"] and vote.form["no_unvote"] == ["true"]
        assert "♥ favorited" in post_ids_in_title(app)


async def test_hidden_deleted_and_video_posts_say_why(server: DevServer, tmp_path: Path) -> None:
    special = server.state.special
    async with running(server, tmp_path, StartTarget("post", str(special["login_blocked"]))) as (
        app,
        pilot,
    ):
        screen = await open_post(app, pilot)
        image = screen.query_one(ImageView)
        assert image.request is None
        assert "⊘ log in to see this post" in screen_text(app)
        for key, expected in (("deleted", "⊘ deleted"), ("video", "▶ video (webm, 12.5 s)")):
            await open_by_id(app, pilot, special[key])
            assert expected in screen_text(app)
        assert "o or enter plays it" in screen_text(app)
        assert "12.5 s" in str(app.screen.query_one("#post-info", Static).content)


async def test_hostile_content_shows_literally(hostile_server: DevServer, tmp_path: Path) -> None:
    post_id = hostile_server.state.special["hostile"]
    async with running(hostile_server, tmp_path, StartTarget("post", str(post_id))) as (app, pilot):
        await open_post(app, pilot)
        text = screen_text(app)
        assert "[bold red]x[/]" in text  # a source, shown as written
        assert "[bold_red]x[/]" in text  # a tag
        assert "[@click=app.quit]char[/]" in text
        assert "Evil" in text and "[bold red]Evil[/]" in text
        # escape sequences in tags and sources stay visible instead of silently vanishing
        assert "␛[2J" in text and "␛[31mred␛[0m" in text and "c1�csi" in text
        assert "https://example.com/␛]8;;https://evil.example/␇x" in text
        for char in CONTROL_CHARS:
            assert char not in text
        exported = app.export_screenshot()
        for char in CONTROL_CHARS:
            assert char not in exported
        visible = visible_text(exported)
        assert f"#{post_id}" in visible
        assert "[bold_red]artist[/]" in visible
        assert "[bold red]Evil[/]" in visible
        assert app.is_running


async def test_huge_posts_open_quickly(hostile_server: DevServer, tmp_path: Path) -> None:
    special = hostile_server.state.special
    start = StartTarget("post", str(special["hostile_many_tags"]))
    async with running(hostile_server, tmp_path, start, size=(80, 24)) as (app, pilot):
        screen = await open_post(app, pilot)
        began = time.monotonic()
        await pilot.pause()
        total = len(screen.current.tags["general"])
        assert total > 2000
        assert f"… and {total - MAX_PER_CATEGORY} more" in screen_text(app)
        assert time.monotonic() - began < 2.0
        for _ in range(3):
            await pilot.press("pagedown")
        assert screen.details.scroll_target_y > 0

        await open_by_id(app, pilot, special["hostile_long_tag"])
        text = screen_text(app)
        assert LONG_TAG not in text and LONG_TAG[:79] + "…" in text

        await open_by_id(app, pilot, special["hostile_long_description"])
        began = time.monotonic()
        assert "press e to show all" in screen_text(app)
        await pilot.press("e")
        assert "truncated" in screen_text(app)
        assert time.monotonic() - began < 2.0


async def test_g_opens_the_pool_and_walks_it_in_reading_order(
    server: DevServer, tmp_path: Path
) -> None:
    pool_id = server.state.special["pool_3"]
    pool = server.state.pools[pool_id]
    first = pool.post_ids[0]
    async with running(server, tmp_path, StartTarget("post", str(first))) as (app, pilot):
        screen = await open_post(app, pilot)
        assert f"pool #{pool_id}" in str(screen.query_one("#post-info", Static).content)
        await pilot.press("g")
        await wait_until(
            pilot, lambda: isinstance(app.screen, GridScreen) and len(app.screen.grid.items) > 0
        )
        await pilot.press("enter")
        in_pool = await open_post(app, pilot)
        assert in_pool is not screen
        assert [p.id for p in in_pool.post_list] == pool.post_ids
        info = str(in_pool.query_one("#post-info", Static).content)
        assert f"pool #{pool_id} {pool.name.replace('_', ' ')}" in info
        await pilot.press("right")
        assert in_pool.current.id == pool.post_ids[1]


async def test_t_searches_a_tag_of_the_post(server: DevServer, tmp_path: Path) -> None:
    post_id = server.state.special["described"]
    async with running(server, tmp_path, StartTarget("post", str(post_id))) as (app, pilot):
        screen = await open_post(app, pilot)
        artist = screen.current.tags["artist"][0]
        await pilot.press("t")
        await wait_until(pilot, lambda: app.screen is not screen)
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: isinstance(app.screen, GridScreen) and len(app.screen.grid.items) > 0
        )
        grid = app.screen
        assert isinstance(grid, GridScreen) and grid.feed is not None
        assert grid.feed.title == artist
        assert all(artist in item.post.tags["artist"] for item in grid.grid.items)
        await pilot.press("escape")
        assert app.screen is screen


class MoreSource:
    """A list source that can continue past both ends once."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    async def more_posts(self, direction: int) -> list[Post]:
        self.asked.append(direction)
        if len(self.asked) > 2:
            return []
        return [Post(id=900 + direction), Post(id=910 + direction)]


async def test_walking_past_the_ends_asks_the_source_for_more(
    server: DevServer, tmp_path: Path
) -> None:
    async with running(server, tmp_path, StartTarget("search", "")) as (app, pilot):
        source = MoreSource()
        app.open_post([Post(id=1), Post(id=2)], 1, source=source)
        screen = await open_post(app, pilot)
        await pilot.press("right")
        await wait_until(pilot, lambda: screen.current.id == 901)
        assert [p.id for p in screen.post_list] == [1, 2, 901, 911]
        screen.show_post(0)
        await pilot.press("left")
        await wait_until(pilot, lambda: screen.current.id == 909)
        assert [p.id for p in screen.post_list] == [899, 909, 1, 2, 901, 911]
        assert post_ids_in_title(app).startswith("#909")
        assert "post 2/6" in str(screen.query_one("#status", Static).content)
        screen.show_post(5)
        await pilot.press("right")
        await wait_until(pilot, lambda: len(source.asked) == 3)
        await pilot.pause()
        assert screen.current.id == 911 and len(screen.post_list) == 6


async def test_blacklisted_post_hides_its_image_until_v(server: DevServer, tmp_path: Path) -> None:
    post_id = server.state.special["png"]
    tag = server.state.posts[post_id].tags["general"][0]
    start = StartTarget("post", str(post_id))
    async with running(server, tmp_path, start, blacklist=f"nothing_here\n{tag}") as (app, pilot):
        screen = await open_post(app, pilot)
        assert f"⊘ blacklisted by rule: {tag}" in post_ids_in_title(app)
        image = screen.query_one(ImageView)
        assert image.request is None and "press v" in image.placeholder
        await pilot.press("v")
        await pilot.pause()
        shown = screen.query_one(ImageView)
        assert shown is not image and shown.request is not None
        assert shown.request.kind in ("sample", "file")
