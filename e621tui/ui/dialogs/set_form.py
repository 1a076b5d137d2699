"""The set form shared by "new set" and "edit set": fields, local rules, busy button, errors."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, Switch
from textual.worker import Worker, WorkerState

from e621tui.api.errors import ApiError, InvalidQuery
from e621tui.core.events import NotLoggedIn
from e621tui.ui.dialogs._base import Dialog, ErrorLine, ResultT, safe_text

_SHORTNAME_OK = re.compile(r"[a-z0-9_]+")


def check_name(name: str) -> str | None:
    """The site's rule for set names (3..100 characters), as an error message or None."""
    length = len(name.strip())
    if length < 3:
        return "The name needs at least 3 characters."
    if length > 100:
        return "The name can have at most 100 characters."
    return None


def check_shortname(shortname: str) -> str | None:
    """The site's rule for short names (3..50 of ``[a-z0-9_]``, not all digits), or None."""
    if not 3 <= len(shortname) <= 50:
        return "The short name needs 3 to 50 characters."
    if not _SHORTNAME_OK.fullmatch(shortname):
        return "Use only lowercase letters a-z, digits and _."
    if shortname.isdigit():
        return "The short name cannot be only digits."
    return None


class SetFormDialog(Dialog[ResultT]):
    """A form for a set's name, short name, description and visibility, sent by a worker.

    Server validation messages (422) appear under their fields; other errors at the bottom.
    Subclasses set the class attributes, build the description widget and call `_send`.

    Args:
        title: The dialog's title.
        name: Initial name.
        shortname: Initial short name.
        public: Initial state of the "public" switch.
    """

    FIELDS: ClassVar[tuple[str, ...]]
    """Ids of the fields with their own error line, in the order they are focused on error."""
    PUBLIC_ID: ClassVar[str]
    """Id of the "public" switch."""
    SUBMIT: ClassVar[tuple[str, str, str]]
    """The submit button's id, label, and label while the request runs."""
    FAILURE: ClassVar[str]
    """What a crashed request is reported as, e.g. "Could not create the set"."""
    HINT: ClassVar[str | None] = None
    """A key hint shown above the buttons."""

    def __init__(self, *, title: str, name: str, shortname: str, public: bool) -> None:
        super().__init__()
        self._title = title
        self._initial_name = name
        self._initial_shortname = shortname
        self._initial_public = public
        self._busy = False

    def description_field(self) -> Widget:
        """The widget that edits the description (id ``description``)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text(self._title), classes="dialog-title")
            yield Label("Name")
            yield Input(self._initial_name, placeholder="3 to 100 characters", id="name")
            yield ErrorLine(id="name-error")
            yield Label("Short name (used in set:NAME searches)")
            yield Input(self._initial_shortname, placeholder="a-z, 0-9 and _", id="shortname")
            yield ErrorLine(id="shortname-error")
            yield Label("Description")
            yield self.description_field()
            yield ErrorLine(id="description-error")
            with Horizontal(classes="public-row"):
                yield Switch(self._initial_public, id=self.PUBLIC_ID)
                yield Label("Public (others can see it)")
            if self.PUBLIC_ID in self.FIELDS:
                yield ErrorLine(id=f"{self.PUBLIC_ID}-error")
            yield ErrorLine(id="error")
            if self.HINT:
                yield Static(safe_text(self.HINT), classes="dialog-hint")
            submit_id, label, _busy_label = self.SUBMIT
            with Horizontal(classes="dialog-buttons"):
                yield Button(label, variant="primary", id=submit_id)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _error(self, field: str) -> ErrorLine:
        return self.query_one(f"#{field}-error" if field in self.FIELDS else "#error", ErrorLine)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == self.SUBMIT[0]:
            self.action_submit()
        else:
            self.action_cancel()

    def action_submit(self) -> None:
        """Validate locally, then send in a worker."""
        raise NotImplementedError

    def _check_locally(self, name: str | None, shortname: str | None) -> bool:
        """Show the site's rules broken by `name`/`shortname` (None: unchanged); True if none."""
        problems = {
            "name": check_name(name) if name is not None else None,
            "shortname": check_shortname(shortname) if shortname is not None else None,
        }
        for field, problem in problems.items():
            self._error(field).show(problem)
        first = next((field for field, problem in problems.items() if problem), None)
        if first is not None:
            self.query_one(f"#{first}", Input).focus()
        return first is None

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        submit_id, label, busy_label = self.SUBMIT
        button = self.query_one(f"#{submit_id}", Button)
        button.disabled = busy
        button.label = busy_label if busy else label

    @work(group="set-form", exclusive=True, exit_on_error=False)
    async def _send(self, request: Callable[[], Awaitable[ResultT]]) -> None:
        """Run `request`; finish with its result, or show why it failed and stay open."""
        self._set_busy(True)
        try:
            result = await request()
        except InvalidQuery as exc:
            self._show_server_errors(exc)
        except (ApiError, NotLoggedIn) as exc:
            self._error("").show(str(exc))
        else:
            self.finish(result)
            return
        self._set_busy(False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "set-form" and event.state == WorkerState.ERROR:
            self._error("").show(f"{self.FAILURE}: {event.worker.error}")
            self._set_busy(False)

    def _show_server_errors(self, exc: InvalidQuery) -> None:
        leftovers: list[str] = []
        for field, messages in exc.errors.items():
            text = "; ".join(str(message) for message in messages)
            if field in self.FIELDS:
                self._error(field).show(text)
            else:
                leftovers.append(text if field == "base" else f"{field}: {text}")
        if leftovers or not exc.errors:
            self._error("").show("\n".join(leftovers) or str(exc))
        first = next((field for field in self.FIELDS if field in exc.errors), None)
        if first is not None:
            self.query_one(f"#{first}").focus()
