"""Downloads: queue posts, a pool, a set or a search; the queue view; what the queue says.

`DownloadActions` is a controller the app owns: ``d``, the downloads key and the palette's
``download:`` commands delegate to it, and the app hands it the queue's events
(`DownloadsChanged`, `BatchFinished`), which arrive coalesced (a few per second at most).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.screen import Screen

from e621tui.api.errors import ApiError
from e621tui.api.models import Pool, PostSet
from e621tui.core.downloads import (
    BatchFinished,
    BatchSummary,
    DownloadEvent,
    DownloadsChanged,
    DownloadService,
    DownloadSummary,
    TemplateError,
)
from e621tui.core.downloads.service import MAX_SEARCH_POSTS
from e621tui.core.feeds import SearchFeed
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs.confirm import ConfirmDialog
from e621tui.ui.dialogs.prompt import PromptDialog
from e621tui.ui.messages import DownloadsUpdated
from e621tui.ui.screens.base import PostViewScreen
from e621tui.ui.screens.downloads import DownloadsScreen
from e621tui.ui.screens.pool import PoolScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.post_set import SetScreen
from e621tui.ui.screens.search import SearchScreen

if TYPE_CHECKING:
    from e621tui.ui.app import E621App

Command = tuple[str, str, Callable[[], object]]
"""(title, help, callback) of a palette command."""
#: Failed files named in a batch's notification.
FAILURES_NAMED = 3


def count_validator(value: str) -> str | None:
    """How many posts of a search: 1 to `MAX_SEARCH_POSTS`."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_SEARCH_POSTS:
        return f"A number from 1 to {MAX_SEARCH_POSTS}."
    return None


def pool_of(screen: Screen[object]) -> Pool | int | None:
    """The pool a ``download: Pool in order`` means here: the pool shown, or the post's."""
    if isinstance(screen, PoolScreen) and screen.pool_feed.pool is not None:
        return screen.pool_feed.pool
    if isinstance(screen, PostScreen) and isinstance(screen.source, PoolScreen):
        pool = screen.source.pool_feed.pool
        if pool is not None and screen.current.id in pool.post_ids:
            return pool
    if isinstance(screen, PostViewScreen):
        posts = screen.target_posts()
        if posts and posts[0].pools:
            return posts[0].pools[0]
    return None


class DownloadActions:
    """Queues downloads and shows what the queue does.

    Args:
        app: The app (session, current screen, dialogs, notifications, status line).
    """

    def __init__(self, app: E621App) -> None:
        self._app = app
        self.summary: DownloadSummary | None = None
        """The newest summary the queue sent (the status line shows it)."""

    @property
    def view_key(self) -> str:
        """The key that opens the downloads view (as the user's keymap has it)."""
        keys = self._app.keymap_overrides.get("downloads", "ctrl+d")
        return one_line(keys.split(",")[0], 20)

    @property
    def service(self) -> DownloadService:
        """The session's download queue."""
        return self._app.session.downloads

    def start(self) -> None:
        """Resume the stored queue; say so if a configured name template is unusable."""
        self.service.start()
        problem = self.service.template_problem
        if problem:
            self._app.warn_once(f"downloads: {problem}")

    # ---- what the queue says -------------------------------------------------------------

    def on_event(self, event: DownloadEvent) -> None:
        """A queue event: the status line, the downloads view, a notice when a batch ends."""
        app = self._app
        if isinstance(event, DownloadsChanged):
            self.summary = event.summary
            message_items = event.items
        else:
            self._finished(event)
            message_items = ()
        if self.summary is not None:
            for screen in app.screen_stack:
                if isinstance(screen, DownloadsScreen):
                    screen.post_message(DownloadsUpdated(self.summary, message_items))
        app.broadcast_status(soon=True)

    def _finished(self, event: BatchFinished) -> None:
        lines = [one_line(event.batch.text(), 300)]
        for view in event.failures[:FAILURES_NAMED]:
            lines.append(one_line(f"#{view.post_id}: {view.error or 'failed'}", 200))
        if event.failures:
            lines.append(f"{self.view_key}: the downloads view (R retries)")
        self._app.notify(
            "\n".join(lines),
            title="downloads finished" if event.ok else "downloads failed",
            severity="information" if event.ok else "error",
            markup=False,
            timeout=6 if event.ok else 12,
        )

    # ---- queueing ------------------------------------------------------------------------

    def queue_targets(self) -> None:
        """``d``: queue the marked posts of this screen, else its focused post."""
        app = self._app
        posts = app.post_actions.targets()
        if not posts:
            app.notify("no post to download here", markup=False)
            return
        try:
            batch = self.service.queue_posts(posts)
        except TemplateError as exc:
            app.report(exc, "download_template")
            return
        self._queued(batch)
        screen = app.screen
        if isinstance(screen, PostViewScreen):
            screen.actions_done()

    def queue_pool(self, pool: Pool | int) -> None:
        """Queue a pool in reading order (a pool id is looked up at low priority)."""
        self._app.run_worker(self._queue_pool(pool), group="download-queue", exit_on_error=False)

    async def _queue_pool(self, pool: Pool | int) -> None:
        what = f"pool #{pool.id if isinstance(pool, Pool) else pool}"
        try:
            batch = await self.service.queue_pool(pool)
        except (ApiError, TemplateError) as exc:
            self._app.report(exc, f"downloading {what}")
            return
        self._queued(batch)

    def queue_set(self, screen: SetScreen) -> None:
        """Queue the set shown, in its order."""
        post_set = screen.set_feed.post_set
        target: PostSet | int = post_set if post_set is not None else screen.set_id
        self._app.run_worker(self._queue_set(target), group="download-queue", exit_on_error=False)

    async def _queue_set(self, post_set: PostSet | int) -> None:
        try:
            batch = await self.service.queue_set(post_set)
        except (ApiError, TemplateError) as exc:
            self._app.report(exc, "downloading the set")
            return
        self._queued(batch)

    def queue_search(self, feed: SearchFeed) -> None:
        """Ask how many posts of the search, confirm, then queue them."""
        self._app.run_worker(
            self._ask_and_queue_search(feed.query), group="download-prompt", exclusive=True,
            exit_on_error=False,
        )  # fmt: skip

    async def _ask_and_queue_search(self, query: str) -> None:
        app = self._app
        shown = one_line(query, 60) or "(all posts)"
        answer: str | None = await app.push_screen_wait(
            PromptDialog(
                f"How many posts of “{shown}” to download?",
                placeholder=f"1 to {MAX_SEARCH_POSTS}",
                value=str(app.session.options.page_size),
                validate=count_validator,
            )
        )
        if not answer:
            return
        limit = int(answer.strip())
        sure: bool = await app.push_screen_wait(
            ConfirmDialog(
                f"Download the first {limit} posts of “{shown}” (blacklisted posts left out) "
                f"into {self.service.root}?",
                yes="Download",
                no="Cancel",
            )
        )
        if not sure:
            return
        try:
            batch = self.service.queue_search(query, limit=limit)
        except (ValueError, TemplateError) as exc:
            app.report(exc, "downloading the search")
            return
        self._queued(batch)

    def _queued(self, batch: BatchSummary) -> None:
        files = f"{batch.files} file{'s' if batch.files != 1 else ''}" if batch.files else "posts"
        self._app.notify(
            f"queued {one_line(batch.title, 80)}: {files} ({self.view_key} shows the queue)",
            markup=False,
            timeout=4,
        )

    # ---- the view ------------------------------------------------------------------------

    def show_queue(self) -> None:
        """Open the downloads view (from it: close it)."""
        app = self._app
        if isinstance(app.screen, DownloadsScreen):
            app.screen.dismiss(None)
            return
        app.push_screen(DownloadsScreen(self.service))

    def commands(self, screen: Screen[object]) -> list[Command]:
        """The palette's download commands that apply on ``screen``."""
        commands: list[Command] = []
        pool = pool_of(screen)
        if pool is not None:
            commands.append(
                ("download: Pool in order", "Every page, numbered in reading order",
                 partial(self.queue_pool, pool))
            )  # fmt: skip
        if isinstance(screen, SetScreen) and not screen.deleted:
            commands.append(
                ("download: This set", "Every post of the set, in its order",
                 partial(self.queue_set, screen))
            )  # fmt: skip
        if isinstance(screen, SearchScreen) and isinstance(screen.feed, SearchFeed):
            commands.append(
                ("download: This search", "The first N posts (asks how many)",
                 partial(self.queue_search, screen.feed))
            )  # fmt: skip
        commands.append(("downloads: Show queue", "Progress, pause, retry", self.show_queue))
        return commands


__all__ = ["DownloadActions", "count_validator", "pool_of"]
