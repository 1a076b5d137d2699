"""The app's one-key actions on posts: favorite, vote, sets, links, download, undo, login."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App

from e621tui.api.errors import ApiError
from e621tui.api.models import Post, SetChoice
from e621tui.core.events import NotLoggedIn
from e621tui.core.session import Session
from e621tui.text.sanitize import one_line

_NEEDS_POSTS = {
    "favorite",
    "vote",
    "choose_set",
    "add_active",
    "remove_active",
    "open_browser",
    "copy_link",
    "download",
}
_NEEDS_LOGIN = {"favorite", "vote", "choose_set", "add_active", "remove_active", "undo", "my_sets"}


class PostActions(App[None]):
    """Base of `E621App`: actions that apply to the current screen's target posts."""

    session: Session
    credentials: Any
    download_dir: Path
    url_opener: Any
    save_local_blacklist: Any = None
    _last_report: tuple[str, float] = ("", 0.0)

    def open_pool(self, pool_id: int) -> Any:
        """Show a pool (implemented by the app)."""
        raise NotImplementedError

    def open_set(self, set_id: int) -> Any:
        """Show a set (implemented by the app)."""
        raise NotImplementedError

    def report(self, exc: BaseException, what: str) -> None:
        """Show an error once, as plain text (never a traceback, never markup)."""
        text = f"{what}: {exc}"
        now = time.monotonic()
        if text == self._last_report[0] and now - self._last_report[1] < 5:
            return
        self._last_report = (text, now)
        self.notify(one_line(text, 300), severity="error", markup=False, timeout=8)

    def target_posts(self) -> list[Post]:
        """The marked posts of the current screen, else its focused post."""
        getter = getattr(self.screen, "target_posts", None)
        if callable(getter):
            posts = getter()
            assert isinstance(posts, list)
            return posts
        return []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out actions that don't apply here (no posts, not logged in)."""
        if action in _NEEDS_POSTS and not self.target_posts():
            return None
        if action in _NEEDS_LOGIN and not self.session.logged_in:
            return None
        if action == "remove_active" and self.session.sets.active is None:
            return None
        return True

    def _done(self) -> None:
        done = getattr(self.screen, "actions_done", None)
        if callable(done):
            done()

    def _login_hint(self) -> None:
        self.notify(str(NotLoggedIn()), severity="warning", markup=False)

    # ---- writes --------------------------------------------------------------------------

    def action_favorite(self) -> None:
        """Favorite the target posts (or unfavorite, if all already are)."""
        posts = self.target_posts()
        if not self.session.logged_in:
            self._login_hint()
            return
        if len(posts) == 1:
            self.session.writes.toggle_favorite(posts[0])
        else:
            todo = [p for p in posts if not p.is_favorited] or posts
            for post in todo:
                self.session.writes.toggle_favorite(post)
            self.notify(
                f"{'favorited' if todo[0].is_favorited else 'unfavorited'} {len(todo)} posts"
            )
        self._done()

    def action_vote(self, score: int) -> None:
        """Vote on the target posts (the same vote again clears it)."""
        posts = self.target_posts()
        if not self.session.logged_in:
            self._login_hint()
            return
        for post in posts:
            if len(posts) > 1 and post.vote == score:
                continue  # a bulk vote sets, it never toggles off
            self.session.writes.vote(post, score)
        self._done()

    def action_choose_set(self) -> None:
        """Pick a set (it becomes the active set) and add the target posts to it."""
        if not self.session.logged_in:
            self._login_hint()
            return
        self._pick_set_and_add(self.target_posts())

    @work(group="set-picker", exclusive=True, exit_on_error=False)
    async def _pick_set_and_add(self, posts: list[Post]) -> None:
        choice = await self._pick_set("Add to set")
        if choice is None:
            return
        await self._make_active(choice)
        if posts:
            self._add(posts, choice)

    async def _pick_set(self, title: str) -> SetChoice | None:
        from e621tui.ui.dialogs.set_picker import SetPicker

        session = self.session
        if not session.sets.my_sets:
            try:
                await session.sets.load_my_sets()
            except ApiError as exc:
                self.report(exc, "loading your sets")
                return None
        active = session.sets.active.id if session.sets.active else None
        picker = SetPicker(
            session.sets.my_sets, active_id=active, title=title, create=self._create_set
        )
        choice: SetChoice | None = await self.push_screen_wait(picker)
        return choice

    async def _create_set(self, name: str, shortname: str, description: str, public: bool) -> Any:
        return await self.session.sets.create(name, shortname, description, public)

    async def _make_active(self, choice: SetChoice) -> None:
        try:
            await self.session.sets.set_active(choice)
        except ApiError as exc:
            self.report(exc, f"loading set {choice.name}")

    def _add(self, posts: list[Post], choice: SetChoice) -> None:
        self._edit_set(posts, choice, adding=True)

    def _edit_set(self, posts: list[Post], choice: SetChoice, *, adding: bool) -> None:
        """Add or remove posts (only those whose membership changes), then say so."""
        session = self.session
        name = one_line(choice.name, 40)
        members = session.sets.active_members
        todo = [p for p in posts if (p.id not in members) == adding]
        if not todo:
            self.notify(f"{'already' if adding else 'not'} in {name}", markup=False)
            return
        try:
            if adding:
                session.writes.add_to_set(todo, choice.id)
            else:
                session.writes.remove_from_set(todo, choice.id)
        except ValueError as exc:
            self.notify(str(exc), markup=False)
            return
        what = f"#{todo[0].id}" if len(todo) == 1 else f"{len(todo)} posts"
        verb = f"adding {what} to" if adding else f"removing {what} from"
        self.notify(f"{verb} {name}", markup=False)
        self._done()

    def action_add_active(self) -> None:
        """Add the target posts to the active set (the picker if there is none yet)."""
        if not self.session.logged_in:
            self._login_hint()
            return
        if self.session.sets.active is None:
            self.action_choose_set()
            return
        self._add(self.target_posts(), self.session.sets.active)

    def action_remove_active(self) -> None:
        """Remove the target posts from the active set."""
        choice = self.session.sets.active
        if choice is None:
            self.notify("no active set: press s to choose one", markup=False)
            return
        self._edit_set(self.target_posts(), choice, adding=False)

    def action_undo(self) -> None:
        """Undo the newest write."""
        try:
            action = self.session.writes.undo()
        except NotLoggedIn:
            self._login_hint()
            return
        if action is None:
            self.notify("nothing to undo", markup=False)
        else:
            self.notify(f"undo: {self.session.writes.describe(action)}", markup=False)

    # ---- links and files -----------------------------------------------------------------

    def post_url(self, post: Post) -> str:
        """The post's page on the site."""
        return f"{self.session.client.base_url}/posts/{post.id}"

    def action_open_browser(self) -> None:
        """Open the focused post's page in a web browser."""
        posts = self.target_posts()
        if posts:
            self._open_in_browser(self.post_url(posts[0]))

    @work(group="browser", exit_on_error=False, thread=True)
    def _open_in_browser(self, url: str) -> None:
        opened = False
        try:
            opened = bool(self.url_opener(url))
        except Exception as exc:  # webbrowser raises whatever the platform's launcher raises
            self.call_from_thread(self.report, exc, "opening a browser")
            return
        if not opened:
            self.call_from_thread(self.copy_to_clipboard, url)
            self.call_from_thread(self.notify, f"no browser here; link copied: {url}", markup=False)

    def action_copy_link(self) -> None:
        """Copy the focused post's link (OSC 52: works over SSH and in tmux with set-clipboard)."""
        posts = self.target_posts()
        if posts:
            url = self.post_url(posts[0])
            self.copy_to_clipboard(url)
            self.notify(f"copied {url}", markup=False)

    def action_download(self) -> None:
        """Download the originals of the target posts."""
        posts = [p for p in self.target_posts() if p.file.url]
        if not posts:
            self.notify("no downloadable file (hidden or deleted)", markup=False)
            return
        self._download(posts)

    @work(group="download", exit_on_error=False)
    async def _download(self, posts: list[Post]) -> None:
        from e621tui.core.downloads import DownloadError, download_original

        for post in posts:
            try:
                path = await download_original(self.session, post, self.download_dir)
            except DownloadError as exc:
                self.report(exc, f"downloading #{post.id}")
                continue
            self.notify(f"saved {path}", markup=False)
        self._done()
