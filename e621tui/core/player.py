"""Playing videos and animations in an external player (mpv by default).

`player_command` is a pure function: a post, the graphics mode and the config give the command
line. Inside the terminal the video output matches the graphics mode (``--vo=kitty``,
``--vo=sixel``, else ``--vo=tct``: coloured text cells, which work everywhere); with a display
(``DISPLAY`` / ``WAYLAND_DISPLAY``, or a desktop macOS/Windows session) mpv opens a window.

The command never carries credentials: the URL is the post's file URL (checked to be plain
http(s) without user info or ``login``/``api_key`` parameters) and it comes after ``--``, so a
hostile URL cannot become an option. ``--ytdl=no`` keeps mpv from handing site URLs to
youtube-dl.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from e621tui.api.models import Post

DEFAULT_PLAYER = "mpv"
VIDEO_EXTS = frozenset({"webm", "mp4"})
#: Extensions that are animations when the post is tagged so (apng is ``png``).
STILL_OR_ANIMATED = frozenset({"png", "webp"})
ANIMATED_TAGS = frozenset({"animated", "animated_png"})
#: Video output per graphics mode when playing inside the terminal.
TERMINAL_VO = {"kitty": "kitty", "sixel": "sixel"}
FALLBACK_VO = "tct"
_SECRET_PARAMS = frozenset({"login", "api_key", "password_hash"})


class PlayerUnavailable(Exception):
    """The post cannot be played here; the message says why (fit to show)."""


@dataclass(frozen=True)
class PlayerCommand:
    """A ready command line.

    Attributes:
        argv: The program and its arguments.
        target: The URL (or local file) being played.
        in_terminal: mpv draws in this terminal: run it inside ``App.suspend()``.
        vo: The ``--vo`` chosen for the terminal, None for a window.
    """

    argv: tuple[str, ...]
    target: str
    in_terminal: bool
    vo: str | None


def is_playable(post: Post) -> bool:
    """Videos, gifs and animated png/webp."""
    ext = post.file.ext.lower()
    if ext in VIDEO_EXTS or ext == "gif":
        return True
    tags = set(post.tags.get("meta", []))
    return ext in STILL_OR_ANIMATED and bool(tags & ANIMATED_TAGS)


def _clean_url(url: object, base_url: str | None) -> str | None:
    """``url`` as an absolute http(s) URL without credentials, or None."""
    if not isinstance(url, str) or not url:
        return None
    try:
        parsed = httpx.URL(url)
        if not parsed.is_absolute_url:
            if base_url is None:
                return None
            parsed = httpx.URL(base_url).join(url)
    except httpx.InvalidURL:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host or parsed.userinfo:
        return None
    if _SECRET_PARAMS & {key.lower() for key in parsed.params}:
        return None
    return str(parsed)


def _alternate_urls(alternates: Mapping[str, Any]) -> list[object]:
    """Video URLs from ``sample.alternates``, best first (both the 2025 and the old shape)."""
    found: list[object] = []

    def url_of(entry: object) -> None:
        if isinstance(entry, Mapping):
            found.append(entry.get("url"))
            urls = entry.get("urls")
            if isinstance(urls, list):
                found.extend(urls)

    url_of(alternates.get("original"))
    for group in ("variants", "samples"):
        entries = alternates.get(group)
        if isinstance(entries, Mapping):
            for key in ("mp4", "webm", "720p", "480p"):
                url_of(entries.get(key))
    for key in ("720p", "480p"):  # the old (2020 → 2025-05) shape
        url_of(alternates.get(key))
    return found


def play_url(post: Post, base_url: str | None = None) -> str | None:
    """What to play: the original file, else a video alternate; None when all are withheld."""
    candidates: list[object] = [post.file.url]
    if post.is_video and isinstance(post.sample.alternates, Mapping):
        candidates += _alternate_urls(post.sample.alternates)
    for candidate in candidates:
        url = _clean_url(candidate, base_url)
        if url is not None:
            return url
    return None


def find_player(
    player: str = DEFAULT_PLAYER, which: Callable[[str], str | None] = shutil.which
) -> str | None:
    """The player's full path if it is installed, else None."""
    return which(player) if player else None


def has_display(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether a player window can open (X11/Wayland, or a local macOS/Windows desktop)."""
    env = os.environ if env is None else env
    if env.get("WAYLAND_DISPLAY") or env.get("DISPLAY"):
        return True
    remote = bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))
    return platform in ("darwin", "win32") and not remote


def player_command(
    post: Post,
    *,
    graphics: str,
    player: str = DEFAULT_PLAYER,
    player_args: Sequence[str] = (),
    base_url: str | None = None,
    local_file: Path | None = None,
    window: bool | None = None,
    user_agent: str | None = None,
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> PlayerCommand:
    """The command line that plays ``post``; `PlayerUnavailable` says why it cannot.

    Args:
        graphics: The resolved graphics mode (``kitty``, ``sixel``, ``halfcell``, ``none``;
            anything else plays as coloured text cells).
        player: The ``player`` config key (a program name or path).
        player_args: The ``player_args`` config key, put before the URL.
        local_file: A downloaded copy to play instead of the URL.
        window: Force a window (True) or the terminal (False); None decides by `has_display`.
        user_agent: Sent as mpv's User-Agent (the app's, which names no secret).
    """
    if not is_playable(post):
        raise PlayerUnavailable(f"post #{post.id} is not a video or an animation")
    program = find_player(player, which)
    if program is None:
        raise PlayerUnavailable(
            f"{player or 'no player'} is not installed (set player in the config, "
            "or install mpv); opening the post in the web browser instead"
        )
    if local_file is not None:
        target = str(local_file)
    else:
        url = play_url(post, base_url)
        if url is None:
            raise PlayerUnavailable(f"post #{post.id}: the site gave no playable file address")
        target = url
    use_window = has_display(env) if window is None else window
    argv: list[str] = [program, "--ytdl=no"]
    if post.file.ext.lower() in ("gif", "png", "webp"):
        argv.append("--loop-file=inf")
    if user_agent:
        argv.append(f"--user-agent={user_agent}")
    vo = None
    if not use_window:
        vo = TERMINAL_VO.get(graphics, FALLBACK_VO)
        argv += [f"--vo={vo}", "--really-quiet"]
    argv += [str(a) for a in player_args]
    argv += ["--", target]
    return PlayerCommand(tuple(argv), target, in_terminal=not use_window, vo=vo)


def run_in_terminal(command: PlayerCommand) -> int:
    """Run the player in this terminal and wait (blocks: prefer `play_in_terminal`)."""
    return subprocess.run(command.argv, check=False).returncode


async def play_in_terminal(command: PlayerCommand) -> int:
    """Run the player in this terminal and wait without blocking the event loop.

    Use inside ``with app.suspend():``: the terminal belongs to mpv, while downloads and other
    background work go on.
    """
    process = await asyncio.create_subprocess_exec(*command.argv)
    return await process.wait()


def launch_window(command: PlayerCommand) -> subprocess.Popen[bytes]:
    """Start the player in its own window without tying it to the terminal."""
    return subprocess.Popen(
        command.argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


__all__ = [
    "DEFAULT_PLAYER",
    "PlayerCommand",
    "PlayerUnavailable",
    "find_player",
    "has_display",
    "is_playable",
    "launch_window",
    "play_in_terminal",
    "play_url",
    "player_command",
    "run_in_terminal",
]
