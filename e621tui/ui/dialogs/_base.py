"""What every dialog shares: the framed look, a dismiss-once guard and safe text helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from e621tui.text.sanitize import clean, one_line
from e621tui.ui.styles import stylesheet

ResultT = TypeVar("ResultT")


def safe_text(text: object, *, multiline: bool = False, style: str = "") -> Text:
    """Server or user text as a `Text` that is never parsed as markup and holds no escapes."""
    plain = clean(text, keep_newlines=True) if multiline else one_line(text)
    return Text(plain, style=style)


class ErrorLine(Static):
    """An inline error message, hidden while empty; text is always shown literally."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.display = False
        self.message = ""

    def show(self, message: str | None) -> None:
        """Show `message` (sanitized, multi-line allowed), or hide the line for None/""."""
        self.message = clean(message, keep_newlines=True) if message else ""
        self.update(Text(self.message))
        self.display = bool(self.message)


class Dialog(ModalScreen[ResultT]):
    """A centred, framed modal screen that dismisses exactly once with a typed result.

    Subclasses set `CANCEL_RESULT` (what escape returns) and call `finish(value)`. Every
    dialog's styles are in ``styles/dialogs.tcss``.
    """

    # Absolute: Textual resolves a relative CSS_PATH against the file of each subclass.
    CSS_PATH = stylesheet("dialogs.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel", tooltip="Close without choosing"),
    ]

    CANCEL_RESULT: ResultT | None = None

    def __init__(self) -> None:
        super().__init__()
        self._finished = False

    def finish(self, result: ResultT) -> None:
        """Dismiss with `result`, once (a second Enter must not pop the screen below)."""
        if self._finished:
            return
        self._finished = True
        self.dismiss(result)

    def action_cancel(self) -> None:
        """Close with the cancel value."""
        self.finish(self.CANCEL_RESULT)  # type: ignore[arg-type]


class FilterPicker(Dialog[ResultT]):
    """A dialog that lists choices in an `OptionList` (``#LIST_ID``) under a filter `Input`
    (``#filter``): typing re-lists them, up/down move the highlight while the filter keeps
    focus. Subclasses compose both widgets, bind ``move(-1)`` / ``move(1)`` and define
    ``_fill(query)``, which lists the choices matching ``query``."""

    LIST_ID: ClassVar[str] = "choices"
    _fill: Callable[[str], None]

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        """Move the highlight while the filter keeps focus."""
        option_list = self.query_one(f"#{self.LIST_ID}", OptionList)
        if step < 0:
            option_list.action_cursor_up()
        else:
            option_list.action_cursor_down()
