"""What every post-browsing screen shares, and the typed contracts screens are reached by.

The app's post actions (favorite, vote, sets, links, download) apply to the current screen's
`PostViewScreen.target_posts`; the post screen walks on through a `PostSource`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from textual.screen import Screen

from e621tui.api.models import Pool, Post
from e621tui.core.registry import Shown
from e621tui.ui.messages import StatusUpdated
from e621tui.ui.widgets.grid import CellState
from e621tui.ui.widgets.post_details import PostContext
from e621tui.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from e621tui.ui.app import E621App


@runtime_checkable
class PostSource(Protocol):
    """A list a post screen was opened from, which can hand over more posts past its ends."""

    async def more_posts(self, direction: int) -> list[Post]:
        """The next (1) or previous (-1) posts, or [] at the end."""
        ...


@runtime_checkable
class NamedSource(Protocol):
    """A list with a name (a query, a pool, a set) and maybe a pool it already loaded."""

    def list_title(self) -> str:
        """What the list shows, for the status line."""
        ...

    def known_pool(self, pool_id: int) -> Pool | None:
        """The pool with this id if this list already loaded it, else None."""
        ...


class PostViewScreen(Screen[None]):
    """A screen showing posts: a grid of them or one of them.

    The app's post actions apply to `target_posts`; `actions_done` runs after one; `refilter`
    runs when the blacklist changes. Every such screen has a `StatusBar` with id ``status``.
    """

    @property
    def e621_app(self) -> E621App:
        """The app, typed."""
        return cast("E621App", self.app)

    def target_posts(self) -> list[Post]:
        """What an action applies to (none by default)."""
        return []

    def actions_done(self) -> None:
        """After an action on `target_posts` (e.g. clear marks)."""

    def refilter(self) -> None:
        """The blacklist or the login changed: apply it to what is shown."""

    def set_graphics(self, mode: str) -> None:
        """Draw pictures in another graphics mode."""

    # ---- values handed to widgets ----------------------------------------------------------

    def cell_state(self, shown: Shown) -> CellState:
        """What a grid cell shows for a post."""
        session = self.e621_app.session
        return CellState(
            shown.post,
            blacklisted=shown.blacklisted.text if shown.blacklisted is not None else None,
            hidden_reason=session.hidden_reason(shown.post),
            in_set=shown.post.id in session.sets.active_members,
        )

    def post_context(self, post: Post) -> PostContext:
        """What the details pane shows beyond the post itself."""
        session = self.e621_app.session
        active = session.sets.active
        rule = session.blacklist.match(post)
        in_set = (
            active.name if active is not None and post.id in session.sets.active_members else None
        )
        return PostContext(
            in_set=in_set,
            blacklist_rule=rule.text if rule is not None else None,
            base_url=session.client.base_url,
        )

    # ---- status ----------------------------------------------------------------------------

    @property
    def status_bar(self) -> StatusBar:
        """The status bar."""
        return self.query_one("#status", StatusBar)

    def show_status(self, **fields: object) -> None:
        """Show the screen's own status fields, with the app's state as it is now."""
        bar = self.status_bar
        bar.show_app_status(self.e621_app.app_status())
        bar.set_fields(**fields)

    def on_status_updated(self, message: StatusUpdated) -> None:
        """The app's state changed: show it."""
        self.status_bar.show_app_status(message.status)

    def on_screen_resume(self) -> None:
        """Back on top: the app's state as it is now (it is not sent to hidden screens)."""
        self.status_bar.show_app_status(self.e621_app.app_status())


__all__ = ["NamedSource", "PostSource", "PostViewScreen"]
