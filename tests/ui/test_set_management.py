"""Pilot tests of set management (edit, delete, remove posts) against the real devserver."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from e621tui.devserver import DevServer
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.commands import E621Commands
from e621tui.ui.dialogs.confirm import ConfirmDialog
from e621tui.ui.dialogs.edit_set import EditSetDialog
from e621tui.ui.screens.post_set import SetScreen
from e621tui.ui.screens.search import SearchScreen
from tests.ui.conftest import loaded, make_app, wait_until


def header(screen: SetScreen) -> str:
    return str(screen.query_one("#feed-header").render())


def texts(app: E621App) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_set(pilot: object, app: E621App, set_id: int) -> SetScreen:
    """Wait until the set screen shows its first page and your sets are known."""
    await wait_until(
        pilot,  # type: ignore[arg-type]
        lambda: (
            isinstance(app.screen, SetScreen) and loaded(app) and bool(app.session.sets.my_sets)
        ),
    )
    screen = app.screen
    assert isinstance(screen, SetScreen) and screen.set_id == set_id
    return screen


def set_app(server: DevServer, tmp_path: Path, key: str) -> tuple[E621App, int]:
    set_id = server.state.special[key]
    return make_app(server, tmp_path, start=StartTarget("set", str(set_id))), set_id


async def test_edit_checks_locally_then_on_the_server_then_saves_only_changes(
    server: DevServer, tmp_path: Path
) -> None:
    app, set_id = set_app(server, tmp_path, "set_demo_small")
    taken = server.state.post_set(server.state.special["set_demo_public"]).name
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_set(pilot, app, set_id)
        before = server.state.post_set(set_id)
        old_shortname, old_public = before.shortname, before.is_public
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditSetDialog))
        dialog = app.screen
        name = dialog.query_one("#name", Input)
        shortname = dialog.query_one("#shortname", Input)
        assert shortname.value == old_shortname
        # A short name the site would refuse: said under the field, nothing sent.
        shortname.value = "Bad Name!"
        await pilot.press("ctrl+s")
        error = dialog.query_one("#shortname-error")
        await wait_until(pilot, lambda: bool(error.display))
        assert "lowercase" in str(error.render())
        assert app.focused is shortname
        await pilot.pause(0.2)
        assert server.api_requests(f"/post_sets/{set_id}.json", "PATCH") == []
        # A name the site says is taken (422): its message under the name field.
        shortname.value = old_shortname
        await wait_until(pilot, lambda: not error.display)  # editing clears the error
        name.value = taken
        await pilot.press("ctrl+s")
        name_error = dialog.query_one("#name-error")
        await wait_until(pilot, lambda: bool(name_error.display))
        assert "already been taken" in str(name_error.render())
        assert app.screen is dialog and app.focused is name
        # A good name and a new description: only those two fields are sent.
        name.value = "Night Skies Renamed"
        dialog.query_one("#description", TextArea).load_text("stars\nand moons")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        patches = server.api_requests(f"/post_sets/{set_id}.json", "PATCH")
        assert [p.status for p in patches] == [422, 204]
        assert patches[-1].form == {
            "post_set[name]": ["Night Skies Renamed"],
            "post_set[description]": ["stars\nand moons"],
        }
        after = server.state.post_set(set_id)
        assert (after.name, after.description) == ("Night Skies Renamed", "stars\nand moons")
        assert (after.shortname, after.is_public) == (old_shortname, old_public)
        await wait_until(pilot, lambda: any("saved set" in t for t in texts(app)))
        assert "Night Skies Renamed" in header(screen) and "stars" in header(screen)
        mine = next(c for c in app.session.sets.my_sets if c.id == set_id)
        assert mine.name == "Night Skies Renamed"
        await wait_until(pilot, lambda: app.session.sets.active is not None)
        assert app.session.sets.active is not None
        assert app.session.sets.active.name == "Night Skies Renamed"


async def test_delete_asks_first_then_deletes_and_leaves_the_screen(
    server: DevServer, tmp_path: Path
) -> None:
    app, set_id = set_app(server, tmp_path, "set_demo_small")
    count = len(server.state.post_set(set_id).post_ids)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_set(pilot, app, set_id)
        await wait_until(pilot, lambda: app.session.sets.active is not None)
        # "No" sends nothing.
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.pause(0.2)
        assert server.api_requests(f"/post_sets/{set_id}.json", "DELETE") == []
        assert set_id in server.state.sets
        # "Yes" deletes.
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = str(app.screen.query_one(".dialog-question").render())
        assert f"({count} posts)" in question and "cannot be undone" in question
        assert "Night_Skies" in question
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert len(server.api_requests(f"/post_sets/{set_id}.json", "DELETE")) == 1
        assert set_id not in server.state.sets
        assert app.session.sets.active is None
        assert all(c.id != set_id for c in app.session.sets.my_sets)
        await wait_until(pilot, lambda: any("deleted set" in t for t in texts(app)))


async def test_x_removes_the_focused_post_and_the_count_drops(
    server: DevServer, tmp_path: Path
) -> None:
    app, set_id = set_app(server, tmp_path, "set_demo_small")
    count = len(server.state.post_set(set_id).post_ids)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_set(pilot, app, set_id)
        assert f"{count} posts" in header(screen)
        screen.grid.cursor = 2
        gone = screen.grid.items[2].post.id
        following = screen.grid.items[3].post.id
        await pilot.press("x")
        await wait_until(pilot, lambda: f"{count - 1} posts" in header(screen))
        await wait_until(pilot, lambda: gone not in [i.post.id for i in screen.grid.items])
        assert screen.grid.items[screen.grid.cursor].post.id == following
        await wait_until(pilot, lambda: gone not in server.state.post_set(set_id).post_ids)
        (request,) = server.api_requests(f"/post_sets/{set_id}/remove_posts.json", "POST")
        assert request.form["post_ids[]"] == [str(gone)]
        # Undo puts it back: in the grid and in the count.
        await pilot.press("u")
        await wait_until(pilot, lambda: gone in [i.post.id for i in screen.grid.items])
        assert f"{count} posts" in header(screen)
        await wait_until(pilot, lambda: gone in server.state.post_set(set_id).post_ids)


async def test_marked_posts_leave_the_set_in_one_request(server: DevServer, tmp_path: Path) -> None:
    app, set_id = set_app(server, tmp_path, "set_demo_small")
    count = len(server.state.post_set(set_id).post_ids)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_set(pilot, app, set_id)
        picks = {screen.grid.items[i].post.id for i in (0, 4, 5)}
        for index in (0, 4, 5):
            screen.grid.cursor = index
            await pilot.press("space")
        await pilot.press("x")
        await wait_until(pilot, lambda: f"{count - 3} posts" in header(screen))
        await wait_until(pilot, lambda: not picks & {i.post.id for i in screen.grid.items})
        await wait_until(pilot, lambda: not picks & set(server.state.post_set(set_id).post_ids))
        (request,) = server.api_requests(f"/post_sets/{set_id}/remove_posts.json", "POST")
        assert {int(i) for i in request.form["post_ids[]"]} == picks
        assert not screen.grid.marked


@pytest.mark.parametrize("key", ["set_other_public", "set_other_maintained"])
async def test_someone_elses_set_cannot_be_edited_or_deleted(
    server: DevServer, tmp_path: Path, key: str
) -> None:
    app, set_id = set_app(server, tmp_path, key)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_set(pilot, app, set_id)
        assert not screen.check_action("edit_set", ())
        assert not screen.check_action("delete_set", ())
        await pilot.press("e")
        await pilot.press("D")
        await pilot.pause(0.2)
        assert app.screen is screen
        assert not server.api_requests(f"/post_sets/{set_id}.json", "PATCH")
        assert not server.api_requests(f"/post_sets/{set_id}.json", "DELETE")
        # A maintainer may still remove posts; nobody else may.
        maintained = key == "set_other_maintained"
        assert bool(screen.check_action("remove_from_set", ())) == maintained


async def test_palette_offers_edit_and_delete_of_the_active_owned_set(
    server: DevServer, tmp_path: Path
) -> None:
    app = make_app(server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: loaded(app) and bool(app.session.sets.my_sets))
        provider = E621Commands(app.screen)

        def titles() -> dict[str, object]:
            return {title: callback for title, _, callback in provider._commands()}

        assert "set: Edit active set" not in titles()
        foreign = next(c for c in app.session.sets.my_sets if not c.owned)
        await app.session.sets.set_active(foreign)
        assert "set: Delete active set" not in titles()
        owned_id = server.state.special["set_demo_empty"]
        owned = next(c for c in app.session.sets.my_sets if c.id == owned_id)
        await app.session.sets.set_active(owned)
        delete = titles()["set: Delete active set"]
        assert "set: Edit active set" in titles()
        assert callable(delete)
        delete()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "(0 posts)" in str(app.screen.query_one(".dialog-question").render())
        await pilot.press("y")
        await wait_until(pilot, lambda: owned_id not in server.state.sets)
        await wait_until(pilot, lambda: app.session.sets.active is None)
        assert isinstance(app.screen, SearchScreen)
        assert "set: Delete active set" not in titles()
