"""Fixtures of the end-to-end tests: a devserver in this process and the program in tmux."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e621tui.devserver import DevServer

from .harness import Tui, check_screen, require_tmux


@pytest.fixture
def srv() -> Iterator[DevServer]:
    """A devserver that enforces the site's edge rules (2 requests per second)."""
    server = DevServer(port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tui(tmp_path: Path) -> Iterator[Tui]:
    """A 160×50 terminal; the tmux server is killed afterwards, and the last screen checked."""
    require_tmux()
    term = Tui(tmp_path, width=160, height=50)
    try:
        yield term
        if term.target:
            check_screen(term.tmux("capture-pane", "-p", "-t", term.target, check=False))
    finally:
        term.close()
