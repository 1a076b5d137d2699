"""Pending and failed writes from the outbox, with retry and drop."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Static

from e621tui.core.writes.outbox import Action, Outbox
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs._base import Dialog, safe_text
from e621tui.ui.dialogs.confirm import ConfirmDialog

_STATE_STYLE = {"failed": "bold red", "sending": "bold", "pending": ""}


class WritesSource(Protocol):
    """What the screen needs from the session."""

    @property
    def outbox(self) -> Outbox | None:
        """The logged-in account's outbox, or None."""

    def describe(self, action: Action) -> str:
        """A short human description of an action."""


class WritesDialog(Dialog[None]):
    """Lists the outbox's pending and failed actions; `r` retries, `d` drops (after asking).

    Call `refresh_actions()` whenever the outbox changes.

    Args:
        session: The write service (or anything with ``outbox`` and ``describe``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="writes.retry", tooltip="Send the action again"),
        Binding("d", "drop", "Drop", id="writes.drop", tooltip="Forget the action unsent"),
    ]

    def __init__(self, session: WritesSource) -> None:
        super().__init__()
        self._session = session
        self._actions: dict[int, Action] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text("Pending and failed actions"), classes="dialog-title")
            yield Static("", id="empty")
            yield DataTable(cursor_type="row", id="actions")
            hint = "r: retry · d: drop · escape: close"
            yield Static(safe_text(hint), classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one("#actions", DataTable)
        for label, key in (("Action", "what"), ("State", "state"), ("Tries", "tries")):
            table.add_column(Text(label), key=key)
        table.add_column(Text("Error"), key="error")
        self.refresh_actions()
        table.focus()

    def refresh_actions(self) -> None:
        """Reload the list from the outbox, keeping the highlighted action if it is still there."""
        try:
            table = self.query_one("#actions", DataTable)
        except NoMatches:  # not composed yet, or already closed
            return
        outbox = self._session.outbox
        actions = [] if outbox is None else [*outbox.failed(), *outbox.pending()]
        keep = self.selected
        table.clear()
        self._actions = {action.id: action for action in actions}
        for action in actions:
            table.add_row(
                safe_text(self._session.describe(action)),
                Text(action.state, style=_STATE_STYLE.get(action.state, "")),
                Text(str(action.attempts)),
                safe_text(action.error or ""),
                key=str(action.id),
            )
        if keep is not None and keep.id in self._actions:
            table.move_cursor(row=table.get_row_index(str(keep.id)))
        empty = self.query_one("#empty", Static)
        if outbox is None:
            empty.update(safe_text("Log in to make changes; nothing is queued."))
        else:
            empty.update(safe_text("Nothing is waiting to be sent."))
        empty.display = not actions
        table.display = bool(actions)
        self.refresh_bindings()

    @property
    def selected(self) -> Action | None:
        """The highlighted action, if any."""
        table = self.query_one("#actions", DataTable)
        if not self._actions or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self._actions.get(int(row_key.value or 0))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("retry", "drop"):
            try:
                selected = self.selected
            except NoMatches:
                selected = None
            # None: shown greyed out rather than hidden.
            return True if selected is not None and selected.state != "sending" else None
        return True

    def action_retry(self) -> None:
        """Retry the highlighted failed action (or send a waiting one now)."""
        action = self.selected
        outbox = self._session.outbox
        if action is None or outbox is None:
            return
        self._change(outbox.retry, action)

    def action_drop(self) -> None:
        """Ask, then drop the highlighted action so it is never sent."""
        action = self.selected
        if action is None or self._session.outbox is None:
            return
        question = f"Drop “{self._session.describe(action)}”? It will not be sent."

        def answered(drop: bool | None) -> None:
            outbox = self._session.outbox
            if drop and outbox is not None:
                self._change(outbox.drop, action)

        self.app.push_screen(ConfirmDialog(question, yes="Drop", no="Keep"), answered)

    def _change(self, change: Callable[[int], None], action: Action) -> None:
        """Retry or drop `action` through the outbox, saying why when it no longer can be."""
        try:
            change(action.id)
        except ValueError as exc:
            self.notify(one_line(exc), severity="warning", markup=False)
        self.refresh_actions()
