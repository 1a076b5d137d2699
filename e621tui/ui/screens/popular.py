"""Popular posts of a day, week or month, by score; step to earlier and later periods."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from e621tui.api.endpoints.posts import PopularScale
from e621tui.core.feeds import Feed, Page
from e621tui.core.popular import SCALES, PopularFeed
from e621tui.ui.screens.grid_screen import GridScreen


def header_text(feed: PopularFeed, can_go_later: bool) -> Text:
    """``Popular this week · by score`` and the keys that move (plain `Text`)."""
    text = Text()
    text.append("Popular ", style="bold")
    text.append(feed.title.partition(": ")[2] or feed.scale, style="bold")
    text.append(" · by score   ", style="dim")
    keys = ["[ earlier"] + (["] later"] if can_go_later else [])
    keys += [f"{n} {scale}" for n, scale in enumerate(SCALES, 1) if scale != feed.scale]
    text.append(" · ".join(keys), style="dim")
    return text


class PopularScreen(GridScreen):
    """The site's popular posts for one period (one request), paged like any grid.

    Args:
        feed: The period to show first (`Session.popular`).
    """

    HELP_WHERE = "popular"
    BINDINGS = [
        Binding(
            "left_square_bracket",
            "step(-1)",
            "Earlier",
            id="popular_earlier",
            tooltip="The day / week / month before",
        ),
        Binding(
            "right_square_bracket",
            "step(1)",
            "Later",
            id="popular_later",
            tooltip="The day / week / month after",
        ),
        Binding(
            "1", "scale('day')", "Day", show=False, id="popular_day", tooltip="Popular of a day"
        ),
        Binding(
            "2", "scale('week')", "Week", show=False, id="popular_week", tooltip="Popular of a week"
        ),
        Binding(
            "3",
            "scale('month')",
            "Month",
            show=False,
            id="popular_month",
            tooltip="Popular of a month",
        ),
    ]

    def __init__(self, feed: PopularFeed) -> None:
        super().__init__(feed)

    @property
    def popular(self) -> PopularFeed | None:
        """The period shown, typed."""
        return self.feed if isinstance(self.feed, PopularFeed) else None

    def compose_header(self) -> ComposeResult:
        """The period and the keys that change it."""
        yield Static("", id="feed-header")

    def show_feed(self, feed: Feed) -> None:
        """Switch to another period."""
        super().show_feed(feed)
        self._update_header()

    def on_mount(self) -> None:
        """Load the period and say which it is."""
        super().on_mount()
        self._update_header()

    async def _show(self, page: Page, cursor: int = 0, *, keep: int | None = None) -> None:
        await super()._show(page, cursor, keep=keep)
        self._update_header()  # "this week" has its dates once the posts are in

    def _update_header(self) -> None:
        feed = self.popular
        if feed is not None:
            self.query_one("#feed-header", Static).update(
                header_text(feed, feed.later() is not None)
            )

    def list_title(self) -> str:
        """``popular today``, ``popular week of 2026-07-20``."""
        feed = self.popular
        return f"popular {feed.title.partition(': ')[2]}" if feed is not None else "popular"

    def empty_message(self) -> str:
        """Nothing was uploaded (or nothing is visible) in this period."""
        feed = self.popular
        period = feed.title.partition(": ")[2] if feed is not None else ""
        return f"no popular posts for {period}: [ goes to an earlier one"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No later period than the current one."""
        if action == "step" and parameters and parameters[0] == 1:
            feed = self.popular
            return True if feed is not None and feed.later() is not None else None
        if action == "scale" and parameters:
            feed = self.popular
            return None if feed is not None and feed.scale == parameters[0] else True
        return super().check_action(action, parameters)

    def action_step(self, periods: int) -> None:
        """Show the period before (-1) or after (1) this one."""
        feed = self.popular
        if feed is None:
            return
        moved = feed.earlier() if periods < 0 else feed.later()
        if moved is None:
            self.notify("that period has not started yet", markup=False)
            return
        self.show_feed(moved)

    def action_scale(self, scale: PopularScale) -> None:
        """Show the day, week or month around the period shown."""
        feed = self.popular
        if feed is not None and scale != feed.scale:
            self.show_feed(feed.with_scale(scale))


__all__ = ["PopularScreen", "header_text"]
