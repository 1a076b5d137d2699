"""Command palette: the app's commands, titled ``area: action``, offered where they apply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Provider
from textual.widgets import Input

from e621tui.text.sanitize import one_line
from e621tui.ui.screens.feed import FeedScreen
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.post_set import delete_set, edit_set, run_set_flow
from e621tui.ui.screens.search import SearchScreen

if TYPE_CHECKING:
    from e621tui.ui.app import E621App


class E621Commands(Provider):
    """Commands for browsing, sets, accounts, writes and the view."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("E621App", self.app)
        session = app.session
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("search: New search", "Type a tag query", partial(_search_focus, app)),
            (
                "search: My favorites",
                "Posts you favorited (fav:me)",
                partial(_search, app, "fav:me"),
            ),
            ("pool: Open by id", "Read a pool in order", app.action_open_pool_prompt),
            ("set: Open by id", "Show a set's posts", app.action_open_set_prompt),
            (
                "view: Toggle blacklisted posts",
                "Show or hide blacklisted posts",
                partial(_toggle_bl, app),
            ),
            ("blacklist: Edit", "Edit your blacklist", app.action_edit_blacklist),
            ("writes: Pending and failed actions", "Retry or drop writes", app.action_writes),
            ("help: Keys", "Every key binding", app.action_help),
        ]
        for mode in app.pictures.modes():
            if mode != app.graphics:
                commands.append(
                    (
                        f"view: Graphics mode {mode}",
                        "How images are drawn",
                        partial(app.set_graphics, mode),
                    )
                )
        if session.logged_in:
            commands += [
                ("set: Choose active set", "The target of a / x", app.action_choose_set),
                ("set: My sets", "Open one of your sets", app.action_my_sets),
                ("writes: Undo last", "Undo the newest write", app.action_undo),
                ("account: Log out", "Forget the stored API key", app.action_logout),
            ]
            active = session.sets.active
            if active is not None:
                commands.append(
                    ("set: Clear active set", "No active set", partial(_clear_active, app))
                )
            if active is not None and active.owned:
                commands += [
                    (
                        "set: Edit active set",
                        "Rename, describe, make public or private",
                        partial(_set_flow, app, "edit", active.id),
                    ),
                    (
                        "set: Delete active set",
                        "Delete it (asks first)",
                        partial(_set_flow, app, "delete", active.id),
                    ),
                ]
        else:
            commands.append(("account: Log in", "Username and API key", app.action_login))
        commands += app.download_actions.commands(self.screen)
        return commands + discovery_commands(app)

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        """All commands, before anything is typed."""
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        """Commands matching what was typed."""
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def _back_to_search(app: E621App) -> SearchScreen | None:
    """Pop screens down to the topmost search screen and return it."""
    for screen in reversed(app.screen_stack):
        if isinstance(screen, SearchScreen):
            search: SearchScreen = screen
            while app.screen is not search:
                app.pop_screen()
            return search
    return None


def _search(app: E621App, query: str) -> None:
    screen = _back_to_search(app)
    if screen is not None:
        screen.query_one("#query", Input).value = query
        screen.search(query)


def _search_focus(app: E621App) -> None:
    screen = _back_to_search(app)
    if screen is not None:
        screen.action_focus_search()


def _toggle_bl(app: E621App) -> None:
    if isinstance(app.screen, GridScreen):
        app.screen.action_toggle_blacklisted()


def _clear_active(app: E621App) -> None:
    app.run_worker(app.session.sets.set_active(None), group="active-set")


def _set_flow(app: E621App, what: str, set_id: int) -> None:
    run_set_flow(app, edit_set if what == "edit" else delete_set, set_id)


Command = tuple[str, str, Callable[[], object]]


def discovery_commands(app: E621App) -> list[Command]:
    """Feed, follows, popular, random, saved searches and recall; tag info and comments."""
    discovery = app.discovery
    commands: list[Command] = [
        ("feed: Followed tags", "New posts of the tags you follow", discovery.open_feed),
        ("popular: Today", "Today's popular posts", partial(discovery.open_popular, "day")),
        ("popular: This week", "This week's, by score", partial(discovery.open_popular, "week")),
        ("popular: This month", "This month's, by score", partial(discovery.open_popular, "month")),
        ("search: Random post", "A random post matching the search", discovery.random_post),
        ("search: Recall…", "Saved and earlier searches (ctrl+r)", discovery.recall),
    ]
    screen = app.screen
    if isinstance(screen, FeedScreen):
        commands.append(("feed: Mark all seen", "Empty the feed", discovery.mark_feed_seen))
    if discovery.follows:
        commands.append(("feed: Unfollow a tag…", "Pick a followed tag", discovery.unfollow_picker))
    if isinstance(screen, SearchScreen):
        tag = screen.single_tag()
        if tag is not None:
            verb = "Unfollow" if discovery.is_followed(tag) else "Follow"
            shown = one_line(tag, 40)
            commands.append(
                (f'feed: {verb} "{shown}"', "Its new posts in the feed", screen.action_follow)
            )
        if screen.current_query:
            commands.append(("search: Save as…", "Name this search", screen.action_save_search))
    if isinstance(screen, PostScreen):
        post = screen.current
        commands += [
            ("post: Comments", "This post's comments", partial(discovery.comments, post)),
            (
                "post: Tag info…",
                "Wiki and related tags",
                partial(discovery.tag_info_from_post, post),
            ),
            (
                "feed: Follow a tag of this post…",
                "Pick one",
                partial(discovery.follow_from_post, post),
            ),
        ]
    for name, query in discovery.saved().items:
        commands.append(
            (
                f'search: Saved "{one_line(name, 60)}"',
                one_line(query, 80),
                partial(discovery.search, query),
            )
        )
    return commands
