"""The Textual app: its life, navigation between screens, key bindings and session events.

Actions on posts live in `PostActions`, account actions in `AccountActions`, the feed and
other discovery in `DiscoveryActions`, downloads in `DownloadActions` and playing /
full-screen pictures in `MediaActions`: controllers the app owns; each binding's action here
delegates to them in one line. The session's events become messages in `SessionEvents`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

import msgspec
from textual import work
from textual.app import App
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from e621tui.api.errors import ApiError, Dropped
from e621tui.api.models import Post
from e621tui.core.session import Session
from e621tui.core.startup import StartTarget
from e621tui.settings.config import GRAPHICS_MODES, ConfigError, Settings
from e621tui.text.sanitize import one_line
from e621tui.ui.actions.account import AccountActions, KeyStore
from e621tui.ui.actions.discovery import STARTS, DiscoveryActions
from e621tui.ui.actions.downloads import DownloadActions
from e621tui.ui.actions.media import MediaActions
from e621tui.ui.actions.posts import PostActions
from e621tui.ui.bindings import APP_BINDINGS
from e621tui.ui.commands import E621Commands
from e621tui.ui.dialogs.confirm import ConfirmDialog
from e621tui.ui.dialogs.help import HelpDialog, collect_bindings
from e621tui.ui.dialogs.prompt import PromptDialog, int_validator
from e621tui.ui.dialogs.writes import WritesDialog
from e621tui.ui.graphics.setup import Graphics, PictureKit, forced_graphics
from e621tui.ui.idle_gc import IdleCollector
from e621tui.ui.messages import (
    AppStatus,
)
from e621tui.ui.screens.base import PostSource, PostViewScreen
from e621tui.ui.screens.pool import PoolScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.post_set import SetScreen
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.session_events import SessionEvents
from e621tui.ui.styles import stylesheet
from e621tui.ui.web_browser import open_in_browser


class SaveConfig(Protocol):
    """Writes some keys to the user's config file (``update_config`` bound to the file)."""

    def __call__(self, **changes: Any) -> None:
        """Write these keys; raises ConfigError or OSError."""


class E621App(App[None]):
    """A keyboard-driven browser for one e621ng site."""

    CSS_PATH = stylesheet("app.tcss")
    TITLE = "e621-tui"
    COMMANDS = App.COMMANDS | {E621Commands}
    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        session: Session,
        *,
        graphics: str | Graphics = "auto",
        start: StartTarget | None = None,
        keymap: dict[str, str] | None = None,
        site_label: str = "e621",
        url_opener: Callable[[str], bool] = open_in_browser,
        credentials: KeyStore | None = None,
        settings: Settings | None = None,
        save_config: SaveConfig | None = None,
        notices: list[str] | None = None,
    ) -> None:
        if not isinstance(graphics, Graphics):
            graphics = forced_graphics(graphics if graphics in GRAPHICS_MODES else "auto")
        super().__init__(driver_class=graphics.driver_class)
        self.pictures = graphics
        """How pictures are drawn: the probe's decision and a renderer per mode (`picture_kit`)."""
        self.session = session
        self.settings = settings if settings is not None else Settings()
        """The user's settings as loaded (followed tags, saved searches, player…)."""
        self._save_config = save_config
        self.graphics = graphics.mode
        """The graphics mode pictures are drawn in now (never ``auto``)."""
        self.start = start or StartTarget()
        self.keymap_overrides = dict(keymap or {})
        self.site_label = site_label
        self.notices = list(notices or [])
        self.post_actions = PostActions(self, url_opener=url_opener)
        self.account_actions = AccountActions(self, credentials=credentials)
        self.download_actions = DownloadActions(self)
        self.media_actions = MediaActions(self)
        self.discovery = DiscoveryActions(self)
        self.session_events = SessionEvents(self)
        self.login_checked = asyncio.Event()
        self.first_page_shown = asyncio.Event()
        self._last_warning = ("", 0.0)
        self._last_report = ("", 0.0)
        self.idle_gc = IdleCollector(self)
        """Full garbage collections when the screen has settled, not during a page turn."""

    # ---- start-up and shut-down ----------------------------------------------------------

    def on_mount(self) -> None:
        """Subscribe to the session, apply the keymap, show the first screen."""
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        self._style_for_graphics()
        self.idle_gc.start()
        self.session_events.subscribe()
        self.session.writes.start()
        self.download_actions.start()
        query = self.start.value if self.start.kind == "search" else ""
        self.push_screen(SearchScreen(query))
        if self.start.kind == "pool":
            self.open_pool(int(self.start.value))
        elif self.start.kind == "set":
            self.open_set(int(self.start.value))
        elif self.start.kind == "post":
            self.open_post_by_id(int(self.start.value))
        elif self.start.kind in STARTS:
            self.discovery.start(self.start.kind, self.start.value)
        for notice in self.notices:
            self.notify(one_line(notice, 300), severity="warning", markup=False, timeout=8)
        outbox = self.session.writes.outbox
        if outbox is not None and outbox.replayed_on_start():
            replayed = outbox.replayed_on_start()
            self.notify(f"resending {replayed} write(s) left from last time", markup=False)
        self.account_actions.check_at_start()

    async def on_unmount(self) -> None:
        """Close connections; pending writes stay on disk for next time."""
        self.idle_gc.stop()
        self.session_events.unsubscribe()
        await self.session.close()

    # ---- session events -> messages (`SessionEvents`) -----------------------------------

    @property
    def network_trouble(self) -> str | None:
        """What is wrong with the network now (None: the site answers)."""
        return self.session_events.network_trouble

    def app_status(self) -> AppStatus:
        """The app-wide part of the status line, as one snapshot."""
        return self.session_events.status()

    def broadcast_status(self, *, soon: bool = False) -> None:
        """Send the screens in view the app's state; ``soon`` coalesces a burst into one."""
        self.session_events.broadcast_status(soon=soon)

    def change_settings(self, **changes: Any) -> bool:
        """Change settings for this run and in the config file; False (said) if it failed."""
        self.settings = msgspec.structs.replace(self.settings, **changes)
        if self._save_config is None:
            return True  # the demo, or tests: kept for this run only
        try:
            self._save_config(**changes)
        except (ConfigError, OSError) as exc:
            self.report(exc, "saving the config file")
            return False
        return True

    def account_changed(self) -> None:
        """Logged in or out: the status line and what may be done change."""
        self.broadcast_status()
        for screen in self.screen_stack:
            screen.refresh_bindings()

    def warn_once(self, text: str) -> None:
        """A warning, shown once even if several paths notice the same thing at once."""
        now = time.monotonic()
        if self._last_warning[0] == text and now - self._last_warning[1] < 10:
            return
        self._last_warning = (text, now)
        self.notify(one_line(text, 300), severity="warning", markup=False, timeout=8)

    def report(self, exc: BaseException, what: str) -> None:
        """Show an error once, as plain text (never a traceback, never markup)."""
        text = f"{what}: {exc}"
        now = time.monotonic()
        if text == self._last_report[0] and now - self._last_report[1] < 5:
            return
        self._last_report = (text, now)
        self.notify(one_line(text, 300), severity="error", markup=False, timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died of an unexpected error: say so once, never show a traceback."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if isinstance(error, Dropped | asyncio.CancelledError):
                return
            self.report(error, f"{event.worker.name or 'background work'} failed")

    # ---- navigation ----------------------------------------------------------------------

    def open_post(self, posts: list[Post], index: int, source: PostSource | None = None) -> None:
        """Show a post; left/right walk ``posts`` (and on into ``source``)."""
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
        try:
            feed = await self.session.pool(pool_id)
        except ApiError as exc:
            self.report(exc, f"opening pool #{pool_id}")
            return
        self.push_screen(PoolScreen(feed))

    @work(group="open", exclusive=True, exit_on_error=False)
    async def open_set(self, set_id: int) -> None:
        """Fetch a set and show its posts; your own set becomes the active set."""
        try:
            feed = await self.session.post_set(set_id)
        except ApiError as exc:
            self.report(exc, f"opening set #{set_id}")
            return
        choice = self.session.sets.mine(set_id)
        if choice is not None:
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

    def picture_kit(self, mode: str | None = None) -> PictureKit:
        """Renderer, picture layer and picture cache of ``mode`` (default: the one in use)."""
        return self.pictures.kit(mode or self.graphics)

    def set_graphics(self, mode: str) -> None:
        """Switch how images are drawn and redraw them."""
        if mode not in self.pictures.modes():
            self.notify(f"graphics: {mode} is not available here", markup=False)
            return
        self.graphics = mode
        self._style_for_graphics()
        for screen in self.screen_stack:
            if isinstance(screen, PostViewScreen):
                screen.set_graphics(mode)
        self.notify(f"graphics: {mode}", markup=False)
        self.broadcast_status()

    def _style_for_graphics(self) -> None:
        # kitty placeholder cells carry the image id in their colour: a dialog's tint over
        # them would change the id and the picture would vanish (styles/app.tcss).
        self.set_class(self.graphics == "kitty", "-kitty-placeholders")

    # ---- post actions (`PostActions`) ----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out actions that don't apply here (no posts, not logged in)."""
        return self.post_actions.allowed(action)

    def action_favorite(self) -> None:
        """Favorite the target posts (or unfavorite, if all already are)."""
        self.post_actions.favorite()

    def action_vote(self, score: int) -> None:
        """Vote on the target posts (the same vote again clears it)."""
        self.post_actions.vote(score)

    def action_choose_set(self) -> None:
        """Pick a set (it becomes the active set) and add the target posts to it."""
        self.post_actions.choose_set()

    def action_add_active(self) -> None:
        """Add the target posts to the active set."""
        self.post_actions.add_active()

    def action_remove_active(self) -> None:
        """Remove the target posts from the active set."""
        self.post_actions.remove_active()

    def action_undo(self) -> None:
        """Undo the newest write."""
        self.post_actions.undo()

    def action_open_browser(self) -> None:
        """Play the focused video or animation in mpv, or open the post's page."""
        self.media_actions.open()

    def action_copy_link(self) -> None:
        """Copy the focused post's link."""
        self.post_actions.copy_link()

    def action_download(self) -> None:
        """Queue the originals of the target posts."""
        self.download_actions.queue_targets()

    def action_downloads(self) -> None:
        """Show the download queue."""
        self.download_actions.show_queue()

    # ---- account actions (`AccountActions`) ----------------------------------------------

    def action_login(self) -> None:
        """Log in from inside the app."""
        self.account_actions.login()

    def action_logout(self) -> None:
        """Forget the account and its stored key."""
        self.account_actions.logout()

    def action_edit_blacklist(self) -> None:
        """Edit the blacklist (saved to the account when logged in)."""
        self.account_actions.edit_blacklist()

    def action_feed(self) -> None:
        """Open the followed-tags feed (`DiscoveryActions`)."""
        self.discovery.open_feed()

    # ---- dialogs -------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpDialog(collect_bindings(self, keymap=self.keymap_overrides)))

    def action_writes(self) -> None:
        """Show pending and failed writes."""
        self.push_screen(WritesDialog(self.session.writes))

    def action_my_sets(self) -> None:
        """Open one of your sets."""
        if not self.session.logged_in:
            self.post_actions.login_hint()
            return
        self._open_my_set()

    @work(group="set-picker", exclusive=True, exit_on_error=False)
    async def _open_my_set(self) -> None:
        choice = await self.post_actions.pick_set("Open one of your sets")
        if choice is not None:
            self.open_set(choice.id)

    def action_open_pool_prompt(self) -> None:
        """Ask for a pool id and open it."""
        self._prompt_and_open("pool")

    def action_open_set_prompt(self) -> None:
        """Ask for a set id and open it."""
        self._prompt_and_open("set")

    @work(group="prompt", exclusive=True, exit_on_error=False)
    async def _prompt_and_open(self, what: str) -> None:
        value: str | None = await self.push_screen_wait(
            PromptDialog(f"Open {what} by id", placeholder="id", validate=int_validator(what))
        )
        if value:
            (self.open_pool if what == "pool" else self.open_set)(int(value))

    async def action_quit(self) -> None:
        """Quit; ask first if writes are still waiting to be sent."""
        pending = self.session.writes.pending_count()
        if pending:
            self._confirm_quit(pending)
            return
        self.exit()

    @work(group="quit", exclusive=True, exit_on_error=False)
    async def _confirm_quit(self, pending: int) -> None:
        outbox = self.session.writes.outbox
        if outbox is not None and await outbox.flush(timeout=1.5):
            self.exit()
            return
        sure: bool = await self.push_screen_wait(
            ConfirmDialog(
                f"{pending} write(s) are not sent yet. They are saved and will be sent the "
                "next time you start e621-tui. Quit now?",
                yes="Quit",
                no="Stay",
            )
        )
        if sure:
            self.exit()


__all__ = ["E621App", "StartTarget"]
