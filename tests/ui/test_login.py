"""Pilot tests of logging in and out against the real devserver (good key, 401, edge block)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, Static

import e621tui.api.client as client_module
from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from e621tui.settings.credentials import CredentialStore
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.commands import E621Commands
from e621tui.ui.dialogs.login import LoginDialog
from tests.ui.conftest import grid_screen, loaded, make_app, wait_until

WRONG_KEY = "wrong7key8that9nobody0has"


def store_at(tmp_path: Path) -> CredentialStore:
    return CredentialStore(path=tmp_path / "creds.json", use_keyring=False)


def status_text(app: E621App) -> str:
    return str(app.screen.query_one("#status").render())


def shown_texts(app: E621App) -> list[str]:
    """Every notification and every piece of text on every screen."""
    out = [f"{n.title} {n.message}" for n in app._notifications]
    for screen in app.screen_stack:
        out += [str(widget.render()) for widget in screen.query(Static)]
        out += [widget.value for widget in screen.query(Input) if not widget.password]
    return [*out, str(app.title), str(app.sub_title)]


async def log_in(pilot: object, app: E621App, username: str, key: str) -> None:
    """Press L and type a user name and key into the dialog, as a user would."""
    await pilot.press("L")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, LoginDialog))  # type: ignore[arg-type]
    await pilot.press(*username, "enter")  # type: ignore[attr-defined]
    dialog = app.screen
    await wait_until(pilot, lambda: dialog.query_one("#api-key", Input).has_focus)  # type: ignore[arg-type]
    await pilot.press(*key, "enter")  # type: ignore[attr-defined]


async def still_browses(pilot: object, app: E621App, server: DevServer) -> None:
    """Reload the page: it arrives, sent anonymously."""
    before = len(server.api_requests("/posts.json", "GET"))
    await pilot.press("r")  # type: ignore[attr-defined]
    await wait_until(
        pilot,  # type: ignore[arg-type]
        lambda: len(server.api_requests("/posts.json", "GET")) > before and loaded(app),
    )
    newest = server.api_requests("/posts.json", "GET")[-1]
    assert newest.status == 200 and newest.user is None
    assert grid_screen(app).grid.items


async def test_good_key_logs_in_loads_the_account_and_stores_the_key(
    server: DevServer, tmp_path: Path
) -> None:
    store = store_at(tmp_path)
    app = make_app(server, tmp_path, login=False, credentials=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        assert "anonymous" in status_text(app)
        await log_in(pilot, app, DEMO_USERNAME, DEMO_API_KEY)
        await wait_until(pilot, lambda: f"{DEMO_USERNAME} ✓" in status_text(app))
        session = app.session
        assert session.logged_in and session.user is not None
        assert session.user.blacklisted_tags  # the demo account has a blacklist
        assert session.blacklist
        await wait_until(pilot, lambda: bool(session.sets.my_sets))
        assert any(choice.owned for choice in session.sets.my_sets)
        assert store.get(server.base_url, DEMO_USERNAME) == DEMO_API_KEY
        mode = stat.S_IMODE(os.stat(tmp_path / "creds.json").st_mode)
        assert mode == 0o600
        await wait_until(pilot, lambda: any("logged in as demo" in t for t in shown_texts(app)))
        assert app.check_action("favorite", ())
        # Logging out (the palette's command) forgets the stored key.
        commands = {title: run for title, _, run in E621Commands(app.screen)._commands()}
        commands["account: Log out"]()
        await wait_until(pilot, lambda: "anonymous" in status_text(app))
        assert not session.logged_in and session.user is None and not session.sets.my_sets
        assert store.get(server.base_url, DEMO_USERNAME) is None
        assert "account: Log in" in {t for t, _, _ in E621Commands(app.screen)._commands()}


async def test_wrong_key_is_refused_quietly_and_browsing_goes_on(
    server: DevServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = store_at(tmp_path)
    app = make_app(server, tmp_path, login=False, credentials=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await log_in(pilot, app, DEMO_USERNAME, WRONG_KEY)
        await wait_until(pilot, lambda: any("not accepted" in t for t in shown_texts(app)))
        refused = server.api_requests(f"/users/{DEMO_USERNAME}.json", "GET")
        assert refused and refused[-1].status == 401
        session = app.session
        assert not session.logged_in and session.user is None
        assert "anonymous" in status_text(app)
        assert store.get(server.base_url, DEMO_USERNAME) is None
        assert not (tmp_path / "creds.json").exists()
        await still_browses(pilot, app, server)
        assert all(WRONG_KEY not in text for text in shown_texts(app))
        assert WRONG_KEY not in caplog.text


async def test_blocked_user_agent_says_so_and_browsing_goes_on(
    server: DevServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = client_module.user_agent

    def generic_when_logged_in(username: str | None) -> str:
        # The client re-derives its User-Agent at login, so a header set beforehand would be
        # replaced: make the logged-in one the generic library agent the edge blocks.
        return "python-httpx/0.28.1" if username else real(username)

    monkeypatch.setattr(client_module, "user_agent", generic_when_logged_in)
    store = store_at(tmp_path)
    app = make_app(server, tmp_path, login=False, credentials=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await log_in(pilot, app, DEMO_USERNAME, DEMO_API_KEY)
        await wait_until(pilot, lambda: any("blocked" in t for t in shown_texts(app)))
        message = next(t for t in shown_texts(app) if "blocked" in t)
        assert "site's edge" in message and "anonymously" in message
        blocked = server.api_requests(f"/users/{DEMO_USERNAME}.json", "GET")
        assert blocked and blocked[-1].status == 403
        assert blocked[-1].headers.get("user-agent") == "python-httpx/0.28.1"
        assert not app.session.logged_in and "anonymous" in status_text(app)
        assert store.get(server.base_url, DEMO_USERNAME) is None
        await still_browses(pilot, app, server)
        newest = server.api_requests("/posts.json", "GET")[-1]
        assert newest.headers.get("user-agent", "").startswith("e621-tui/")
        assert all(DEMO_API_KEY not in text for text in shown_texts(app))


def wrong_key_app(server: DevServer, tmp_path: Path) -> E621App:
    """The app as `--username demo` with a wrong key in E621_API_KEY would start it."""
    options = SessionOptions(
        base_url=server.base_url,
        username=DEMO_USERNAME,
        api_key=WRONG_KEY,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
    )
    return E621App(
        Session(options),
        graphics="none",
        start=StartTarget("search", ""),
        credentials=store_at(tmp_path),
    )


async def test_startup_with_a_wrong_key_warns_and_browses_anonymously(
    server: DevServer, tmp_path: Path
) -> None:
    app = wrong_key_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: any("not accepted" in t for t in shown_texts(app)))
        warning = next(n for n in app._notifications if "not accepted" in str(n.message))
        assert warning.severity == "warning" and "anonymously" in str(warning.message)
        assert not app.session.logged_in and app.session.user is None
        await wait_until(pilot, lambda: "anonymous" in status_text(app))
        await still_browses(pilot, app, server)
        assert all(WRONG_KEY not in text for text in shown_texts(app))


async def test_startup_with_a_wrong_key_shows_the_first_page_by_itself(
    server: DevServer, tmp_path: Path
) -> None:
    app = wrong_key_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        message = app.screen.query_one("#grid-message")
        await wait_until(
            pilot,
            lambda: (
                "not accepted" in " ".join(shown_texts(app))
                and (loaded(app) or "could not load" in str(message.render()))
            ),
        )
        await wait_until(pilot, lambda: loaded(app), timeout=3.0)
