"""Start-up: the first screen's requests go out while Python and Textual are still starting.

Two pieces:

* `EarlyStart` (made by `Session.begin`): the login check, the first page (or the pool, set or
  post asked for) and the first page's previews, started on the running loop before any screen
  exists. The session's ordinary calls take the work over: the first `Session.search(query)`
  for the same query returns the feed whose page 0 is already on its way (or there),
  `Session.check_login()` returns the early check's answer, `Session.pool(id)` the early pool.
  Nothing is sent twice.
* `Prelude`: an event loop run in a helper thread until the app is ready to run it itself, so
  that the early requests leave while the main thread is still importing Textual and the UI.
  `hand_over()` stops the thread and returns the loop, with everything still in flight, for
  ``App.run(loop=...)``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from e621tui.api.errors import ApiError
from e621tui.api.models import Post
from e621tui.core.feeds import Page, PoolFeed, SearchFeed, SetFeed, is_stale_error
from e621tui.core.images.pipeline import ImageRequest, ThumbError, preview_request

if TYPE_CHECKING:
    from e621tui.core.session import Session

log = logging.getLogger(__name__)

T = TypeVar("T")

#: What the first screen can be.
KINDS = ("search", "pool", "set", "post", "feed", "popular")
#: The first screens `EarlyStart` can start before the UI (the feed and popular wait for it).
EARLY_KINDS = ("search", "pool", "set", "post")


@dataclass(frozen=True)
class StartTarget:
    """What the first screen shows: a search (value = query), a pool, a set or a post (value
    = id), the followed-tags feed or popular posts (value = day, week or month)."""

    kind: str = "search"
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown start kind {self.kind!r}")


class EarlyStart:
    """Work for the first screen, started before the UI; the session hands it over once.

    Create it through `Session.begin` (from inside the running loop).

    Args:
        session: The session it works for.
        target: What the first screen shows.
        preview_box: The pixel box the grid decodes previews into (must match the UI's, or
            the warmed images are not the ones it asks for); None: do not warm previews.
        visible: How many of the first page's previews are on screen at once: those are
            fetched and decoded early (the rest is left to the UI).
    """

    def __init__(
        self,
        session: Session,
        target: StartTarget,
        *,
        preview_box: tuple[int, int] | None = (256, 256),
        visible: int = 24,
    ) -> None:
        self.session = session
        self.target = target
        self._box = preview_box
        self._visible = max(0, visible)
        loop = asyncio.get_running_loop()
        self.login: asyncio.Task[bool] | None = None
        if session.logged_in:
            self.login = loop.create_task(session.verify_login(), name="early-login")
        self.feed: SearchFeed | None = None
        self.opened: asyncio.Task[Any] | None = None
        self.previews: asyncio.Task[int] | None = None
        first_page: asyncio.Task[Page] | None = None
        if target.kind not in EARLY_KINDS:
            raise ValueError(f"{target.kind!r} is not started early")
        if target.kind == "search":
            self.feed = session.new_search(target.value)
            first_page = loop.create_task(self.feed.page(0), name="early-page")
        elif target.kind == "pool":
            self.opened = loop.create_task(session.open_pool(int(target.value)), name="early-pool")
        elif target.kind == "set":
            self.opened = loop.create_task(session.open_set(int(target.value)), name="early-set")
        else:
            self.opened = loop.create_task(session.fetch_post(int(target.value)), name="early-post")
        if preview_box is not None and target.kind != "post":
            self.previews = loop.create_task(self._warm(first_page), name="early-previews")
        for task in (self.login, first_page, self.opened, self.previews):
            if task is not None:
                task.add_done_callback(_retrieve)

    # ---- handing over --------------------------------------------------------------------

    def take_feed(self, query: str) -> SearchFeed | None:
        """The early search feed if it is for ``query`` (once), else None."""
        feed = self.feed
        if feed is None or feed.query != query.strip():
            return None
        self.feed = None
        return feed

    def take_login(self) -> asyncio.Task[bool] | None:
        """The early login check (once), else None."""
        task, self.login = self.login, None
        return task

    def take_opened(self, kind: str, item_id: int) -> asyncio.Task[Any] | None:
        """The early pool/set/post task if it is for this kind and id (once), else None."""
        task = self.opened
        if task is None or self.target.kind != kind or int(self.target.value) != item_id:
            return None
        self.opened = None
        return task

    def cancel(self) -> None:
        """Stop whatever was not taken over (the user went elsewhere)."""
        for task in (self.login, self.opened, self.previews):
            if task is not None and not task.done():
                task.cancel()
        if self.feed is not None:
            self.feed.close()

    # ---- previews ------------------------------------------------------------------------

    async def _warm(self, first_page: asyncio.Task[Page] | None) -> int:
        """Download and decode the first page's previews into memory; return how many."""
        posts = await self._first_posts(first_page)
        if self.login is not None:
            # The account's blacklist decides what is shown; wait for it (it runs meanwhile).
            await asyncio.shield(self.login)
        shown, _ = self.session.visible(posts)
        requests = [preview_request(item.post) for item in shown if item.blacklisted is None]
        wanted = [r for r in requests if r is not None]
        assert self._box is not None
        box = self._box
        images = self.session.images

        async def one(request: ImageRequest) -> bool:
            try:
                await images.prefetch(request, box, urgent=True)
            except ThumbError:
                return False  # the cell shows why when it asks for it
            return True

        # Only what will be on screen: the rest of the page is the UI's to load when it is
        # ready, and decoding it now would only compete with Textual's start for the CPU.
        done = await asyncio.gather(*(one(r) for r in wanted[: self._visible]))
        return sum(done)

    async def _first_posts(self, first_page: asyncio.Task[Page] | None) -> list[Post]:
        if first_page is not None:
            return (await asyncio.shield(first_page)).posts
        assert self.opened is not None
        feed = await asyncio.shield(self.opened)
        if isinstance(feed, PoolFeed | SetFeed):
            return (await feed.page(0)).posts
        return []


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a failure as seen: whoever takes the task over gets it again; nobody else must."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, ApiError | ThumbError) and not is_stale_error(exc):
        log.warning("early start-up work failed: %r", exc)


class Prelude:
    """An event loop that runs in a helper thread until the app takes it over.

    ::

        prelude = Prelude()
        prelude.start(lambda: session.begin(StartTarget("search", query)))
        ...                                  # import Textual and the UI, build the app
        app.run(loop=prelude.hand_over())
        prelude.close()

    Everything scheduled in the prelude (requests in flight included) carries on when the
    app runs the same loop in the main thread.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, work: Callable[[], object]) -> None:
        """Run the loop in a helper thread, with ``work()`` called inside it first."""
        if self._thread is not None:
            raise RuntimeError("the prelude has already started")

        def call() -> None:
            try:
                work()
            except BaseException as exc:  # re-raised in the main thread by hand_over()
                self._error = exc

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(call)
            try:
                self.loop.run_forever()
            finally:
                asyncio.set_event_loop(None)

        self._thread = threading.Thread(target=run, name="e621-tui-prelude", daemon=True)
        self._thread.start()

    def run_sync(self, make: Callable[[], T]) -> T:
        """Call ``make()`` inside the running prelude loop and return its result."""
        return asyncio.run_coroutine_threadsafe(_call(make), self.loop).result()

    def hand_over(self) -> asyncio.AbstractEventLoop:
        """Stop the helper thread (work in flight stays scheduled) and return the loop.

        Raises:
            BaseException: Whatever ``work()`` raised.
        """
        thread = self._thread
        if thread is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        asyncio.set_event_loop(self.loop)
        return self.loop

    def close(self) -> None:
        """Stop the thread if it still runs, cancel what is left and close the loop."""
        if self._thread is not None:
            self.hand_over()
        loop = self.loop
        if loop.is_closed():
            return
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        asyncio.set_event_loop(None)


async def _call(make: Callable[[], T]) -> T:
    return make()


__all__ = ["EARLY_KINDS", "KINDS", "EarlyStart", "Prelude", "StartTarget"]
