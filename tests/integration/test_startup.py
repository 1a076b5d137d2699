"""Start-up support against the devserver: the first screen's work starts before any UI exists
and the session's ordinary calls take it over without sending anything twice."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from e621tui.core.images.pipeline import preview_request
from e621tui.core.startup import Prelude, StartTarget
from e621tui.devserver import DevServer
from tests.conftest import make_session

BOX = (256, 256)


async def test_the_first_page_and_login_start_early_and_are_taken_over(
    server: DevServer, tmp_path: Path
) -> None:
    session = make_session(server, tmp_path)
    try:
        early = session.begin(StartTarget("search", ""), preview_box=BOX, visible=8)
        assert early.previews is not None
        warmed = await asyncio.wait_for(early.previews, 20)
        # The login check and the page went out before anyone asked.
        assert len(server.api_requests("/users")) == 1
        assert len(server.api_requests("/posts.json")) == 1
        before = len(server.api_requests())

        assert await session.check_login()
        assert session.user is not None
        feed = session.search("")
        page = await feed.page(0)
        assert len(server.api_requests()) == before  # nothing sent twice
        assert page.posts

        shown, _ = session.visible(page.posts)
        wanted = [preview_request(s.post) for s in shown if s.blacklisted is None]
        requests = [r for r in wanted if r is not None]
        in_memory = [session.images.cached(r, BOX) is not None for r in requests]
        # The 8 on screen, decoded before anyone asked (the demo's broken previews aside)...
        assert warmed == sum(in_memory[:8]) and warmed >= 6
        # ...and nothing else: the rest of the page is the UI's to load.
        assert not any(in_memory[8:])
        # Only what is shown was fetched: nothing the account's blacklist hides.
        hidden = [p for p in page.posts if session.blacklist.match(p) and p.preview_url]
        assert hidden, "the demo account's blacklist hides some of the newest posts"
        fetched = " ".join(r.path for r in server.requests if "/preview/" in r.path)
        assert not [p.id for p in hidden if p.file.md5 in fetched]
        assert all(r.md5 in fetched for r in requests[:8] if "/preview/" in r.url)

        # A second search, or a different query, is a new feed with its own request.
        again = session.search("")
        assert again is not feed
        assert session.search("wolf") is not feed
    finally:
        await session.close()


async def test_the_first_page_comes_from_the_server_before_the_previews(
    server: DevServer, tmp_path: Path
) -> None:
    session = make_session(server, tmp_path, login=False)
    try:
        early = session.begin(StartTarget("search", ""), preview_box=BOX, visible=4)
        assert early.previews is not None
        await asyncio.wait_for(early.previews, 20)
        page_at = server.api_requests("/posts.json")[0].time
        previews = sorted(r.time for r in server.requests if "/preview/" in r.path)
        assert previews and previews[0] > page_at
        assert server.api_requests("/users") == []  # anonymous: no login check
        assert await session.check_login() is False
    finally:
        await session.close()


async def test_safe_mode_queries_are_matched_after_rating_s_is_added(
    server: DevServer, tmp_path: Path
) -> None:
    session = make_session(server, tmp_path, login=False, safe_mode=True)
    try:
        early = session.begin(StartTarget("search", "fox"), preview_box=None)
        feed = session.search("fox")
        assert "rating:s" in feed.query
        await feed.page(0)
        assert early.feed is None  # taken
        assert len(server.api_requests("/posts.json")) == 1
    finally:
        await session.close()


async def test_a_pool_opened_early_is_taken_over(server: DevServer, tmp_path: Path) -> None:
    pool_id = server.state.special["pool_40"]
    session = make_session(server, tmp_path, login=False)
    try:
        early = session.begin(StartTarget("pool", str(pool_id)), preview_box=BOX)
        assert early.previews is not None
        await asyncio.wait_for(early.previews, 20)
        before = len(server.api_requests())
        feed = await session.pool(pool_id)
        first = await feed.page(0)
        assert len(server.api_requests()) == before
        order = server.state.pools[pool_id].post_ids
        assert [p.id for p in first.posts] == [i for i in order if i in {p.id for p in first.posts}]
        other = server.state.special["pool_3"]
        await session.pool(other)  # another pool is fetched as usual
        assert len(server.api_requests(f"/pools/{other}")) == 1
    finally:
        await session.close()


async def test_logging_in_as_someone_else_drops_the_early_check(
    server: DevServer, tmp_path: Path
) -> None:
    session = make_session(server, tmp_path)
    try:
        early = session.begin(StartTarget("search", ""), preview_box=None)
        login = early.login
        assert login is not None
        from e621tui.devserver import OTHER_API_KEY, OTHER_USERNAME

        assert await session.login(OTHER_USERNAME, OTHER_API_KEY)
        assert login.cancelled() or login.done()
        assert session.user is not None and session.user.name == OTHER_USERNAME
    finally:
        await session.close()


def test_a_prelude_sends_while_the_main_thread_is_busy_then_hands_over(
    server: DevServer, tmp_path: Path
) -> None:
    session = make_session(server, tmp_path, login=False)
    prelude = Prelude()
    try:
        prelude.start(lambda: session.begin(StartTarget("search", ""), preview_box=BOX))
        threads = {t.name for t in threading.enumerate()}
        assert "e621-tui-prelude" in threads
        deadline = time.monotonic() + 10
        while not server.api_requests("/posts.json"):  # "importing Textual" meanwhile
            assert time.monotonic() < deadline, "the early request never left"
            time.sleep(0.01)
        loop = prelude.hand_over()
        assert "e621-tui-prelude" not in {t.name for t in threading.enumerate()}

        async def ui() -> int:
            feed = session.search("")
            page = await feed.page(0)
            assert session.early is not None and session.early.previews is not None
            await session.early.previews
            await session.close()
            return len(page.posts)

        assert loop.run_until_complete(ui()) > 0
        assert len(server.api_requests("/posts.json")) == 1
    finally:
        prelude.close()
    assert prelude.loop.is_closed()


def test_a_prelude_reports_what_its_work_raised() -> None:
    prelude = Prelude()

    def broken() -> None:
        raise ValueError("bad start")

    prelude.start(broken)
    try:
        prelude.hand_over()
    except ValueError as exc:
        assert str(exc) == "bad start"
    else:
        raise AssertionError("the error was swallowed")
    finally:
        prelude.close()
