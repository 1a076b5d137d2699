"""Render the README's screenshots from the demo server (never edit them by hand).

    python scripts/screenshots.py [OUTPUT_DIR]

Each screen is rendered with half-cell images at 120×36 and saved as SVG.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.screens.grid_screen import GridScreen
from e621tui.ui.widgets.grid import PostGrid
from e621tui.ui.widgets.image import ImageView

SIZE = (120, 36)


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


async def shoot(
    server: DevServer, out: Path, name: str, start: StartTarget, screen_name: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(
            SessionOptions(
                base_url=server.base_url,
                username=DEMO_USERNAME,
                api_key=DEMO_API_KEY,
                data_dir=Path(tmp) / "data",
                cache_dir=Path(tmp) / "cache",
            )
        )
        app = E621App(session, graphics="halfcell", start=start, site_label="demo")
        async with app.run_test(size=SIZE) as pilot:
            if screen_name == "PostScreen":
                await _until(pilot, lambda: app.screen.__class__.__name__ == "PostScreen")
            else:
                await _until(pilot, lambda: _grid_ready(app, screen_name))
            await _until(pilot, lambda: _images_settled(app))
            await pilot.pause(1.2)  # let the status bar's queue counter settle
            svg = app.export_screenshot(title=f"e621-tui — {name}")
        (out / f"{name}.svg").write_text(svg, encoding="utf-8")
        print(f"wrote {out / (name + '.svg')}")


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with DevServer() as server:
        state = server.state
        described = state.special["described"]
        await shoot(server, out, "search", StartTarget("search", ""), "SearchScreen")
        await shoot(server, out, "post", StartTarget("post", str(described)), "PostScreen")
        pool, post_set = state.special["pool_40"], state.special["set_demo_public"]
        await shoot(server, out, "pool", StartTarget("pool", str(pool)), "PoolScreen")
        await shoot(server, out, "set", StartTarget("set", str(post_set)), "SetScreen")


if __name__ == "__main__":
    default = Path(__file__).parent.parent / "screenshots"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    asyncio.run(main(target))
