"""Discovery: the followed-tags feed, popular, random, saved searches and recall, tag pickers.

`DiscoveryActions` is a controller the app owns (``app.discovery``); app-wide keys, palette
commands and the screens' own keys call it. It keeps the config's ``follows`` and
``[saved_searches]`` through `E621App.change_settings`, which edits the user's file in place.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from e621tui.api.endpoints.posts import PopularScale
from e621tui.api.errors import ApiError
from e621tui.api.models import Post
from e621tui.core.follows import follow_problem, normalize_follow
from e621tui.core.history import SavedSearches, normalize_query, saved_search_problem
from e621tui.core.popular import SCALES
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs.prompt import PromptDialog
from e621tui.ui.dialogs.search_recall import RecallItem, SearchRecall
from e621tui.ui.dialogs.tag_picker import TagPicker, post_tag_choices
from e621tui.ui.screens.comments import CommentsScreen
from e621tui.ui.screens.feed import FeedScreen
from e621tui.ui.screens.popular import PopularScreen
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.screens.tag_info import TagScreen

if TYPE_CHECKING:
    from e621tui.ui.app import E621App

#: Start targets this controller opens (``e621-tui --feed``, ``--popular week``).
STARTS = frozenset({"feed", "popular"})


class DiscoveryActions:
    """Opens the discovery screens and keeps follows and saved searches in the config.

    Args:
        app: The app (session, settings, screens, notifications).
    """

    def __init__(self, app: E621App) -> None:
        self._app = app

    def _run(self, work: Coroutine[Any, Any, None], group: str) -> None:
        self._app.run_worker(work, group=group, exclusive=True, exit_on_error=False)

    def _say(self, text: str, severity: str = "information") -> None:
        self._app.notify(one_line(text, 300), severity=cast(Any, severity), markup=False)

    def start(self, kind: str, value: str) -> None:
        """Open what the command line asked for (``--feed``, ``--popular SCALE``)."""
        if kind == "feed":
            self.open_feed()
        elif kind == "popular":
            self.open_popular(value if value in SCALES else "day")

    # ---- followed tags -------------------------------------------------------------------

    @property
    def follows(self) -> list[str]:
        """The followed tags, as the config lists them."""
        return list(self._app.settings.follows)

    def is_followed(self, tag: str) -> bool:
        """True when ``tag`` is followed."""
        return normalize_follow(tag) in {normalize_follow(t) for t in self.follows}

    def toggle_follow(self, tag: str) -> bool | None:
        """Follow ``tag``, or unfollow it when followed; the new state, None if refused."""
        name = normalize_follow(tag)
        if self.is_followed(name):
            kept = [t for t in self.follows if normalize_follow(t) != name]
            if self._app.change_settings(follows=kept):
                self._app.session.discovery.follow_marks.forget([name])
                self._say(f"unfollowed {name} ({len(kept)} followed)")
            return False
        problem = follow_problem(name)
        if problem is not None:
            self._say(problem, "warning")
            return None
        follows = [*self.follows, name]
        if not self._app.change_settings(follows=follows):
            return None
        key = self.key("feed", "N")
        self._say(f"following {name} ({len(follows)} followed); {key} opens the feed of new posts")
        return True

    def open_feed(self) -> None:
        """Show the followed-tags feed (reloads it when it is on screen already)."""
        screen = self._app.screen
        if isinstance(screen, FeedScreen):
            screen.action_reload()
            return
        self._app.push_screen(FeedScreen(self.follows))

    def mark_feed_seen(self) -> None:
        """Mark all seen, on the feed screen."""
        screen = self._app.screen
        if isinstance(screen, FeedScreen):
            screen.action_mark_seen()

    def follow_from_post(self, post: Post) -> None:
        """Pick one of the post's tags and follow or unfollow it."""

        async def flow() -> None:
            tag = await self.pick_tag(
                post, "Follow / unfollow a tag (● followed)", marked=set(self.follows)
            )
            if tag is not None:
                self.toggle_follow(tag)

        self._run(flow(), "tag-picker")

    def unfollow_picker(self) -> None:
        """Pick a followed tag and unfollow it."""

        async def flow() -> None:
            choices = [(normalize_follow(t), "") for t in self.follows]
            if not choices:
                self._say(self.no_follows_hint(), "warning")
                return
            picked: str | None = await self._app.push_screen_wait(
                TagPicker(choices, title="Unfollow a tag", placeholder="filter followed tags")
            )
            if picked is not None:
                self.toggle_follow(picked)

        self._run(flow(), "tag-picker")

    def no_follows_hint(self) -> str:
        """What to say when nothing is followed yet."""
        key = self.key("follow", "b")
        return (
            f"no followed tags yet: press {key} on a one-tag search (or on a post, to pick "
            "one of its tags) to follow it"
        )

    # ---- tags of a post ------------------------------------------------------------------

    async def pick_tag(
        self, post: Post, title: str, *, marked: set[str] | None = None
    ) -> str | None:
        """Let the user pick one of the post's tags (fuzzy); None when cancelled."""
        choices = post_tag_choices(post)
        if not choices:
            self._say(f"post #{post.id} has no tags", "warning")
            return None
        picked: str | None = await self._app.push_screen_wait(
            TagPicker(choices, title=title, marked={normalize_follow(t) for t in marked or ()})
        )
        return picked

    def tag_info_from_post(self, post: Post) -> None:
        """Pick one of the post's tags and show its wiki page and related tags."""

        async def flow() -> None:
            tag = await self.pick_tag(post, "Tag information", marked=set(self.follows))
            if tag is not None:
                await self._app.push_screen(TagScreen(tag))

        self._run(flow(), "tag-picker")

    def comments(self, post: Post) -> None:
        """Show the post's comments."""
        self._app.push_screen(CommentsScreen(post))

    # ---- popular and random --------------------------------------------------------------

    def open_popular(self, scale: PopularScale = "day", day: date | None = None) -> None:
        """Show the popular posts of today, this week or this month."""
        self._app.push_screen(PopularScreen(self._app.session.discovery.popular(scale, day)))

    def random_post(self, query: str | None = None) -> None:
        """Open a random post matching ``query`` (None: the search on screen or below)."""
        text = self.current_query() if query is None else normalize_query(query)

        async def flow() -> None:
            try:
                shown = await self._app.session.discovery.random_post(text)
            except ApiError as exc:
                self._app.report(exc, "finding a random post")
                return
            if shown is None:
                self._say(
                    f"no post matches {text!r}" if text else "the site has no posts", "warning"
                )
                return
            self._app.open_post([shown.post], 0)

        self._run(flow(), "random")

    # ---- searches ------------------------------------------------------------------------

    def search_screen(self) -> SearchScreen | None:
        """The topmost search screen (the one a post or tag screen was opened from)."""
        for screen in reversed(self._app.screen_stack):
            if isinstance(screen, SearchScreen):
                return screen
        return None

    def current_query(self) -> str:
        """The query of the topmost search screen ("" when there is none)."""
        screen = self.search_screen()
        return screen.current_query if screen is not None else ""

    def search(self, query: str) -> None:
        """Go back to the topmost search screen and search ``query`` there."""
        screen = self.search_screen()
        if screen is None:
            return
        while self._app.screen is not screen:
            self._app.pop_screen()
        screen.run_query(query)

    def add_to_search(self, term: str) -> None:
        """Add a term (``tag`` or ``-tag``) to the search below and run it."""
        query = self.current_query()
        terms = query.split()
        if term in terms:
            self._say(f"{term} is already in the search", "warning")
            return
        self.search(" ".join([*terms, term]))

    def saved(self) -> SavedSearches:
        """The saved searches in the config."""
        return SavedSearches.from_mapping(self._app.settings.saved_searches)

    def save_search(self, query: str) -> None:
        """Ask for a name and save ``query`` under it (replacing a search of that name)."""
        text = normalize_query(query)
        if not text:
            self._say("type a search first, then save it", "warning")
            return
        saved = self.saved()
        suggestion = saved.name_for(text) or text.split()[0][:40]

        def problem(name: str) -> str | None:
            return saved_search_problem(name)

        async def flow() -> None:
            name: str | None = await self._app.push_screen_wait(
                PromptDialog(
                    f"Save the search {one_line(text, 50)!r} as",
                    placeholder="name",
                    value=suggestion,
                    validate=problem,
                )
            )
            if name is None:
                return
            try:
                updated = self.saved().with_search(name, text)
            except ValueError as exc:
                self._say(str(exc), "warning")
                return
            if self._app.change_settings(saved_searches=updated.to_dict()):
                self._say(f"saved as {name.strip()!r}: in the palette and in ctrl+r")

        self._run(flow(), "prompt")

    def forget(self, item: RecallItem) -> None:
        """Forget a saved search (from the config) or a history entry."""
        if item.name is not None:
            self._app.change_settings(saved_searches=self.saved().without(item.name).to_dict())
        else:
            self._app.session.discovery.history.remove(item.query)

    def recall_items(self) -> list[RecallItem]:
        """Saved searches, then the history (most recent first)."""
        items = [RecallItem(query, name=name) for name, query in self.saved().items]
        history = self._app.session.discovery.history
        history.reload()
        items += [RecallItem(entry.query, at=entry.at) for entry in history.details()]
        return items

    def recall(self, screen: SearchScreen | None = None) -> None:
        """Pick a saved or earlier search (fuzzy) and run it."""
        target = screen or self.search_screen()
        if target is None:
            return

        async def flow() -> None:
            items = self.recall_items()
            if not items:
                self._say("no searches yet: every search you run is remembered here", "warning")
                return
            picked: RecallItem | None = await self._app.push_screen_wait(
                SearchRecall(items, forget=self.forget)
            )
            if picked is not None:
                self.search(picked.query)

        self._run(flow(), "recall")

    # ---- keys ------------------------------------------------------------------------------

    def key(self, binding_id: str, default: str) -> str:
        """The key a binding has now (the user's keymap may have moved it)."""
        keys = self._app.keymap_overrides.get(binding_id)
        return keys.split(",")[0].strip() if keys else default


__all__ = ["STARTS", "DiscoveryActions"]
