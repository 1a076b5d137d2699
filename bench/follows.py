"""Benchmark the followed-tags feed against the local devserver (prints figures).

    python bench/follows.py [--counts 10,100,500]

For each number of follows (real demo tags first, then tags without posts yet), as the demo
user (whose blacklist adds one ``-spiders`` exclusion, so 39 OR terms fit in a query):

* first look: nothing marked yet, one query per chunk asks for the newest page;
* after "mark all seen": every query catches up with an ``a<id>`` cursor and finds nothing;
* after 25 new uploads: the same, finding them.

Printed per refresh: API requests (from the server's log), the budget ⌈N / room⌉ + 1, the
time until the feed's first page is ready, posts found, and the most requests the server saw
in any 1 s window (the site allows 2).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
from pathlib import Path

from e621tui.core.follows import FollowFeed
from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer


def follows_for(server: DevServer, count: int) -> list[str]:
    tags = sorted(server.state.tags.values(), key=lambda t: (-t.post_count, t.name))
    names = [t.name for t in tags if t.post_count > 0][:count]
    return names + [f"bench_tag_{i:03d}" for i in range(count - len(names))]


async def quiet() -> None:
    await asyncio.sleep(2.2)  # a fresh rate window between phases


async def refresh(server: DevServer, feed: FollowFeed, label: str, count: int) -> FollowFeed:
    server.clear_requests()
    start = time.perf_counter()
    await feed.page(0)
    elapsed = time.perf_counter() - start
    result = feed.result
    assert result is not None
    requests = len(server.api_requests("/posts.json"))
    budget = math.ceil(count / feed.room) + 1
    print(
        f"  {label:<22} {requests:3d} requests (budget {budget:3d}) {elapsed:6.2f} s to show, "
        f"{len(result.posts):4d} posts, {len(result.counts):3d} tags with new posts, "
        f"max {server.max_requests_in_window(1.0)} req/s"
    )
    return feed


async def run(counts: list[int]) -> None:
    with DevServer() as server, tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            options = SessionOptions(
                base_url=server.base_url, username=DEMO_USERNAME, api_key=DEMO_API_KEY,
                data_dir=Path(tmp) / f"data-{count}",
            )  # fmt: skip
            session = Session(options)
            try:
                await session.check_login()
                follows = follows_for(server, count)
                room = session.discovery.follow_feed(follows).room
                print(f"{count} follows (room {room} per query):")
                await quiet()
                feed = await refresh(
                    server, session.discovery.follow_feed(follows), "first look", count
                )
                feed.mark_all_seen()
                await quiet()
                feed = await refresh(server, feed.fresh_copy(), "after mark all seen", count)
                server.add_posts(25, tags=[follows[0], follows[-1]])
                await quiet()
                await refresh(server, feed.fresh_copy(), "after 25 new uploads", count)
            finally:
                await session.close()
            await quiet()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="10,100,500", help="comma-separated follow counts")
    args = parser.parse_args()
    asyncio.run(run([int(c) for c in args.counts.split(",")]))


if __name__ == "__main__":
    main()
