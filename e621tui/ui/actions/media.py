"""Media: play videos and animations in mpv, show a picture full screen.

`MediaActions` is a controller the app owns; ``o`` (and enter on the post screen) and ``z``
delegate to it. Inside the terminal the player runs under ``App.suspend()`` with the ``--vo``
of the graphics mode in use; with a display it opens a window. Without the player the user is
told so and the post's page opens instead (the browser opener copies the link where there is
no graphical browser).
"""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from e621tui.api.models import Post
from e621tui.core.player import (
    PlayerCommand,
    PlayerUnavailable,
    is_playable,
    launch_window,
    play_in_terminal,
    player_command,
)
from e621tui.ui.screens.fullscreen import FullScreenView

if TYPE_CHECKING:
    from e621tui.ui.app import E621App


def player_graphics(mode: str, *, in_tmux: bool) -> str:
    """The graphics mode a player inside the terminal can use with the mode pictures are drawn
    in: kitty graphics only outside tmux (mpv's ``--vo=kitty`` does not wrap its output for
    tmux's passthrough), sixel also inside it (tmux 3.4+ carries sixel itself), else
    ``halfcell`` (``--vo=tct``)."""
    if mode in ("kitty", "kitty-direct"):
        return "halfcell" if in_tmux else "kitty"
    return mode if mode in ("sixel", "halfcell") else "halfcell"


@contextmanager
def _interrupts_left_to_the_player() -> Iterator[None]:
    """Ctrl+C while the player owns the terminal stops the player, not this program.

    The terminal sends SIGINT to the whole foreground group; a Python handler (unlike
    SIG_IGN) is not inherited by the player, which keeps its own.
    """
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    except ValueError:  # not the main thread: nothing to protect
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class MediaActions:
    """Plays posts and shows them full screen.

    Args:
        app: The app (settings, session, graphics mode, screens, notifications).
        which: Finds the player on PATH (tests give a stand-in).
        env: The environment deciding window or terminal (None: the process's).
    """

    def __init__(
        self,
        app: E621App,
        *,
        which: Callable[[str], str | None] = shutil.which,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._app = app
        self._which = which
        self._env = env
        self.last_command: PlayerCommand | None = None
        """The player command line last run (tests and the report read it)."""

    # ---- o / enter -----------------------------------------------------------------------

    def open(self) -> None:
        """Play the focused post if it is a video or an animation, else open its page."""
        posts = self._app.post_actions.targets()
        if not posts:
            return
        if is_playable(posts[0]):
            self.play(posts[0])
        else:
            self._app.post_actions.open_browser()

    def play(self, post: Post) -> None:
        """Play ``post`` in the configured player; say why not and open the page instead."""
        app = self._app
        client = app.session.client
        try:
            command = player_command(
                post,
                graphics=player_graphics(app.graphics, in_tmux=app.pictures.decision.in_tmux),
                player=app.settings.player,
                player_args=app.settings.player_args,
                base_url=client.base_url,
                user_agent=client.user_agent,
                env=self._env,
                which=self._which,
            )
        except PlayerUnavailable as exc:
            app.notify(str(exc), severity="warning", markup=False, timeout=8)
            app.post_actions.open_browser()
            return
        self.last_command = command
        if command.in_terminal:
            app.run_worker(
                self._play_here(command), group="player", exclusive=True, exit_on_error=False
            )
            return
        try:
            process = launch_window(command)
        except OSError as exc:
            app.report(exc, f"starting {app.settings.player}")
            return
        app.notify(f"playing #{post.id} in {app.settings.player}", markup=False)
        # Collected when it ends (no zombie); its window lives on its own meanwhile.
        app.run_worker(process.wait, thread=True, group="player-window", exit_on_error=False)

    async def _play_here(self, command: PlayerCommand) -> None:
        """Hand the terminal to the player until it exits, then repaint everything."""
        app = self._app
        code: int | None = None
        try:
            # No frames while the player owns the terminal (downloads still report progress):
            # the driver's writer is stopped, and a frame would wait for it forever.
            with app.batch_update(), app.suspend(), _interrupts_left_to_the_player():
                code = await play_in_terminal(command)
        except SuspendNotSupported:
            app.notify("this terminal cannot be handed to a player", severity="warning")
        except OSError as exc:
            app.report(exc, f"starting {app.settings.player}")
        finally:
            app.refresh(repaint=True, layout=True)
            app.screen.refresh_bindings()
        if code is not None and code < 0:
            app.notify(f"{app.settings.player} stopped (signal {-code})", markup=False)
        elif code:
            app.notify(f"{app.settings.player} exited with status {code}", markup=False)

    def play_or_view(self, post: Post, *, revealed: bool = False) -> None:
        """Enter on the post screen: play a video or an animation, show a picture full screen."""
        if is_playable(post):
            self.play(post)
        else:
            self.full_screen(post, revealed=revealed)

    # ---- z -------------------------------------------------------------------------------

    def full_screen(self, post: Post, *, revealed: bool = False) -> None:
        """Show the post's picture using the whole terminal (escape returns).

        Args:
            post: The post.
            revealed: The user asked to see this blacklisted post anyway (``v``).
        """
        app = self._app
        session = app.session
        reason = session.hidden_reason(post)
        if reason is None and not revealed and session.blacklist.match(post) is not None:
            reason = "blacklisted (v shows it anyway)"
        if reason is not None:
            app.notify(f"no picture to show: {reason}", markup=False)
            return
        size = (app.size.width, app.size.height)
        mode = app.graphics
        app.push_screen(FullScreenView(post, images=app.session.images, graphics=mode, size=size))


__all__ = ["MediaActions", "player_graphics"]
