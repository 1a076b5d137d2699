"""Create a new post set: name, short name, description, public or private."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static, Switch
from textual.worker import Worker, WorkerState

from e621tui.api.errors import ApiError, InvalidQuery
from e621tui.api.models import SetChoice
from e621tui.dialogs._base import Dialog, ErrorLine, safe_text
from e621tui.session.session import NotLoggedIn

CreateSet = Callable[[str, str, str, bool], Awaitable[SetChoice]]
"""``create(name, shortname, description, is_public)``; raises `ApiError` subclasses."""

FIELDS = ("name", "shortname", "description")
_SHORTNAME_OK = re.compile(r"[a-z0-9_]+")


def suggest_shortname(name: str) -> str:
    """A short name derived from a set name: lowercase ASCII, ``[a-z0-9_]``, at most 50 chars."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:50]


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


class CreateSetDialog(Dialog[SetChoice | None]):
    """A form that creates a set through `create` and returns the new `SetChoice`.

    Server validation messages (422) appear under their fields; other errors at the bottom.

    Args:
        create: Creates the set; see `CreateSet`.
        name: Initial set name (e.g. what was typed into the picker's filter).
    """

    DEFAULT_CSS = """
    CreateSetDialog Label { margin-top: 1; }
    CreateSetDialog .public-row { height: auto; margin-top: 1; }
    CreateSetDialog .public-row Label { margin: 1 1 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Create", id="create_set.submit", tooltip="Create the set"),
    ]

    def __init__(self, create: CreateSet, *, name: str = "") -> None:
        super().__init__()
        self._create = create
        self._initial_name = name
        self._suggested = ""
        self._shortname_edited = False
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text("New set"), classes="dialog-title")
            yield Label("Name")
            yield Input(self._initial_name, placeholder="3 to 100 characters", id="name")
            yield ErrorLine(id="name-error")
            yield Label("Short name (used in set:NAME searches)")
            yield Input(placeholder="a-z, 0-9 and _", id="shortname")
            yield ErrorLine(id="shortname-error")
            yield Label("Description")
            yield Input(placeholder="optional", id="description")
            yield ErrorLine(id="description-error")
            with Horizontal(classes="public-row"):
                yield Switch(False, id="public")
                yield Label("Public (others can see it)")
            yield ErrorLine(id="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", variant="primary", id="create")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _error(self, field: str) -> ErrorLine:
        return self.query_one(f"#{field}-error" if field in FIELDS else "#error", ErrorLine)

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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create":
            self.action_submit()
        else:
            self.action_cancel()

    def action_submit(self) -> None:
        """Validate locally, then create the set in a worker."""
        if self._busy:
            return
        name = self.query_one("#name", Input).value.strip()
        shortname = self.query_one("#shortname", Input).value.strip()
        description = self.query_one("#description", Input).value
        problems = {"name": check_name(name), "shortname": check_shortname(shortname)}
        for field, problem in problems.items():
            self._error(field).show(problem)
        if any(problems.values()):
            first = next(field for field, problem in problems.items() if problem)
            self.query_one(f"#{first}", Input).focus()
            return
        self._send(name, shortname, description, self.query_one("#public", Switch).value)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        button = self.query_one("#create", Button)
        button.disabled = busy
        button.label = "Creating…" if busy else "Create"

    @work(group="create-set", exclusive=True, exit_on_error=False)
    async def _send(self, name: str, shortname: str, description: str, public: bool) -> None:
        self._set_busy(True)
        try:
            choice = await self._create(name, shortname, description, public)
        except InvalidQuery as exc:
            self._show_server_errors(exc)
        except (ApiError, NotLoggedIn) as exc:
            self._error("").show(str(exc))
        else:
            self.finish(choice)
            return
        self._set_busy(False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "create-set" and event.state == WorkerState.ERROR:
            self._error("").show(f"Could not create the set: {event.worker.error}")
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
            self.query_one(f"#{first}", Input).focus()
