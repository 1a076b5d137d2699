"""The session's events, turned into Textual messages for the screens the user sees.

The core never imports textual: it calls its listeners with plain events (`core.events`).
`SessionEvents` is the app's listener: posts and set members that changed go to the screens
in view as `PostsUpdated` / `MembershipUpdated`, the app-wide status line as one
`StatusUpdated` snapshot (coalesced when a burst comes), failed writes and login trouble as
notifications, download progress to `DownloadActions`.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from e621tui.core.events import (
    BatchFinished,
    DownloadsChanged,
    Event,
    LoginChanged,
    MembershipChanged,
    NetworkTrouble,
    PostsChanged,
    QueueChanged,
    WriteFailed,
    WritesChanged,
)
from e621tui.text.sanitize import one_line
from e621tui.ui.dialogs.writes import WritesDialog
from e621tui.ui.graphics.slots import screens_in_view
from e621tui.ui.messages import AppStatus, MembershipUpdated, PostsUpdated, StatusUpdated
from e621tui.ui.status import app_status, graphics_part

if TYPE_CHECKING:
    from e621tui.ui.app import E621App


class SessionEvents:
    """The app's session listener and the status line's source (see the module docstring).

    Args:
        app: The app whose screens get the messages.
    """

    def __init__(self, app: E621App) -> None:
        self._app = app
        self.network_trouble: str | None = None
        """What is wrong with the network now (None: the site answers)."""
        self._status_pending = False

    def subscribe(self) -> None:
        """Start listening to the session."""
        self._app.session.subscribe(self.on_event)

    def unsubscribe(self) -> None:
        """Stop listening (the app is closing)."""
        listeners = self._app.session.listeners
        if self.on_event in listeners:
            listeners.remove(self.on_event)

    def on_event(self, event: Event) -> None:
        """One session event → messages, notifications or a status update."""
        app = self._app
        if isinstance(event, PostsChanged):
            for screen in self.screens_in_view():
                screen.post_message(PostsUpdated(event.post_ids))
        elif isinstance(event, MembershipChanged):
            for screen in self.screens_in_view():
                screen.post_message(MembershipUpdated(event.set_id))
        elif isinstance(event, WritesChanged):
            self.broadcast_status()
            if isinstance(app.screen, WritesDialog):
                app.screen.refresh_actions()
        elif isinstance(event, WriteFailed):
            app.notify(one_line(event.text, 300), severity="error", markup=False, timeout=10)
        elif isinstance(event, LoginChanged):
            if event.message:
                app.warn_once(event.message)
            app.account_changed()
        elif isinstance(event, NetworkTrouble):
            recovered = self.network_trouble is not None and event.text is None
            self.network_trouble = event.text
            self.broadcast_status()
            if recovered:
                self._resend_now()
        elif isinstance(event, QueueChanged):
            self.broadcast_status(soon=True)
        elif isinstance(event, DownloadsChanged | BatchFinished):
            app.download_actions.on_event(event)

    def _resend_now(self) -> None:
        """The site answers again: pending writes need not sit out their backoff."""
        outbox = self._app.session.writes.outbox
        if outbox is None:
            return
        for action in outbox.pending():
            with contextlib.suppress(ValueError):  # it may be on its way already
                outbox.retry(action.id)

    def status(self) -> AppStatus:
        """Site, login, active set, writes, downloads, network state and the graphics mode."""
        app = self._app
        graphics = graphics_part(app.pictures.decision, app.graphics)
        summary = app.download_actions.summary
        return app_status(
            app.session, app.site_label, self.network_trouble, graphics, downloads=summary
        )

    def broadcast_status(self, *, soon: bool = False) -> None:
        """Send the screens in view the app's state; ``soon`` coalesces a burst into one."""
        if soon:
            if not self._status_pending:
                self._status_pending = True
                self._app.set_timer(0.1, self.broadcast_status)
            return
        self._status_pending = False
        status = self.status()
        for screen in self.screens_in_view():
            screen.post_message(StatusUpdated(status))

    def screens_in_view(self) -> list[Screen[Any]]:
        """The screens the user sees (the top one, and those under dialogs). The others catch
        up when they come back (`on_screen_resume`): in Textual 8 a screen that repaints while
        hidden makes every later message to it repaint the whole screen on top of it."""
        return screens_in_view(self._app)


__all__ = ["SessionEvents"]
