"""Pick one of your sets (owned or maintained), with a fuzzy filter, or create a new one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from e621tui.api.models import SetChoice
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs._base import FilterPicker, safe_text
from e621tui.ui.dialogs.create_set import CreateSet, CreateSetDialog
from e621tui.ui.dialogs.fuzzy import fuzzy_rank

NEW_SET = "new-set"
"""Option id of the "New set…" entry."""


def _prompt(choice: SetChoice, positions: list[int], active: bool) -> Text:
    name = one_line(choice.name)
    text = Text("● " if active else "  ")
    start = len(text)
    text.append(name)
    for position in positions:
        text.stylize("bold underline", start + position, start + position + 1)
    if not choice.owned:
        text.append(" (maintained)", style="dim")
    return text


class SetPicker(FilterPicker[SetChoice | None]):
    """Choose a set; type to filter, up/down to move, Enter to pick, ctrl+n for a new set.

    Args:
        choices: Your sets (from ``/post_sets/for_select.json``).
        active_id: The active set, marked ●.
        title: The dialog's title.
        create: When given, offers "＋ New set…", which opens `CreateSetDialog` with it.
    """

    LIST_ID = "sets"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="set_picker.up"),
        Binding("down", "move(1)", "Down", show=False, id="set_picker.down"),
        Binding("ctrl+n", "new_set", "New set", id="set_picker.new", tooltip="Create a new set"),
    ]

    def __init__(
        self,
        choices: list[SetChoice],
        *,
        active_id: int | None = None,
        title: str = "Add to set",
        create: CreateSet | None = None,
    ) -> None:
        super().__init__()
        # Owned first, then maintained; otherwise the server's order (by name).
        self._choices = sorted(choices, key=lambda choice: not choice.owned)
        self._by_option = {f"set-{choice.id}": choice for choice in self._choices}
        self._active_id = active_id
        self._title = title
        self._create = create

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text(self._title), classes="dialog-title")
            yield Input(placeholder="filter your sets", id="filter")
            if not self._choices:
                yield Static(safe_text("You have no sets yet."), classes="dialog-hint")
            yield OptionList(id="sets")
            hint = "↑↓ move · enter pick · " + ("ctrl+n new set · " if self._create else "")
            yield Static(safe_text(hint + "escape cancel"), classes="dialog-hint")

    @property
    def visible_choices(self) -> list[SetChoice]:
        """The sets currently listed, in order (for tests and callers)."""
        options = self.query_one("#sets", OptionList).options
        return [self._by_option[o.id] for o in options if o.id in self._by_option]

    def _fill(self, query: str) -> None:
        ranked = fuzzy_rank(query, self._choices, lambda choice: one_line(choice.name))
        options = [
            Option(_prompt(choice, positions, choice.id == self._active_id), id=f"set-{choice.id}")
            for choice, positions in ranked
        ]
        if self._create is not None:
            options.append(Option(Text("＋ New set…", style="italic"), id=NEW_SET))
        option_list = self.query_one("#sets", OptionList)
        option_list.set_options(options)
        highlight = 0 if options else None
        if not query and self._active_id is not None:
            ids = [option.id for option in options]
            active = f"set-{self._active_id}"
            highlight = ids.index(active) if active in ids else highlight
        option_list.highlighted = highlight

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one("#sets", OptionList).highlighted_option
        if option is not None:
            self._pick(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        if option_id == NEW_SET:
            self.action_new_set()
        elif option_id in self._by_option:
            self.finish(self._by_option[option_id])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_set":
            return self._create is not None
        return True

    def action_new_set(self) -> None:
        """Open the "new set" form; a created set is the picker's answer."""
        if self._create is None:
            return
        name = self.query_one("#filter", Input).value.strip()

        def created(choice: SetChoice | None) -> None:
            if choice is not None:
                self.finish(choice)
            else:
                self.query_one("#filter", Input).focus()

        self.app.push_screen(CreateSetDialog(self._create, name=name), created)
