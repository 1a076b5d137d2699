"""Feeds: a query, a pool or a set turned into pages, with prefetch, a cache and dedup.

The cache is a window around the reader: pages more than ``keep_behind`` before or
``keep_ahead`` after the page last asked for are dropped (and fetched again if the reader
goes back), so a long reading session does not grow. What is needed to fetch a dropped page
again (the ``b<id>`` cursor bounds, two ints a page) is kept.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from e621tui.api.client import E621Client
from e621tui.api.errors import ApiError, Dropped
from e621tui.api.limiter import Priority
from e621tui.api.models import Pool, Post, PostSet
from e621tui.api.query import MAX_PAGE, paging_mode

_feed_ids = itertools.count(1)


@dataclass
class Page:
    """One page of a feed, as the site returned it (after dedup, before the blacklist)."""

    index: int
    """0-based position in the feed."""
    posts: list[Post]
    is_last: bool
    """True when there is certainly no page after this one."""


@dataclass
class Feed:
    """Base class: pages of posts, fetched on demand, cached, the next one prefetched.

    Subclasses implement `_fetch(index, priority)`.
    """

    client: E621Client
    page_size: int = 60
    register: Callable[[list[Post]], list[Post]] | None = None
    """Hook the session uses to keep one canonical object per post id."""
    pages: dict[int, Page] = field(default_factory=dict)
    feed_id: int = field(default_factory=lambda: next(_feed_ids))
    keep_behind: int = 3
    """Pages kept before the reader's page (older ones are dropped, re-fetched if needed)."""
    keep_ahead: int = 3
    """Pages kept after the reader's page (prefetched ones)."""
    position: int = 0
    """The page the reader last asked for."""
    _inflight: dict[int, asyncio.Task[Page]] = field(default_factory=dict)
    _last_index: int | None = None
    prefetch_started: deque[int] = field(default_factory=lambda: deque(maxlen=64))
    """Page indexes whose prefetch was started, the latest 64 (tests and figures)."""

    @property
    def group(self) -> str:
        """Scheduler group of this feed's requests (dropped when the feed is closed)."""
        return f"feed-{self.feed_id}"

    @property
    def title(self) -> str:
        """What the feed shows, for the status line."""
        return ""

    def cached(self, index: int) -> Page | None:
        """A page already loaded, or None (a hit counts as the reader being there)."""
        page = self.pages.get(index)
        if page is not None:
            self._visit(index)
        return page

    def known_last(self) -> int | None:
        """The index of the last page, if known."""
        return self._last_index

    def max_pages(self) -> int | None:
        """An upper bound on the page count, if the feed has one."""
        return None

    def has_next(self, index: int) -> bool:
        """Whether a page after ``index`` may exist."""
        if self._last_index is not None and index >= self._last_index:
            return False
        bound = self.max_pages()
        return bound is None or index + 1 < bound

    async def page(self, index: int, priority: Priority = Priority.USER) -> Page:
        """Load page ``index`` (0-based), from the cache when possible.

        Concurrent calls for the same page share one request; a prefetch already under way
        is reused (and, if the user is now waiting for it, it keeps its place). The reader is
        taken to be on ``index`` from now on: pages far from it leave the cache.
        """
        if index < 0:
            raise IndexError("no page before the first")
        self._visit(index)
        return await self._page(index, priority)

    async def _page(self, index: int, priority: Priority) -> Page:
        if index in self.pages:
            return self.pages[index]
        task = self._inflight.get(index)
        if task is None:
            task = asyncio.ensure_future(self._load(index, priority))
            self._inflight[index] = task
            # A caller that gives up (its screen closed) leaves the task running: its failure
            # is seen here rather than logged as "never retrieved" when the app is gone.
            task.add_done_callback(_retrieve)
        try:
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._inflight.pop(index, None)

    def prefetch(self, index: int) -> asyncio.Task[Page] | None:
        """Start loading page ``index`` in the background at prefetch priority."""
        if index in self.pages or index in self._inflight or not self.has_next(index - 1):
            return None
        self.prefetch_started.append(index)
        task = asyncio.ensure_future(self._load(index, Priority.PREFETCH))
        self._inflight[index] = task
        task.add_done_callback(self._prefetch_done(index))
        return task

    def _prefetch_done(self, index: int) -> Callable[[asyncio.Task[Page]], None]:
        def done(task: asyncio.Task[Page]) -> None:
            if self._inflight.get(index) is task:
                self._inflight.pop(index, None)
            if not task.cancelled():
                # A failed prefetch is retried by the user's own request later; mark it seen.
                task.exception()

        return done

    def fresh_copy(self) -> Feed:
        """The same feed with an empty cache (for reload)."""
        clone = copy.copy(self)
        clone.pages = {}
        clone.feed_id = next(_feed_ids)
        clone.position = 0
        clone._inflight = {}
        clone._last_index = None
        clone.prefetch_started = deque(maxlen=64)
        if isinstance(clone, SearchFeed):
            clone._raw_bounds = {}
        return clone

    def _visit(self, index: int) -> None:
        self.position = index
        self._trim()

    def _trim(self) -> None:
        low, high = self.position - self.keep_behind, self.position + self.keep_ahead
        for index in [i for i in self.pages if not low <= i <= high]:
            del self.pages[index]

    def _needs_previous(self, index: int) -> bool:
        """Whether page ``index`` can only be fetched once page ``index - 1`` is known."""
        return index > 0

    def close(self) -> None:
        """Drop queued prefetch requests of this feed (the user moved on)."""
        self.client.scheduler.drop_group(self.group)
        for task in self._inflight.values():
            task.cancel()
        self._inflight.clear()

    async def _load(self, index: int, priority: Priority) -> Page:
        if self._needs_previous(index) and index - 1 not in self.pages:
            await self._page(index - 1, priority)
        posts, is_last = await self._fetch(index, priority)
        # Duplicates are dropped against the pages around (where a shifted page repeats posts).
        seen = {p.id for i, other in self.pages.items() if i != index for p in other.posts}
        fresh = [p for p in posts if p.id not in seen]
        if posts and not fresh:
            # Nothing new (a site that ignores the cursor, or a shifted numbered page): stop
            # here rather than offer endless empty pages.
            is_last = True
        if self.register is not None:
            fresh = self.register(fresh)
        page = Page(index=index, posts=fresh, is_last=is_last)
        if is_last:
            self._last_index = index
        self.pages[index] = page
        self._trim()
        return page

    async def _fetch(self, index: int, priority: Priority) -> tuple[list[Post], bool]:
        raise NotImplementedError


def _retrieve(task: asyncio.Task[Page]) -> None:
    if not task.cancelled():
        task.exception()


@dataclass
class SearchFeed(Feed):
    """A tag query, paged by ``b<id>`` cursors (or ``a<id>``, or numbers for ``order:``)."""

    query: str = ""
    _raw_bounds: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The query."""
        return self.query or "(all posts)"

    @property
    def mode(self) -> str:
        """``desc``, ``asc`` or ``numbered``."""
        return paging_mode(self.query)

    def max_pages(self) -> int | None:
        """Numbered paging stops at the site's page 750."""
        return MAX_PAGE if self.mode == "numbered" else None

    def _needs_previous(self, index: int) -> bool:
        # A cursor page needs the previous page's lowest (or highest) id, kept even when the
        # page itself left the cache.
        return index > 0 and self.mode != "numbered" and index - 1 not in self._raw_bounds

    async def _fetch(self, index: int, priority: Priority) -> tuple[list[Post], bool]:
        mode = self.mode
        page: int | str | None
        if mode == "numbered":
            page = index + 1
        elif index == 0:
            page = "a0" if mode == "asc" else None
        else:
            low, high = self._raw_bounds[index - 1]
            page = f"a{high}" if mode == "asc" else f"b{low}"
        prio_group = self.group if priority == Priority.PREFETCH else None
        posts = await self.client.posts.search(
            self.query, limit=self.page_size, page=page, priority=priority, group=prio_group
        )
        if mode == "asc":
            posts.sort(key=lambda p: p.id)
        if posts:
            ids = [p.id for p in posts]
            self._raw_bounds[index] = (min(ids), max(ids))
        is_last = len(posts) < self.page_size or (mode == "numbered" and index + 1 >= MAX_PAGE)
        return posts, is_last


@dataclass
class IdListFeed(Feed):
    """A known, ordered list of post ids (a pool or a set), loaded a page at a time."""

    post_ids: list[int] = field(default_factory=list)

    def max_pages(self) -> int | None:
        """Pages needed for all ids."""
        return max(1, -(-len(self.post_ids) // self.page_size))

    def _needs_previous(self, index: int) -> bool:
        return False  # every page's ids are known up front

    async def _fetch(self, index: int, priority: Priority) -> tuple[list[Post], bool]:
        start = index * self.page_size
        ids = self.post_ids[start : start + self.page_size]
        prio_group = self.group if priority == Priority.PREFETCH else None
        posts = await self.client.posts.by_ids(ids, priority=priority, group=prio_group)
        return posts, start + self.page_size >= len(self.post_ids)


@dataclass
class PoolFeed(IdListFeed):
    """A pool, in reading order."""

    pool: Pool | None = None

    @property
    def title(self) -> str:
        """The pool's name."""
        return f"pool #{self.pool.id}: {self.pool.display_name}" if self.pool else "pool"


@dataclass
class SetFeed(IdListFeed):
    """A post set, in the set's order."""

    post_set: PostSet | None = None

    @property
    def title(self) -> str:
        """The set's name."""
        return f"set #{self.post_set.id}: {self.post_set.name}" if self.post_set else "set"


async def open_pool(
    client: E621Client, pool_id: int, page_size: int, register: Callable[[list[Post]], list[Post]]
) -> PoolFeed:
    """Fetch a pool (one request) and make its feed."""
    pool = await client.pools.get(pool_id)
    return PoolFeed(
        client=client, page_size=page_size, register=register, post_ids=pool.post_ids, pool=pool
    )


def is_stale_error(exc: BaseException) -> bool:
    """True for errors that only mean "nobody wants this any more"."""
    return isinstance(exc, Dropped | asyncio.CancelledError)


__all__ = [
    "ApiError",
    "Feed",
    "IdListFeed",
    "Page",
    "PoolFeed",
    "SearchFeed",
    "SetFeed",
    "is_stale_error",
    "open_pool",
]
