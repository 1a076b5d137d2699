"""The core alone reading page after page: its memory after 1/10/30/60 pages, without the UI.

    python bench/core_memory.py BASE_URL [PAGES]

A Session pages through all posts like a reader would (each page through the scheduler, its
previews downloaded and decoded into the grid's box) and prints ``page RSS_MB`` lines. The
suite runs it next to the app, so that the app's growth can be told apart from the core's.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import tempfile
from pathlib import Path

from e621tui.core.images.pipeline import ImageRequest, ThumbError, preview_request
from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME

BOX = (256, 256)
REPORT_AT = (1, 10, 30, 60)


def rss_mb() -> float:
    """This process's resident memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def read(base_url: str, pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(
            SessionOptions(
                base_url=base_url,
                username=DEMO_USERNAME,
                api_key=DEMO_API_KEY,
                data_dir=Path(tmp) / "data",
                cache_dir=Path(tmp) / "cache",
            )
        )
        await session.check_login()
        feed = session.search("")
        for index in range(pages):
            page = await feed.page(index)
            feed.prefetch(index + 1)
            shown, _ = session.visible(page.posts)
            requests = [preview_request(s.post) for s in shown]

            async def load(request: ImageRequest) -> None:
                with contextlib.suppress(ThumbError):  # the demo's deliberately broken previews
                    await session.images.load(request, BOX)

            await asyncio.gather(*(load(r) for r in requests if r is not None))
            if index + 1 in REPORT_AT:
                gc.collect()
                print(f"{index + 1} {rss_mb():.1f}", flush=True)
        await session.close()


if __name__ == "__main__":
    asyncio.run(read(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 60))
