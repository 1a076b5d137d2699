"""The Textual app: wires the session to the screens, keys, dialogs and command palette."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from e621tui.api.errors import ApiError, Dropped
from e621tui.api.limiter import Priority
from e621tui.api.models import Post
from e621tui.core.events import (
    Event,
    LoginChanged,
    MembershipChanged,
    NetworkTrouble,
    PostsChanged,
    WriteFailed,
    WritesChanged,
)
from e621tui.core.session import Session
from e621tui.text.sanitize import one_line
from e621tui.ui.actions.dialogs import DialogActions
from e621tui.ui.commands import E621Commands
from e621tui.ui.messages import MembershipUpdated, PostsUpdated, StatusUpdated
from e621tui.ui.styles import stylesheet
from e621tui.ui.web_browser import open_in_browser
from e621tui.ui.widgets.image import GRAPHICS_MODES, ImageView


@dataclass(frozen=True)
class Start:
    """What to show first: a search (value = query), a pool, a set or a post (value = id)."""

    kind: str = "search"
    value: str = ""


class E621App(DialogActions):
    """A keyboard-driven browser for one e621ng site."""

    CSS_PATH = stylesheet("app.tcss")
    TITLE = "e621-tui"
    COMMANDS = App.COMMANDS | {E621Commands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help", tooltip="Show every key"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (asks if writes are pending)"),
        Binding("escape", "back", "Back", show=False, id="back", tooltip="Back one screen"),
        Binding("f", "favorite", "Fav", id="favorite", tooltip="Favorite / unfavorite"),
        Binding("plus", "vote(1)", "+1", id="vote_up", tooltip="Vote up (again: clear)"),
        Binding("minus", "vote(-1)", "-1", id="vote_down", tooltip="Vote down (again: clear)"),
        Binding("s", "choose_set", "Set…", id="add_to_set", tooltip="Add to a set (picker)"),
        Binding("a", "add_active", "Add", id="add_active", tooltip="Add to the active set"),
        Binding(
            "x", "remove_active", "Remove", id="remove_active", tooltip="Remove from the active set"
        ),
        Binding(
            "o",
            "open_browser",
            "Browser",
            show=False,
            id="open_browser",
            tooltip="Open the post in a web browser",
        ),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link", tooltip="Copy the link"),
        Binding(
            "d",
            "download",
            "Download",
            show=False,
            id="download",
            tooltip="Download the original file",
        ),
        Binding("u", "undo", "Undo", show=False, id="undo", tooltip="Undo the last write"),
        Binding("L", "login", "Log in", show=False, id="login", tooltip="Log in with an API key"),
        Binding(
            "w",
            "writes",
            "Writes",
            show=False,
            id="writes",
            tooltip="Pending and failed writes (retry / drop)",
        ),
        Binding(
            "S", "my_sets", "My sets", show=False, id="my_sets", tooltip="Open one of your sets"
        ),
        Binding(
            "P",
            "open_pool_prompt",
            "Pool…",
            show=False,
            id="pool_by_id",
            tooltip="Open a pool by id",
        ),
    ]

    def __init__(
        self,
        session: Session,
        *,
        graphics: str = "auto",
        start: Start | None = None,
        keymap: dict[str, str] | None = None,
        site_label: str = "e621",
        url_opener: Callable[[str], bool] = open_in_browser,
        download_dir: Path | None = None,
        credentials: Any = None,
        notices: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.graphics = graphics if graphics in GRAPHICS_MODES else "auto"
        self.start = start or Start()
        self.keymap_overrides = dict(keymap or {})
        self.site_label = site_label
        self.url_opener = url_opener
        self.download_dir = download_dir or Path.home() / "Downloads"
        self.credentials = credentials
        self.notices = list(notices or [])
        self.network_trouble: str | None = None
        self.login_checked = asyncio.Event()
        self.first_page_shown = asyncio.Event()
        self._last_warning = ""
        self._last_warning_at = 0.0

    # ---- start-up ------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Subscribe to the session, apply the keymap, show the first screen."""
        from e621tui.ui.screens.search import SearchScreen

        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        self.session.subscribe(self._on_session_event)
        self.session.writes.start()
        query = self.start.value if self.start.kind == "search" else ""
        self.push_screen(SearchScreen(query))
        if self.start.kind == "pool":
            self.open_pool(int(self.start.value))
        elif self.start.kind == "set":
            self.open_set(int(self.start.value))
        elif self.start.kind == "post":
            self.open_post_by_id(int(self.start.value))
        for notice in self.notices:
            self.notify(one_line(notice, 300), severity="warning", markup=False, timeout=8)
        outbox = self.session.writes.outbox
        if outbox is not None and outbox.replayed_on_start():
            self.notify(
                f"resending {outbox.replayed_on_start()} write(s) left from last time",
                markup=False,
            )
        if self.session.logged_in:
            self._check_login()
        else:
            self.login_checked.set()

    @work(group="login", exclusive=True, exit_on_error=False)
    async def _check_login(self) -> None:
        try:
            ok = await self.session.check_login()
        finally:
            # Pages wait for this, so that the account's blacklist applies from the first one.
            self.login_checked.set()
        if not ok and self.session.login_message:
            self.warn_once(self.session.login_message)
        self._broadcast(StatusUpdated())
        if ok:
            for screen in self.screen_stack:
                refilter = getattr(screen, "refilter", None)
                if callable(refilter):
                    refilter()
            await self._load_sets_quietly()

    async def _load_sets_quietly(self) -> None:
        """Your sets, fetched after the first page and its prefetch (they can wait)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.first_page_shown.wait(), timeout=10)
        try:
            sets = await self.session.client.sets.for_select(priority=Priority.PREFETCH)
        except ApiError as exc:
            self.report(exc, "loading your sets")
            return
        if not self.session.sets.my_sets:
            self.session.sets.my_sets = sets
            self._broadcast(StatusUpdated())  # e.g. a set screen opened with --set claims it

    async def on_unmount(self) -> None:
        """Close connections; pending writes stay on disk for next time."""
        if self._on_session_event in self.session.listeners:
            self.session.listeners.remove(self._on_session_event)
        await self.session.close()

    # ---- session events -> messages ------------------------------------------------------

    def _broadcast(self, message_factory: PostsUpdated | MembershipUpdated | StatusUpdated) -> None:
        for screen in self.screen_stack:
            screen.post_message(type(message_factory)(**vars_of(message_factory)))

    def _on_session_event(self, event: Event) -> None:
        if isinstance(event, PostsChanged):
            self._broadcast(PostsUpdated(event.post_ids))
        elif isinstance(event, MembershipChanged):
            self._broadcast(MembershipUpdated(event.set_id))
        elif isinstance(event, WritesChanged):
            self._broadcast(StatusUpdated())
            self._refresh_writes_screen()
        elif isinstance(event, WriteFailed):
            self.notify(one_line(event.text, 300), severity="error", markup=False, timeout=10)
        elif isinstance(event, LoginChanged):
            if event.message:
                self.warn_once(event.message)
            self._broadcast(StatusUpdated())
            for screen in self.screen_stack:
                screen.refresh_bindings()
        elif isinstance(event, NetworkTrouble):
            recovered = self.network_trouble is not None and event.text is None
            self.network_trouble = event.text
            self._broadcast(StatusUpdated())
            if recovered:
                self._resend_now()

    def _resend_now(self) -> None:
        """The site answers again: pending writes need not sit out their backoff."""
        outbox = self.session.writes.outbox
        if outbox is None:
            return
        for action in outbox.pending():
            with contextlib.suppress(ValueError):  # it may be on its way already
                outbox.retry(action.id)

    def warn_once(self, text: str) -> None:
        """A warning, shown once even if several paths notice the same thing at once."""
        now = time.monotonic()
        if self._last_warning == text and now - self._last_warning_at < 10:
            return
        self._last_warning, self._last_warning_at = text, now
        self.notify(one_line(text, 300), severity="warning", markup=False, timeout=8)

    def _refresh_writes_screen(self) -> None:
        if not self.screen_stack:
            return
        refresh = getattr(self.screen, "refresh_actions", None)
        if callable(refresh):
            refresh()

    def global_status(self) -> list[tuple[str, str]]:
        """Site, safe mode, login, active set, writes and network state for the status bar."""
        session = self.session
        parts: list[tuple[str, str]] = [(self.site_label, "bold")]
        if session.options.safe_mode:
            parts.append(("safe", "green"))
        if session.user is not None:
            parts.append((f"{one_line(session.user.name, 24)} ✓", "green"))
        elif session.logged_in:
            parts.append((f"{one_line(session.client.username or '', 24)} …", "dim"))
        else:
            parts.append(("anonymous", "dim"))
        if session.sets.active is not None:
            parts.append((f"set: {one_line(session.sets.active.name, 24)}", "cyan"))
        outbox = session.writes.outbox
        if outbox is not None:
            pending = outbox.pending_count()
            failed = len(outbox.failed())
            if pending:
                parts.append((f"⇡{pending} pending", "yellow"))
            if failed:
                parts.append((f"⚠{failed} failed (w)", "bold red"))
        queued = session.client.scheduler.queued
        if queued:
            parts.append((f"⋯{queued}", "dim"))
        if self.network_trouble:
            parts.append((f"⚠ {one_line(self.network_trouble, 60)}", "bold red"))
        return parts

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died of an unexpected error: say so once, never show a traceback."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if isinstance(error, Dropped | asyncio.CancelledError):
                return
            self.report(error, f"{event.worker.name or 'background work'} failed")

    # ---- navigation ----------------------------------------------------------------------

    def open_post(self, posts: list[Post], index: int, source: Any = None) -> None:
        """Show a post; left/right walk ``posts``."""
        from e621tui.ui.screens.post import PostScreen

        if posts:
            self.push_screen(PostScreen(posts, index, source=source))

    @work(group="open", exclusive=True, exit_on_error=False)
    async def open_post_by_id(self, post_id: int) -> None:
        """Fetch a post and show it."""
        try:
            post = await self.session.post(post_id)
        except ApiError as exc:
            self.report(exc, f"opening post #{post_id}")
            return
        self.open_post([post], 0)

    @work(group="open", exclusive=True, exit_on_error=False)
    async def open_pool(self, pool_id: int) -> None:
        """Fetch a pool and show its posts in reading order."""
        from e621tui.ui.screens.pool import PoolScreen

        try:
            feed = await self.session.pool(pool_id)
        except ApiError as exc:
            self.report(exc, f"opening pool #{pool_id}")
            return
        self.push_screen(PoolScreen(feed))

    @work(group="open", exclusive=True, exit_on_error=False)
    async def open_set(self, set_id: int) -> None:
        """Fetch a set and show its posts; your own set becomes the active set."""
        from e621tui.ui.screens.post_set import SetScreen

        try:
            feed = await self.session.post_set(set_id)
        except ApiError as exc:
            self.report(exc, f"opening set #{set_id}")
            return
        for choice in self.session.sets.my_sets:
            if choice.id == set_id:
                self.run_worker(self.session.sets.set_active(choice), group="active-set")
        self.push_screen(SetScreen(feed))

    async def action_back(self) -> None:
        """Leave the search box, or go back one screen."""
        if isinstance(self.focused, Input):
            grid = self.screen.query("PostGrid")
            if grid:
                grid.first().focus()
                return
        if len(self.screen_stack) > 2:
            self.pop_screen()

    def set_graphics(self, mode: str) -> None:
        """Switch how images are drawn and redraw them."""
        self.graphics = mode
        for screen in self.screen_stack:
            for view in screen.query(ImageView):
                view.reload()
        self.notify(f"graphics: {mode}", markup=False)


def vars_of(message: object) -> dict[str, Any]:
    """The dataclass fields of a message (to post a fresh copy to each screen)."""
    from dataclasses import fields, is_dataclass

    if is_dataclass(message):
        return {f.name: getattr(message, f.name) for f in fields(message)}
    return {}


__all__ = ["E621App", "Start"]
