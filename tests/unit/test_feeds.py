"""Unit tests of feeds: the page cache is a window around the reader; dropped pages come back."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any

from e621tui.api.limiter import Priority
from e621tui.api.models import Post
from e621tui.core.feeds import IdListFeed, SearchFeed
from e621tui.core.registry import PostRegistry


@dataclass
class FakePosts:
    """``client.posts`` over posts 1000 (newest) … 1; records every request."""

    total: int = 1000
    calls: list[tuple[str, Any]] = field(default_factory=list)
    duplicate_next: bool = False

    async def search(
        self,
        tags: str = "",
        *,
        limit: int | None = None,
        page: int | str | None = None,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[Post]:
        self.calls.append(("search", page))
        limit = limit or 75
        if isinstance(page, str) and page.startswith("b"):
            top = int(page[1:]) - 1
        elif isinstance(page, int):
            top = self.total - (page - 1) * limit
        else:
            top = self.total
        ids = list(range(top, max(top - limit, 0), -1))
        if self.duplicate_next and isinstance(page, int) and page > 1:
            ids = [top + 1, *ids[:-1]]  # the page shifted by one: the previous page's last post
        return [Post(id=i) for i in ids]

    async def by_ids(
        self, ids: Any, *, priority: Priority = Priority.USER, group: str | None = None
    ) -> list[Post]:
        wanted = list(ids)
        self.calls.append(("ids", wanted[0] if wanted else None))
        return [Post(id=i) for i in wanted]


@dataclass
class FakeScheduler:
    def drop_group(self, group: str) -> int:
        return 0


@dataclass
class FakeClient:
    posts: FakePosts = field(default_factory=FakePosts)
    scheduler: FakeScheduler = field(default_factory=FakeScheduler)


def search_feed(**kw: Any) -> tuple[SearchFeed, FakePosts]:
    client = FakeClient()
    feed = SearchFeed(client=client, page_size=10, **kw)  # type: ignore[arg-type]
    return feed, client.posts


async def test_pages_far_behind_the_reader_are_dropped() -> None:
    feed, _ = search_feed()
    for index in range(30):
        await feed.page(index)
        assert len(feed.pages) <= feed.keep_behind + feed.keep_ahead + 1
    assert sorted(feed.pages) == [26, 27, 28, 29]


async def test_a_dropped_page_comes_back_the_same_with_one_request() -> None:
    feed, posts = search_feed()
    first = [p.id for p in (await feed.page(5)).posts]
    for index in range(6, 20):
        await feed.page(index)
    assert 5 not in feed.pages
    posts.calls.clear()
    again = await feed.page(5)
    assert [p.id for p in again.posts] == first
    assert posts.calls == [("search", f"b{first[0] + 1}")]  # its own cursor, not a walk from 0


async def test_the_last_page_is_remembered_after_it_leaves_the_cache() -> None:
    feed, _ = search_feed()
    feed.client.posts.total = 95  # type: ignore[attr-defined]
    for index in range(10):
        await feed.page(index)
    assert feed.known_last() == 9
    await feed.page(2)
    assert 9 not in feed.pages
    assert feed.known_last() == 9
    assert not feed.has_next(9) and feed.has_next(8)
    assert feed.prefetch(10) is None


async def test_cached_counts_as_the_reader_being_there() -> None:
    feed, _ = search_feed()
    for index in range(5):
        await feed.page(index)
    assert feed.cached(4) is not None
    feed.prefetch(5)
    assert feed.cached(1) is not None  # back to page 1: 5 is more than 3 ahead
    assert feed.position == 1
    assert 5 not in feed.pages


async def test_duplicates_of_the_page_before_are_dropped() -> None:
    feed, posts = search_feed(query="order:score")
    posts.duplicate_next = True
    one = await feed.page(0)
    two = await feed.page(1)
    assert one.posts[-1].id not in {p.id for p in two.posts}
    assert len(two.posts) == 9


async def test_a_pool_page_is_fetched_without_the_ones_before() -> None:
    client = FakeClient()
    feed = IdListFeed(client=client, page_size=10, post_ids=list(range(1, 101)))  # type: ignore[arg-type]
    page = await feed.page(7)
    assert [p.id for p in page.posts] == list(range(71, 81))
    assert client.posts.calls == [("ids", 71)]


async def test_posts_of_dropped_pages_leave_the_registry() -> None:
    registry = PostRegistry(recent=20)

    def register(posts: list[Post]) -> list[Post]:
        for post in posts:
            registry[post.id] = post
        return posts

    feed, _ = search_feed(register=register)
    for index in range(40):
        await feed.page(index)
    gc.collect()
    # 4 cached pages of 10 are held by the feed; the recent 20 are among them.
    assert len(registry) == 40
    assert set(registry) == {p.id for page in feed.pages.values() for p in page.posts}
