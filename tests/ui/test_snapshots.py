"""SVG snapshots of the main screens, with images forced to half-cell or placeholders.

Regenerate after an intended change with ``UPDATE_SNAPSHOTS=1 pytest tests/ui/test_snapshots.py``;
a mismatch writes ``<name>.new.svg`` beside the stored one to compare.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from e621tui.devserver import DevServer
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.widgets.grid import PostGrid
from e621tui.ui.widgets.image import ImageView
from e621tui.ui.widgets.statusbar import StatusBar
from tests.conftest import make_session
from tests.ui.conftest import wait_until

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZE = (100, 30)


def _settled(app: E621App) -> bool:
    screen = app.screen
    if isinstance(screen, GridScreen):
        if screen.page is None or screen.page_loading or screen.feed is None:
            return False
        if (
            screen.feed.has_next(screen.page_index)
            and screen.feed.cached(screen.page_index + 1) is None
        ):
            return False  # the prefetch is still on its way
    views = list(screen.query(ImageView))
    images = app.graphics == "none" or all(
        v.picture is not None or v.error or v.request is None for v in views
    )
    images = images and all(grid.pending_pictures() == 0 for grid in screen.query(PostGrid))
    idle = app.session.client.scheduler.queued == 0
    # The status line is told a moment later (queue changes are coalesced): it must say so too.
    bars = list(screen.query(StatusBar))
    idle = idle and not any(part.text.startswith("⋯") for bar in bars for part in bar.app_status)
    busy = any(w.group in ("page", "open") and w.is_running for w in app.workers)
    return images and idle and not busy


def _normalize(svg: str) -> str:
    # Textual names CSS classes after a hash of the whole export; compare the drawing only.
    return re.sub(r"terminal-\d+", "terminal", svg)


def _check(name: str, svg: str) -> None:
    stored = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS") or not stored.exists():
        stored.write_text(svg, encoding="utf-8")
        if not os.environ.get("UPDATE_SNAPSHOTS"):
            pytest.fail(f"no stored snapshot {stored.name}: wrote it; review and commit it")
        return
    if _normalize(stored.read_text(encoding="utf-8")) != _normalize(svg):
        (SNAPSHOTS / f"{name}.new.svg").write_text(svg, encoding="utf-8")
        pytest.fail(f"{name} differs from the stored snapshot; see {name}.new.svg")


async def _shoot(
    server: DevServer, tmp_path: Path, start: StartTarget, graphics: str, ready: str
) -> str:
    session = make_session(server, tmp_path, login=False)
    app = E621App(session, graphics=graphics, start=start, site_label="demo")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == ready, 20)
        await wait_until(pilot, lambda: _settled(app), 20)
        await pilot.pause(0.3)
        await wait_until(pilot, lambda: _settled(app), 20)
        app.clear_notifications()
        await pilot.pause(0.1)
        return app.export_screenshot()


@pytest.mark.parametrize(
    ("name", "graphics"), [("search_halfcell", "halfcell"), ("search_placeholders", "none")]
)
async def test_search_screen(server: DevServer, tmp_path: Path, name: str, graphics: str) -> None:
    svg = await _shoot(server, tmp_path, StartTarget("search", "fox"), graphics, "SearchScreen")
    _check(name, svg)


async def test_post_screen(server: DevServer, tmp_path: Path) -> None:
    post_id = server.state.special["described"]
    svg = await _shoot(server, tmp_path, StartTarget("post", str(post_id)), "none", "PostScreen")
    _check("post_placeholders", svg)


async def test_pool_screen(server: DevServer, tmp_path: Path) -> None:
    pool_id = server.state.special["pool_12"]
    svg = await _shoot(server, tmp_path, StartTarget("pool", str(pool_id)), "none", "PoolScreen")
    _check("pool_placeholders", svg)
