"""The key reference: every binding of the app and the current screen, as currently mapped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Static

from e621tui.ui.dialogs._base import Dialog, safe_text

HelpRow = tuple[str, str, str]
"""(keys as displayed, description, where: "everywhere" or the screen's area)."""


def _where(screen: Screen[Any]) -> str:
    """A screen's area: ``HELP_WHERE``, else from its class name ("PostScreen" → "post")."""
    where = getattr(screen, "HELP_WHERE", None)
    if isinstance(where, str) and where:
        return where
    name = type(screen).__name__.removesuffix("Screen") or type(screen).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def _declared(node: DOMNode) -> Iterable[Binding]:
    """The bindings a node's own classes declare (Textual's built-in defaults left out)."""
    for cls in reversed(type(node).__mro__):
        if cls.__module__.startswith("textual."):
            continue
        yield from Binding.make_bindings(vars(cls).get("BINDINGS", ()))


def _current_keys(screen: Screen[Any]) -> dict[str, list[Binding]]:
    """Bindings by id with the keys now in force (Textual applies the keymap to these)."""
    by_id: dict[str, list[Binding]] = {}
    for active in screen.active_bindings.values():
        if active.binding.id:
            by_id.setdefault(active.binding.id, []).append(active.binding)
    return by_id


def collect_bindings(
    app: App[Any], screen: Screen[Any] | None = None, *, keymap: Mapping[str, str] | None = None
) -> list[HelpRow]:
    """List the app's, the screen's and the focused widget's bindings for the help screen.

    Keys follow the keymap: `keymap` (binding id → "key1,key2") when the caller passes the one it
    gave `App.set_keymap`, else the keys Textual reports as active on `screen`.

    Args:
        app: The running app.
        screen: The screen to describe; the current screen by default.
        keymap: The user's keymap, for bindings not active at the moment.
    """
    screen = screen if screen is not None else app.screen
    current = _current_keys(screen)
    where = _where(screen)
    nodes: list[tuple[DOMNode, str]] = [(app, "everywhere"), (screen, where)]
    if screen.focused is not None:
        chain = [node for node in screen.focused.ancestors_with_self if node is not screen]
        nodes += [(node, where) for node in reversed(chain) if node is not app]
    rows: list[HelpRow] = []
    seen: set[tuple[str, str]] = set()
    for node, area in nodes:
        groups: dict[str, list[Binding]] = {}
        for binding in _declared(node):
            if binding.description and not binding.system:
                groups.setdefault(binding.id or binding.action, []).append(binding)
        for bindings in groups.values():
            first = bindings[0]
            keys: list[Binding] = bindings
            if keymap and first.id and first.id in keymap:
                keys = [first.with_key(key.strip()) for key in keymap[first.id].split(",")]
            elif first.id in current:
                keys = current[first.id]
            shown = " / ".join(dict.fromkeys(app.get_key_display(key) for key in keys))
            text = first.tooltip or first.description
            if first.id:
                text = f"{text}  ·  id: {first.id}"  # the name to rebind it by in the config
            if (shown, text) not in seen:
                seen.add((shown, text))
                rows.append((shown, text, area))
    if app.ENABLE_COMMAND_PALETTE:
        palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette")
        palette_key = app.COMMAND_PALETTE_DISPLAY or app.get_key_display(palette)
        rows.append((palette_key, "Command palette", "everywhere"))
    return rows


class HelpDialog(Dialog[None]):
    """A scrollable table of keys; escape, ``?`` or ``q`` closes it.

    Args:
        bindings: Rows of (keys, description, where), e.g. from `collect_bindings`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,q", "cancel", "Close", id="help.close", tooltip="Close the help"),
    ]

    def __init__(self, bindings: list[HelpRow]) -> None:
        super().__init__()
        self._rows = bindings

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe_text("Keys"), classes="dialog-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="keys")
            yield Static(safe_text("escape, ? or q: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one("#keys", DataTable)
        table.add_columns(Text("Keys"), Text("Action"), Text("Where"))
        for keys, description, where in self._rows:
            table.add_row(Text(keys, style="bold"), safe_text(description), safe_text(where))
        table.focus()
