"""What the pilot tests share: waiting on the UI, building the app against the devserver.

The helpers are plain functions (helper functions call them too) and fixtures (tests ask for
them by name); nothing here is copied into test modules.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from e621tui.devserver import DevServer
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.screens.grid_screen import GridScreen
from tests.conftest import make_session


async def wait_until(pilot: Pilot[Any], cond: Callable[[], object], timeout: float = 15.0) -> None:
    """Let the app run until ``cond()`` holds (never a fixed sleep); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def make_app(server: DevServer, tmp_path: Path, **kw: Any) -> E621App:
    """The app against ``server`` (logged in unless ``login=False``), images off."""
    session = make_session(
        server,
        tmp_path,
        login=bool(kw.pop("login", True)),
        local_blacklist=kw.pop("blacklist", ""),
    )
    start = kw.pop("start", StartTarget("search", ""))
    return E621App(session, graphics=kw.pop("graphics", "none"), start=start, **kw)


def grid_screen(app: E621App) -> GridScreen:
    """The current screen, which must be a grid."""
    screen = app.screen
    assert isinstance(screen, GridScreen)
    return screen


def loaded(app: E621App) -> bool:
    """True when the current screen is a grid showing a loaded page."""
    screen = app.screen
    return isinstance(screen, GridScreen) and screen.page is not None and not screen.page_loading


def page_requests(server: DevServer) -> list[dict[str, list[str]]]:
    """The query of every /posts.json request the server saw."""
    return [r.query for r in server.api_requests("/posts.json", "GET")]


@pytest.fixture
def app_factory(server: DevServer, tmp_path: Path) -> Callable[..., E621App]:
    """``make_app`` bound to this test's devserver and directory."""
    return lambda **kw: make_app(server, tmp_path, **kw)


class ConfigRecorder:
    """A `SaveConfig` that remembers every change instead of writing a file."""

    def __init__(self) -> None:
        self.changes: list[dict[str, Any]] = []

    def __call__(self, **changes: Any) -> None:
        self.changes.append(dict(changes))


def screen_texts(app: E621App) -> str:
    """The text of every `Static` on the current screen (scrolled-away parts included)."""
    from textual.widgets import Static

    return "\n".join(str(w.content) for w in app.screen.query(Static))


def notifications(app: E621App) -> list[str]:
    """The messages of the notifications shown so far."""
    return [str(n.message) for n in app._notifications]


def palette_titles(app: E621App) -> dict[str, Callable[[], object]]:
    """The command palette's commands where the app is now: title -> callback."""
    from e621tui.ui.commands import E621Commands

    return {title: run for title, _, run in E621Commands(app.screen)._commands()}
