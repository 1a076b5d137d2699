"""Pilot tests of following tags and the followed-tags feed, against the devserver."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from e621tui.devserver import DevServer
from e621tui.settings.config import Settings
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.dialogs.tag_picker import TagPicker
from e621tui.ui.screens.feed import FeedScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.search import SearchScreen
from tests.ui.conftest import (
    ConfigRecorder,
    loaded,
    make_app,
    notifications,
    palette_titles,
    wait_until,
)


def feed_screen(app: E621App) -> FeedScreen:
    screen = app.screen
    assert isinstance(screen, FeedScreen)
    return screen


def header(app: E621App) -> str:
    return str(app.screen.query_one("#feed-header", Static).content)


def message(app: E621App) -> str:
    return str(app.screen.query_one("#grid-message", Static).content)


async def feed_checked(app: E621App, pilot: Pilot[Any]) -> FeedScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, FeedScreen) and loaded(app))
    screen = feed_screen(app)
    assert screen.follow_feed is not None and screen.follow_feed.result is not None
    return screen


async def test_no_follows_says_how_to_follow(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, start=StartTarget("feed"))
    async with app.run_test(size=(100, 30)) as pilot:
        await feed_checked(app, pilot)
        assert "no followed tags yet: press b on a one-tag search" in message(app)
        assert server.api_requests("/posts.json") == []  # the search below waits, unseen


async def test_follow_a_search_then_feed_mark_seen_and_new_posts(
    server: DevServer, tmp_path: Path
) -> None:
    saved = ConfigRecorder()
    app = make_app(server, tmp_path, save_config=saved)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        search = app.screen
        assert isinstance(search, SearchScreen)
        search.run_query("fox")
        await wait_until(pilot, lambda: loaded(app) and search.current_query == "fox")
        assert 'feed: Follow "fox"' in palette_titles(app)
        await pilot.press("b")
        assert app.settings.follows == ["fox"] and saved.changes == [{"follows": ["fox"]}]
        assert any("following fox" in text for text in notifications(app))
        assert 'feed: Unfollow "fox"' in palette_titles(app)

        await pilot.press("N")
        screen = await feed_checked(app, pilot)
        result = screen.follow_feed.result if screen.follow_feed else None
        assert result is not None and result.posts
        ids = [item.post.id for item in screen.grid.items]
        assert ids == sorted(ids, reverse=True)
        assert all("fox" in item.post.all_tags for item in screen.grid.items)
        shown = len(result.posts) - result.hidden
        assert f"{shown} new from 1 followed tag: fox {result.counts['fox']}" in header(app)
        assert screen.list_title() == f"followed tags: {shown} new"

        server.clear_requests()
        await pilot.press("C")
        await wait_until(pilot, lambda: loaded(app) and not screen.grid.items)
        assert "nothing new from your 1 followed tag: r checks again" in message(app)
        assert server.api_requests("/posts.json") == []  # emptied without asking again
        assert "feed: Mark all seen" in palette_titles(app)

        new = server.add_posts(2, tags=["fox", "solo"])
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and screen.grid.items)
        assert [item.post.id for item in screen.grid.items] == sorted(new, reverse=True)
        assert "2 new from 1 followed tag: fox 2" in header(app)
        (request,) = server.api_requests("/posts.json")
        assert request.query["page"][0].startswith("a")


async def test_many_follows_cost_and_progress(server: DevServer, tmp_path: Path) -> None:
    tags = sorted(server.state.tags.values(), key=lambda t: (-t.post_count, t.name))
    follows = [t.name for t in tags if t.post_count > 0][:100]
    app = make_app(server, tmp_path, settings=Settings(follows=follows), start=StartTarget("feed"))
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, FeedScreen))
        screen = feed_screen(app)

        def progressed() -> bool:
            seen.append(header(app))
            return loaded(app)

        await wait_until(pilot, progressed, timeout=20)
        feed = screen.follow_feed
        assert feed is not None and feed.result is not None
        queries = math.ceil(100 / feed.room)
        assert any(f"checking followed tags 1/{queries}" in text for text in seen)
        assert len(server.api_requests("/posts.json")) == feed.result.requests == queries
        assert f"checked in {queries} requests" in header(app)
        grid_ids = [item.post.id for item in screen.grid.items]
        first_page = app.session.visible(feed.result.posts[: feed.page_size])[0]
        assert grid_ids == [shown.post.id for shown in first_page]


async def test_follow_a_tag_of_a_post_with_the_picker(server: DevServer, tmp_path: Path) -> None:
    post_id = server.state.special["described"]
    saved = ConfigRecorder()
    app = make_app(server, tmp_path, start=StartTarget("post", str(post_id)), save_config=saved)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        post = app.screen.current  # type: ignore[attr-defined]
        tag = post.tags["general"][0]
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TagPicker))
        picker = app.screen
        assert isinstance(picker, TagPicker)
        assert picker.visible_tags[0] in post.tags.get("artist", [tag])
        await pilot.press(*tag)
        await wait_until(pilot, lambda: picker.visible_tags[:1] == [tag])
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.settings.follows == [tag])
        assert saved.changes == [{"follows": [tag]}]
        # Again: the picker marks it followed, and picking it unfollows.
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TagPicker))
        await pilot.press(*tag, "enter")
        await wait_until(pilot, lambda: app.settings.follows == [])
        assert "feed: Unfollow a tag…" not in palette_titles(app)


async def test_refused_follow_is_explained(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, start=StartTarget("search", "order:score"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("b")
        assert app.settings.follows == []
        assert any("only a search for one tag can be followed" in t for t in notifications(app))


async def test_new_keys_are_rebindable_by_id(server: DevServer, tmp_path: Path) -> None:
    keymap = {"feed": "F", "follow": "W", "random_post": "X"}
    app = make_app(server, tmp_path, keymap=keymap, start=StartTarget("search", "wolf"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("W")
        assert app.settings.follows == ["wolf"]
        assert any("F opens the feed" in text for text in notifications(app))
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, FeedScreen))


async def test_feed_error_is_said_plainly(server: DevServer, tmp_path: Path) -> None:
    server.faults.set("malformed_json", path_prefix="/posts.json")
    settings = Settings(follows=["fox", "wolf"])
    app = make_app(server, tmp_path, settings=settings, start=StartTarget("feed"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "could not load page 1" in message(app), timeout=20)
        assert isinstance(app.screen, FeedScreen)
        assert any("loading posts" in text for text in notifications(app))
        server.faults.clear()
        await pilot.press("r")
        await feed_checked(app, pilot)
        assert feed_screen(app).grid.items


async def test_follows_that_cannot_be_searched_are_named(server: DevServer, tmp_path: Path) -> None:
    settings = Settings(follows=["wolf", "order:score"])
    app = make_app(server, tmp_path, settings=settings, start=StartTarget("feed"))
    async with app.run_test(size=(120, 40)) as pilot:
        await feed_checked(app, pilot)
        assert "1 follow skipped (not plain tags)" in header(app)
        # A notification is a message: it is in the list once the app has processed it.
        await wait_until(
            pilot,
            lambda: any("skipped a follow: order:score: metatags" in t for t in notifications(app)),
        )
        (request,) = server.api_requests("/posts.json")
        assert "order:score" not in request.query["tags"][0]
