"""The app's one-key actions on posts: favorite, vote, sets, links, download, undo, login."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App

from e621tui.api.errors import ApiError
from e621tui.api.models import Post, SetChoice
from e621tui.sanitize import one_line
from e621tui.session.session import NotLoggedIn, Session

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
        if action == "remove_active" and self.session.active_set is None:
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
            self.session.toggle_favorite(posts[0])
        else:
            todo = [p for p in posts if not p.is_favorited] or posts
            for post in todo:
                self.session.toggle_favorite(post)
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
            self.session.vote(post, score)
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
        from e621tui.dialogs.set_picker import SetPicker

        session = self.session
        if not session.my_sets:
            try:
                await session.load_my_sets()
            except ApiError as exc:
                self.report(exc, "loading your sets")
                return None
        active = session.active_set.id if session.active_set else None
        picker = SetPicker(session.my_sets, active_id=active, title=title, create=self._create_set)
        choice: SetChoice | None = await self.push_screen_wait(picker)
        return choice

    async def _create_set(self, name: str, shortname: str, description: str, public: bool) -> Any:
        return await self.session.create_set(name, shortname, description, public)

    async def _make_active(self, choice: SetChoice) -> None:
        try:
            await self.session.set_active(choice)
        except ApiError as exc:
            self.report(exc, f"loading set {choice.name}")

    def _add(self, posts: list[Post], choice: SetChoice) -> None:
        session = self.session
        new = [p for p in posts if p.id not in session.active_members]
        if not new:
            self.notify(f"already in {one_line(choice.name, 40)}", markup=False)
            return
        try:
            session.add_to_set(new, choice.id)
        except ValueError as exc:
            self.notify(str(exc), markup=False)
            return
        what = f"#{new[0].id}" if len(new) == 1 else f"{len(new)} posts"
        self.notify(f"adding {what} to {one_line(choice.name, 40)}", markup=False)
        self._done()

    def action_add_active(self) -> None:
        """Add the target posts to the active set (the picker if there is none yet)."""
        if not self.session.logged_in:
            self._login_hint()
            return
        if self.session.active_set is None:
            self.action_choose_set()
            return
        self._add(self.target_posts(), self.session.active_set)

    def action_remove_active(self) -> None:
        """Remove the target posts from the active set."""
        session = self.session
        choice = session.active_set
        if choice is None:
            self.notify("no active set: press s to choose one", markup=False)
            return
        posts = [p for p in self.target_posts() if p.id in session.active_members]
        if not posts:
            self.notify(f"not in {one_line(choice.name, 40)}", markup=False)
            return
        try:
            session.remove_from_set(posts, choice.id)
        except ValueError as exc:
            self.notify(str(exc), markup=False)
            return
        what = f"#{posts[0].id}" if len(posts) == 1 else f"{len(posts)} posts"
        self.notify(f"removing {what} from {one_line(choice.name, 40)}", markup=False)
        self._done()

    def action_undo(self) -> None:
        """Undo the newest write."""
        try:
            action = self.session.undo()
        except NotLoggedIn:
            self._login_hint()
            return
        if action is None:
            self.notify("nothing to undo", markup=False)
        else:
            self.notify(f"undo: {self.session.describe(action)}", markup=False)

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
        from e621tui.session.download import DownloadError, download_original

        for post in posts:
            try:
                path = await download_original(self.session, post, self.download_dir)
            except DownloadError as exc:
                self.report(exc, f"downloading #{post.id}")
                continue
            self.notify(f"saved {path}", markup=False)
        self._done()

    # ---- dialogs -------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        from e621tui.dialogs.help import HelpScreen, collect_bindings

        keymap = getattr(self, "keymap_overrides", None)
        self.push_screen(HelpScreen(collect_bindings(self, keymap=keymap)))

    def action_writes(self) -> None:
        """Show pending and failed writes."""
        from e621tui.dialogs.writes import WritesScreen

        self.push_screen(WritesScreen(self.session))

    def action_login(self) -> None:
        """Log in from inside the app."""
        self._login_flow()

    @work(group="login", exclusive=True, exit_on_error=False)
    async def _login_flow(self) -> None:
        from e621tui.dialogs.login import LoginDialog

        session = self.session
        result: tuple[str, str] | None = await self.push_screen_wait(
            LoginDialog(session.client.base_url, session.client.username or "")
        )
        if result is None:
            return
        username, api_key = result
        from e621tui.credentials import register_secret

        register_secret(api_key)
        if await session.login(username, api_key):
            if self.credentials is not None:
                try:
                    self.credentials.set(session.client.base_url, username, api_key)
                except Exception as exc:  # CredentialError and OS errors: say so, keep going
                    self.report(exc, "storing the API key")
            self.notify(f"logged in as {one_line(username, 40)}", markup=False)
            try:
                await session.load_my_sets()
            except ApiError as exc:
                self.report(exc, "loading your sets")
        else:
            self.notify(
                one_line(session.login_message or "login failed", 300),
                severity="error",
                markup=False,
            )
        self._broadcast_status()

    def _broadcast_status(self) -> None:
        from e621tui.messages import StatusUpdated

        for screen in self.screen_stack:
            screen.post_message(StatusUpdated())
            refresh = getattr(screen, "refresh_bindings", None)
            if callable(refresh):
                refresh()

    def action_logout(self) -> None:
        """Forget the account and its stored key."""
        username = self.session.client.username
        self.session.logout()
        if self.credentials is not None and username:
            self.credentials.delete(self.session.client.base_url, username)
        self.notify("logged out", markup=False)
        self._broadcast_status()

    def action_my_sets(self) -> None:
        """Open one of your sets."""
        if not self.session.logged_in:
            self._login_hint()
            return
        self._open_my_set()

    @work(group="set-picker", exclusive=True, exit_on_error=False)
    async def _open_my_set(self) -> None:
        choice = await self._pick_set("Open one of your sets")
        if choice is not None:
            self.open_set(choice.id)

    def action_open_pool_prompt(self) -> None:
        """Ask for a pool id and open it."""
        self._prompt_and_open("pool")

    def action_open_set_prompt(self) -> None:
        """Ask for a set id and open it."""
        self._prompt_and_open("set")

    @work(group="prompt", exclusive=True, exit_on_error=False)
    async def _prompt_and_open(self, what: str) -> None:
        from e621tui.dialogs.prompt import PromptDialog, int_validator

        value: str | None = await self.push_screen_wait(
            PromptDialog(f"Open {what} by id", placeholder="id", validate=int_validator(what))
        )
        if value:
            (self.open_pool if what == "pool" else self.open_set)(int(value))

    def action_edit_blacklist(self) -> None:
        """Edit the blacklist (saved to the account when logged in)."""
        self._edit_blacklist()

    @work(group="blacklist", exclusive=True, exit_on_error=False)
    async def _edit_blacklist(self) -> None:
        from e621tui.dialogs.blacklist import BlacklistEditor

        session = self.session
        logged = session.user is not None
        current = (
            (session.user.blacklisted_tags or "")
            if session.user
            else session.options.local_blacklist
        )
        text: str | None = await self.push_screen_wait(
            BlacklistEditor(
                current, where="your account on the site" if logged else "the local config file"
            )
        )
        if text is None:
            return
        try:
            where = await session.save_blacklist(text)
        except ApiError as exc:
            self.report(exc, "saving the blacklist")
            return
        if where == "account" and session.user is not None:
            session.user.blacklisted_tags = text
        else:
            session.options.local_blacklist = text
            if self.save_local_blacklist is not None:
                self.save_local_blacklist(text)
        self.notify(f"blacklist saved to {where}", markup=False)
        for screen in self.screen_stack:
            reload = getattr(screen, "refilter", None)
            if callable(reload):
                reload()

    async def action_quit(self) -> None:
        """Quit; ask first if writes are still waiting to be sent."""
        outbox = self.session.outbox
        pending = outbox.pending_count() if outbox is not None else 0
        if pending:
            self._confirm_quit(pending)
            return
        self.exit()

    @work(group="quit", exclusive=True, exit_on_error=False)
    async def _confirm_quit(self, pending: int) -> None:
        from e621tui.dialogs.confirm import ConfirmDialog

        outbox = self.session.outbox
        if outbox is not None and await outbox.flush(timeout=1.5):
            self.exit()
            return
        sure: bool = await self.push_screen_wait(
            ConfirmDialog(
                f"{pending} write(s) are not sent yet. They are saved and will be sent the "
                "next time you start e621-tui. Quit now?",
                yes="Quit",
                no="Stay",
            )
        )
        if sure:
            self.exit()
