"""The one-line status bar every browsing screen shows at the bottom."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual.widgets import Static

from e621tui.text.sanitize import one_line
from e621tui.ui.messages import AppStatus


@dataclass(frozen=True)
class StatusFields:
    """What a screen says about itself; the app's part comes with `StatusUpdated`."""

    title: str = ""
    position: str = ""
    post_id: int | None = None
    marked: int = 0
    hidden: int = 0
    busy: str = ""


def status_text(fields: StatusFields, app_status: AppStatus) -> Text:
    """The status line as plain `Text` (never markup): the screen's fields, then the app's."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if fields.post_id is not None:
        text.append(f"#{fields.post_id}", style="bold")
        text.append("  ")
    if fields.title:
        text.append(one_line(fields.title, 40), style="italic")
        text.append("  ")
    if fields.position:
        text.append(fields.position + "  ")
    if fields.marked:
        text.append(f"{fields.marked} marked  ", style="bold yellow")
    if fields.hidden:
        text.append(f"{fields.hidden} hidden  ", style="dim")
    if fields.busy:
        text.append(f"{one_line(fields.busy, 60)}  ", style="dim")
    for part in app_status:
        text.append(part.text + "  ", style=part.style)
    return text


class StatusBar(Static):
    """Renders the screen's fields and the app's status snapshot; it never looks anything up."""

    DEFAULT_CSS = """
    StatusBar { height: 1; width: 100%; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, app_status: AppStatus = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields = StatusFields()
        self.app_status = app_status

    def set_fields(self, **changes: object) -> None:
        """Update some of the screen's fields and repaint."""
        self.fields = replace(self.fields, **changes)  # type: ignore[arg-type]
        self._repaint()

    def show_app_status(self, app_status: AppStatus) -> None:
        """Show a new snapshot of the app's state (from a `StatusUpdated` message)."""
        if app_status != self.app_status:
            self.app_status = app_status
            self._repaint()

    def _repaint(self) -> None:
        self.update(status_text(self.fields, self.app_status))

    def on_mount(self) -> None:
        """First paint."""
        self._repaint()


__all__ = ["StatusBar", "StatusFields", "status_text"]
