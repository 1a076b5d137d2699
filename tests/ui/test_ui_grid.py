"""Pilot tests of the browsing screens against the real devserver over HTTP."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from e621tui.api.models import PostSet, SetChoice
from e621tui.devserver import DEMO_USERNAME, DevServer
from e621tui.ui.app import StartTarget
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.widgets.grid import PostGrid
from tests.ui.conftest import grid_screen, loaded, make_app, page_requests, wait_until


async def test_first_page_shows_and_next_page_is_prefetched(
    server: DevServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        assert screen.grid.items
        lowest = min(p.id for p in screen.page.posts) if screen.page else 0
        # Before any key: the next page's request goes out on its own.
        await wait_until(pilot, lambda: len(page_requests(server)) >= 2)
        second = page_requests(server)[1]
        assert second["page"] == [f"b{lowest}"]
        await wait_until(
            pilot, lambda: screen.feed is not None and screen.feed.cached(1) is not None
        )
        before = len(page_requests(server))
        first_id = screen.grid.items[0].post.id
        await pilot.press("n")
        await wait_until(pilot, lambda: screen.page_index == 1)
        assert screen.grid.items[0].post.id != first_id
        # The page was shown from the prefetch: no request was waited for. Page 3 may be
        # prefetched now, but page 2 itself was never requested again.
        await pilot.pause(0.1)
        b_cursors = [q.get("page", [""])[0] for q in page_requests(server)]
        assert b_cursors.count(f"b{lowest}") == 1
        assert len(page_requests(server)) <= before + 1
        # Back is served from the cache: no page is ever requested twice.
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.page_index == 0)
        assert screen.grid.items[0].post.id == first_id
        await pilot.pause(0.3)
        cursors = [q.get("page", ["first"])[0] for q in page_requests(server)]
        assert len(cursors) == len(set(cursors)) <= 3


async def test_status_line_shows_focused_post_id(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        first = screen.grid.items[0].post.id
        status = screen.query_one("#status")
        assert f"#{first}" in str(status.render())
        await pilot.press("l")
        second = screen.grid.items[1].post.id
        await wait_until(pilot, lambda: f"#{second}" in str(status.render()))
        await pilot.press("j")
        assert screen.grid.cursor == 1 + screen.grid.columns


async def test_search_sends_the_query(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        app.focused.value = ""
        await pilot.press(*"fox", "enter")
        screen = grid_screen(app)
        await wait_until(
            pilot, lambda: loaded(app) and screen.feed is not None and screen.feed.title == "fox"
        )
        assert any(q.get("tags") == ["fox"] for q in page_requests(server))
        assert all("fox" in item.post.all_tags for item in screen.grid.items)
        assert isinstance(app.focused, PostGrid)


async def test_empty_results_say_so(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, start=StartTarget("search", "no_such_tag_anywhere"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        message = app.screen.query_one("#grid-message")
        assert "no posts match" in str(message.render())
        assert not grid_screen(app).check_action("next_page", ())


async def test_stale_results_are_dropped(server: DevServer, tmp_path: Path) -> None:
    server.faults.set("slow", delay=1.5, count=1, path_prefix="/posts")
    app = make_app(server, tmp_path, start=StartTarget("search", "wolf"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.search("fox")
        await wait_until(pilot, lambda: loaded(app))
        await pilot.pause(2.0)  # let the slow "wolf" answer arrive; it must not replace "fox"
        assert screen.feed is not None and screen.feed.title == "fox"
        assert all("fox" in item.post.all_tags for item in screen.grid.items)


async def test_favorite_and_vote_reach_the_server(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        index = next(i for i, s in enumerate(screen.grid.items) if not s.post.is_favorited)
        screen.grid.cursor = index
        post = screen.grid.items[index].post
        await pilot.press("f")
        assert post.is_favorited  # optimistic
        await wait_until(pilot, lambda: server.state.is_favorited(DEMO_USERNAME, post.id))
        (fav,) = server.api_requests("/favorites.json", "POST")
        assert fav.form["post_id"] == [str(post.id)]
        old_vote = post.vote
        await pilot.press("plus")
        want = 0 if old_vote == 1 else 1
        await wait_until(pilot, lambda: server.state.vote_of(DEMO_USERNAME, post.id) == want)
        if want == 1:
            vote = server.api_requests(f"/posts/{post.id}/votes.json", "POST")[-1]
            assert vote.form["score"] == ["1"] and vote.form["no_unvote"] == ["true"]


async def test_set_picker_adds_and_a_and_x_use_the_active_set(
    server: DevServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app) and bool(app.session.sets.my_sets))
        owned = next(c for c in app.session.sets.my_sets if c.owned)
        screen = grid_screen(app)
        members = set(server.state.post_set(owned.id).post_ids)
        candidates = [i for i, s in enumerate(screen.grid.items) if s.post.id not in members]
        screen.grid.cursor = candidates[0]
        first = screen.grid.items[candidates[0]].post.id
        await pilot.press("s")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "SetPicker")
        await pilot.press(*owned.name[:4])
        await pilot.press("enter")
        await wait_until(pilot, lambda: first in server.state.post_set(owned.id).post_ids)
        assert app.session.sets.active is not None and app.session.sets.active.id == owned.id
        adds = server.api_requests(f"/post_sets/{owned.id}/add_posts.json", "POST")
        assert adds[-1].form["post_ids[]"] == [str(first)]
        # `a` adds the next post without the picker.
        screen.grid.cursor = candidates[1]
        second = screen.grid.items[candidates[1]].post.id
        await pilot.press("a")
        assert app.screen is screen
        await wait_until(pilot, lambda: second in server.state.post_set(owned.id).post_ids)
        # `x` removes it again.
        await pilot.press("x")
        await wait_until(pilot, lambda: second not in server.state.post_set(owned.id).post_ids)
        assert second not in app.session.sets.active_members


async def test_marked_posts_are_added_in_one_request(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app) and bool(app.session.sets.my_sets))
        owned = next(c for c in app.session.sets.my_sets if c.owned)
        await app.session.sets.set_active(owned)
        screen = grid_screen(app)
        members = set(server.state.post_set(owned.id).post_ids)
        picks = [i for i, s in enumerate(screen.grid.items) if s.post.id not in members][:3]
        for index in picks:
            screen.grid.cursor = index
            await pilot.press("space")
        assert len(screen.grid.marked) == 3
        await pilot.press("a")
        ids = {screen.grid.items[i].post.id for i in picks}
        await wait_until(pilot, lambda: ids <= set(server.state.post_set(owned.id).post_ids))
        (request,) = server.api_requests(f"/post_sets/{owned.id}/add_posts.json", "POST")
        assert {int(i) for i in request.form["post_ids[]"]} == ids
        assert not screen.grid.marked  # marks clear after a bulk action


async def test_refused_write_rolls_back_visibly(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        foreign = server.state.post_set(server.state.special["set_other_private"])
        # Not ours to edit: the site answers 403 and the optimistic membership must roll back.
        app.session.sets.active = SetChoice(id=foreign.id, name=foreign.name, owned=False)
        app.session.sets.remember(PostSet(id=foreign.id, post_ids=list(foreign.post_ids)))
        screen = grid_screen(app)
        index = next(
            i for i, s in enumerate(screen.grid.items) if s.post.id not in foreign.post_ids
        )
        screen.grid.cursor = index
        post_id = screen.grid.items[index].post.id
        # The refusal comes a moment later, so that the optimistic state can be seen first.
        server.faults.set("slow", delay=1.0, count=1, path_prefix="/post_sets")
        await pilot.press("a")
        assert post_id in app.session.sets.active_members
        await wait_until(pilot, lambda: post_id not in app.session.sets.active_members)
        assert (
            app.session.writes.outbox is not None and len(app.session.writes.outbox.failed()) == 1
        )
        texts = [str(n.message) for n in app._notifications]
        assert any("could not add" in t for t in texts)
        assert post_id not in server.state.post_set(foreign.id).post_ids


async def test_writes_need_login(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, login=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        assert not app.check_action("favorite", ())
        app.action_favorite()
        await pilot.pause(0.05)
        assert any("log in" in str(n.message) for n in app._notifications)
        assert server.api_requests("/favorites.json", "POST") == []


async def test_keymap_rebinding_takes_effect(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, keymap={"favorite": "F"})
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        index = next(i for i, s in enumerate(screen.grid.items) if not s.post.is_favorited)
        screen.grid.cursor = index
        post = screen.grid.items[index].post
        await pilot.press("f")
        await pilot.pause(0.1)
        assert not post.is_favorited
        await pilot.press("F")
        assert post.is_favorited


async def test_pool_screen_shows_pool_order(server: DevServer, tmp_path: Path) -> None:
    pool_id = server.state.special["pool_40"]
    app = make_app(server, tmp_path, start=StartTarget("pool", str(pool_id)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot, lambda: app.screen.__class__.__name__ == "PoolScreen" and loaded(app)
        )
        screen = grid_screen(app)
        shown = [item.post.id for item in screen.grid.items]
        order = [i for i in server.state.pools[pool_id].post_ids if i in set(shown)]
        assert shown == order
        assert shown != sorted(shown) and shown != sorted(shown, reverse=True)
        header = str(app.screen.query_one("#feed-header").render())
        assert f"Pool #{pool_id}" in header


async def test_set_screen_shows_its_posts(server: DevServer, tmp_path: Path) -> None:
    owned = server.state.post_set(server.state.special["set_demo_public"])
    assert len(owned.post_ids) > 3
    app = make_app(server, tmp_path, start=StartTarget("set", str(owned.id)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot, lambda: app.screen.__class__.__name__ == "SetScreen" and loaded(app)
        )
        screen = grid_screen(app)
        shown = [item.post.id for item in screen.grid.items]
        assert shown and set(shown) <= set(owned.post_ids)
        assert shown == [i for i in owned.post_ids if i in set(shown)]


async def test_blacklisted_posts_are_hidden_and_can_be_shown(
    server: DevServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app) and app.session.user is not None)
        screen = grid_screen(app)
        # The account's blacklist applies from the very first page, without a reload.
        blacklist = app.session.blacklist
        assert blacklist
        assert all(blacklist.match(item.post) is None for item in screen.grid.items)
        hidden = screen.hidden
        await pilot.press("B")
        await wait_until(
            pilot,
            lambda: len(screen.grid.items) == len(screen.page.posts) if screen.page else False,
        )
        if hidden:
            assert any(item.blacklisted is not None for item in screen.grid.items)


async def test_post_screen_walks_on_into_the_next_page(server: DevServer, tmp_path: Path) -> None:
    app = make_app(server, tmp_path, login=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        await wait_until(
            pilot, lambda: screen.feed is not None and screen.feed.cached(1) is not None
        )
        screen.grid.cursor = len(screen.grid.items) - 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PostScreen")
        post_screen = app.screen
        await pilot.press("right")
        page2 = screen.feed.cached(1) if screen.feed else None
        assert page2 is not None
        first_of_next = app.session.visible(page2.posts)[0][0].post.id
        await wait_until(pilot, lambda: post_screen.current.id == first_of_next)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.page_index == 1
