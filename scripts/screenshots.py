"""Render the README's screenshots from the demo server (never edit them by hand).

    python scripts/screenshots.py [OUTPUT_DIR]

Each screen is rendered with half-cell images at 120×36 and saved as SVG.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from e621tui.core.session import Session, SessionOptions
from e621tui.core.startup import StartTarget
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from e621tui.devserver.discovery_data import ensure_discovery
from e621tui.settings.config import Settings
from e621tui.ui.app import E621App
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.widgets.grid import PostGrid
from e621tui.ui.widgets.image import ImageView
from e621tui.ui.widgets.statusbar import StatusBar

SIZE = (120, 36)
#: A fixed folder (emptied first), so that the downloads screen's header is the same each run.
DOWNLOADS = Path(tempfile.gettempdir()) / "e621-tui-screenshots" / "downloads"


async def _until(pilot: object, cond: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("screen did not settle")
        await pilot.pause(0.1)  # type: ignore[attr-defined]


def _images_settled(app: E621App) -> bool:
    views = list(app.screen.query(ImageView))
    grids = list(app.screen.query(PostGrid))
    return all(
        view.picture is not None or view.error or view.request is None for view in views
    ) and all(grid.pending_pictures() == 0 for grid in grids)


def _grid_ready(app: E621App, name: str) -> bool:
    screen = app.screen
    return (
        screen.__class__.__name__ == name
        and isinstance(screen, GridScreen)
        and screen.page is not None
        and not screen.page_loading
    )


Steps = Callable[[E621App, Any], Awaitable[None]]


def _first_screen_ready(app: E621App, name: str | None) -> bool:
    if name is not None:
        return app.screen.__class__.__name__ == name
    screen = app.screen
    return isinstance(screen, GridScreen) and screen.page is not None and not screen.page_loading


def _loaded(app: E621App) -> bool:
    """Nothing queued, and a screen that loads a page (comments) has it."""
    idle = app.session.client.scheduler.queued == 0
    # The status line hears of the queue a moment later (coalesced): wait for it to agree.
    bars = list(app.screen.query(StatusBar))
    idle = idle and not any(part.text.startswith("⋯") for bar in bars for part in bar.app_status)
    return idle and getattr(app.screen, "page", True) is not None


async def _press(pilot: Any, *keys: str, pause: float = 0.4) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause(pause)


async def shoot(
    server: DevServer,
    out: Path,
    name: str,
    start: StartTarget,
    screen_name: str,
    *,
    settings: Settings | None = None,
    steps: Steps | None = None,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(
            SessionOptions(
                base_url=server.base_url,
                username=DEMO_USERNAME,
                api_key=DEMO_API_KEY,
                data_dir=Path(tmp) / "data",
                cache_dir=Path(tmp) / "cache",
                download_dir=DOWNLOADS,
            )
        )
        app = E621App(
            session, graphics="halfcell", start=start, site_label="demo", settings=settings
        )
        async with app.run_test(size=SIZE) as pilot:
            first = (start.kind == "post" and "PostScreen") or ""
            if first or steps is not None:
                await _until(pilot, lambda: _first_screen_ready(app, first or None))
            else:
                await _until(pilot, lambda: _grid_ready(app, screen_name))
            await _until(pilot, lambda: _images_settled(app) and _loaded(app))
            if steps is not None:
                await steps(app, pilot)
                await _until(pilot, lambda: app.screen.__class__.__name__ == screen_name)
                await _until(pilot, lambda: _images_settled(app) and _loaded(app))
            await pilot.pause(1.2)  # let the status bar's queue counter settle
            svg = app.export_screenshot(title=f"e621-tui — {name}")
        (out / f"{name}.svg").write_text(svg, encoding="utf-8")
        print(f"wrote {out / (name + '.svg')}")


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(DOWNLOADS, ignore_errors=True)
    with DevServer(media=True) as server:  # as the demo: a few posts with real files
        state = server.state
        described = state.special["described"]
        await shoot(server, out, "search", StartTarget("search", ""), "SearchScreen")
        await shoot(server, out, "post", StartTarget("post", str(described)), "PostScreen")
        pool, post_set = state.special["pool_40"], state.special["set_demo_public"]
        await shoot(server, out, "pool", StartTarget("pool", str(pool)), "PoolScreen")
        await shoot(server, out, "set", StartTarget("set", str(post_set)), "SetScreen")
        await shoot(server, out, "popular", StartTarget("popular", "week"), "PopularScreen")
        follows = Settings(follows=["fox", "wolf", "dragon", "red_fox", "mossbrush"])
        await shoot(server, out, "feed", StartTarget("feed"), "FeedScreen", settings=follows)
        ensure_discovery(state)
        commented = str(state.special["many_comments"])

        async def comments(app: E621App, pilot: Any) -> None:
            await _press(pilot, "c", pause=1.0)

        await shoot(
            server, out, "comments", StartTarget("post", commented), "CommentsScreen",
            steps=comments,
        )  # fmt: skip

        async def tag_info(app: E621App, pilot: Any) -> None:
            await _press(pilot, "enter", pause=1.0)  # the first post of the "fox" search
            await _press(pilot, "i", pause=0.6)
            await _press(pilot, "f", "o", "x", "enter", pause=0.3)
            await pilot.pause(1.5)

        await shoot(server, out, "tag", StartTarget("search", "fox"), "TagScreen", steps=tag_info)

        async def downloads(app: E621App, pilot: Any) -> None:
            await _press(pilot, "space", "right", "space", "right", "space", "d", pause=0.3)
            await _press(pilot, "ctrl+d", pause=2.0)

        media_pool = str(state.special["media_pool"])
        await shoot(
            server, out, "downloads", StartTarget("pool", media_pool), "DownloadsScreen",
            steps=downloads,
        )  # fmt: skip


if __name__ == "__main__":
    default = Path(__file__).parent.parent / "screenshots"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    asyncio.run(main(target))
