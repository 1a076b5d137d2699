"""Popular, random, tag info, comments and notes through the Session, against the devserver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from e621tui.core.comments import comment_marks
from e621tui.core.session import Session
from e621tui.devserver import DevServer
from e621tui.devserver.discovery_data import MANY_COMMENTS, ensure_discovery
from tests.conftest import make_session


@pytest.fixture
async def session(server: DevServer, tmp_path: Path) -> AsyncIterator[Session]:
    s = make_session(server, tmp_path)
    await s.check_login()
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
async def anon(server: DevServer, tmp_path: Path) -> AsyncIterator[Session]:
    s = make_session(server, tmp_path, login=False)
    try:
        yield s
    finally:
        await s.close()


async def test_popular_week_by_score_and_stepping(server: DevServer, anon: Session) -> None:
    feed = anon.discovery.popular("week", date(2026, 7, 15))
    assert feed.title == "popular (week): week of 2026-07-13"
    first = await feed.page(0)
    assert len(first.posts) == anon.options.page_size and feed.has_next(0)
    second = await feed.page(1)
    assert second.is_last and len(first.posts) + len(second.posts) == 75
    scores = [p.score.total for p in first.posts + second.posts]
    assert scores == sorted(scores, reverse=True)
    assert len(server.api_requests("/popular.json")) == 1  # one page per period
    earlier = feed.earlier()
    assert earlier.day == date(2026, 7, 6) and earlier.later() is not None
    posts = (await earlier.page(0)).posts
    monday = datetime(2026, 7, 6, tzinfo=UTC)
    assert all(0 <= (datetime.fromisoformat(p.created_at) - monday).days < 7 for p in posts)
    month = feed.with_scale("month").earlier()
    assert month.day == date(2026, 6, 1) and month.title == "popular (month): 2026-06"


async def test_popular_today_is_the_sites_today(server: DevServer, anon: Session) -> None:
    feed = anon.discovery.popular("day")
    assert feed.title == "popular (day): today" and feed.later() is None
    posts = (await feed.page(0)).posts
    assert posts
    (record,) = server.api_requests("/popular.json")
    assert "date" not in record.query
    newest = max(datetime.fromisoformat(p.created_at).astimezone(UTC).date() for p in posts)
    assert feed.earlier().day == date.fromordinal(newest.toordinal() - 1)


async def test_random_post_matches_the_query_and_respects_the_blacklist(
    server: DevServer, session: Session
) -> None:
    shown = await session.discovery.random_post("~wolf ~dragon")
    assert shown is not None and shown.post.all_tags & {"wolf", "dragon"}
    assert await session.discovery.random_post("no_such_tag_anywhere") is None
    only_spiders = server.add_posts(1, tags=["spiders", "lonely_tag"])
    picked = await session.discovery.random_post("lonely_tag", attempts=2)
    assert picked is not None and picked.post.id == only_spiders[0]
    assert picked.blacklisted is not None and picked.blacklisted.text == "spiders"
    assert len(server.api_requests("/posts/random.json")) == 4


async def test_tag_info_logged_in(server: DevServer, session: Session) -> None:
    info = await session.discovery.tag_info("Fox")
    assert info.exists and info.name == "fox" and info.category == "species"
    assert info.post_count == server.state.tags["fox"].post_count
    assert info.wiki is not None and "vulpes_vulpes" in info.other_names
    assert info.missing_wiki_text is None and info.related_source == "related_tag"
    assert info.related and "fox" not in [t.name for t in info.related]
    assert all(t.category_id is not None and t.count for t in info.related)
    assert len(server.api_requests()) - 1 == 3  # tag row, wiki page, related tags (+ login)


async def test_tag_info_anonymous_redirects_and_missing(server: DevServer, anon: Session) -> None:
    kitty = await anon.discovery.tag_info("kitty")
    assert kitty.redirected_from == "kitty" and kitty.wiki is not None
    assert kitty.wiki.title == "cat"
    fox = await anon.discovery.tag_info("fox")
    assert fox.related_source == "tags.json" and fox.related
    assert {t.category_name for t in fox.related} >= {"species", "general"}
    ensure_discovery(server.state)
    titles = {p.title for p in server.state.wiki_pages.values()}
    bare = next(t for t in server.state.tags if t not in titles)
    info = await anon.discovery.tag_info(bare)
    assert info.wiki is None and info.exists
    assert info.missing_wiki_text == f"There is no wiki page for {bare.replace('_', ' ')}."
    nothing = await anon.discovery.tag_info("no_such_tag_at_all")
    assert not nothing.exists and nothing.related == () and nothing.related_source == "none"


async def test_comment_thread_pages_without_loading_everything(
    server: DevServer, session: Session
) -> None:
    post = await session.post(server.state.special["many_comments"])
    thread = session.discovery.comments(post)
    assert thread.total == MANY_COMMENTS and thread.estimated_pages() == MANY_COMMENTS // 25
    first = await thread.page(0)
    second = await thread.page(1)
    assert len(first.comments) == len(second.comments) == 25
    assert first.comments[-1].id > second.comments[0].id
    requests = server.api_requests("/comments.json")
    assert len(requests) == 2 and requests[1].query["page"] == [f"b{first.comments[-1].id}"]
    oldest = thread.reversed()
    opening = await oldest.page(0)
    assert opening.comments[0].is_sticky and "sticky" in comment_marks(opening.comments[0])
    ids = [c.id for c in opening.comments + (await oldest.page(1)).comments]
    assert ids == sorted(ids) and len(set(ids)) == 50
    assert len(server.api_requests("/comments.json")) == 4


async def test_notes_only_when_the_post_has_them(server: DevServer, session: Session) -> None:
    ensure_discovery(server.state)
    with_notes = await session.post(server.state.special["notes_post"])
    notes = await session.discovery.notes(with_notes)
    assert notes and all(n.is_active for n in notes)
    plain = await session.post(server.state.special["newest"])
    before = len(server.api_requests("/notes.json"))
    assert not plain.has_notes and await session.discovery.notes(plain) == []
    assert len(server.api_requests("/notes.json")) == before


async def test_history_lives_in_the_data_dir(server: DevServer, tmp_path: Path) -> None:
    first = make_session(server, tmp_path, login=False)
    first.discovery.history.add("fox rating:s")
    await first.close()
    second = make_session(server, tmp_path, login=False)
    try:
        assert second.discovery.history.cursor().older() == "fox rating:s"
        assert (tmp_path / "data" / "search_history.json").exists()
    finally:
        await second.close()
