"""Turning posts into queue items, and the planner that looks posts up and walks searches.

Every API request here goes through the client's scheduler at `Priority.PREFETCH` in the
``downloads`` group, so browsing always goes first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import httpx

from e621tui.api.client import E621Client
from e621tui.api.errors import ApiError
from e621tui.api.limiter import Priority
from e621tui.api.models import Post
from e621tui.api.query import ID_CHUNK, MAX_LIMIT, MAX_PAGE, paging_mode
from e621tui.core.downloads.paths import PathEscape, inside
from e621tui.core.downloads.store import Batch, DownloadStore, Item, NewItem
from e621tui.core.downloads.templates import BatchContext, NameTemplate, post_fields
from e621tui.text.sanitize import one_line

#: The scheduler group of the queue's API requests.
GROUP = "downloads"
PRIORITY = Priority.PREFETCH


class PlannerTrouble(Exception):
    """The planner could not reach the site; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float = 15.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Planner(Protocol):
    """Looks posts up and walks searches for the queue (API calls, at low priority)."""

    async def resolve(self, batch: Batch, items: list[Item]) -> None:
        """Fill in URL, md5 and path of ``items`` (or fail them with a reason) in the store."""
        ...

    async def plan(self, batch: Batch) -> None:
        """Add the next page of a batch that is still planning (ends planning when done)."""
        ...


def file_url(post: Post, base_url: str) -> str | None:
    """The post's original as an absolute http(s) URL without credentials, or None."""
    url = post.file.url
    if not url:
        return None
    try:
        parsed = httpx.URL(url)
        if not parsed.is_absolute_url:
            parsed = httpx.URL(base_url).join(url)
    except httpx.InvalidURL:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host or parsed.userinfo:
        return None
    return str(parsed)


def unavailable_reason(post: Post, *, logged_in: bool) -> str:
    """Why a post has no file URL, in words fit for the user."""
    if post.flags.deleted:
        return "deleted: the site no longer serves this file"
    if post.file.url:
        return "the site gave a file address that is not a plain http(s) URL"
    if not logged_in:
        return "hidden: the site shows this file to logged-in users only (log in to download)"
    return "hidden by the site (safe mode, or a rule of the site)"


def item_for(
    post: Post,
    *,
    index: int,
    template: NameTemplate,
    context: BatchContext,
    root: Path,
    base_url: str,
    logged_in: bool,
) -> dict[str, Any]:
    """The stored fields of a looked-up item: ready to download, or failed with a reason."""
    size = post.file.size if post.file.size > 0 else None
    fields: dict[str, Any] = {"resolved": 1, "md5": post.file.md5 or None,
                              "ext": post.file.ext or None, "bytes_total": size}  # fmt: skip
    url = file_url(post, base_url)
    if url is None:
        return {**fields, "url": None, "state": "failed",
                "error": unavailable_reason(post, logged_in=logged_in)}  # fmt: skip
    values = post_fields(post, BatchContext(**{**context.__dict__, "index": index}))
    try:
        path = inside(root, template.render(values))
    except PathEscape as exc:  # render() makes this impossible; never write outside anyway
        return {**fields, "url": url, "state": "failed", "error": f"unsafe file name: {exc}"}
    return {**fields, "url": url, "path": str(path)}


def new_item(post: Post, **kwargs: Any) -> NewItem:
    """A `NewItem` for a post already in hand (see `item_for`)."""
    fields = item_for(post, **kwargs)
    return NewItem(
        post_id=post.id,
        index=kwargs["index"],
        resolved=True,
        url=fields.get("url"),
        md5=fields.get("md5"),
        ext=fields.get("ext"),
        path=fields.get("path"),
        state=fields.get("state", "queued"),
        bytes_total=fields.get("bytes_total"),
        error=fields.get("error"),
    )


def context_of(batch: Batch) -> BatchContext:
    """The batch's template context, as stored."""
    known = BatchContext.__dataclass_fields__
    return BatchContext(**{k: v for k, v in batch.context.items() if k in known})


class ClientPlanner:
    """Looks posts up and pages through searches for the queue.

    Args:
        client: The API client (its scheduler paces every request).
        store: The queue's store, updated in place.
        keep: Which posts of a search to keep (the session's blacklist and safe mode).
    """

    def __init__(
        self,
        client: E621Client,
        store: DownloadStore,
        *,
        keep: Callable[[Post], bool] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._keep = keep or (lambda post: True)

    def _logged_in(self) -> bool:
        return self._client.logged_in

    async def resolve(self, batch: Batch, items: list[Item]) -> None:
        """Look up ≤100 posts in one request and fill in their items."""
        ids = [i.post_id for i in items][:ID_CHUNK]
        try:
            posts = await self._client.posts.by_ids(ids, priority=PRIORITY, group=GROUP)
        except ApiError as exc:
            if exc.retryable:
                raise PlannerTrouble(exc.message) from None
            message = one_line(f"could not look the post up: {exc.message}", 300)
            for item in items[:ID_CHUNK]:
                self._store.update(item.id, state="failed", resolved=1, error=message)
            return
        found = {p.id: p for p in posts}
        template = NameTemplate.parse(batch.template)
        context = context_of(batch)
        root = Path(batch.root)
        for item in items[:ID_CHUNK]:
            current = self._store.item(item.id)
            if current is None or current.state != "queued":
                continue  # paused or cancelled meanwhile: looked up again when resumed
            post = found.get(item.post_id)
            if post is None:
                self._store.update(
                    item.id, state="failed", resolved=1,
                    error=f"post #{item.post_id} was not found (removed, or hidden from you)",
                )  # fmt: skip
                continue
            fields = item_for(post, index=item.index, template=template, context=context,
                              root=root, base_url=self._client.base_url,
                              logged_in=self._logged_in())  # fmt: skip
            self._store.update(item.id, **fields)

    async def plan(self, batch: Batch) -> None:
        """Add the next page of a search batch; end planning at its limit or last page."""
        source = dict(batch.source or {})
        query = str(source.get("query", ""))
        limit = int(source.get("limit", 0))
        count = int(source.get("count", 0))
        page: int | str | None = source.get("page")
        wanted = limit - count
        if wanted <= 0:
            self._store.add_items(batch.id, [], source=None)
            return
        per_page = min(MAX_LIMIT, max(wanted, 20))
        try:
            posts = await self._client.posts.search(
                query, limit=per_page, page=page, priority=PRIORITY, group=GROUP
            )
        except ApiError as exc:
            if exc.retryable:
                raise PlannerTrouble(exc.message) from None
            message = one_line(f"the search failed: {exc.message}", 300)
            self._store.add_items(batch.id, [], source=None, error=message)
            return
        current = self._store.batch(batch.id)
        if current is None or not current.planning:
            return  # cancelled while the page was on its way
        if paging_mode(query) == "asc":
            posts = sorted(posts, key=lambda p: p.id)
        recent = [int(i) for i in source.get("seen", [])]
        seen = set(recent)
        fresh = [p for p in posts if p.id not in seen]
        allowed = [p for p in fresh if self._keep(p)]
        kept = allowed[:wanted]
        template = NameTemplate.parse(batch.template)
        root = Path(batch.root)
        items = [
            new_item(post, index=count + n, template=template, context=context_of(batch),
                     root=root, base_url=self._client.base_url, logged_in=self._logged_in())
            for n, post in enumerate(kept, start=1)
        ]  # fmt: skip
        count += len(kept)
        next_page = _next_page(query, page, posts)
        done = not posts or len(posts) < per_page or count >= limit or next_page is None
        # Pages can shift while we walk them; the last two pages are enough to drop repeats.
        recent = ([p.id for p in fresh] + recent)[: 2 * MAX_LIMIT]
        source.update(count=count, page=next_page, seen=recent)
        left_out = len(fresh) - len(allowed)
        self._store.add_items(batch.id, items, source=None if done else source, left_out=left_out)


def _next_page(query: str, page: int | str | None, posts: list[Post]) -> int | str | None:
    """The page after this one (a ``b<id>``/``a<id>`` cursor, or the next number)."""
    if not posts:
        return None
    mode = paging_mode(query)
    if mode == "desc":
        return f"b{min(p.id for p in posts)}"
    if mode == "asc":
        return f"a{max(p.id for p in posts)}"
    number = (page if isinstance(page, int) else 1) + 1
    return number if number <= MAX_PAGE else None


__all__ = [
    "GROUP",
    "ClientPlanner",
    "Planner",
    "PlannerTrouble",
    "context_of",
    "file_url",
    "item_for",
    "new_item",
    "unavailable_reason",
]
