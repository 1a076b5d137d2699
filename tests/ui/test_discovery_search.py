"""Pilot tests of search history, recall, saved searches and random posts (devserver)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from e621tui.devserver import DevServer
from e621tui.settings.config import Settings
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.dialogs.prompt import PromptDialog
from e621tui.ui.dialogs.search_recall import SearchRecall
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


def search_screen(app: E621App) -> SearchScreen:
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def run_search(
    app: E621App, pilot: Pilot[Any], query: str, *, wait_page: bool = True
) -> SearchScreen:
    """Type ``query`` into the box as a user does (and wait for its page)."""
    screen = search_screen(app)
    await pilot.press("slash", "ctrl+u", *query, "enter")
    assert screen.current_query == query
    if wait_page:
        await wait_until(pilot, lambda: loaded(app))
    return screen


async def test_up_and_down_walk_the_history(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        for query in ("fox", "wolf snow", "fox order:score"):
            screen = await run_search(app, pilot, query, wait_page=False)
        box = screen.query_box
        assert app.session.discovery.history.entries()[:3] == [
            "fox order:score",
            "wolf snow",
            "fox",
        ]
        # The box shows the search on screen: up starts at the one before it.
        await pilot.press("slash", "up")
        assert box.value == "wolf snow"
        await pilot.press("up")
        assert box.value == "fox"
        await pilot.press("up")  # the oldest: stays
        assert box.value == "fox"
        await pilot.press("down", "down")
        assert box.value == "fox order:score"  # past the newest: what was in the box
        # What is typed is a prefix, as in a shell.
        await pilot.press("ctrl+u", "w", "o")
        await pilot.press("up")
        assert box.value == "wolf snow"
        await pilot.press("down")
        assert box.value == "wo"


async def test_history_survives_a_restart(server: DevServer, tmp_path: Path) -> None:
    first = make_app(server, tmp_path)
    async with first.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(first))
        await run_search(first, pilot, "snow", wait_page=False)
    server.clear_requests()  # the rate rule is per program run: start the count again
    again = make_app(server, tmp_path)  # same data dir
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(again))
        await pilot.press("slash", "up")
        assert search_screen(again).query_box.value == "snow"


async def test_save_a_search_and_run_it_from_the_palette_and_recall(
    server: DevServer, tmp_path: Path
) -> None:
    saved = ConfigRecorder()
    app = make_app(server, tmp_path, save_config=saved)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await run_search(app, pilot, "fox solo")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+u", *"lonely foxes", "enter")
        await wait_until(pilot, lambda: app.settings.saved_searches == {"lonely foxes": "fox solo"})
        assert saved.changes == [{"saved_searches": {"lonely foxes": "fox solo"}}]
        screen = search_screen(app)
        assert screen.list_title().startswith("lonely foxes: ")

        await run_search(app, pilot, "wolf", wait_page=False)
        titles = palette_titles(app)
        assert "search: Save as…" in titles
        titles['search: Saved "lonely foxes"']()
        await wait_until(pilot, lambda: loaded(app) and screen.current_query == "fox solo")
        assert screen.query_box.value == "fox solo"

        # ctrl+r: saved (★) first, then the history; the filter is fuzzy.
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchRecall))
        recall = app.screen
        assert isinstance(recall, SearchRecall)
        items = recall.visible_items
        assert items[0].name == "lonely foxes" and [i.query for i in items[1:3]] == [
            "fox solo",
            "wolf",
        ]
        await pilot.press(*"wlf")
        assert [i.query for i in recall.visible_items] == ["wolf"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: loaded(app) and screen.current_query == "wolf")

        # ctrl+d in the picker forgets a saved search (the config changes).
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchRecall))
        await pilot.press("ctrl+d", "escape")
        await wait_until(pilot, lambda: app.settings.saved_searches == {})
        assert saved.changes[-1] == {"saved_searches": {}}


async def test_saved_searches_from_the_config_are_offered(
    server: DevServer, tmp_path: Path
) -> None:
    settings = Settings(saved_searches={"Daily [b]x[/b]": "wolf order:score"})
    app = make_app(server, tmp_path, settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        titles = palette_titles(app)
        assert 'search: Saved "Daily [b]x[/b]"' in titles
        assert "search: Save as…" not in titles  # nothing searched yet


async def test_random_post_matches_the_search(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await run_search(app, pilot, "wolf")
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        post = app.screen.current  # type: ignore[attr-defined]
        assert "wolf" in post.all_tags
        # A blacklisted pick is drawn again (up to 3 times), always with the query.
        asked = server.api_requests("/posts/random.json")
        assert 1 <= len(asked) <= 3 and all(r.query["tags"] == ["wolf"] for r in asked)
        # From the palette, on the post screen: the search below still decides.
        palette_titles(app)["search: Random post"]()
        await wait_until(pilot, lambda: len(server.api_requests("/posts/random.json")) > len(asked))
        assert all(r.query["tags"] == ["wolf"] for r in server.api_requests("/posts/random.json"))


async def test_random_post_without_a_match_says_so(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, start=StartTarget("search", "no_such_tag_here"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("R")
        await wait_until(pilot, lambda: server.api_requests("/posts/random.json"))
        await wait_until(pilot, lambda: any("no post matches" in t for t in notifications(app)))
        assert isinstance(app.screen, SearchScreen)
