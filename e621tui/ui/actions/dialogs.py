"""The app's dialog actions: help, writes, log in/out, your sets, open by id, blacklist, quit."""

from __future__ import annotations

from textual import work

from e621tui.api.errors import ApiError
from e621tui.text.sanitize import one_line
from e621tui.ui.actions.posts import PostActions


class DialogActions(PostActions):
    """Base of `E621App`: the actions that open a dialog or screen of their own."""

    def action_help(self) -> None:
        """Show every key."""
        from e621tui.ui.dialogs.help import HelpScreen, collect_bindings

        keymap = getattr(self, "keymap_overrides", None)
        self.push_screen(HelpScreen(collect_bindings(self, keymap=keymap)))

    def action_writes(self) -> None:
        """Show pending and failed writes."""
        from e621tui.ui.dialogs.writes import WritesScreen

        self.push_screen(WritesScreen(self.session.writes))

    def action_login(self) -> None:
        """Log in from inside the app."""
        self._login_flow()

    @work(group="login", exclusive=True, exit_on_error=False)
    async def _login_flow(self) -> None:
        from e621tui.ui.dialogs.login import LoginDialog

        session = self.session
        result: tuple[str, str] | None = await self.push_screen_wait(
            LoginDialog(session.client.base_url, session.client.username or "")
        )
        if result is None:
            return
        username, api_key = result
        from e621tui.settings.credentials import register_secret

        register_secret(api_key)
        if await session.login(username, api_key):
            if self.credentials is not None:
                try:
                    self.credentials.set(session.client.base_url, username, api_key)
                except Exception as exc:  # CredentialError and OS errors: say so, keep going
                    self.report(exc, "storing the API key")
            self.notify(f"logged in as {one_line(username, 40)}", markup=False)
            try:
                await session.sets.load_my_sets()
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
        from e621tui.ui.messages import StatusUpdated

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
        from e621tui.ui.dialogs.prompt import PromptDialog, int_validator

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
        from e621tui.ui.dialogs.blacklist import BlacklistEditor

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
        outbox = self.session.writes.outbox
        pending = outbox.pending_count() if outbox is not None else 0
        if pending:
            self._confirm_quit(pending)
            return
        self.exit()

    @work(group="quit", exclusive=True, exit_on_error=False)
    async def _confirm_quit(self, pending: int) -> None:
        from e621tui.ui.dialogs.confirm import ConfirmDialog

        outbox = self.session.writes.outbox
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
