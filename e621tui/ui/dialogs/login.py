"""Ask for a user name and API key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs._base import Dialog, ErrorLine, safe_text


class LoginDialog(Dialog[tuple[str, str] | None]):
    """User name + API key; returns ``(username, api_key)`` or None on escape.

    The key is typed into a masked input and never shown anywhere else.

    Args:
        site_url: The site's root URL (for the "create an API key" hint).
        username: Prefilled user name.
        message: Shown above the form, e.g. why the previous login failed.
    """

    def __init__(self, site_url: str, username: str = "", message: str | None = None) -> None:
        super().__init__()
        self._site_url = one_line(site_url).rstrip("/")
        self._username = one_line(username)
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text("Log in"), classes="dialog-title")
            if self._message:
                yield Static(safe_text(self._message, multiline=True), classes="login-message")
            yield Label("User name")
            yield Input(self._username, placeholder="your user name", id="username")
            yield Label("API key")
            yield Input(placeholder="your API key", password=True, id="api-key")
            yield ErrorLine(id="error")
            hint = f"Create an API key on the site: {self._site_url}/users/home → Manage API access"
            yield Static(safe_text(hint), classes="dialog-hint")
            yield Static(safe_text("enter: log in · escape: cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        target = "#api-key" if self._username else "#username"
        self.query_one(target, Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#error", ErrorLine).show(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        username = self.query_one("#username", Input).value.strip()
        api_key = self.query_one("#api-key", Input).value.strip()
        if event.input.id == "username" and username and not api_key:
            self.query_one("#api-key", Input).focus()
            return
        missing = [
            name for name, value in (("user name", username), ("API key", api_key)) if not value
        ]
        if missing:
            self.query_one("#error", ErrorLine).show(f"Enter your {' and '.join(missing)}.")
            self.query_one("#username" if not username else "#api-key", Input).focus()
            return
        self.finish((username, api_key))
