"""The set screen: a set's posts, with live post count."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from e621tui.messages import MembershipUpdated
from e621tui.sanitize import dtext_to_plain, one_line
from e621tui.screens.grid_screen import GridScreen
from e621tui.session.browser import SetFeed


class SetScreen(GridScreen):
    """Shows a set's name, owner state and post count above its posts."""

    def __init__(self, feed: SetFeed) -> None:
        super().__init__(feed)
        self.set_feed = feed

    def header_text(self) -> Text:
        """Name, visibility and the live count."""
        post_set = self.set_feed.post_set
        header = Text()
        if post_set is None:
            return header
        session = self.e621_app.session
        count = len(post_set.post_ids)
        if session.active_set is not None and session.active_set.id == post_set.id:
            count = len(session.active_members)
        header.append(f"Set #{post_set.id}  ", style="bold")
        header.append(one_line(post_set.name, 100), style="bold")
        header.append(f"  ({one_line(post_set.shortname, 50)})")
        header.append(f"   {'public' if post_set.is_public else 'private'} · {count} posts")
        active = session.active_set
        if active is not None and active.id == post_set.id:
            header.append(" · active set: a adds, x removes", style="cyan")
        description = dtext_to_plain(post_set.description, max_len=600).strip()
        if description:
            header.append("\n" + one_line(description, 300), style="dim")
        return header

    def compose_header(self) -> ComposeResult:
        """The header."""
        yield Static(id="feed-header")

    def on_mount(self) -> None:
        """Paint the header, then load."""
        self.query_one("#feed-header", Static).update(self.header_text())
        super().on_mount()

    def on_membership_updated(self, message: MembershipUpdated) -> None:
        """Keep the count live."""
        super().on_membership_updated(message)
        self.query_one("#feed-header", Static).update(self.header_text())

    def empty_message(self) -> str:
        """An empty set."""
        return "this set has no posts yet: add some with s or a from a search"
