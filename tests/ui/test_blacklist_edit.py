"""Editing the blacklist in the app: saved to the account when logged in, else locally."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from e621tui.devserver import DEMO_USER_ID, DevServer
from tests.ui.conftest import grid_screen, loaded, make_app, wait_until


async def test_edit_saves_to_the_account_and_hides_posts_at_once(
    server: DevServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app) and app.session.user is not None)
        screen = grid_screen(app)
        victim = screen.grid.items[0].post
        app.action_edit_blacklist()
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "BlacklistEditor")
        area = app.screen.query_one(TextArea)
        new_text = area.text + f"\nid:{victim.id}"
        area.text = new_text
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: bool(server.api_requests(f"/users/{DEMO_USER_ID}.json", "PATCH"))
        )
        (request,) = server.api_requests(f"/users/{DEMO_USER_ID}.json", "PATCH")
        assert request.form["user[blacklisted_tags]"] == [new_text]
        assert server.state.user(DEMO_USER_ID).blacklisted_tags == new_text
        # The page on screen is filtered again straight away.
        await wait_until(pilot, lambda: all(i.post.id != victim.id for i in screen.grid.items))
        assert app.session.blacklist.match(victim) is not None


async def test_edit_without_login_saves_locally(server: DevServer, tmp_path: Path) -> None:
    saved: list[str] = []
    app = make_app(
        server, tmp_path, login=False, save_config=lambda **kw: saved.append(kw["blacklist"])
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        victim = screen.grid.items[0].post
        app.action_edit_blacklist()
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "BlacklistEditor")
        app.screen.query_one(TextArea).text = f"id:{victim.id}"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: saved == [f"id:{victim.id}"])
        await wait_until(pilot, lambda: all(i.post.id != victim.id for i in screen.grid.items))
        assert not server.api_requests("/users", "PATCH")
