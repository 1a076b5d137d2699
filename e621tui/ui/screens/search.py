"""The search screen: a tag query box above the thumbnail grid."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from e621tui.api.errors import ApiError
from e621tui.core.follows import follow_problem, normalize_follow
from e621tui.core.history import HistoryCursor, normalize_query
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
    """The query box: tab accepts the tag suggestion; up / down walk the search history."""

    BINDINGS = [
        Binding("tab", "accept_or_next", "Accept suggestion", show=False, id="accept_suggestion"),
        Binding(
            "up",
            "history(-1)",
            "Older search",
            show=False,
            id="history_older",
            tooltip="(search box) the previous search from the history",
        ),
        Binding(
            "down",
            "history(1)",
            "Newer search",
            show=False,
            id="history_newer",
            tooltip="(search box) the next newer search; past the newest, what you typed",
        ),
    ]

    @dataclass
    class HistoryStep(Message):
        """Up (-1) or down (1) was pressed in the box."""

        step: int

    def action_history(self, step: int) -> None:
        """Ask the screen for an older or newer search."""
        self.post_message(self.HistoryStep(step))

    def show_recalled(self, value: str) -> None:
        """Put a recalled search in the box, the cursor at its end."""
        self.value = value
        self.cursor_position = len(value)

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
        Binding(
            "ctrl+r",
            "recall",
            "Recall",
            show=False,
            id="recall_search",
            tooltip="Find a saved or earlier search (fuzzy)",
        ),
        Binding(
            "ctrl+s",
            "save_search",
            "Save search",
            show=False,
            id="save_search",
            tooltip="Give this search a name (saved in the config)",
        ),
        Binding(
            "b",
            "follow",
            "Follow",
            show=False,
            id="follow",
            tooltip="Follow / unfollow this one-tag search (its new posts go to the feed)",
        ),
        Binding(
            "R",
            "random_post",
            "Random",
            show=False,
            id="random_post",
            tooltip="Open a random post matching this search",
        ),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.current_query = normalize_query(query)
        """The search shown (as typed, without safe mode's rating:s)."""
        self._recall: HistoryCursor | None = None
        self._recalled: str | None = None
        self._deferred = False

    def compose_header(self) -> ComposeResult:
        """The query box."""
        yield QueryInput(
            value=self.initial_query,
            placeholder="search tags, e.g. fox order:score   "
            "(/ to type · ↑ earlier searches · ctrl+r recall)",
            id="query",
            suggester=TagSuggester(self),
        )

    def on_mount(self) -> None:
        """Run the initial query (once shown: a screen started under the feed waits)."""
        super().on_mount()
        if self.is_active:
            self.search(self.initial_query, remember=bool(self.initial_query.strip()))
        else:
            self._deferred = True

    def on_screen_resume(self) -> None:
        """Back on top: run a search that waited, then repaint as every grid does."""
        if self._deferred and self.is_active:
            self._deferred = False
            self.search(self.initial_query, remember=False)
        super().on_screen_resume()

    def search(self, query: str, *, remember: bool = True) -> None:
        """Show the results of a query (remembered in the search history)."""
        self._deferred = False
        self.current_query = normalize_query(query)
        if remember and self.current_query:
            self.e621_app.session.discovery.history.add(self.current_query)
        self._recall = None
        self.show_feed(self.e621_app.session.search(query))

    @property
    def query_box(self) -> QueryInput:
        """The search box."""
        return self.query_one("#query", QueryInput)

    def run_query(self, query: str) -> None:
        """Put ``query`` in the box and search it."""
        box = self.query_box
        box.value = query
        box.cursor_position = len(query)
        self.grid.focus()
        self.search(query)

    def single_tag(self) -> str | None:
        """The tag searched when the search is one followable tag, else None."""
        terms = self.current_query.split()
        if len(terms) != 1 or follow_problem(terms[0]) is not None:
            return None
        return normalize_follow(terms[0])

    # ---- history -------------------------------------------------------------------------

    @on(QueryInput.HistoryStep)
    def _history_step(self, message: QueryInput.HistoryStep) -> None:
        box = self.query_box
        if self._recall is None:
            typed = box.value
            shown = normalize_query(typed).lower()
            # The box still showing the search on screen is not a prefix the user typed.
            prefix = "" if shown == self.current_query.lower() else typed
            history = self.e621_app.session.discovery.history
            history.reload()  # another instance may have searched since
            matches = [q for q in history.matching(prefix) if q.lower() != shown]
            self._recall = HistoryCursor(typed, matches)
        value = self._recall.older() if message.step < 0 else self._recall.newer()
        if value is None:
            self.app.bell()
            return
        self._recalled = value
        box.show_recalled(value)

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        if event.value != self._recalled:
            self._recall = None  # typing starts a new walk from what is typed now
            self._recalled = None

    def action_recall(self) -> None:
        """Pick a saved or earlier search (fuzzy) and run it."""
        self.e621_app.discovery.recall(self)

    def action_save_search(self) -> None:
        """Name the query in the box (or the one shown) and keep it in the config."""
        query = normalize_query(self.query_box.value) or self.current_query
        self.e621_app.discovery.save_search(query)

    def action_follow(self) -> None:
        """Follow or unfollow the tag of a one-tag search."""
        tag = self.single_tag()
        if tag is None:
            self.notify(
                "only a search for one tag can be followed (e.g. fox, not fox -wolf)",
                severity="warning",
                markup=False,
            )
            return
        self.e621_app.discovery.toggle_follow(tag)

    def action_random_post(self) -> None:
        """Open a random post matching this search."""
        self.e621_app.discovery.random_post(self.current_query)

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

    def list_title(self) -> str:
        """The query, and its name when it is a saved search."""
        title = super().list_title()
        name = self.e621_app.discovery.saved().name_for(self.current_query)
        return f"{name}: {title}" if name and title else title

    def key_escape(self) -> bool:
        """Escape in the box returns to the grid instead of leaving the screen."""
        if self.focused is self.query_one("#query", Input):
            self.grid.focus()
            return True
        return False
