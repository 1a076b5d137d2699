"""Pilot tests of the popular screen against the devserver: periods, stepping, actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from textual.widgets import Static

from e621tui.devserver import DevServer
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.screens.popular import PopularScreen
from e621tui.ui.screens.post import PostScreen
from tests.ui.conftest import loaded, make_app, palette_titles, wait_until


def week_of(day: date) -> tuple[float, float]:
    """[Monday 00:00, next Monday 00:00) in UTC, as timestamps."""
    start = day - timedelta(days=day.weekday())
    lo = datetime(start.year, start.month, start.day, tzinfo=UTC)
    return lo.timestamp(), (lo + timedelta(days=7)).timestamp()


def expected_week(server: DevServer, day: date) -> list[int]:
    """The devserver's posts uploaded that week, by score (the site's order)."""
    lo, hi = week_of(day)
    posts = [p for p in server.state.posts.values() if lo <= p.created < hi]
    return [p.id for p in sorted(posts, key=lambda p: (p.score, p.id), reverse=True)]


def popular_screen(app: E621App) -> PopularScreen:
    screen = app.screen
    assert isinstance(screen, PopularScreen)
    return screen


async def test_popular_week_by_score_and_stepping(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, start=StartTarget("popular", "week"))
    today = datetime.fromtimestamp(server.state.now, UTC).date()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PopularScreen) and loaded(app))
        screen = popular_screen(app)
        (request,) = server.api_requests("/popular.json")
        assert request.query["scale"] == ["week"] and "date" not in request.query
        shown = [item.post.id for item in screen.grid.items]
        expected = expected_week(server, today)
        assert shown and set(shown) <= set(expected)
        assert shown == [i for i in expected if i in shown]  # the site's order: by score
        header = str(screen.query_one("#feed-header", Static).content)
        assert header.startswith("Popular this week · by score")
        assert screen.check_action("step", (1,)) is None  # nothing after this week

        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: loaded(app) and screen.feed is not None)
        monday = today - timedelta(days=today.weekday())
        earlier = monday - timedelta(weeks=1)
        assert server.api_requests("/popular.json")[-1].query["date"] == [earlier.isoformat()]
        await wait_until(pilot, lambda: loaded(app))
        assert f"week of {earlier.isoformat()}" in str(
            screen.query_one("#feed-header", Static).content
        )
        shown = [item.post.id for item in screen.grid.items]
        assert set(shown) <= set(expected_week(server, earlier))

        await pilot.press("right_square_bracket")
        await wait_until(
            pilot, lambda: loaded(app) and len(server.api_requests("/popular.json")) == 3
        )
        assert server.api_requests("/popular.json")[-1].query["date"] == [monday.isoformat()]

        await pilot.press("3")
        await wait_until(
            pilot, lambda: loaded(app) and len(server.api_requests("/popular.json")) == 4
        )
        assert server.api_requests("/popular.json")[-1].query["scale"] == ["month"]
        assert screen.popular is not None and screen.popular.scale == "month"


async def test_popular_grid_opens_posts_and_marks(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        titles = palette_titles(app)
        assert {"popular: Today", "popular: This week", "popular: This month"} <= set(titles)
        titles["popular: This month"]()
        await wait_until(pilot, lambda: isinstance(app.screen, PopularScreen) and loaded(app))
        screen = popular_screen(app)
        first, second = screen.grid.items[0].post, screen.grid.items[1].post
        await pilot.press("space", "space")
        assert screen.grid.marked == {first.id, second.id}
        assert {p.id for p in screen.target_posts()} == {first.id, second.id}
        await pilot.press("M")
        focused = screen.grid.current
        assert not screen.grid.marked and focused is not None
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        assert app.screen.current.id == focused.post.id  # type: ignore[attr-defined]
        await pilot.press("f")  # favorite (or unfavorite), as from any list
        await wait_until(pilot, lambda: server.api_requests("/favorites"))
