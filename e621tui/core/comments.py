"""A post's comments, a page at a time (a thread of thousands never loads at once)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

from e621tui.api.client import E621Client
from e621tui.api.limiter import Priority
from e621tui.api.models_text import Comment

ThreadOrder = Literal["newest", "oldest"]
DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class CommentPage:
    """One page of a thread, in the thread's order."""

    index: int
    comments: list[Comment]
    is_last: bool


def comment_marks(comment: Comment) -> list[str]:
    """How the site marks a comment: pinned, hidden, the author's sanction."""
    marks = []
    if comment.is_sticky:
        marks.append("sticky")
    if comment.is_hidden:
        marks.append("hidden")
    if comment.warning_text:
        marks.append(comment.warning_text)
    return marks


@dataclass
class CommentThread:
    """The comments of one post: newest first, or oldest first (the site's reading order).

    Pages are fetched on demand with id cursors (``b<id>`` going back from the newest,
    ``a<id>`` going forward from the oldest), each page once.
    """

    client: E621Client
    post_id: int
    order: ThreadOrder = "newest"
    page_size: int = DEFAULT_PAGE_SIZE
    total: int | None = None
    """The post's ``comment_count``, for "page 1 of about N" (the site may show fewer)."""
    pages: dict[int, CommentPage] = field(default_factory=dict)
    _loading: dict[int, asyncio.Task[CommentPage]] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """Scheduler group of this thread's prefetches."""
        return f"comments-{self.post_id}-{id(self)}"

    def estimated_pages(self) -> int | None:
        """Pages the thread probably has (from ``total``), if known."""
        if self.total is None:
            return None
        return max(1, -(-self.total // self.page_size))

    def has_next(self, index: int) -> bool:
        """Whether a page after ``index`` may exist."""
        page = self.pages.get(index)
        return page is None or not page.is_last

    def reversed(self) -> CommentThread:
        """The same thread in the other order (an empty cache)."""
        other: ThreadOrder = "oldest" if self.order == "newest" else "newest"
        return CommentThread(self.client, self.post_id, other, self.page_size, self.total)

    async def page(self, index: int, priority: Priority = Priority.USER) -> CommentPage:
        """Page ``index`` (0-based), loading earlier pages first when needed."""
        if index < 0:
            raise IndexError("no page before the first")
        if index in self.pages:
            return self.pages[index]
        task = self._loading.get(index)
        if task is None:
            task = asyncio.ensure_future(self._load(index, priority))
            self._loading[index] = task
        try:
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._loading.pop(index, None)

    def prefetch(self, index: int) -> asyncio.Task[CommentPage] | None:
        """Load page ``index`` in the background at prefetch priority."""
        if index in self.pages or index in self._loading or not self.has_next(index - 1):
            return None
        task = asyncio.ensure_future(self._load(index, Priority.PREFETCH))
        self._loading[index] = task
        task.add_done_callback(lambda t: None if t.cancelled() else t.exception())
        return task

    def close(self) -> None:
        """Drop queued prefetches (the screen closed)."""
        self.client.scheduler.drop_group(self.group)
        for task in self._loading.values():
            task.cancel()
        self._loading.clear()

    async def _load(self, index: int, priority: Priority) -> CommentPage:
        cursor: str | None = None
        if index > 0:
            before = await self.page(index - 1, priority)
            if before.is_last or not before.comments:
                page = CommentPage(index, [], True)
                self.pages[index] = page
                return page
            ids = [c.id for c in before.comments]
            cursor = f"b{min(ids)}" if self.order == "newest" else f"a{max(ids)}"
        elif self.order == "oldest":
            cursor = "a0"
        group = self.group if priority == Priority.PREFETCH else None
        found = await self.client.comments.for_post(
            self.post_id, page=cursor, limit=self.page_size, priority=priority, group=group
        )
        found.sort(key=lambda c: c.id, reverse=self.order == "newest")
        page = CommentPage(index, found, len(found) < self.page_size)
        self.pages[index] = page
        return page


__all__ = ["DEFAULT_PAGE_SIZE", "CommentPage", "CommentThread", "ThreadOrder", "comment_marks"]
