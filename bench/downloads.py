"""Benchmark the download queue: a 50-file batch against the devserver over real HTTP.

Run: `python bench/downloads.py`. The devserver serves 50 real JPEGs (1280×960, ~320 KB, true
md5s) on 127.0.0.1; the batch is queued as a search (one API request for the page), then
downloaded, md5-verified and renamed into place. Reported per run: wall time, files/s, MB/s,
progress events, and the event loop's lag while it runs (a 5 ms ticker: how late it woke),
which is what a key press would wait for in the UI. The "link" rows throttle each connection
to 2 MB/s (the devserver's ``throttle`` fault) to show what parallelism buys on a real link.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from e621tui.api.client import E621Client
from e621tui.core.downloads import DownloadOptions, DownloadsChanged, DownloadService
from e621tui.core.downloads.events import DownloadEvent
from e621tui.devserver import DevServer
from e621tui.devserver.media import MEDIA_TAG, add_real_posts

COUNT = 50


async def lag_probe(samples: list[float], stop: asyncio.Event) -> None:
    """Record how late a 5 ms sleep wakes up (ms)."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(0.005)
        samples.append((loop.time() - before - 0.005) * 1000)


async def one_run(srv: DevServer, parallel: int) -> dict[str, float]:
    events: list[DownloadEvent] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with E621Client(srv.base_url) as client:
            service = DownloadService(
                client, events.append, data_dir=Path(tmp) / "data",
                options=DownloadOptions(download_dir=Path(tmp) / "dl", parallel=parallel),
            )  # fmt: skip
            service.start()
            lags: list[float] = []
            stop = asyncio.Event()
            probe = asyncio.create_task(lag_probe(lags, stop))
            started = time.perf_counter()
            service.queue_search(MEDIA_TAG, limit=COUNT)
            assert await service.wait_idle(300)
            took = time.perf_counter() - started
            stop.set()
            await probe
            items = service.items()
            assert len(items) == COUNT and all(v.state == "done" for v in items), items
            size = sum(v.bytes_done for v in items)
            await service.close()
    lags.sort()
    return {
        "seconds": took,
        "files_per_s": COUNT / took,
        "mb_per_s": size / took / 2**20,
        "mb": size / 2**20,
        "events": sum(isinstance(e, DownloadsChanged) for e in events),
        "lag_p50": statistics.median(lags),
        "lag_p99": lags[int(len(lags) * 0.99) - 1],
        "lag_max": lags[-1],
    }


async def main() -> None:
    srv = DevServer(post_count=60)
    add_real_posts(srv.state, COUNT, width=1280, height=960, seed="bench")
    with srv:
        print(f"{COUNT} files; parallel; seconds; files/s; MB/s; progress events; "
              "loop lag p50/p99/max ms")  # fmt: skip
        for label, rate in (("local", None), ("link 2 MB/s per connection", 2 * 2**20)):
            for parallel in (1, 3, 6):
                if rate:
                    srv.faults.set("throttle", rate=rate)
                else:
                    srv.faults.clear()
                r = await one_run(srv, parallel)
                print(
                    f"{label:>27} p={parallel}: {r['seconds']:6.2f} s  {r['files_per_s']:6.1f} f/s"
                    f"  {r['mb_per_s']:6.1f} MB/s ({r['mb']:.1f} MB)  {r['events']:3.0f} events"
                    f"  lag {r['lag_p50']:.1f}/{r['lag_p99']:.1f}/{r['lag_max']:.1f}"
                )
                await asyncio.sleep(1.1)  # the next run's API request starts a fresh window
        srv.faults.clear()


if __name__ == "__main__":
    asyncio.run(main())
