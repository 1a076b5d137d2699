"""Pool endpoints: search, one pool, a pool with its posts in reading order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from e621tui.api.endpoints.base import EndpointGroup, Requester
from e621tui.api.endpoints.posts import PostEndpoints
from e621tui.api.limiter import Priority
from e621tui.api.models import Pool, Post, convert, convert_many, unwrap


class PoolEndpoints(EndpointGroup):
    """``/pools`` (``client.pools``)."""

    def __init__(self, api: Requester, posts: PostEndpoints) -> None:
        super().__init__(api)
        self._posts = posts

    async def search(
        self,
        *,
        name: str | None = None,
        ids: Sequence[int] | None = None,
        category: str | None = None,
        order: str | None = None,
        limit: int | None = None,
        page: int | None = None,
        priority: Priority = Priority.USER,
    ) -> list[Pool]:
        """Search ``/pools.json``."""
        params: dict[str, Any] = {}
        if name:
            params["search[name_matches]"] = name
        if ids:
            params["search[id]"] = ",".join(str(int(i)) for i in ids[:320])
        if category:
            params["search[category]"] = category
        if order:
            params["search[order]"] = order
        if limit is not None:
            params["limit"] = limit
        if page is not None:
            params["page"] = page
        body = await self._api.request("GET", "/pools.json", params=params, priority=priority)
        pools, _ = convert_many(unwrap(body, "pools"), Pool)
        return pools

    async def get(self, pool_id: int, *, priority: Priority = Priority.USER) -> Pool:
        """One pool, with ``post_ids`` in reading order."""
        body = await self._api.request("GET", f"/pools/{int(pool_id)}.json", priority=priority)
        return convert(body, Pool)

    async def with_posts(
        self, pool: Pool | int, *, priority: Priority = Priority.USER
    ) -> tuple[Pool, list[Post]]:
        """A pool and all its posts in pool order (1 + ⌈n/100⌉ requests)."""
        if not isinstance(pool, Pool):
            pool = await self.get(pool, priority=priority)
        posts = await self._posts.by_ids(pool.post_ids, priority=priority)
        return pool, posts


__all__ = ["PoolEndpoints"]
