"""Pilot tests of the comments screen against the devserver: paging, order, marks, hostile text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from e621tui.api.models_text import WARNING_TEXT, Comment
from e621tui.devserver import DevServer
from e621tui.devserver.discovery_data import ensure_discovery
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.screens.comments import CommentsScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.widgets.comment_view import CommentView, comment_text, short_date
from tests.ui.conftest import make_app, palette_titles, wait_until


@pytest.fixture
def hostile_server() -> Iterator[DevServer]:
    """A devserver with the hostile content set."""
    with DevServer(hostile=True) as srv:
        yield srv


def shown_ids(app: E621App) -> list[int]:
    return [view.comment.id for view in app.screen.query(CommentView)]


def comments_title(app: E621App) -> str:
    return str(app.screen.query_one("#comments-title", Static).content)


async def open_comments(app: E621App, pilot: Pilot[Any]) -> CommentsScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
    await pilot.press("c")
    await wait_until(
        pilot, lambda: isinstance(app.screen, CommentsScreen) and app.screen.page is not None
    )
    screen = app.screen
    assert isinstance(screen, CommentsScreen)
    return screen


def test_comment_text_marks_as_the_site_does() -> None:
    comment = Comment(
        id=7, creator_name="[b]x[/b]", created_at="2026-07-15T14:03:00-04:00", score=-3,
        body="hi [spoiler]secret[/spoiler]", is_sticky=True, is_hidden=True,
        warning_type="record",
    )  # fmt: skip
    plain = comment_text(comment).plain
    assert plain.startswith("[b]x[/b]  2026-07-15 18:03  -3  [sticky]  [hidden]  #7\n")
    assert "secret" not in plain and "secret" in comment_text(comment, reveal_spoilers=True).plain
    assert plain.endswith("User received a record for the contents of this message.")
    assert short_date("not a date") == "not a date"


async def test_comments_come_a_page_at_a_time(server: DevServer, tmp_path: Path) -> None:
    ensure_discovery(server.state)
    post_id = server.state.special["many_comments"]
    app = make_app(server, tmp_path, start=StartTarget("post", str(post_id)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        assert "post: Comments" in palette_titles(app)
        screen = await open_comments(app, pilot)
        first = shown_ids(app)
        assert len(first) == 25 and first == sorted(first, reverse=True)
        assert "3000 comments · newest first · page 1 of about 120" in comments_title(app)
        # One request for the page and one prefetch of the next: never the whole thread.
        await wait_until(pilot, lambda: 2 in [len(server.api_requests("/comments.json"))])
        await pilot.pause(0.3)
        assert len(server.api_requests("/comments.json")) == 2

        await pilot.press("n")
        await wait_until(pilot, lambda: screen.page_index == 1)
        second = shown_ids(app)
        assert len(second) == 25 and max(second) < min(first)
        assert "page 2 of about 120" in comments_title(app)
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.page_index == 0)
        assert shown_ids(app) == first

        before = len(server.api_requests("/comments.json"))
        await pilot.press("O")
        await wait_until(pilot, lambda: screen.thread is not None and screen.page is not None
                         and screen.thread.order == "oldest")  # fmt: skip
        oldest = shown_ids(app)
        assert oldest == sorted(oldest) and min(oldest) < min(second)
        assert "oldest first" in comments_title(app)
        request = server.api_requests("/comments.json")[before]
        assert request.query["page"] == ["a0"]
        assert all(r.query.get("limit") == ["25"] for r in server.api_requests("/comments.json"))


async def test_warned_comment_is_marked(server: DevServer, tmp_path: Path) -> None:
    ensure_discovery(server.state)
    warned = server.state.comments[server.state.special["comment_warned"]]
    app = make_app(server, tmp_path, start=StartTarget("post", str(warned.post_id)))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_comments(app, pilot)
        views = {view.comment.id: view for view in app.screen.query(CommentView)}
        assert warned.id in views and views[warned.id].has_class("-warned")
        assert WARNING_TEXT[warned.warning_type or ""] in str(views[warned.id].content)


async def test_hostile_comments_stay_literal(hostile_server: DevServer, tmp_path: Path) -> None:
    post_id = hostile_server.state.special["hostile"]
    app = make_app(hostile_server, tmp_path, start=StartTarget("post", str(post_id)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_comments(app, pilot)
        await pilot.press("v", "e")
        texts = [str(view.content) for view in screen.query(CommentView)]
        joined = "\n".join(texts)
        assert "[bold]x[/]" in joined and "[bold red]header[/]" in joined
        assert "[@click=app.quit]item[/]" in joined
        for bad in ("\x1b", "\x07", "\x9b", "\x00"):
            assert bad not in joined
        assert isinstance(app.screen, CommentsScreen)


async def test_a_failed_page_says_so(server: DevServer, tmp_path: Path) -> None:
    post_id = server.state.special["described"]
    app = make_app(server, tmp_path, start=StartTarget("post", str(post_id)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        server.faults.set("malformed_json", path_prefix="/comments.json")
        await pilot.press("c")
        await wait_until(pilot, lambda: "could not load page 1" in comments_title(app), timeout=20)
        server.faults.clear()
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, CommentsScreen)
        await wait_until(pilot, lambda: screen.page is not None)
