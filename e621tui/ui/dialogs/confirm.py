"""A yes/no question."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from e621tui.ui.dialogs._base import Dialog, safe_text


class ConfirmDialog(Dialog[bool]):
    """Ask a question; `y`/Enter on Yes answer True, `n`/escape answer False.

    Args:
        question: The question; may contain server text (it is shown literally).
        yes: Label of the affirmative button.
        no: Label of the negative button.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
    ]

    CANCEL_RESULT = False

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text(self._question, multiline=True), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(safe_text(self._yes), variant="primary", id="yes")
                yield Button(safe_text(self._no), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.finish(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """Close with `answer`."""
        self.finish(answer)
