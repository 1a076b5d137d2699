"""Recall a search: saved searches and the history, with a fuzzy filter (ctrl+r)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs._base import FilterPicker, safe_text
from e621tui.ui.dialogs.fuzzy import fuzzy_match

#: Rows listed at most (the history keeps up to 500).
MAX_ROWS = 200


@dataclass(frozen=True)
class RecallItem:
    """A search to offer: a saved one (``name`` set) or one from the history (``at`` set)."""

    query: str
    name: str | None = None
    at: float | None = None


def age(at: float, now: float | None = None) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``2 d ago``."""
    seconds = max(0.0, (time.time() if now is None else now) - at)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def _prompt(item: RecallItem, match: tuple[str, list[int]] | None) -> Text:
    text = Text()
    if item.name is not None:
        text.append("★ ", style="bold")
        text.append(one_line(item.name, 60), style="bold")
        text.append("  ")
    start = len(text)
    text.append(one_line(item.query, 200))
    if match is not None and match[0] == "query":
        for position in match[1]:
            text.stylize("bold underline", start + position, start + position + 1)
    elif match is not None:
        for position in match[1]:
            text.stylize("underline", 2 + position, 3 + position)
    if item.at is not None:
        text.append(f"  {age(item.at)}", style="dim")
    return text


class SearchRecall(FilterPicker[RecallItem | None]):
    """Saved searches (★) first, then earlier searches; type to filter, enter to search.

    Args:
        items: What to offer, in order.
        forget: Called when the user forgets an item (ctrl+d); None hides that key.
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    LIST_ID = "searches"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="recall.up"),
        Binding("down", "move(1)", "Down", show=False, id="recall.down"),
        Binding(
            "ctrl+d",
            "forget",
            "Forget",
            id="recall.forget",
            tooltip="Forget the highlighted search (saved or from the history)",
            priority=True,  # before the filter box's own ctrl+d (delete right)
        ),
    ]

    def __init__(
        self, items: list[RecallItem], *, forget: Callable[[RecallItem], None] | None = None
    ) -> None:
        super().__init__()
        self._items = list(items)
        self._forget = forget
        self._shown: list[RecallItem] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text("Recall a search (★ saved)"), classes="dialog-title")
            yield Input(placeholder="filter searches", id="filter")
            yield OptionList(id="searches")
            hint = "↑↓ move · enter search · " + ("ctrl+d forget · " if self._forget else "")
            yield Static(safe_text(hint + "escape cancel"), classes="dialog-hint")

    @property
    def visible_items(self) -> list[RecallItem]:
        """The searches listed now, in order."""
        return list(self._shown)

    def _fill(self, query: str) -> None:
        ranked: list[tuple[int, int, RecallItem, tuple[str, list[int]] | None]] = []
        for index, item in enumerate(self._items):
            best: tuple[int, tuple[str, list[int]]] | None = None
            for field, value in (("query", item.query), ("name", item.name)):
                found = fuzzy_match(query, one_line(value, 200)) if value is not None else None
                if found is not None and (best is None or found[0] > best[0]):
                    best = (found[0], (field, found[1]))
            if best is not None:
                ranked.append((-best[0], index, item, best[1] if query.strip() else None))
        if query.strip():
            ranked.sort(key=lambda row: (row[0], row[1]))
        ranked = ranked[:MAX_ROWS]
        self._shown = [item for _, _, item, _ in ranked]
        options = [
            Option(_prompt(item, match), id=f"item-{n}")
            for n, (_, _, item, match) in enumerate(ranked)
        ]
        option_list = self.query_one("#searches", OptionList)
        option_list.set_options(options)
        option_list.highlighted = 0 if options else None

    def _highlighted(self) -> RecallItem | None:
        index = self.query_one("#searches", OptionList).highlighted
        return self._shown[index] if index is not None and index < len(self._shown) else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        item = self._highlighted()
        if item is not None:
            self.finish(item)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._shown):
            self.finish(self._shown[event.option_index])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "forget":
            return self._forget is not None
        return True

    def action_forget(self) -> None:
        """Forget the highlighted search and list the rest."""
        item = self._highlighted()
        if item is None or self._forget is None:
            return
        self._forget(item)
        self._items.remove(item)
        highlighted = self.query_one("#searches", OptionList).highlighted or 0
        self._fill(self.query_one("#filter", Input).value)
        option_list = self.query_one("#searches", OptionList)
        if self._shown:
            option_list.highlighted = min(highlighted, len(self._shown) - 1)
        label = f"saved search {item.name!r}" if item.name else repr(one_line(item.query, 60))
        self.notify(f"forgot {label}", markup=False)


__all__ = ["RecallItem", "SearchRecall", "age"]
