"""Actions on posts: favorite, vote, sets, links, undo (downloads: `DownloadActions`).

`PostActions` is a controller the app owns: the app's key bindings delegate to it in one line.
It applies each action to the current screen's `PostViewScreen.target_posts`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from e621tui.api.errors import ApiError
from e621tui.api.models import Post, SetChoice
from e621tui.core.events import NotLoggedIn
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs.set_picker import SetPicker
from e621tui.ui.screens.base import PostViewScreen

if TYPE_CHECKING:
    from e621tui.ui.app import E621App

#: Actions that need posts to act on, and actions that need an account.
NEEDS_POSTS = frozenset(
    {
        "favorite",
        "vote",
        "choose_set",
        "add_active",
        "remove_active",
        "open_browser",
        "copy_link",
        "download",
    }
)
NEEDS_LOGIN = frozenset(
    {"favorite", "vote", "choose_set", "add_active", "remove_active", "undo", "my_sets"}
)


class PostActions:
    """Performs the post actions for the app.

    Args:
        app: The app (for the session, the current screen, dialogs and notifications).
        url_opener: Opens a link in a graphical browser; False when there is none.
    """

    def __init__(self, app: E621App, *, url_opener: Callable[[str], bool]) -> None:
        self._app = app
        self._open_url = url_opener

    def targets(self) -> list[Post]:
        """The marked posts of the current screen, else its focused post."""
        screen = self._app.screen
        return screen.target_posts() if isinstance(screen, PostViewScreen) else []

    def allowed(self, action: str) -> bool | None:
        """For `check_action`: None greys out an action that does not apply here, False hides
        it (post actions on a screen that shows no posts, such as the downloads view)."""
        if action in NEEDS_POSTS and not isinstance(self._app.screen, PostViewScreen):
            return False
        if action in NEEDS_POSTS and not self.targets():
            return None
        if action in NEEDS_LOGIN and not self._app.session.logged_in:
            return None
        if action == "remove_active" and self._app.session.sets.active is None:
            return None
        return True

    def _done(self) -> None:
        screen = self._app.screen
        if isinstance(screen, PostViewScreen):
            screen.actions_done()

    def login_hint(self) -> None:
        """Say how to log in."""
        self._app.notify(str(NotLoggedIn()), severity="warning", markup=False)

    # ---- writes --------------------------------------------------------------------------

    def favorite(self) -> None:
        """Favorite the target posts (or unfavorite, if all already are)."""
        session = self._app.session
        posts = self.targets()
        if not session.logged_in:
            self.login_hint()
            return
        if len(posts) == 1:
            session.writes.toggle_favorite(posts[0])
        else:
            todo = [p for p in posts if not p.is_favorited] or posts
            for post in todo:
                session.writes.toggle_favorite(post)
            verb = "favorited" if todo[0].is_favorited else "unfavorited"
            self._app.notify(f"{verb} {len(todo)} posts", markup=False)
        self._done()

    def vote(self, score: int) -> None:
        """Vote on the target posts (the same vote again clears it)."""
        session = self._app.session
        posts = self.targets()
        if not session.logged_in:
            self.login_hint()
            return
        for post in posts:
            if len(posts) > 1 and post.vote == score:
                continue  # a bulk vote sets, it never toggles off
            session.writes.vote(post, score)
        self._done()

    def choose_set(self) -> None:
        """Pick a set (it becomes the active set) and add the target posts to it."""
        if not self._app.session.logged_in:
            self.login_hint()
            return
        posts = self.targets()
        self._app.run_worker(
            self._pick_and_add(posts), group="set-picker", exclusive=True, exit_on_error=False
        )

    async def _pick_and_add(self, posts: list[Post]) -> None:
        choice = await self.pick_set("Add to set")
        if choice is None:
            return
        try:
            await self._app.session.sets.set_active(choice)
        except ApiError as exc:
            self._app.report(exc, f"loading set {choice.name}")
        if posts:
            self._edit_set(posts, choice, adding=True)

    async def pick_set(self, title: str) -> SetChoice | None:
        """Ask which of your sets (loading them first if needed); None if cancelled."""
        sets = self._app.session.sets
        if not sets.my_sets:
            try:
                await sets.load_my_sets()
            except ApiError as exc:
                self._app.report(exc, "loading your sets")
                return None
        active = sets.active.id if sets.active else None
        picker = SetPicker(sets.my_sets, active_id=active, title=title, create=sets.create)
        choice: SetChoice | None = await self._app.push_screen_wait(picker)
        return choice

    def _edit_set(self, posts: list[Post], choice: SetChoice, *, adding: bool) -> None:
        """Add or remove posts (only those whose membership changes), then say so."""
        session = self._app.session
        name = one_line(choice.name, 40)
        members = session.sets.members(choice.id)
        if members is None:
            members = session.sets.active_members
        todo = [p for p in posts if (p.id not in members) == adding]
        if not todo:
            self._app.notify(f"{'already' if adding else 'not'} in {name}", markup=False)
            return
        try:
            if adding:
                session.writes.add_to_set(todo, choice.id)
            else:
                session.writes.remove_from_set(todo, choice.id)
        except ValueError as exc:
            self._app.notify(str(exc), markup=False)
            return
        what = f"#{todo[0].id}" if len(todo) == 1 else f"{len(todo)} posts"
        verb = f"adding {what} to" if adding else f"removing {what} from"
        self._app.notify(f"{verb} {name}", markup=False)
        self._done()

    def add_active(self) -> None:
        """Add the target posts to the active set (the picker if there is none yet)."""
        session = self._app.session
        if not session.logged_in:
            self.login_hint()
            return
        if session.sets.active is None:
            self.choose_set()
            return
        self._edit_set(self.targets(), session.sets.active, adding=True)

    def remove_active(self) -> None:
        """Remove the target posts from the active set."""
        choice = self._app.session.sets.active
        if choice is None:
            self._app.notify("no active set: press s to choose one", markup=False)
            return
        self._edit_set(self.targets(), choice, adding=False)

    def undo(self) -> None:
        """Undo the newest write."""
        writes = self._app.session.writes
        try:
            action = writes.undo()
        except NotLoggedIn:
            self.login_hint()
            return
        if action is None:
            self._app.notify("nothing to undo", markup=False)
        else:
            self._app.notify(f"undo: {writes.describe(action)}", markup=False)

    # ---- links and files -----------------------------------------------------------------

    def post_url(self, post: Post) -> str:
        """The post's page on the site."""
        return f"{self._app.session.client.base_url}/posts/{post.id}"

    def open_browser(self) -> None:
        """Open the focused post's page in a web browser (else copy the link)."""
        posts = self.targets()
        if posts:
            url = self.post_url(posts[0])
            self._app.run_worker(
                lambda: self._open_in_browser(url),
                group="browser",
                thread=True,
                exit_on_error=False,
            )

    def _open_in_browser(self, url: str) -> None:
        app = self._app
        try:
            opened = bool(self._open_url(url))
        except Exception as exc:  # webbrowser raises whatever the platform's launcher raises
            app.call_from_thread(app.report, exc, "opening a browser")
            return
        if not opened:
            app.call_from_thread(app.copy_to_clipboard, url)
            app.call_from_thread(app.notify, f"no browser here; link copied: {url}", markup=False)

    def copy_link(self) -> None:
        """Copy the focused post's link (OSC 52: works over SSH and in tmux with set-clipboard)."""
        posts = self.targets()
        if posts:
            url = self.post_url(posts[0])
            self._app.copy_to_clipboard(url)
            self._app.notify(f"copied {url}", markup=False)


__all__ = ["NEEDS_LOGIN", "NEEDS_POSTS", "PostActions"]
