"""Account actions: the login check at start, log in (and store the key), log out, edit the
blacklist.

`AccountActions` is a controller the app owns; its bindings delegate to it in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Protocol

from e621tui.api.errors import ApiError
from e621tui.api.limiter import Priority
from e621tui.settings.credentials import CredentialError, register_secret
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs.blacklist import BlacklistEditor
from e621tui.ui.dialogs.login import LoginDialog
from e621tui.ui.screens.base import PostViewScreen

if TYPE_CHECKING:
    from e621tui.ui.app import E621App


class KeyStore(Protocol):
    """Where API keys are kept (`CredentialStore`)."""

    def set(self, host: str, username: str, api_key: str) -> None:
        """Store a key."""

    def delete(self, host: str, username: str) -> None:
        """Forget a key."""


class AccountActions:
    """Log in and out, edit the blacklist.

    Args:
        app: The app (a logged-out blacklist is saved with its `change_settings`).
        credentials: Where a key entered in the app is stored (None: not stored, e.g. demo).
    """

    def __init__(self, app: E621App, *, credentials: KeyStore | None) -> None:
        self._app = app
        self._credentials = credentials

    def check_at_start(self) -> None:
        """Check the stored login once at start (pages wait on ``app.login_checked``), then
        load your sets when the first page is shown."""
        if not self._app.session.logged_in:
            self._app.login_checked.set()
            return
        self._app.run_worker(
            self._check_login(), group="login", exclusive=True, exit_on_error=False
        )

    async def _check_login(self) -> None:
        app = self._app
        try:
            ok = await app.session.check_login()
        finally:
            # Pages wait for this, so that the account's blacklist applies from the first one.
            app.login_checked.set()
        if not ok and app.session.login_message:
            app.warn_once(app.session.login_message)
        app.broadcast_status()
        if ok:
            for screen in app.screen_stack:
                if isinstance(screen, PostViewScreen):
                    screen.refilter()
            await self._load_sets_quietly()

    async def _load_sets_quietly(self) -> None:
        """Your sets, fetched after the first page and its prefetch (they can wait)."""
        app = self._app
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(app.first_page_shown.wait(), timeout=10)
        sets = app.session.sets
        if sets.my_sets:
            return
        try:
            await sets.load_my_sets(priority=Priority.PREFETCH)
        except ApiError as exc:
            app.report(exc, "loading your sets")
            return
        app.broadcast_status()  # e.g. a set screen opened with --set claims it

    def login(self) -> None:
        """Ask for a user name and API key, check them, store the key."""
        self._app.run_worker(self._login(), group="login", exclusive=True, exit_on_error=False)

    async def _login(self) -> None:
        app = self._app
        session = app.session
        result: tuple[str, str] | None = await app.push_screen_wait(
            LoginDialog(session.client.base_url, session.client.username or "")
        )
        if result is None:
            return
        username, api_key = result
        register_secret(api_key)
        if await session.login(username, api_key):
            if self._credentials is not None:
                try:
                    self._credentials.set(session.client.base_url, username, api_key)
                except (CredentialError, OSError) as exc:
                    app.report(exc, "storing the API key")
            app.notify(f"logged in as {one_line(username, 40)}", markup=False)
            try:
                await session.sets.load_my_sets()
            except ApiError as exc:
                app.report(exc, "loading your sets")
        else:
            message = one_line(session.login_message or "login failed", 300)
            app.notify(message, severity="error", markup=False)
        app.account_changed()

    def logout(self) -> None:
        """Forget the account and its stored key."""
        app = self._app
        session = app.session
        username = session.client.username
        session.logout()
        if self._credentials is not None and username:
            self._credentials.delete(session.client.base_url, username)
        app.notify("logged out", markup=False)
        app.account_changed()

    def edit_blacklist(self) -> None:
        """Edit the blacklist (saved to the account when logged in, else to the config)."""
        self._app.run_worker(
            self._edit_blacklist(), group="blacklist", exclusive=True, exit_on_error=False
        )

    async def _edit_blacklist(self) -> None:
        app = self._app
        session = app.session
        user = session.user
        current = (user.blacklisted_tags or "") if user else session.options.local_blacklist
        where = "your account on the site" if user is not None else "the local config file"
        text: str | None = await app.push_screen_wait(BlacklistEditor(current, where=where))
        if text is None:
            return
        try:
            saved_to = await session.save_blacklist(text)
        except ApiError as exc:
            app.report(exc, "saving the blacklist")
            return
        if saved_to == "account" and session.user is not None:
            session.user.blacklisted_tags = text
        else:
            session.options.local_blacklist = text
            app.change_settings(blacklist=text)
        app.notify(f"blacklist saved to {saved_to}", markup=False)
        for screen in app.screen_stack:
            if isinstance(screen, PostViewScreen):
                screen.refilter()


__all__ = ["AccountActions", "KeyStore"]
