"""Post endpoints: search pages, every post of a query, one post, posts by id, popular,
random and counts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from typing import Any, Literal

from e621tui.api.endpoints.base import EndpointGroup
from e621tui.api.errors import NotFound
from e621tui.api.limiter import Priority
from e621tui.api.models import Post, convert, decode_post, decode_posts
from e621tui.api.models_text import PostCount
from e621tui.api.query import ID_CHUNK, MAX_LIMIT, MAX_PAGE, paging_mode

PopularScale = Literal["day", "week", "month"]


class PostEndpoints(EndpointGroup):
    """``/posts`` (``client.posts``)."""

    async def search(
        self,
        tags: str = "",
        *,
        limit: int | None = None,
        page: int | str | None = None,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[Post]:
        """One page of ``/posts.json``.

        Args:
            tags: The tag query.
            limit: Posts per page, 1..320 (the site's default when None).
            page: A page number (1..750) or a cursor ``"b<id>"`` / ``"a<id>"``.
        """
        params: dict[str, Any] = {}
        if tags.strip():
            params["tags"] = tags.strip()
        if limit is not None:
            if not 0 <= limit <= MAX_LIMIT:
                raise ValueError(f"limit must be between 0 and {MAX_LIMIT}")
            params["limit"] = limit
        if page is not None:
            if isinstance(page, int) and not 1 <= page <= MAX_PAGE:
                raise ValueError(f"page must be between 1 and {MAX_PAGE}")
            params["page"] = page
        body = await self._api.request(
            "GET", "/posts.json", params=params, priority=priority, group=group
        )
        posts, _skipped = decode_posts(body)
        return posts

    async def iterate(
        self, tags: str = "", *, limit: int = MAX_LIMIT, priority: Priority = Priority.USER
    ) -> AsyncIterator[Post]:
        """Every post of a query, page by page, without gaps or duplicates.

        Default and id-ordered queries walk ``b<id>`` (or ``a<id>`` for ``order:id``) cursors;
        other ``order:`` queries walk numbered pages up to the site's 750.
        """
        mode = paging_mode(tags)
        seen: set[int] = set()
        page: int | str | None = None if mode != "asc" else "a0"
        number = 1
        while True:
            if mode == "numbered":
                page = number
            batch = await self.search(tags, limit=limit, page=page, priority=priority)
            if not batch:
                return
            if mode == "asc":
                batch = sorted(batch, key=lambda p: p.id)
            for post in batch:
                if post.id not in seen:
                    seen.add(post.id)
                    yield post
            if mode == "desc":
                page = f"b{min(p.id for p in batch)}"
            elif mode == "asc":
                page = f"a{max(p.id for p in batch)}"
            else:
                number += 1
                if number > MAX_PAGE:
                    return
            if len(batch) < limit:
                return

    async def get(self, post_id: int, *, priority: Priority = Priority.USER) -> Post:
        """One post by id (deleted posts come back with ``flags.deleted`` and null URLs)."""
        body = await self._api.request("GET", f"/posts/{int(post_id)}.json", priority=priority)
        return decode_post(body)

    async def by_ids(
        self,
        ids: Iterable[int],
        *,
        include_deleted: bool = True,
        chunk: int = ID_CHUNK,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[Post]:
        """Posts for ``ids`` in the order given (missing ones left out), ``id:`` chunks of ≤100."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found: dict[int, Post] = {}
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            tags = "id:" + ",".join(str(i) for i in part)
            if include_deleted:
                tags += " status:any"
            batch = await self.search(tags, limit=len(part), priority=priority, group=group)
            for post in batch:
                found[post.id] = post
        return [found[i] for i in wanted if i in found]

    async def popular(
        self,
        day: date | datetime | None = None,
        scale: PopularScale = "day",
        *,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[Post]:
        """Posts uploaded in the day / week (Mon–Sun) / month around ``day``, by score.

        One page only (the site ignores page and limit); periods are in UTC (``time_zone=UTC``);
        deleted posts are included, as on the site.
        """
        if scale not in ("day", "week", "month"):
            raise ValueError("scale must be day, week or month")
        params: dict[str, Any] = {"scale": scale, "time_zone": "UTC"}
        if day is not None:
            params["date"] = (day.date() if isinstance(day, datetime) else day).isoformat()
        body = await self._api.request(
            "GET", "/popular.json", params=params, priority=priority, group=group
        )
        posts, _ = decode_posts(body)
        return posts

    async def random(self, tags: str = "", *, priority: Priority = Priority.USER) -> Post | None:
        """A random post matching ``tags``, or None when nothing matches."""
        params = {"tags": tags.strip()} if tags.strip() else None
        try:
            body = await self._api.request(
                "GET", "/posts/random.json", params=params, priority=priority
            )
        except NotFound:
            return None
        return decode_post(body)

    async def count(
        self, tags: str = "", *, priority: Priority = Priority.USER, group: str | None = None
    ) -> PostCount | None:
        """How many posts match ``tags``; None on sites without ``/posts/count.json``."""
        params = {"tags": tags.strip()} if tags.strip() else None
        try:
            body = await self._api.request(
                "GET", "/posts/count.json", params=params, priority=priority, group=group
            )
        except NotFound:
            return None
        return convert(body, PostCount)


__all__ = ["PopularScale", "PostEndpoints"]
