"""Edit the blacklist: one rule per line, saved to the account or the local config."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from e621tui.text.sanitize import clean
from e621tui.ui.dialogs._base import Dialog, safe_text
from e621tui.ui.dialogs.confirm import ConfirmDialog

GRAMMAR = (
    "One rule per line; a post is hidden when all of a line's tags match.\n"
    "-tag: must not have it · ~tag: any one of these · * wildcard (cat*)\n"
    "rating:e / rating:q / rating:s · score:<0 · id:>1000 · fav:me · # comment"
)


class BlacklistEditor(Dialog[str | None]):
    """A text editor for the blacklist; ctrl+s returns the text, escape returns None.

    Escape asks before discarding changes.

    Args:
        text: The current blacklist (lines separated by newlines).
        where: Where saving puts it, e.g. "your account on the site" or "the local config file".
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="blacklist.save", tooltip="Save the blacklist"),
    ]

    def __init__(self, text: str, *, where: str) -> None:
        super().__init__()
        # The text may come from the server; control characters have no place in a blacklist.
        self._original = clean(text, keep_newlines=True)
        self._where = where
        self._asking = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text("Blacklist"), classes="dialog-title")
            yield Static(safe_text(f"Saving writes it to {self._where}."), id="where")
            yield TextArea(self._original, soft_wrap=False, show_line_numbers=True, id="rules")
            yield Static(safe_text(GRAMMAR, multiline=True), classes="dialog-hint")
            yield Static(safe_text("ctrl+s: save · escape: cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#rules", TextArea).focus()

    @property
    def text(self) -> str:
        """The text as edited so far."""
        return self.query_one("#rules", TextArea).text

    def action_save(self) -> None:
        """Close with the edited text."""
        self.finish(self.text)

    def action_cancel(self) -> None:
        """Close without saving; ask first when there are changes."""
        if self.text == self._original:
            self.finish(None)
            return
        if self._asking:
            return
        self._asking = True

        def answered(discard: bool | None) -> None:
            self._asking = False
            if discard:
                self.finish(None)

        question = "Discard your changes to the blacklist?"
        self.app.push_screen(ConfirmDialog(question, yes="Discard", no="Keep editing"), answered)
