"""What the search, pool and set screens share: a feed shown a page at a time in a grid.

(A little over 400 lines: the paging, prefetch and status logic every grid screen shares;
the drawing is in widgets/grid*.py.)
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from e621tui.api.errors import ApiError
from e621tui.api.models import Pool, Post
from e621tui.core.feeds import Feed, Page, PoolFeed, is_stale_error
from e621tui.ui.messages import MembershipUpdated, PostsUpdated
from e621tui.ui.screens.base import PostViewScreen
from e621tui.ui.widgets.footer import KeyFooter
from e621tui.ui.widgets.grid import PostGrid
from e621tui.ui.widgets.statusbar import StatusBar


class GridScreen(PostViewScreen):
    """A screen that pages through a `Feed` in a `PostGrid`."""

    BINDINGS = [
        Binding("n", "next_page", "Next page", id="next_page", tooltip="Next page (prefetched)"),
        Binding("p", "prev_page", "Prev page", id="prev_page", tooltip="Previous page"),
        Binding(
            "m",
            "mark_page",
            "Mark page",
            show=False,
            id="mark_page",
            tooltip="Mark every post on this page",
        ),
        Binding(
            "M", "clear_marks", "Clear marks", show=False, id="clear_marks", tooltip="Unmark all"
        ),
        Binding(
            "B",
            "toggle_blacklisted",
            "Show hidden",
            show=False,
            id="toggle_blacklisted",
            tooltip="Show / hide blacklisted posts",
        ),
        Binding("r", "reload", "Reload", show=False, id="reload", tooltip="Reload from the site"),
    ]

    def __init__(self, feed: Feed | None = None) -> None:
        super().__init__()
        self.feed = feed
        self.page_index = 0
        self.page: Page | None = None
        self.hidden = 0
        self.generation = 0
        self.page_loading = False
        self.message = ""
        self._walk_range = (0, 0)
        self._paging: tuple[bool | None, bool | None] | None = None

    # ---- layout --------------------------------------------------------------------------

    def compose_header(self) -> ComposeResult:
        """Subclasses add their header above the grid."""
        yield from ()

    def compose(self) -> ComposeResult:
        """Header, grid, message, status, footer."""
        app = self.e621_app
        kit = app.picture_kit()
        yield from self.compose_header()
        yield PostGrid(
            images=app.session.images,
            graphics=app.graphics,
            renderer=kit.renderer,
            layer=kit.layer,
            cache=kit.cache,
            id="grid",
        )
        yield Static("", id="grid-message")
        yield StatusBar(app.app_status(), id="status")
        yield KeyFooter()

    @property
    def grid(self) -> PostGrid:
        """The grid."""
        return self.query_one(PostGrid)

    def on_mount(self) -> None:
        """Start on the first page."""
        self.grid.focus()
        if self.feed is not None:
            self.show_feed(self.feed)

    # ---- loading -------------------------------------------------------------------------

    def show_feed(self, feed: Feed) -> None:
        """Switch to another feed (drops stale work of the old one)."""
        if self.feed is not None and self.feed is not feed:
            self.feed.close()
        self.feed = feed
        self.page = None  # the grid still shows the old feed until the new page arrives
        self.grid.marked.clear()
        self.generation += 1
        self.load_page(0)
        self.update_status()

    def load_page(self, index: int, cursor: int = 0) -> None:
        """Show page ``index`` (from the cache when possible)."""
        if self.feed is None:
            return
        cached = self.feed.cached(index)
        if cached is not None:
            self.show_later(cached, cursor)
            return
        self.page_loading = True
        self.set_message("loading…")
        self._fetch(self.feed, index, cursor, self.generation)

    @work(group="page", exclusive=True, exit_on_error=False)
    async def _fetch(self, feed: Feed, index: int, cursor: int, generation: int) -> None:
        try:
            page = await feed.page(index)
            await self.e621_app.login_checked.wait()
        except ApiError as exc:
            if generation == self.generation:
                self.page_loading = False
                self.set_message(f"could not load page {index + 1}: {exc}")
                self.e621_app.report(exc, "loading posts")
            return
        except Exception as exc:
            if is_stale_error(exc):
                return
            raise
        if generation != self.generation or feed is not self.feed:
            return  # the user moved on: drop the stale result
        await self._show(page, cursor)

    def show_later(self, page: Page, cursor: int = 0, *, keep: int | None = None) -> None:
        """Show a page in a worker (a newer call replaces one still running).

        Dropped if the screen switched feeds before the worker ran (e.g. a page turn queued
        just before a new search).
        """
        self._show_worker(page, cursor, keep, self.generation)

    @work(group="show", exclusive=True, exit_on_error=False)
    async def _show_worker(
        self, page: Page, cursor: int, keep: int | None, generation: int
    ) -> None:
        if generation == self.generation:
            await self._show(page, cursor, keep=keep)

    async def _show(self, page: Page, cursor: int = 0, *, keep: int | None = None) -> None:
        """Show ``page`` with the cursor on ``cursor`` (-1: last), or on post ``keep``."""
        shown, hidden = self.e621_app.session.visible(page.posts)
        if cursor < 0:
            cursor = len(shown) - 1
        if keep is not None:
            ids = [item.post.id for item in shown]
            cursor = ids.index(keep) if keep in ids else min(self.grid.cursor, len(ids) - 1)
        self.page_index = page.index
        await self.grid.set_items([self.cell_state(item) for item in shown], cursor)
        self.hidden = hidden
        self.page = page
        self.page_loading = False
        if not page.posts:
            self.set_message(self.empty_message())
        elif not shown:
            self.set_message(
                f"all {self.hidden} posts on this page are hidden (blacklist or safe mode); "
                "press B to show them, n for the next page"
            )
        else:
            self.set_message("")
        self.update_status()
        self._refresh_paging()
        self._prefetch_next()
        self.e621_app.idle_gc.soon()  # collect while the reader looks at the page
        self.e621_app.first_page_shown.set()

    def _prefetch_next(self) -> None:
        feed = self.feed
        if feed is None or not feed.has_next(self.page_index):
            return
        task = feed.prefetch(self.page_index + 1)
        if task is not None:
            task.add_done_callback(lambda t: self._prefetch_thumbs(t))

    def _prefetch_thumbs(self, task: asyncio.Task[Page]) -> None:
        if task.cancelled() or task.exception() is not None or not self.is_attached:
            return
        page = task.result()
        self._refresh_paging()
        shown, _ = self.e621_app.session.visible(page.posts)
        # Downloaded, decoded and prepared for the cells now: the turn is one repaint.
        self.grid.prepare_ahead([self.cell_state(item) for item in shown])

    def _refresh_paging(self) -> None:
        """Grey out n / p if that changed (the footer is rebuilt on each refresh: not on
        every page turn)."""
        state = (self.check_action("next_page", ()), self.check_action("prev_page", ()))
        if state != self._paging:
            self._paging = state
            self.refresh_bindings()

    def empty_message(self) -> str:
        """What to say when the feed has no posts."""
        return "no posts here"

    def set_message(self, text: str) -> None:
        """One line between the grid and the status bar (plain text, never markup)."""
        widget = self.query_one("#grid-message", Static)
        widget.update(Text(text))
        widget.display = bool(text)

    # ---- status --------------------------------------------------------------------------

    def position_text(self) -> str:
        """``page 2`` or ``page 2/5``."""
        if self.feed is None:
            return ""
        bound = self.feed.known_last()
        total = self.feed.max_pages()
        if bound is not None:
            total = bound + 1
        if total is not None and total < 750:
            return f"page {self.page_index + 1}/{total}"
        return f"page {self.page_index + 1}"

    def update_status(self) -> None:
        """Refresh the status bar (no post id or page while a new feed loads)."""
        current = self.grid.current if self.page is not None else None
        self.show_status(
            title=self.list_title(),
            position=self.position_text() if self.page is not None else "",
            post_id=current.post.id if current else None,
            marked=len(self.grid.marked),
            hidden=self.hidden,
        )

    def on_posts_updated(self, message: PostsUpdated) -> None:
        """Favorite/vote changed somewhere."""
        self.grid.refresh_posts(message.post_ids)

    def on_membership_updated(self, message: MembershipUpdated) -> None:
        """The active set changed."""
        self._restate()
        self.update_status()

    def _restate(self) -> None:
        """Hand the grid fresh states for the posts it shows (set membership may differ)."""
        session = self.e621_app.session
        members = session.sets.active_members
        self.grid.update_states(
            [replace(state, in_set=state.post.id in members) for state in self.grid.items]
        )

    def on_screen_resume(self) -> None:
        """Back from a post or dialog: repaint state that may have changed."""
        self._restate()
        self.grid.resume()
        self.update_status()
        self.grid.focus()

    def set_graphics(self, mode: str) -> None:
        """Draw the thumbnails in another graphics mode."""
        kit = self.e621_app.picture_kit(mode)
        self.grid.set_graphics(mode, kit.renderer, kit.layer, kit.cache)

    # ---- as the source of a post screen ----------------------------------------------------

    def list_title(self) -> str:
        """The feed's name (a query, a pool, a set)."""
        return self.feed.title if self.feed is not None else ""

    def known_pool(self, pool_id: int) -> Pool | None:
        """The pool, if this screen shows it."""
        feed = self.feed
        if isinstance(feed, PoolFeed) and feed.pool is not None and feed.pool.id == pool_id:
            return feed.pool
        return None

    # ---- grid events ---------------------------------------------------------------------

    @on(PostGrid.CursorMoved)
    def _cursor_moved(self, message: PostGrid.CursorMoved) -> None:
        self.update_status()

    @on(PostGrid.Selected)
    def _selected(self, message: PostGrid.Selected) -> None:
        posts = [item.post for item in self.grid.items]
        self._walk_range = (self.page_index, self.page_index)
        self.e621_app.open_post(posts, message.index, source=self)

    async def more_posts(self, direction: int) -> list[Post]:
        """The post screen walked past its list: the next (or previous) page's posts."""
        feed = self.feed
        if feed is None:
            return []
        low, high = self._walk_range
        if direction > 0:
            if not feed.has_next(high):
                return []
            index = high + 1
        else:
            if low == 0:
                return []
            index = low - 1
        page = await feed.page(index)
        self._walk_range = (min(low, index), max(high, index))
        # The grid follows, so escape lands on the page of the post being read.
        await self._show(page, 0 if direction > 0 else -1)
        shown, _ = self.e621_app.session.visible(page.posts)
        return [item.post for item in shown]

    @on(PostGrid.MarkToggled)
    def _mark_toggled(self, message: PostGrid.MarkToggled) -> None:
        post = self.grid.items[message.index].post
        self.grid.marked.symmetric_difference_update({post.id})
        self.grid.refresh_posts(frozenset({post.id}))
        if message.index < len(self.grid.items) - 1:
            self.grid.cursor = message.index + 1
        self.update_status()

    @on(PostGrid.EdgeReached)
    def _edge(self, message: PostGrid.EdgeReached) -> None:
        if message.direction > 0 and self.check_action("next_page", ()):
            self.load_page(self.page_index + 1)
        elif message.direction < 0 and self.page_index > 0:
            self.load_page(self.page_index - 1, cursor=-1)

    # ---- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out paging that can't happen."""
        if action == "next_page":
            return (
                self.feed is not None
                and self.page is not None
                and self.feed.has_next(self.page_index)
            )
        if action == "prev_page":
            return self.page_index > 0
        return True

    def action_next_page(self) -> None:
        """Turn to the next page (prefetched, so normally instant)."""
        if self.check_action("next_page", ()):
            self.load_page(self.page_index + 1)

    def action_prev_page(self) -> None:
        """Back one page (from the cache)."""
        if self.page_index > 0:
            self.load_page(self.page_index - 1)

    def action_mark_page(self) -> None:
        """Mark every post on this page."""
        self.grid.marked.update(item.post.id for item in self.grid.items)
        self.grid.refresh_posts()
        self.update_status()

    def action_clear_marks(self) -> None:
        """Unmark everything."""
        self.grid.marked.clear()
        self.grid.refresh_posts()
        self.update_status()

    def action_toggle_blacklisted(self) -> None:
        """Show or hide blacklisted posts (shown ones are marked ⊘)."""
        session = self.e621_app.session
        session.show_blacklisted = not session.show_blacklisted
        self.refilter()
        state = "shown (marked ⊘)" if session.show_blacklisted else "hidden"
        self.notify(f"blacklisted posts are {state}")

    def focused_id(self) -> int | None:
        """The id of the focused post, if any."""
        current = self.grid.current
        return current.post.id if current is not None else None

    def refilter(self) -> None:
        """Apply a changed blacklist to the page on screen (the focused post keeps the focus)."""
        if self.page is not None:
            self.show_later(self.page, keep=self.focused_id())

    def action_reload(self) -> None:
        """Reload this feed from the site."""
        if self.feed is not None:
            self.show_feed(self.feed.fresh_copy())

    def target_posts(self) -> list[Post]:
        """What an action applies to: the marked posts, else the focused one (none while the
        grid is not mounted: bindings are checked while a screen comes and goes)."""
        grids = self.query(PostGrid)
        if not grids:
            return []
        grid = grids.first()
        if grid.marked:
            session = self.e621_app.session
            return [session.posts[i] for i in sorted(grid.marked) if i in session.posts]
        current = grid.current
        return [current.post] if current else []

    def actions_done(self) -> None:
        """After a bulk action: clear marks."""
        if self.grid.marked:
            self.action_clear_marks()
