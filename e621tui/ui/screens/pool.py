"""The pool screen: a pool's posts in reading order."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from e621tui.core.feeds import PoolFeed
from e621tui.text.sanitize import dtext_to_plain, one_line
from e621tui.ui.screens.grid_screen import GridScreen


class PoolScreen(GridScreen):
    """Shows a pool's name, description and post count above its posts, in pool order."""

    def __init__(self, feed: PoolFeed) -> None:
        super().__init__(feed)
        self.pool_feed = feed

    def compose_header(self) -> ComposeResult:
        """Name, category, count and the start of the description."""
        pool = self.pool_feed.pool
        header = Text()
        if pool is not None:
            header.append(f"Pool #{pool.id}  ", style="bold")
            header.append(one_line(pool.display_name, 120), style="bold")
            header.append(f"   {pool.category} · {len(pool.post_ids)} posts")
            if pool.creator_name:
                header.append(f" · by {one_line(pool.creator_name, 40)}")
            description = dtext_to_plain(pool.description, max_len=600).strip()
            if description:
                header.append("\n" + one_line(description, 300), style="dim")
        yield Static(header, id="feed-header")

    def empty_message(self) -> str:
        """An empty pool."""
        return "this pool has no posts"
