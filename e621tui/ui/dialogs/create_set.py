"""Create a new post set: name, short name, description, public or private."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Switch

from e621tui.api.models import SetChoice
from e621tui.ui.dialogs.set_form import SetFormDialog, check_name, check_shortname

CreateSet = Callable[[str, str, str, bool], Awaitable[SetChoice]]
"""``create(name, shortname, description, is_public)``; raises `ApiError` subclasses."""


def suggest_shortname(name: str) -> str:
    """A short name derived from a set name: lowercase ASCII, ``[a-z0-9_]``, at most 50 chars."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:50]


class CreateSetDialog(SetFormDialog[SetChoice | None]):
    """A form that creates a set through `create` and returns the new `SetChoice`.

    Server validation messages (422) appear under their fields; other errors at the bottom.

    Args:
        create: Creates the set; see `CreateSet`.
        name: Initial set name (e.g. what was typed into the picker's filter).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Create", id="create_set.submit", tooltip="Create the set"),
    ]

    FIELDS = ("name", "shortname", "description")
    PUBLIC_ID = "public"
    SUBMIT = ("create", "Create", "Creating…")
    FAILURE = "Could not create the set"

    def __init__(self, create: CreateSet, *, name: str = "") -> None:
        super().__init__(title="New set", name=name, shortname="", public=False)
        self._create = create
        self._suggested = ""
        self._shortname_edited = False

    def description_field(self) -> Widget:
        return Input(placeholder="optional", id="description")

    def on_input_changed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        self._error(field).show(None)
        if field == "name" and not self._shortname_edited:
            self._suggested = suggest_shortname(event.value)
            self.query_one("#shortname", Input).value = self._suggested
        elif field == "shortname" and event.input.has_focus:
            # Only the user types into the focused field; our suggestions arrive unfocused.
            self._shortname_edited = event.value not in ("", self._suggested)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "description":
            self.action_submit()
        else:
            self.focus_next(Input)

    def action_submit(self) -> None:
        """Validate locally, then create the set in a worker."""
        if self._busy:
            return
        name = self.query_one("#name", Input).value.strip()
        shortname = self.query_one("#shortname", Input).value.strip()
        description = self.query_one("#description", Input).value
        public = self.query_one("#public", Switch).value
        if self._check_locally(name, shortname):
            self._send(lambda: self._create(name, shortname, description, public))


__all__ = ["CreateSet", "CreateSetDialog", "check_name", "check_shortname", "suggest_shortname"]
