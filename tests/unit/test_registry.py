"""The post registry: one object per id while in use, bounded, and pinned while writes wait."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from e621tui.api.models import Post
from e621tui.core.registry import PostRegistry
from e621tui.core.writes.outbox import Outbox
from e621tui.core.writes.tracker import WriteTracker


def test_a_post_nobody_holds_leaves_once_it_is_not_recent() -> None:
    registry = PostRegistry(recent=2)
    held = Post(id=1)
    registry[1] = held
    for i in range(2, 6):
        registry[i] = Post(id=i)
    gc.collect()
    assert sorted(registry) == [1, 4, 5]  # 1 is held by us, 4 and 5 are the recent ones
    assert registry[1] is held
    assert 2 not in registry and registry.get(2) is None


def test_pinned_posts_stay_until_unpinned() -> None:
    registry = PostRegistry(recent=0)
    registry.pin([Post(id=7)])
    registry[7] = registry._pinned[7]
    gc.collect()
    assert 7 in registry
    registry.unpin([7])
    gc.collect()
    assert 7 not in registry


class Sets:
    my_sets: list[Any] = []


async def test_a_post_with_a_pending_write_is_kept_until_it_is_sent() -> None:
    registry = PostRegistry(recent=0)
    sent = asyncio.Event()

    async def sender(action: Any) -> None:
        await sent.wait()

    tracker = WriteTracker(None, registry, Sets(), lambda event: None)  # type: ignore[arg-type]
    outbox = Outbox(":memory:", sender, account="test", on_change=tracker.changed)
    tracker.outbox = outbox
    post = Post(id=3)
    registry[3] = post  # a view shows it
    action = outbox.enqueue("favorite", [3], previous=0)
    tracker.apply(action)
    del post  # the view moved on
    gc.collect()
    assert registry[3].is_favorited  # nothing but the pending write holds it
    task = asyncio.create_task(outbox.run())
    sent.set()
    assert await outbox.flush(timeout=5)
    task.cancel()
    gc.collect()
    assert 3 not in registry
