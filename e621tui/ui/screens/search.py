"""The search screen: a tag query box above the thumbnail grid."""

from __future__ import annotations

import asyncio

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from e621tui.api.errors import ApiError
from e621tui.ui.screens.grid_screen import GridScreen


class TagSuggester(Suggester):
    """Completes the last word of the query from the site's tag autocomplete.

    Debounced; a newer keystroke's request replaces an older one still waiting for a slot.
    """

    def __init__(self, screen: SearchScreen) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self._screen = screen
        self._latest = ""

    async def get_suggestion(self, value: str) -> str | None:
        """Suggest ``value`` with its last word completed."""
        if not value or value.endswith(" "):
            return None
        head, _, last = value.rpartition(" ")
        prefix = last.lstrip("-~")
        if len(prefix) < 3 or ":" in prefix:
            return None
        self._latest = value
        await asyncio.sleep(0.25)
        if self._latest != value:
            return None  # the user kept typing: this keystroke's request would be stale
        try:
            items = await self._screen.e621_app.session.client.tags.autocomplete(prefix)
        except ApiError:
            return None
        for item in items:
            if item.name.startswith(prefix.lower()):
                sign = last[: len(last) - len(prefix)]
                return (head + " " if head else "") + sign + item.name
        return None


class QueryInput(Input):
    """The query box: tab accepts the tag suggestion (and otherwise moves on as usual)."""

    BINDINGS = [
        Binding("tab", "accept_or_next", "Accept suggestion", show=False, id="accept_suggestion"),
    ]

    def action_accept_or_next(self) -> None:
        """Complete the last tag from the suggestion, else move focus to the grid."""
        if self._suggestion and len(self._suggestion) > len(self.value):
            self.value = self._suggestion + " "
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class SearchScreen(GridScreen):
    """Search posts by tags."""

    BINDINGS = [
        # A priority binding with an immediate focus change: keys typed right after "/" go into
        # the box, not to the grid (where "f" would favorite and "x" remove from a set).
        Binding(
            "slash",
            "focus_search",
            "Search",
            id="search",
            tooltip="Type a tag query",
            priority=True,
        ),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query

    def compose_header(self) -> ComposeResult:
        """The query box."""
        yield QueryInput(
            value=self.initial_query,
            placeholder="search tags, e.g.  fox -rating:e order:score   (press / to type)",
            id="query",
            suggester=TagSuggester(self),
        )

    def on_mount(self) -> None:
        """Run the initial query."""
        super().on_mount()
        self.search(self.initial_query)

    def search(self, query: str) -> None:
        """Show the results of a query."""
        self.show_feed(self.e621_app.session.search(query))

    def empty_message(self) -> str:
        """Nothing matched."""
        query = self.feed.title if self.feed else ""
        return f"no posts match {query!r}" if query else "no posts"

    def action_focus_search(self) -> None:
        """Focus the query box (in the box, "/" is just a character: tags may contain it)."""
        box = self.query_one("#query", Input)
        if self.focused is box:
            box.insert_text_at_cursor("/")
            return
        self.set_focus(box)
        box.cursor_position = len(box.value)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.grid.focus()
        self.search(event.value)

    def key_escape(self) -> bool:
        """Escape in the box returns to the grid instead of leaving the screen."""
        if self.focused is self.query_one("#query", Input):
            self.grid.focus()
            return True
        return False
