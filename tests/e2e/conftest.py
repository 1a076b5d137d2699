"""Fixtures of the end-to-end tests: a devserver in this process and the program in tmux."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e621tui.devserver import DevServer

from .harness import Tui, require_tmux


@pytest.fixture
def srv() -> Iterator[DevServer]:
    """A devserver that enforces the site's edge rules; afterwards checks that the program
    never started more than 2 API requests within one second."""
    server = DevServer(port=0)
    server.start()
    try:
        yield server
        worst = server.max_requests_in_window(1.0)
        assert worst <= 2, f"{worst} API requests arrived within one second"
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
            term.check_all_panes()
    finally:
        term.close()
