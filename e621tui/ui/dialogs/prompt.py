"""Ask for one line of text, with optional inline validation."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs._base import Dialog, ErrorLine, safe_text

Validator = Callable[[str], str | None]
"""Returns an error message for a bad value, or None when the value is fine."""


def int_validator(what: str) -> Validator:
    """A validator accepting positive whole numbers (ids), e.g. ``int_validator("A pool id")``."""

    def validate(value: str) -> str | None:
        text = value.strip()
        if not text:
            return f"{what} is needed."
        if not text.isascii() or not text.isdigit() or int(text) <= 0:
            return f"{what} must be a positive whole number."
        return None

    return validate


class PromptDialog(Dialog[str | None]):
    """One input line; Enter submits (if `validate` accepts), escape returns None.

    Args:
        title: What is asked.
        placeholder: Greyed hint inside the empty input.
        value: Initial text.
        validate: Returns an error message to show under the input, or None to accept.
        password: Mask the typed text.
    """

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        validate: Validator | None = None,
        password: bool = False,
    ) -> None:
        super().__init__()
        self._title = title
        self._placeholder = one_line(placeholder)
        self._initial = one_line(value)
        self._validate = validate
        self._password = password

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text(self._title), classes="dialog-title")
            yield Input(
                self._initial, placeholder=self._placeholder, password=self._password, id="value"
            )
            yield ErrorLine(id="error")
            yield Static(safe_text("enter: OK · escape: cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#error", ErrorLine).show(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self._validate(event.value) if self._validate is not None else None
        if problem:
            self.query_one("#error", ErrorLine).show(problem)
            return
        self.finish(event.value)
