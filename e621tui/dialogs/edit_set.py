"""Edit a post set's name, short name, description and visibility."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static, Switch, TextArea
from textual.worker import Worker, WorkerState

from e621tui.api.errors import ApiError, InvalidQuery
from e621tui.api.models import PostSet
from e621tui.dialogs._base import Dialog, ErrorLine, safe_text
from e621tui.dialogs.create_set import check_name, check_shortname
from e621tui.sanitize import clean, one_line
from e621tui.session.session import NotLoggedIn

SetChanges = dict[str, str | bool]
"""Changed fields by `Session.update_set` keyword: name, shortname, description, is_public."""

SaveSet = Callable[[SetChanges], Awaitable[None]]
"""``save(changes)``; raises `ApiError` subclasses (`InvalidQuery` with per-field errors)."""

FIELDS = ("name", "shortname", "description", "is_public")


def _prefill_description(text: str) -> str:
    # The site stores DText with CRLF line ends; edit them as plain newlines.
    return clean(text.replace("\r\n", "\n"), keep_newlines=True)


class EditSetDialog(Dialog[SetChanges | None]):
    """A form prefilled from a set; saves only the changed fields through `save`.

    Returns the saved changes (``{}`` when nothing changed, with no request), or None on
    escape. Server validation messages (422) appear under their fields; others at the bottom.

    Args:
        post_set: The set as the site last returned it.
        save: Sends the changes; see `SaveSet`.
    """

    DEFAULT_CSS = """
    EditSetDialog Label { margin-top: 1; }
    EditSetDialog #description { height: 6; }
    EditSetDialog .public-row { height: auto; margin-top: 1; }
    EditSetDialog .public-row Label { margin: 1 1 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="edit_set.submit", tooltip="Save the changes"),
    ]

    def __init__(self, post_set: PostSet, save: SaveSet) -> None:
        super().__init__()
        self._save = save
        self._set_id = post_set.id
        self._initial: SetChanges = {
            "name": one_line(post_set.name),
            "shortname": one_line(post_set.shortname),
            "description": _prefill_description(post_set.description),
            "is_public": post_set.is_public,
        }
        self._busy = False

    def compose(self) -> ComposeResult:
        initial = self._initial
        with Vertical(classes="dialog"):
            yield Static(safe_text(f"Edit set #{self._set_id}"), classes="dialog-title")
            yield Label("Name")
            yield Input(str(initial["name"]), placeholder="3 to 100 characters", id="name")
            yield ErrorLine(id="name-error")
            yield Label("Short name (used in set:NAME searches)")
            yield Input(str(initial["shortname"]), placeholder="a-z, 0-9 and _", id="shortname")
            yield ErrorLine(id="shortname-error")
            yield Label("Description")
            yield TextArea(str(initial["description"]), soft_wrap=True, id="description")
            yield ErrorLine(id="description-error")
            with Horizontal(classes="public-row"):
                yield Switch(bool(initial["is_public"]), id="is_public")
                yield Label("Public (others can see it)")
            yield ErrorLine(id="is_public-error")
            yield ErrorLine(id="error")
            yield Static(safe_text("ctrl+s: save · escape: cancel"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _error(self, field: str) -> ErrorLine:
        return self.query_one(f"#{field}-error" if field in FIELDS else "#error", ErrorLine)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._error(event.input.id or "").show(None)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._error("description").show(None)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self._error("is_public").show(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_submit()
        else:
            self.action_cancel()

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
        problems = {
            "name": check_name(str(changes["name"])) if "name" in changes else None,
            "shortname": (
                check_shortname(str(changes["shortname"])) if "shortname" in changes else None
            ),
        }
        for field, problem in problems.items():
            self._error(field).show(problem)
        if any(problems.values()):
            first = next(field for field, problem in problems.items() if problem)
            self.query_one(f"#{first}", Input).focus()
            return
        if not changes:
            self.finish({})
            return
        self._send(changes)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        button = self.query_one("#save", Button)
        button.disabled = busy
        button.label = "Saving…" if busy else "Save"

    @work(group="edit-set", exclusive=True, exit_on_error=False)
    async def _send(self, changes: SetChanges) -> None:
        self._set_busy(True)
        try:
            await self._save(changes)
        except InvalidQuery as exc:
            self._show_server_errors(exc)
        except (ApiError, NotLoggedIn) as exc:
            self._error("").show(str(exc))
        else:
            self.finish(changes)
            return
        self._set_busy(False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "edit-set" and event.state == WorkerState.ERROR:
            self._error("").show(f"Could not save the set: {event.worker.error}")
            self._set_busy(False)

    def _show_server_errors(self, exc: InvalidQuery) -> None:
        leftovers: list[str] = []
        for field, messages in exc.errors.items():
            text = "; ".join(str(message) for message in messages)
            if field in FIELDS:
                self._error(field).show(text)
            else:
                leftovers.append(text if field == "base" else f"{field}: {text}")
        if leftovers or not exc.errors:
            self._error("").show("\n".join(leftovers) or str(exc))
        first = next((field for field in FIELDS if field in exc.errors), None)
        if first is not None:
            self.query_one(f"#{first}").focus()
