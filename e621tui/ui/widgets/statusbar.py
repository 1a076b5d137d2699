"""The one-line status bar every browsing screen shows at the bottom."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from e621tui.text.sanitize import one_line


@dataclass
class StatusFields:
    """What a screen wants to say about itself; the app adds site, login, writes and network."""

    title: str = ""
    position: str = ""
    post_id: int | None = None
    marked: int = 0
    hidden: int = 0
    busy: str = ""


class StatusBar(Static):
    """Renders screen fields plus the app's global state as plain, never-markup text."""

    DEFAULT_CSS = """
    StatusBar { height: 1; width: 100%; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields = StatusFields()

    def set_fields(self, **changes: object) -> None:
        """Update some fields and repaint."""
        for name, value in changes.items():
            setattr(self.fields, name, value)
        self.refresh_status()

    def refresh_status(self) -> None:
        """Repaint from the current fields and the app's state."""
        from e621tui.ui.app import E621App

        text = Text(no_wrap=True, overflow="ellipsis")
        f = self.fields
        app = self.app
        if f.post_id is not None:
            text.append(f"#{f.post_id}", style="bold")
            text.append("  ")
        if f.title:
            text.append(one_line(f.title, 40), style="italic")
            text.append("  ")
        if f.position:
            text.append(f.position + "  ")
        if f.marked:
            text.append(f"{f.marked} marked  ", style="bold yellow")
        if f.hidden:
            text.append(f"{f.hidden} hidden  ", style="dim")
        if f.busy:
            text.append(f"{f.busy}  ", style="dim")
        if isinstance(app, E621App):
            for part, style in app.global_status():
                text.append(part + "  ", style=style)
        self.update(text)

    def on_mount(self) -> None:
        """First paint, then a cheap repaint every second (queue and network state move on)."""
        self.refresh_status()
        self.set_interval(1.0, self.refresh_status)
