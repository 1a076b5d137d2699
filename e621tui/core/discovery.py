"""Discovery: the followed-tags feed, search history, popular, random posts, tag information,
comments and notes — the reading features the session hands out (``session.discovery``).

It holds no state of its own beyond the stores it opens on first use (follow marks and
search history in the data dir); posts it receives go through the session's registry and
blacklist like any others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import httpx

from e621tui.api.client import E621Client
from e621tui.api.endpoints.posts import PopularScale
from e621tui.api.models import Post
from e621tui.api.models_text import Note
from e621tui.api.query import with_safe_rating
from e621tui.core.blacklist.rules import Blacklist
from e621tui.core.comments import DEFAULT_PAGE_SIZE, CommentThread, ThreadOrder
from e621tui.core.follow_seen import SeenStore
from e621tui.core.follows import FollowFeed, exclusions
from e621tui.core.history import SearchHistory
from e621tui.core.popular import PopularFeed
from e621tui.core.registry import Shown
from e621tui.core.taginfo import TagInfo, TagInfoService


@dataclass
class DiscoveryService:
    """Feeds and pages for finding posts beyond a search.

    Args:
        client: The API client (all requests go through its scheduler).
        register: The session's registry (one object per post id).
        blacklist: The blacklist in force now (account + local).
        logged_in: Whether credentials are set (related tags need a login).
        page_size: Posts per page.
        safe_mode: Only safe-rated posts (``rating:s`` added to queries).
        data_dir: Where follow marks and the search history live (None: memory only).
    """

    client: E621Client
    register: Callable[[list[Post]], list[Post]]
    blacklist: Callable[[], Blacklist]
    logged_in: Callable[[], bool]
    page_size: int = 60
    safe_mode: bool = False
    data_dir: Path | None = None

    @property
    def site_host(self) -> str:
        """The site's host (what per-site state such as follow marks is keyed by)."""
        return httpx.URL(self.client.base_url).host

    @cached_property
    def follow_marks(self) -> SeenStore:
        """Where the followed-tags feed left off (``follows_seen.json`` in the data dir)."""
        return SeenStore.in_dir(self.data_dir, self.site_host)

    @cached_property
    def history(self) -> SearchHistory:
        """Searches run so far (``search_history.json`` in the data dir)."""
        return SearchHistory.in_dir(self.data_dir)

    @cached_property
    def tag_details(self) -> TagInfoService:
        """Wiki pages, other names, counts and related tags of tags."""
        return TagInfoService(self.client, self.logged_in)

    def _counts_as_new(self, post: Post) -> bool:
        if self.safe_mode and post.rating != "s":
            return False
        return self.blacklist().match(post) is None

    def follow_feed(
        self,
        follows: Sequence[str],
        *,
        on_progress: Callable[[int, int], None] | None = None,
        max_exclusions: int = 4,
    ) -> FollowFeed:
        """The followed-tags feed: new posts of ``follows`` (the config's ``follows`` list).

        Up to ``max_exclusions`` one-tag blacklist lines are sent as ``-tag`` with every query
        (each takes one of the 40 places); safe mode adds the free ``rating:s``.
        """
        extra = exclusions((rule.key for rule in self.blacklist().rules), max_exclusions)
        if self.safe_mode:
            extra = (*extra, "rating:s")
        return FollowFeed(
            client=self.client,
            page_size=self.page_size,
            register=self.register,
            follows=tuple(follows),
            store=self.follow_marks,
            extra_terms=extra,
            counts_filter=self._counts_as_new,
            on_progress=on_progress,
        )

    def popular(self, scale: PopularScale = "day", day: date | None = None) -> PopularFeed:
        """Popular posts of a day, week or month (``day`` None: the site's today)."""
        return PopularFeed(
            client=self.client,
            page_size=self.page_size,
            register=self.register,
            scale=scale,
            day=day,
        )

    async def random_post(self, query: str = "", *, attempts: int = 3) -> Shown | None:
        """A random post matching ``query``, or None when nothing matches.

        Safe mode adds ``rating:s``; a blacklisted pick is drawn again up to ``attempts``
        times (then returned with its rule, for the view to handle like any hidden post).
        """
        if self.safe_mode:
            query = with_safe_rating(query)
        shown: Shown | None = None
        blacklist = self.blacklist()
        for _ in range(max(1, attempts)):
            post = await self.client.posts.random(query.strip())
            if post is None:
                return None
            post = self.register([post])[0]
            shown = Shown(post, blacklist.match(post) if blacklist else None)
            if shown.blacklisted is None:
                return shown
        return shown

    async def tag_info(self, name: str) -> TagInfo:
        """A tag's wiki page, other names, post count and related tags (2–4 requests)."""
        return await self.tag_details.info(name)

    def comments(
        self, post: Post | int, order: ThreadOrder = "newest", page_size: int = DEFAULT_PAGE_SIZE
    ) -> CommentThread:
        """A post's comments, fetched a page at a time."""
        post_id = post.id if isinstance(post, Post) else int(post)
        total = post.comment_count if isinstance(post, Post) else None
        return CommentThread(self.client, post_id, order, page_size, total)

    async def notes(self, post: Post) -> list[Note]:
        """A post's active notes (no request when the post has none)."""
        if not post.has_notes:
            return []
        return await self.client.notes.for_post(post.id)


__all__ = ["DiscoveryService"]
