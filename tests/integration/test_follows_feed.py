"""The followed-tags feed against the devserver: cost, attribution, marks, the rate rule.

The `server` fixture fails a test whose requests ever break the 2-per-second rule.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from e621tui.core.follows import FollowFeed, counted_terms
from e621tui.core.session import Session
from e621tui.devserver import DevServer
from tests.conftest import make_session


def real_tags(server: DevServer) -> list[str]:
    """Every tag the demo posts use, most used first."""
    tags = sorted(server.state.tags.values(), key=lambda t: (-t.post_count, t.name))
    return [t.name for t in tags if t.post_count > 0]


def follow_list(server: DevServer, count: int) -> list[str]:
    """``count`` follows: real tags first, then tags with no posts yet."""
    names = real_tags(server)[:count]
    return names + [f"zz_follow_{i:03d}" for i in range(count - len(names))]


def feed_requests(server: DevServer) -> list[str]:
    return [r.query.get("tags", [""])[0] for r in server.api_requests("/posts.json")]


@pytest.fixture
async def session(server: DevServer, tmp_path: Path) -> AsyncIterator[Session]:
    s = make_session(server, tmp_path)
    await s.check_login()  # the demo blacklist: one line ("spiders") becomes -spiders
    try:
        yield s
    finally:
        await s.close()


def expected_tags(server: DevServer, post_id: int, follows: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(follows) & server.state.posts[post_id].all_tags))


@pytest.mark.parametrize("count", [10, 100])
async def test_first_look_costs_one_request_per_chunk(
    server: DevServer, session: Session, count: int
) -> None:
    follows = follow_list(server, count)
    feed = session.discovery.follow_feed(follows)
    assert feed.extra_terms == ("-spiders",) and feed.room == 39
    server.clear_requests()
    page = await feed.page(0)
    result = feed.result
    assert result is not None
    sent = feed_requests(server)
    assert len(sent) == result.requests == math.ceil(count / 39)
    for tags in sent:
        assert counted_terms(tags.split()) <= 40 and "-spiders" in tags.split()
    assert [p.id for p in page.posts] == sorted((p.id for p in page.posts), reverse=True)
    for post in result.posts:
        assert result.tags_of[post.id] == expected_tags(server, post.id, follows)
        assert "spiders" not in post.all_tags
    shown = [p for p in result.posts if session.blacklist.match(p) is None]
    for tag, n in result.counts.items():
        assert n == sum(tag in result.tags_of[p.id] for p in shown)
    assert result.hidden == len(result.posts) - len(shown)


async def test_500_follows_mark_all_seen_and_new_uploads(
    server: DevServer, session: Session
) -> None:
    follows = follow_list(server, 500)
    feed = session.discovery.follow_feed(follows)
    budget = math.ceil(500 / feed.room) + 1
    server.clear_requests()
    await feed.page(0)
    first = feed.result
    assert first is not None and first.posts
    assert len(feed_requests(server)) == first.requests <= budget

    assert feed.mark_all_seen() == 500
    server.clear_requests()
    empty = feed.fresh_copy()
    page = await empty.page(0)
    assert page.posts == [] and empty.result is not None and empty.result.counts == {}
    assert len(feed_requests(server)) <= budget
    assert all(r.query["page"][0].startswith("a") for r in server.api_requests("/posts.json"))

    fox = server.add_posts(3, tags=["fox", "zz_follow_100"])
    wolf = server.add_posts(2, tags=["wolf", "snow"])  # "snow -winter" hides these
    server.add_posts(2, tags=["not_followed_at_all"])
    server.add_posts(1, tags=["fox", "spiders"])  # excluded by the query itself
    server.clear_requests()
    again = empty.fresh_copy()
    await again.page(0)
    result = again.result
    assert result is not None and len(feed_requests(server)) <= budget
    assert [p.id for p in result.posts] == sorted(fox + wolf, reverse=True)
    assert result.counts == {"fox": 3, "zz_follow_100": 3}
    assert result.hidden == 2 and result.tags_of[wolf[0]] == ("snow", "wolf")
    assert result.tag_summary()[0] == ("fox", 3) or result.tag_summary()[0] == ("zz_follow_100", 3)


async def test_catch_up_walks_a_cursors_past_320_new_posts(
    server: DevServer, session: Session
) -> None:
    feed = session.discovery.follow_feed(["brand_new_tag", "another_new_tag"])
    await feed.page(0)
    feed.mark_all_seen()
    added = server.add_posts(700, tags=["brand_new_tag"])
    server.clear_requests()
    later = feed.fresh_copy()
    first = await later.page(0)
    result = later.result
    assert result is not None and result.counts == {"brand_new_tag": 700}
    pages = [r.query["page"][0] for r in server.api_requests("/posts.json")]
    assert len(pages) == 3 and all(p.startswith("a") for p in pages)
    assert [p.id for p in result.posts] == sorted(added, reverse=True)
    assert len(first.posts) == later.page_size and later.has_next(0)
    second = await later.page(1)
    assert second.posts[0].id < first.posts[-1].id
    assert len(server.api_requests("/posts.json")) == 3  # later pages are slices


async def test_wildcard_and_refused_follows(server: DevServer, session: Session) -> None:
    feed = session.discovery.follow_feed(["ember_*", "order:score", "-fox", "wolf"])
    await feed.page(0)
    result = feed.result
    assert result is not None
    assert set(result.refused) == {"order:score", "-fox"}
    sent = feed_requests(server)
    assert "ember_* -spiders" in sent and "~wolf -spiders" in sent
    for post in result.posts:
        tags = result.tags_of[post.id]
        assert set(tags) <= {"ember_*", "wolf"}
        if "ember_*" in tags:
            assert any(t.startswith("ember_") for t in post.all_tags)


async def test_progress_and_title(server: DevServer, session: Session) -> None:
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total, len(feed.found_so_far())))

    feed: FollowFeed = session.discovery.follow_feed(follow_list(server, 80), on_progress=progress)
    assert feed.title == "followed tags (80)"
    await feed.page(0)
    assert [(d, t) for d, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    found = [n for _, _, n in seen]
    assert 0 < found[0] <= found[1] <= found[2] == len(feed.found_so_far())
    assert feed.title.startswith("followed tags: ") and feed.title.endswith(" new")
