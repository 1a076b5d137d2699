"""The download service: what the UI calls to queue posts, pools, sets and searches.

One per session (``session.downloads``). Queueing returns at once with the batch's summary;
the queue downloads in the background, resumes after a restart, and reports through the
session's events (`DownloadsChanged`, `BatchFinished`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import platformdirs

from e621tui.api.client import E621Client
from e621tui.api.models import Pool, Post, PostSet
from e621tui.api.query import paging_mode
from e621tui.core.downloads.events import BatchSummary, DownloadEvent, DownloadSummary, ItemView
from e621tui.core.downloads.fetch import StaticFetcher
from e621tui.core.downloads.lock import QueueLock
from e621tui.core.downloads.plan import GROUP, PRIORITY, ClientPlanner, new_item
from e621tui.core.downloads.queue import DownloadQueue
from e621tui.core.downloads.store import BatchKind, DownloadStore, NewItem
from e621tui.core.downloads.templates import (
    DEFAULT_POOL_TEMPLATE,
    DEFAULT_TEMPLATE,
    BatchContext,
    NameTemplate,
    TemplateError,
)
from e621tui.text.sanitize import one_line

APP_FOLDER = "e621-tui"
#: Most posts one search download may queue.
MAX_SEARCH_POSTS = 10_000


def default_download_dir() -> Path:
    """The platform's downloads folder plus ``e621-tui``."""
    return Path(platformdirs.user_downloads_dir()) / APP_FOLDER


@dataclass
class DownloadOptions:
    """Where files go and how they are named (from the config keys of the same names)."""

    download_dir: Path | None = None
    """None: `default_download_dir()`. ``~`` is expanded."""
    download_template: str = DEFAULT_TEMPLATE
    pool_template: str = DEFAULT_POOL_TEMPLATE
    parallel: int = 3
    """Files downloading at once from the static host."""
    progress_interval: float = 0.25
    """Seconds between two progress events at most."""


class DownloadService:
    """Queue downloads and control them.

    Args:
        client: The API client: looks posts up, at prefetch priority.
        emit: Receives the queue's events (the session's listeners).
        data_dir: Where the queue is kept (None: in memory, for tests and scripts).
        options: Folder, templates, parallelism.
        keep: Which posts of a search to keep (blacklist, safe mode).
        static_transport: An httpx transport for the file downloads (tests).
    """

    def __init__(
        self,
        client: E621Client,
        emit: Callable[[DownloadEvent], None],
        *,
        data_dir: Path | None,
        options: DownloadOptions | None = None,
        keep: Callable[[Post], bool] | None = None,
        static_transport: httpx.AsyncBaseTransport | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options or DownloadOptions()
        self._client = client
        path: Path | str = data_dir / "downloads.sqlite3" if data_dir else ":memory:"
        self.store = DownloadStore(path, wall_clock=wall_clock)
        self.fetcher = StaticFetcher(
            user_agent=client.user_agent,
            parallel=self.options.parallel,
            transport=static_transport,
        )
        self.queue = DownloadQueue(
            self.store,
            self.fetcher,
            ClientPlanner(client, self.store, keep=keep),
            emit,
            parallel=self.options.parallel,
            progress_interval=self.options.progress_interval,
            lock=QueueLock(data_dir / "downloads.lock" if data_dir else None),
        )
        self.template_problem: str | None = None
        """Why a configured template cannot be used (shown by the UI), else None."""
        self._templates: dict[str, NameTemplate] = {}
        for key in ("download_template", "pool_template"):
            try:
                self._templates[key] = NameTemplate.parse(getattr(self.options, key))
            except TemplateError as exc:
                self.template_problem = f"{key}: {exc}"

    # ---- life ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start (or resume) downloading; call from inside the running event loop."""
        self.queue.start()

    async def close(self) -> None:
        """Stop downloading; unfinished files resume next time."""
        await self.queue.close()
        await self.fetcher.aclose()
        self.store.close()

    @property
    def root(self) -> Path:
        """The download folder (absolute, ``~`` expanded)."""
        folder = self.options.download_dir or default_download_dir()
        return Path(folder).expanduser().absolute()

    def _template(self, key: str) -> NameTemplate:
        template = self._templates.get(key)
        if template is None:
            raise TemplateError(self.template_problem or f"{key} is not usable")
        return template

    # ---- queueing ------------------------------------------------------------------------

    def queue_posts(self, posts: Sequence[Post], *, title: str | None = None) -> BatchSummary:
        """Queue posts already in hand (the focused or marked ones), in the order given.

        Posts without a file URL (hidden, deleted) are queued as failed items that say why.
        """
        if not posts:
            raise ValueError("no posts to download")
        template = self._template("download_template")
        context = BatchContext()
        root = self.root
        items = [
            new_item(post, index=n, template=template, context=context, root=root,
                     base_url=self._client.base_url, logged_in=self._client.logged_in)
            for n, post in enumerate(posts, start=1)
        ]  # fmt: skip
        if title is None:
            title = f"post #{posts[0].id}" if len(posts) == 1 else f"{len(posts)} posts"
        return self._add("posts", title, template, context, items)

    async def queue_pool(self, pool: Pool | int, *, limit: int | None = None) -> BatchSummary:
        """Queue a pool in reading order, named by ``pool_template`` (``{index}`` = page)."""
        template = self._template("pool_template")
        if not isinstance(pool, Pool):
            pool = await self._client.pools.get(pool, priority=PRIORITY)
        ids = pool.post_ids[:limit] if limit is not None else pool.post_ids
        context = BatchContext(pool_id=pool.id, pool_name=pool.name)
        title = f"pool {one_line(pool.name.replace('_', ' '), 80)}"
        items = [NewItem(post_id=pid, index=n) for n, pid in enumerate(ids, start=1)]
        return self._add("pool", title, template, context, items)

    async def queue_set(self, post_set: PostSet | int, *, limit: int | None = None) -> BatchSummary:
        """Queue a set in its order, named by ``download_template``."""
        template = self._template("download_template")
        if not isinstance(post_set, PostSet):
            post_set = await self._client.sets.get(post_set, priority=PRIORITY)
        ids = post_set.post_ids[:limit] if limit is not None else post_set.post_ids
        context = BatchContext(set_id=post_set.id, set_shortname=post_set.shortname)
        title = f"set {one_line(post_set.name.replace('_', ' '), 80)}"
        items = [NewItem(post_id=pid, index=n) for n, pid in enumerate(ids, start=1)]
        return self._add("set", title, template, context, items)

    def queue_search(self, query: str, *, limit: int) -> BatchSummary:
        """Queue the first ``limit`` posts of a search (blacklisted ones left out, counted).

        The pages are fetched by the queue in the background; a restart continues the walk.
        """
        if not 1 <= limit <= MAX_SEARCH_POSTS:
            raise ValueError(f"a search download takes 1 to {MAX_SEARCH_POSTS} posts")
        template = self._template("download_template")
        query = query.strip()
        first_page = "a0" if paging_mode(query) == "asc" else None
        source: dict[str, Any] = {
            "query": query, "limit": limit, "count": 0, "seen": [], "page": first_page
        }  # fmt: skip
        title = f"search {one_line(query, 80) or '(all posts)'}"
        return self._add("search", title, template, BatchContext(), [], source=source)

    def _add(
        self, kind: BatchKind, title: str, template: NameTemplate, context: BatchContext,
        items: list[NewItem], source: dict[str, Any] | None = None,
    ) -> BatchSummary:  # fmt: skip
        batch_id = self.store.add_batch(
            kind, title, root=str(self.root), template=template.text,
            context=dict(context.__dict__), source=source, items=items,
        )  # fmt: skip
        self.queue.added(batch_id)
        summary = self.queue.batch_summary(batch_id)
        assert summary is not None
        return summary

    # ---- control and views (see DownloadQueue) --------------------------------------------

    def pause(self, item_id: int) -> bool:
        """Pause one item (the partial file is kept)."""
        return self.queue.pause(item_id)

    def resume(self, item_id: int) -> bool:
        """Resume one paused item."""
        return self.queue.resume(item_id)

    def cancel(self, item_id: int) -> bool:
        """Cancel one item (the partial file is removed)."""
        return self.queue.cancel(item_id)

    def retry(self, item_id: int) -> bool:
        """Retry one failed or cancelled item."""
        return self.queue.retry(item_id)

    def pause_all(self) -> int:
        """Pause everything; return how many items."""
        return self.queue.pause_all()

    def resume_all(self) -> int:
        """Resume everything paused; return how many items."""
        return self.queue.resume_all()

    def cancel_batch(self, batch_id: int) -> int:
        """Cancel what is left of a batch."""
        return self.queue.cancel_batch(batch_id)

    def retry_failed(self, batch_id: int | None = None) -> int:
        """Retry the failed items of a batch (or all)."""
        return self.queue.retry_failed(batch_id)

    def clear_finished(self) -> int:
        """Forget done and cancelled items (files stay on disk)."""
        return self.queue.clear_finished()

    def items(self, *, batch_id: int | None = None, limit: int | None = None) -> list[ItemView]:
        """The items, in queue order."""
        return self.queue.items(batch_id=batch_id, limit=limit)

    def summary(self) -> DownloadSummary:
        """The status-bar summary."""
        return self.queue.summary()

    def batches(self) -> list[BatchSummary]:
        """Every batch, oldest first."""
        return self.queue.batches()

    async def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is left to do (True) or ``timeout`` passes (False)."""
        return await self.queue.wait_idle(timeout)


__all__ = [
    "GROUP",
    "DownloadOptions",
    "DownloadService",
    "default_download_dir",
]
