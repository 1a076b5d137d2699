"""The image pipeline's bounds: a memory LRU by bytes, and on-screen downloads before prefetch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from e621tui.core.images.pipeline import ImagePipeline
from e621tui.core.images.slots import PREFETCH, VISIBLE, Slots
from tests.unit.test_thumbs import UA, Site, encode, noise_png, req


@pytest.fixture
async def make_pipeline(tmp_path: Path) -> AsyncIterator[Callable[..., ImagePipeline]]:
    made: list[ImagePipeline] = []

    def make(transport: httpx.AsyncBaseTransport | None, **kw: Any) -> ImagePipeline:
        kw.setdefault("cache_dir", tmp_path / "cache")
        pipeline = ImagePipeline(user_agent=UA, transport=transport, **kw)
        made.append(pipeline)
        return pipeline

    yield make
    for pipeline in made:
        await pipeline.aclose()


async def test_memory_cache_is_bounded_by_bytes_not_count(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    # 64×64 RGB is 12 KiB decoded; 100 KiB holds 8 of them, whatever the item count.
    site = Site({f"/{i}": noise_png(i, 64) for i in range(20)})
    pipeline = make_pipeline(site.transport, memory_bytes=100 * 1024)
    for i in range(20):
        await pipeline.load(req(f"/{i}"), (64, 64))
        assert pipeline.memory_used <= 100 * 1024
    kept = [i for i in range(20) if pipeline.cached(req(f"/{i}"), (64, 64)) is not None]
    assert kept == list(range(12, 20))
    assert pipeline.memory_used == 8 * 64 * 64 * 3


async def test_one_big_image_replaces_many_small_ones(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    site = Site({f"/{i}": noise_png(i, 32) for i in range(4)})
    site.routes["/big"] = encode("PNG", (400, 400))
    pipeline = make_pipeline(site.transport, memory_bytes=400 * 400 * 3)
    for i in range(4):
        await pipeline.load(req(f"/{i}"), (32, 32))
    await pipeline.load(req("/big"), (400, 400))
    assert pipeline.cached(req("/big"), (400, 400)) is not None
    assert all(pipeline.cached(req(f"/{i}"), (32, 32)) is None for i in range(4))
    # An image larger than the whole budget is still kept (the one on screen).
    tiny = make_pipeline(site.transport, memory_bytes=10)
    await tiny.load(req("/big"), (400, 400))
    assert tiny.cached(req("/big"), (400, 400)) is not None


async def test_prefetch_with_a_box_decodes_into_memory(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    site = Site({"/a": encode("PNG")})
    pipeline = make_pipeline(site.transport)
    await pipeline.prefetch(req("/a"), (64, 64))
    assert pipeline.cached(req("/a"), (64, 64)) is not None
    await pipeline.prefetch(req("/a"), (64, 64))
    assert site.hits("/a") == 1


async def test_visible_downloads_go_before_queued_prefetch(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    order: list[str] = []
    gate = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        order.append(request.url.path)
        await gate.wait()
        return httpx.Response(200, content=encode("PNG"))

    site = Site({f"/next/{i}": slow for i in range(6)})
    site.routes |= {f"/shown/{i}": slow for i in range(2)}
    # No disk cache: no lookups in worker threads, so the queue order is the order of asking.
    pipeline = make_pipeline(site.transport, concurrency=2, cache_dir=None)
    prefetches = [
        asyncio.create_task(pipeline.prefetch(req(f"/next/{i}"), (64, 64))) for i in range(6)
    ]
    await asyncio.sleep(0.05)  # two prefetches hold both slots, four wait
    shown = [asyncio.create_task(pipeline.load(req(f"/shown/{i}"), (64, 64))) for i in range(2)]
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(*prefetches, *shown)
    assert order[:2] == ["/next/0", "/next/1"]
    assert order[2:4] == ["/shown/0", "/shown/1"]
    assert order[4:] == ["/next/2", "/next/3", "/next/4", "/next/5"]


async def test_a_queued_prefetch_that_comes_into_view_is_promoted(
    make_pipeline: Callable[..., ImagePipeline],
) -> None:
    order: list[str] = []
    gate = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        order.append(request.url.path)
        await gate.wait()
        return httpx.Response(200, content=encode("PNG"))

    site = Site({f"/next/{i}": slow for i in range(6)})
    pipeline = make_pipeline(site.transport, concurrency=1, cache_dir=None)
    prefetches = [
        asyncio.create_task(pipeline.prefetch(req(f"/next/{i}"), (64, 64))) for i in range(6)
    ]
    await asyncio.sleep(0.05)
    shown = asyncio.create_task(pipeline.load(req("/next/5"), (64, 64)))
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(*prefetches, shown)
    assert order[:2] == ["/next/0", "/next/5"]
    assert site.hits("/next/5") == 1


async def test_slots_hand_over_in_priority_then_arrival_order() -> None:
    slots = Slots(1)
    got: list[str] = []
    release = asyncio.Event()

    async def hold(name: str, priority: int) -> None:
        async with slots.take(priority):
            got.append(name)
            if name == "first":
                await release.wait()

    first = asyncio.create_task(hold("first", PREFETCH))
    await asyncio.sleep(0)
    rest = [
        asyncio.create_task(hold(name, prio))
        for name, prio in [("p1", PREFETCH), ("v1", VISIBLE), ("p2", PREFETCH), ("v2", VISIBLE)]
    ]
    await asyncio.sleep(0)
    assert slots.busy == 1 and slots.waiting == 4
    release.set()
    await asyncio.gather(first, *rest)
    assert got == ["first", "v1", "v2", "p1", "p2"]
    assert slots.busy == 0


async def test_a_cancelled_waiter_gives_its_slot_back() -> None:
    slots = Slots(1)
    release = asyncio.Event()

    async def hold() -> None:
        async with slots.take():
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hold())
    await asyncio.sleep(0)
    release.set()
    await asyncio.sleep(0)  # the slot is handed to the waiter...
    waiter.cancel()  # ...which is cancelled before it runs
    await asyncio.gather(holder, waiter, return_exceptions=True)
    assert slots.busy == 0
    async with slots.take():
        assert slots.busy == 1
