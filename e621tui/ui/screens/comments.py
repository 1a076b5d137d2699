"""A post's comments, a page at a time from the site: newest first or the site's order."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from e621tui.api.errors import ApiError, Dropped
from e621tui.api.models import Post
from e621tui.core.comments import CommentPage, CommentThread
from e621tui.ui.messages import StatusUpdated
from e621tui.ui.widgets.comment_view import CommentView
from e621tui.ui.widgets.footer import KeyFooter
from e621tui.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from e621tui.ui.app import E621App

ORDER_NAMES = {"newest": "newest first", "oldest": "oldest first (the site's order)"}


class CommentsScreen(Screen[None]):
    """Comments of one post; ``n`` / ``p`` turn pages (each fetched once, the next prefetched).

    Args:
        post: The post.
    """

    HELP_WHERE = "comments"
    BINDINGS = [
        Binding("n", "page(1)", "Next page", id="next_page", tooltip="Next page of comments"),
        Binding("p", "page(-1)", "Prev page", id="prev_page", tooltip="Previous page"),
        Binding(
            "O",
            "toggle_order",
            "Order",
            id="comments.order",
            tooltip="Newest first / oldest first (the site's order)",
        ),
        Binding(
            "v",
            "reveal_spoilers",
            "Spoilers",
            id="reveal_spoilers",
            tooltip="Show / hide the spoilers",
        ),
        Binding(
            "e",
            "expand_sections",
            "Sections",
            show=False,
            id="expand_sections",
            tooltip="Open / close the collapsed sections",
        ),
        Binding("r", "reload", "Reload", show=False, id="reload", tooltip="Reload from the site"),
        Binding("j,down", "scroll(1)", "Scroll", show=False, id="comments.scroll_down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="comments.scroll_up"),
        Binding("pagedown,space", "scroll_page(1)", "Page down", show=False, id="page_down"),
        Binding("pageup", "scroll_page(-1)", "Page up", show=False, id="page_up"),
    ]

    def __init__(self, post: Post) -> None:
        super().__init__()
        self.post = post
        self.thread: CommentThread | None = None
        self.page: CommentPage | None = None
        self.page_index = 0
        self.fetching = False
        self.reveal = False
        self.open_sections = False

    @property
    def e621_app(self) -> E621App:
        """The app, typed."""
        return cast("E621App", self.app)

    def compose(self) -> ComposeResult:
        """Title, the comments, status, footer."""
        yield Static("", id="comments-title")
        yield VerticalScroll(id="comments")
        yield StatusBar(self.e621_app.app_status(), id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Load the first page (newest first)."""
        self.show_thread(self.e621_app.session.discovery.comments(self.post, "newest"))
        self.query_one("#comments", VerticalScroll).focus()

    def on_unmount(self) -> None:
        """Drop prefetches still queued."""
        if self.thread is not None:
            self.thread.close()

    @property
    def status_bar(self) -> StatusBar:
        """The status bar."""
        return self.query_one("#status", StatusBar)

    def on_status_updated(self, message: StatusUpdated) -> None:
        """The app's state changed: show it."""
        self.status_bar.show_app_status(message.status)

    # ---- loading -------------------------------------------------------------------------

    def show_thread(self, thread: CommentThread) -> None:
        """Switch to another order (or a reload) and show its first page."""
        if self.thread is not None:
            self.thread.close()
        self.thread = thread
        self.page = None
        self.load(0)

    def load(self, index: int) -> None:
        """Show page ``index`` (the cache first)."""
        thread = self.thread
        if thread is None:
            return
        cached = thread.pages.get(index)
        if cached is not None:
            self._show(cached)
            return
        self.fetching = True
        self._update_title(f"loading page {index + 1}…")
        self._fetch(thread, index)

    @work(group="comments", exclusive=True, exit_on_error=False)
    async def _fetch(self, thread: CommentThread, index: int) -> None:
        try:
            page = await thread.page(index)
        except Dropped:
            return
        except ApiError as exc:
            if thread is self.thread:
                self.fetching = False
                self._update_title(f"could not load page {index + 1}: {exc}")
                self.e621_app.report(exc, "loading comments")
            return
        if thread is self.thread:
            self._show(page)

    def _show(self, page: CommentPage) -> None:
        self.fetching = False
        self.page = page
        self.page_index = page.index
        self._render_page()
        thread = self.thread
        if thread is not None and not page.is_last:
            thread.prefetch(page.index + 1)
        self.refresh_bindings()

    def _render_page(self) -> None:
        page = self.page
        box = self.query_one("#comments", VerticalScroll)
        box.remove_children()
        if page is None:
            return
        base_url = self.e621_app.session.client.base_url
        views: list[Static] = [
            CommentView(
                comment,
                reveal_spoilers=self.reveal,
                expand_sections=self.open_sections,
                base_url=base_url,
            )
            for comment in page.comments
        ]
        views.append(Static(self._end_text(page), classes="comments-end"))
        box.mount_all(views)
        box.scroll_home(animate=False)
        self._update_title()

    def _end_text(self, page: CommentPage) -> Text:
        if not page.comments and page.index == 0:
            return Text("No comments on this post.", style="italic")
        if not page.comments:
            return Text("No more comments.", style="italic")
        if page.is_last:
            return Text("— end of the comments —", style="dim")
        key = self.e621_app.discovery.key("next_page", "n")
        return Text(f"— {key}: next page —", style="dim")

    def _update_title(self, note: str = "") -> None:
        thread = self.thread
        text = Text()
        text.append(f"Comments on #{self.post.id}", style="bold")
        count = self.post.comment_count
        text.append(f" · {count} comment{'s' if count != 1 else ''}")
        if thread is not None:
            text.append(f" · {ORDER_NAMES[thread.order]}")
            pages = thread.estimated_pages()
            about = f" of about {pages}" if pages and pages > 1 else ""
            if self.page is not None and not (self.page.index == 0 and self.page.is_last):
                text.append(f" · page {self.page_index + 1}{about}")
        if note:
            text.append(f" · {note}", style="italic")
        self.query_one("#comments-title", Static).update(text)
        self.status_bar.set_fields(
            title="comments", position=f"page {self.page_index + 1}", post_id=self.post.id
        )

    # ---- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No next page after the last, no previous before the first."""
        if action == "page" and parameters:
            if parameters[0] == -1:
                return True if self.page_index > 0 else None
            thread = self.thread
            last = self.page is not None and self.page.is_last
            return True if thread is not None and self.page is not None and not last else None
        return True

    def action_page(self, step: int) -> None:
        """The next (1) or previous (-1) page."""
        if self.fetching or self.page is None:
            return
        if step > 0 and self.page.is_last:
            self.notify("no more comments", markup=False)
            return
        target = self.page_index + step
        if target >= 0:
            self.load(target)

    def action_toggle_order(self) -> None:
        """Newest first, or oldest first as the site reads threads."""
        if self.thread is not None:
            self.show_thread(self.thread.reversed())

    def action_reload(self) -> None:
        """Fetch the thread again."""
        order = self.thread.order if self.thread is not None else "newest"
        self.show_thread(self.e621_app.session.discovery.comments(self.post, order))

    def action_reveal_spoilers(self) -> None:
        """Show or hide spoilers."""
        self.reveal = not self.reveal
        self._render_page()

    def action_expand_sections(self) -> None:
        """Open or close collapsed sections."""
        self.open_sections = not self.open_sections
        self._render_page()

    def action_scroll(self, lines: int) -> None:
        """Scroll by lines."""
        box = self.query_one("#comments", VerticalScroll)
        box.scroll_to(y=box.scroll_target_y + lines, animate=False)

    def action_scroll_page(self, pages: int) -> None:
        """Scroll by a screen."""
        box = self.query_one("#comments", VerticalScroll)
        if pages > 0:
            box.scroll_page_down(animate=False)
        else:
            box.scroll_page_up(animate=False)


__all__ = ["CommentsScreen"]
