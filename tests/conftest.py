"""Shared fixtures: a real devserver on 127.0.0.1 and clients/sessions talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from e621tui.api.client import E621Client
from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's real config, data or cache directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    # The machine-wide request budget lives here: tests never share it with a real app.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("E621_TUI_CONFIG", str(home / "no-config.toml"))
    monkeypatch.delenv("E621_API_KEY", raising=False)


@pytest.fixture
def server() -> Iterator[DevServer]:
    """A fresh devserver that enforces the site's rules; checks the 2-per-second ceiling."""
    with DevServer() as srv:
        yield srv
        worst = srv.max_requests_in_window(1.0)
        assert worst <= 2, f"{worst} API requests arrived within one second"


@pytest.fixture
async def client(server: DevServer) -> AsyncIterator[E621Client]:
    """A client logged in as the demo user."""
    async with E621Client(server.base_url, DEMO_USERNAME, DEMO_API_KEY, backoff_base=0.3) as c:
        yield c


@pytest.fixture
async def anon_client(server: DevServer) -> AsyncIterator[E621Client]:
    """An anonymous client."""
    async with E621Client(server.base_url, backoff_base=0.3) as c:
        yield c


def make_session(
    server: DevServer, tmp_path: Path, *, login: bool = True, **extra: object
) -> Session:
    """A session against the devserver with its dirs under tmp_path."""
    options = SessionOptions(
        base_url=server.base_url,
        username=DEMO_USERNAME if login else None,
        api_key=DEMO_API_KEY if login else None,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        **extra,  # type: ignore[arg-type]
    )
    return Session(options)
