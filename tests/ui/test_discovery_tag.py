"""Pilot tests of the tag screen (wiki, other names, count, related tags) against the devserver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from e621tui.devserver import DevServer
from e621tui.devserver.discovery_data import ensure_discovery
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.dialogs.tag_picker import TagPicker
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.screens.tag_info import TagScreen
from tests.ui.conftest import loaded, make_app, palette_titles, wait_until


@pytest.fixture
def hostile_server() -> Iterator[DevServer]:
    """A devserver with the hostile content set."""
    with DevServer(hostile=True) as srv:
        yield srv


def wiki_text(app: E621App) -> str:
    return str(app.screen.query_one("#tag-wiki-text", Static).content)


def title(app: E621App) -> str:
    return str(app.screen.query_one("#tag-title", Static).content)


async def tag_loaded(app: E621App, pilot: Pilot[Any]) -> TagScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, TagScreen) and app.screen.info)
    screen = app.screen
    assert isinstance(screen, TagScreen)
    return screen


async def test_i_picks_a_tag_and_shows_its_wiki_and_related_tags(
    server: DevServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path, start=StartTarget("search", "fox"))
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        assert "post: Tag info…" in palette_titles(app)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, TagPicker))
        await pilot.press("f", "o", "x")
        picker = app.screen
        assert isinstance(picker, TagPicker) and picker.visible_tags[0] == "fox"
        await pilot.press("enter")
        screen = await tag_loaded(app, pilot)

        head = title(app)
        assert head.startswith("fox  species · ") and " posts" in head
        assert "other names: vulpine, vulpes vulpes, renard" in head
        text = wiki_text(app)
        assert "A fox is a small canine" in text and "[b]" not in text.split("[code]")[0][:40]
        assert "the gallery <https://example.com/gallery>" in text  # links with their target
        assert "[b]not bold[/b] and {{not a search}}" in text  # code stays verbatim
        assert "Foxes can purr" not in text and "Most foxes are" not in text
        await pilot.press("v")
        assert "Foxes can purr" in wiki_text(app)
        await pilot.press("e")
        assert "Most foxes are" in wiki_text(app)
        await pilot.press("v", "e")
        assert "Foxes can purr" not in wiki_text(app)

        info = screen.info
        assert info is not None and info.related and info.related_source == "related_tag"
        first = info.related[0].name
        assert screen.highlighted_related() == info.related[0]
        await pilot.press("enter")  # search it in a new search screen on top
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen) and loaded(app))
        assert app.screen.current_query == first  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert app.screen is screen

        await pilot.press("a")  # add it to the search the post came from
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen) and loaded(app))
        root = app.screen
        assert isinstance(root, SearchScreen) and root.current_query == f"fox {first}"
        assert len(app.screen_stack) == 2


async def test_missing_and_deleted_wiki_pages_say_so(server: DevServer, tmp_path: Path) -> None:
    ensure_discovery(server.state)  # the wiki pages are made on first use
    app = make_app(server, tmp_path)
    deleted = server.state.wiki_pages[server.state.special["wiki_deleted"]].title
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await app.push_screen(TagScreen("no_such_tag_anywhere"))
        await tag_loaded(app, pilot)
        assert "There is no wiki page for no such tag anywhere." in wiki_text(app)
        assert "no such tag on the site" in title(app)
        await pilot.press("escape")
        await app.push_screen(TagScreen(deleted))
        await tag_loaded(app, pilot)
        assert "was deleted" in wiki_text(app)


async def test_follow_from_the_tag_screen(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await app.push_screen(TagScreen("wolf"))
        await tag_loaded(app, pilot)
        await pilot.press("b")
        assert app.settings.follows == ["wolf"] and " · followed" in title(app)
        await pilot.press("b")
        assert app.settings.follows == [] and "followed" not in title(app)


async def test_hostile_wiki_stays_literal(hostile_server: DevServer, tmp_path: Path) -> None:
    app = make_app(hostile_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await app.push_screen(TagScreen("hostile_content"))
        await tag_loaded(app, pilot)
        await pilot.press("v", "e")
        text = wiki_text(app) + title(app)
        assert "[bold red]header[/]" in text and "[@click=app.quit]item[/]" in text
        assert "[bold]x[/]" in text  # other names and bodies: never markup
        for bad in ("\x1b", "\x07", "\x9b", "\x00"):
            assert bad not in text
        assert isinstance(app.screen, TagScreen)  # nothing was "clicked" into quitting


async def test_a_failed_load_says_so(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        server.faults.set("malformed_json", path_prefix="/tags.json")
        await app.push_screen(TagScreen("wolf"))
        await wait_until(pilot, lambda: "could not load this tag" in wiki_text(app), timeout=20)
        assert isinstance(app.screen, TagScreen) and app.screen.info is None
