"""Pilot tests of downloading from the UI: d, the palette, the downloads view and its keys,
the status line, notices, bad templates and hostile names (against the real devserver)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, ProgressBar

from e621tui.devserver import DevServer
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.dialogs.confirm import ConfirmDialog
from e621tui.ui.dialogs.prompt import PromptDialog
from e621tui.ui.screens.downloads import DownloadsScreen
from e621tui.ui.screens.pool import PoolScreen
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.screens.post_set import SetScreen
from e621tui.ui.screens.search import SearchScreen
from e621tui.ui.widgets.downloads import DownloadRow
from e621tui.ui.widgets.statusbar import StatusBar
from tests.conftest import make_session
from tests.ui.conftest import grid_screen, loaded, wait_until

SIZE = (120, 40)


@pytest.fixture
def media() -> Iterator[DevServer]:
    """A devserver whose newest posts have real files (true md5s)."""
    with DevServer(media=True) as srv:
        yield srv
        worst = srv.max_requests_in_window(1.0)
        assert worst <= 2, f"{worst} API requests arrived within one second"


def media_app(srv: DevServer, tmp_path: Path, **kw: Any) -> E621App:
    """The app against ``srv``, logged in, downloads into ``tmp_path/dl``."""
    session = make_session(srv, tmp_path, download_dir=tmp_path / "dl", **kw.pop("session", {}))
    start = kw.pop("start", StartTarget("search", "real_file"))
    return E621App(session, graphics=kw.pop("graphics", "none"), start=start, **kw)


def messages(app: E621App) -> list[str]:
    """Every notification's title and text."""
    return [f"{n.title} {n.message}" for n in app._notifications]


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def downloads_view(app: E621App, pilot: Pilot[Any]) -> DownloadsScreen:
    await pilot.press("ctrl+d")
    await wait_until(pilot, lambda: isinstance(app.screen, DownloadsScreen))
    screen = app.screen
    assert isinstance(screen, DownloadsScreen)
    return screen


async def test_d_queues_the_marked_posts_under_the_template(
    media: DevServer, tmp_path: Path
) -> None:
    app = media_app(media, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        screen = grid_screen(app)
        for _ in range(3):
            await pilot.press("space")
        marked = sorted(screen.grid.marked)
        assert len(marked) == 3
        await pilot.press("d")
        assert not screen.grid.marked  # marks clear after a bulk action
        assert any("queued 3 posts" in m for m in messages(app))
        assert await app.session.downloads.wait_idle(20)
        await wait_until(pilot, lambda: any("downloads finished" in m for m in messages(app)))
        state = media.state
        expected = {
            tmp_path / "dl" / state.posts[i].tags["artist"][0] / f"{i}.{state.posts[i].ext}": i
            for i in marked
        }
        assert files_under(tmp_path / "dl") == sorted(expected)
        for path, post_id in expected.items():
            assert md5_of(path) == state.posts[post_id].md5

        view = await downloads_view(app, pilot)
        table = view.query_one(DataTable)
        assert table.row_count == 3
        assert {v.state for v in view.views.values()} == {"done"}
        assert "nothing left to download" in str(view.query_one("#downloads-summary").render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))


async def test_the_focused_post_alone_and_from_the_post_screen(
    media: DevServer, tmp_path: Path
) -> None:
    post_id = media.state.special["media_2"]
    app = media_app(media, tmp_path, start=StartTarget("post", str(post_id)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        await pilot.press("d")
        assert await app.session.downloads.wait_idle(20)
        [path] = files_under(tmp_path / "dl")
        assert path.name == f"{post_id}.jpg"
        assert md5_of(path) == media.state.posts[post_id].md5


async def test_the_view_shows_progress_and_its_keys_control_the_files(
    media: DevServer, tmp_path: Path
) -> None:
    state = media.state
    pool = state.pools[state.special["media_pool"]]
    media.faults.set("throttle", rate=20_000)
    app = media_app(media, tmp_path, start=StartTarget("pool", str(pool.id)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PoolScreen) and loaded(app))
        app.download_actions.queue_pool(pool.id)
        await wait_until(pilot, lambda: app.session.downloads.summary().active == 3)
        view = await downloads_view(app, pilot)
        await wait_until(pilot, lambda: len(view.query(DownloadRow)) == 3)
        await wait_until(pilot, lambda: any(r.view.bytes_done for r in view.query(DownloadRow)))
        bars = list(view.query(ProgressBar))
        assert len(bars) == 4  # overall + one per running file
        overall = view.query_one("#downloads-overall", ProgressBar)
        assert overall.total and 0 < (overall.progress or 0) < overall.total
        # The status line on the screen below says it too, first in the app's part.
        below = app.screen_stack[-2]
        assert isinstance(below, PoolScreen)
        bar = below.query_one(StatusBar)
        await wait_until(pilot, lambda: bool(bar.app_status) and "⇣" in bar.app_status[0].text)
        assert "/15" in bar.app_status[0].text

        table = view.query_one(DataTable)
        assert table.row_count == 15
        running = next(i for i, v in enumerate(view.views.values()) if v.state == "downloading")
        table.move_cursor(row=running)
        item = view.selected
        assert item is not None
        await pilot.press("p")  # pause: the partial file stays
        await wait_until(pilot, lambda: view.views[item.id].state == "paused")
        await pilot.press("p")  # resume
        await wait_until(pilot, lambda: view.views[item.id].state != "paused")
        queued = next(i for i, v in enumerate(view.views.values()) if v.state == "queued")
        table.move_cursor(row=queued)
        other = view.selected
        assert other is not None
        await pilot.press("c")
        await wait_until(pilot, lambda: view.views[other.id].state == "cancelled")
        assert view.check_action("retry", ()) is True
        await pilot.press("r")
        await wait_until(pilot, lambda: view.views[other.id].state != "cancelled")
        await pilot.press("P")  # pause all
        await wait_until(
            pilot,
            lambda: (
                all(v.state in ("paused", "done") for v in view.views.values())
                and not view.query(DownloadRow)
            ),
        )
        assert app.session.downloads.summary().paused > 0
        await pilot.press("P")  # nothing runs: resume all
        media.faults.clear()
        assert await app.session.downloads.wait_idle(30)
        await wait_until(pilot, lambda: all(v.state == "done" for v in view.views.values()))
        await pilot.press("C")  # clear finished: the files stay
        await wait_until(pilot, lambda: view.query_one(DataTable).row_count == 0)
        names = [p.name for p in files_under(tmp_path / "dl" / "Lantern_Road_Comic")]
        assert names == [f"{n:04} - {pid}.jpg" for n, pid in enumerate(pool.post_ids, start=1)]
        for pid in pool.post_ids:
            [path] = (tmp_path / "dl" / "Lantern_Road_Comic").glob(f"* - {pid}.jpg")
            assert md5_of(path) == state.posts[pid].md5


async def test_failures_are_notified_and_retried_from_the_view(
    media: DevServer, tmp_path: Path
) -> None:
    special = media.state.special
    app = media_app(media, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        deleted = await app.session.client.posts.get(special["media_deleted"])
        hidden = app.session.register([deleted])
        app.session.downloads.queue_posts(hidden)
        await wait_until(pilot, lambda: any("downloads failed" in m for m in messages(app)))
        failed = next(n for n in app._notifications if "downloads failed" in str(n.title))
        assert failed.severity == "error"
        assert f"#{special['media_deleted']}" in str(failed.message)
        view = await downloads_view(app, pilot)
        assert view.check_action("retry_failed", ()) is True
        await pilot.press("R")
        assert any("retrying 1 file" in m for m in messages(app))


async def test_palette_commands_apply_where_they_make_sense(
    media: DevServer, tmp_path: Path
) -> None:
    state = media.state
    set_id = state.special["media_set"]
    app = media_app(media, tmp_path, start=StartTarget("set", str(set_id)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SetScreen) and loaded(app))
        titles = [t for t, _, _ in app.download_actions.commands(app.screen)]
        assert "download: This set" in titles and "downloads: Show queue" in titles
        assert "download: This search" not in titles
        search = app.screen_stack[1]
        assert isinstance(search, SearchScreen)
        titles = [t for t, _, _ in app.download_actions.commands(search)]
        assert "download: This search" in titles and "download: This set" not in titles

        # Run one through the real palette.
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        for key in "download: This set":
            await pilot.press("space" if key == " " else key)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("queued set Real Files" in m for m in messages(app)))
        assert await app.session.downloads.wait_idle(20)
        post_set = state.sets[set_id]
        assert len(files_under(tmp_path / "dl")) == len(post_set.post_ids)

        # A pool member on the grid or the post screen offers its pool.
        member = state.special["media_pool"]
        first = state.pools[member].post_ids[0]
        app.open_post_by_id(first)
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        commands = {t: c for t, _, c in app.download_actions.commands(app.screen)}
        assert "download: Pool in order" in commands
        commands["download: Pool in order"]()
        await wait_until(pilot, lambda: any("queued pool Lantern" in m for m in messages(app)))


async def test_download_this_search_asks_how_many_and_confirms(
    media: DevServer, tmp_path: Path
) -> None:
    app = media_app(media, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        commands = {t: c for t, _, c in app.download_actions.commands(app.screen)}
        commands["download: This search"]()
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+a", "ctrl+k", "0", "enter")  # 0 is refused, it stays open
        await pilot.pause(0.1)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("backspace", "4", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")  # no: nothing is queued
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert app.session.downloads.batches() == []
        commands["download: This search"]()
        await wait_until(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("ctrl+a", "ctrl+k", "4", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(app.session.downloads.batches()))
        assert await app.session.downloads.wait_idle(30)
        [batch] = app.session.downloads.batches()
        assert batch.kind == "search" and batch.files == 4 and batch.done == 4
        assert len(files_under(tmp_path / "dl")) == 4


async def test_a_bad_template_is_a_notice_not_a_crash(media: DevServer, tmp_path: Path) -> None:
    app = media_app(media, tmp_path, session={"download_template": "{nope}/{id}.{ext}"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await wait_until(pilot, lambda: any("unknown field {nope}" in m for m in messages(app)))
        await pilot.press("d")
        await pilot.pause(0.1)
        assert any(n.severity == "error" and "download_template" in str(n.message)
                   for n in app._notifications)  # fmt: skip
        assert app.session.downloads.batches() == []
        assert isinstance(app.screen, SearchScreen)  # still running, still usable


async def test_hostile_tags_in_the_template_stay_inside_the_download_dir(
    media: DevServer, tmp_path: Path
) -> None:
    special = media.state.special
    template = "{artist}/{copyright}/{character}/{species}/{pool_name}{id}.{ext}"
    app = media_app(
        media, tmp_path, start=StartTarget("post", str(special["media_hostile_artist"])),
        session={"download_template": template,
                 "pool_template": "{pool_name}/{artist}/{species}/{index} {id}.{ext}"},
    )  # fmt: skip
    root = tmp_path / "dl"
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        await pilot.press("d")
        commands = {t: c for t, _, c in app.download_actions.commands(app.screen)}
        app.download_actions.queue_pool(special["media_hostile_pool"])
        assert "download: Pool in order" in commands
        await wait_until(pilot, lambda: len(app.session.downloads.batches()) == 2)
        assert await app.session.downloads.wait_idle(30)
    written = [p for p in root.rglob("*") if p.is_file()]
    assert len(written) == 4  # the post alone and the three pages of the pool
    for path in written:
        assert path.resolve().is_relative_to(root.resolve()), path
        assert not any(part in ("..", "etc", "") for part in path.relative_to(root).parts)
        assert not any(ord(c) < 32 for c in str(path))
    others = {p for p in tmp_path.rglob("*") if p.is_file()} - set(written)
    assert all(p.is_relative_to(tmp_path / "data") or p.is_relative_to(tmp_path / "cache")
               for p in others), others  # fmt: skip


async def test_the_downloads_keys_are_rebindable_by_id(media: DevServer, tmp_path: Path) -> None:
    app = media_app(media, tmp_path, keymap={"downloads": "W", "downloads.close": "backspace"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        await pilot.press("ctrl+d")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, DownloadsScreen)
        await pilot.press("W")
        await wait_until(pilot, lambda: isinstance(app.screen, DownloadsScreen))
        await pilot.press("backspace")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
