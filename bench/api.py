"""Benchmark the API layer against the local devserver (prints figures; asserts nothing).

    python bench/api.py

Figures: requests and time to list 1,000 posts, to load a 250-post pool in order, to turn to
a prefetched page versus a cold one, and the most requests the server saw in any 1 s window.
"""

from __future__ import annotations

import asyncio
import time

from e621tui.api.client import E621Client
from e621tui.core.feeds import SearchFeed
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer


async def list_posts(server: DevServer) -> None:
    server.clear_requests()
    async with E621Client(server.base_url, DEMO_USERNAME, DEMO_API_KEY) as client:
        start = time.perf_counter()
        count = 0
        async for _post in client.posts.iterate(""):
            count += 1
            if count == 1000:
                break
        elapsed = time.perf_counter() - start
    requests = len(server.api_requests())
    print(f"list 1,000 posts:        {requests} requests, {elapsed:6.2f} s")


async def load_pool(server: DevServer) -> None:
    server.clear_requests()
    pool_id = server.state.special["pool_250"]
    async with E621Client(server.base_url, DEMO_USERNAME, DEMO_API_KEY) as client:
        await asyncio.sleep(2.1)  # a fresh rate window, as for a new session
        start = time.perf_counter()
        pool, posts = await client.pools.with_posts(pool_id)
        elapsed = time.perf_counter() - start
    in_order = [p.id for p in posts] == [i for i in pool.post_ids if i in {p.id for p in posts}]
    requests = len(server.api_requests())
    print(
        f"250-post pool in order:  {requests} requests, {elapsed:6.2f} s "
        f"({len(posts)} posts, order kept: {in_order})"
    )


async def page_turns(server: DevServer) -> None:
    async with E621Client(server.base_url, DEMO_USERNAME, DEMO_API_KEY) as client:
        await asyncio.sleep(2.1)
        cold_feed = SearchFeed(client=client, page_size=60, query="")
        await cold_feed.page(0)
        await asyncio.sleep(2.1)
        start = time.perf_counter()
        await cold_feed.page(1)
        cold = time.perf_counter() - start

        warm_feed = SearchFeed(client=client, page_size=60, query="fox")
        await warm_feed.page(0)
        task = warm_feed.prefetch(1)
        if task is not None:
            await task
        start = time.perf_counter()
        await warm_feed.page(1)
        warm = time.perf_counter() - start
    ratio = cold / warm if warm else float("inf")
    print(
        f"turn to next page:       cold {cold * 1000:7.1f} ms, prefetched {warm * 1000:6.3f} ms "
        f"(×{ratio:,.0f} faster)"
    )


async def main() -> None:
    with DevServer() as server:
        await list_posts(server)
        await load_pool(server)
        await page_turns(server)
        worst = server.max_requests_in_window(1.0)
        rejected = sum(1 for r in server.requests if r.status == 503)
        print(
            f"max requests in any 1 s: {worst} (site limit 2); 503s from the edge rule: {rejected}"
        )


if __name__ == "__main__":
    asyncio.run(main())
