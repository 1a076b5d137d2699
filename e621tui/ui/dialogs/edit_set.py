"""Edit a post set's name, short name, description and visibility."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Switch, TextArea

from e621tui.api.models import PostSet
from e621tui.text.sanitize import clean, one_line
from e621tui.ui.dialogs.set_form import SetFormDialog

SetChanges = dict[str, str | bool]
"""Changed fields by `Session.update_set` keyword: name, shortname, description, is_public."""

SaveSet = Callable[[SetChanges], Awaitable[None]]
"""``save(changes)``; raises `ApiError` subclasses (`InvalidQuery` with per-field errors)."""

FIELDS = ("name", "shortname", "description", "is_public")


def _prefill_description(text: str) -> str:
    # The site stores DText with CRLF line ends; edit them as plain newlines.
    return clean(text.replace("\r\n", "\n"), keep_newlines=True)


class EditSetDialog(SetFormDialog[SetChanges | None]):
    """A form prefilled from a set; saves only the changed fields through `save`.

    Returns the saved changes (``{}`` when nothing changed, with no request), or None on
    escape. Server validation messages (422) appear under their fields; others at the bottom.

    Args:
        post_set: The set as the site last returned it.
        save: Sends the changes; see `SaveSet`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="edit_set.submit", tooltip="Save the changes"),
    ]

    FIELDS = FIELDS
    PUBLIC_ID = "is_public"
    SUBMIT = ("save", "Save", "Saving…")
    FAILURE = "Could not save the set"
    HINT = "ctrl+s: save · escape: cancel"

    def __init__(self, post_set: PostSet, save: SaveSet) -> None:
        initial: SetChanges = {
            "name": one_line(post_set.name),
            "shortname": one_line(post_set.shortname),
            "description": _prefill_description(post_set.description),
            "is_public": post_set.is_public,
        }
        super().__init__(
            title=f"Edit set #{post_set.id}",
            name=str(initial["name"]),
            shortname=str(initial["shortname"]),
            public=post_set.is_public,
        )
        self._initial = initial
        self._save = save

    def description_field(self) -> Widget:
        return TextArea(str(self._initial["description"]), soft_wrap=True, id="description")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._error(event.input.id or "").show(None)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._error("description").show(None)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self._error("is_public").show(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def changes(self) -> SetChanges:
        """The fields whose value differs from the set's."""
        current: SetChanges = {
            "name": self.query_one("#name", Input).value.strip(),
            "shortname": self.query_one("#shortname", Input).value.strip(),
            "description": self.query_one("#description", TextArea).text,
            "is_public": self.query_one("#is_public", Switch).value,
        }
        return {key: value for key, value in current.items() if value != self._initial[key]}

    def action_submit(self) -> None:
        """Validate the changed fields locally, then save them in a worker."""
        if self._busy:
            return
        changes = self.changes()
        name, shortname = changes.get("name"), changes.get("shortname")
        if not self._check_locally(
            None if name is None else str(name), None if shortname is None else str(shortname)
        ):
            return
        if not changes:
            self.finish({})
            return
        self._send(lambda: self._saved(changes))

    async def _saved(self, changes: SetChanges) -> SetChanges:
        await self._save(changes)
        return changes
