"""Unit tests of the request scheduler with a fake clock."""

from __future__ import annotations

import asyncio
import random

import pytest

from e621tui.api.errors import Dropped
from e621tui.api.limiter import Priority, RequestScheduler, max_in_window


class FakeClock:
    """Time that only moves when the scheduler sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def make(rate: float = 1.0) -> tuple[RequestScheduler, FakeClock]:
    clock = FakeClock()
    return RequestScheduler(rate=rate, clock=clock, sleep=clock.sleep), clock


async def _burst(sched: RequestScheduler, n: int, priority: Priority = Priority.USER) -> None:
    await asyncio.gather(*(sched.acquire(priority) for _ in range(n)))


async def test_never_more_than_two_starts_in_any_window() -> None:
    sched, _ = make()
    await _burst(sched, 40)
    times = [s.at for s in sched.history]
    assert len(times) == 40
    assert max_in_window(times, 1.0) <= 2


async def test_sustained_rate_is_about_one_per_second() -> None:
    sched, clock = make()
    start = clock.now
    await _burst(sched, 31)
    elapsed = clock.now - start
    # 2 free starts, then ~1/s: 29 more need about 29 s.
    assert 28.0 <= elapsed <= 32.0


async def test_rate_cannot_be_raised_above_the_site_limit() -> None:
    sched, clock = make(rate=50.0)
    assert sched.rate == 1.0
    start = clock.now
    await _burst(sched, 12)
    assert clock.now - start >= 9.5


async def test_lower_rate_is_honoured() -> None:
    sched, clock = make(rate=0.5)
    start = clock.now
    await _burst(sched, 6)
    # 2 free, then one every 2 s.
    assert clock.now - start >= 7.5


@pytest.mark.parametrize("seed", range(5))
async def test_random_arrival_patterns_stay_under_the_ceiling(seed: int) -> None:
    sched, clock = make()
    rng = random.Random(seed)

    async def late(delay: float, prio: Priority) -> None:
        await clock.sleep(delay)
        await sched.acquire(prio)

    await asyncio.gather(*(late(rng.uniform(0, 5), rng.choice(list(Priority))) for _ in range(25)))
    assert max_in_window([s.at for s in sched.history], 1.0) <= 2


async def test_user_request_overtakes_queued_prefetch() -> None:
    sched, _ = make()
    order: list[str] = []

    async def go(name: str, prio: Priority) -> None:
        await sched.acquire(prio)
        order.append(name)

    tasks = [asyncio.create_task(go(f"pre{i}", Priority.PREFETCH)) for i in range(5)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(go("user", Priority.USER)))
    await asyncio.gather(*tasks)
    # The first two prefetches may have started before the user asked; the user is next.
    assert order.index("user") <= 2


async def test_cancelled_waiter_is_not_sent() -> None:
    sched, _ = make()
    await _burst(sched, 2)  # use up the burst so the next ones wait
    waiting = asyncio.create_task(sched.acquire(Priority.PREFETCH))
    await asyncio.sleep(0)
    waiting.cancel()
    await sched.acquire(Priority.USER)
    assert len(sched.history) == 3
    assert [s.priority for s in sched.history][-1] == Priority.USER


async def test_same_key_replaces_older_waiter() -> None:
    sched, _ = make()
    await _burst(sched, 2)
    first = asyncio.create_task(sched.acquire(Priority.USER, key="autocomplete"))
    await asyncio.sleep(0)
    second = asyncio.create_task(sched.acquire(Priority.USER, key="autocomplete"))
    with pytest.raises(Dropped):
        await first
    await second
    assert sum(1 for s in sched.history if s.key == "autocomplete") == 1


async def test_drop_group_removes_only_that_group() -> None:
    sched, _ = make()
    await _burst(sched, 2)
    old = [asyncio.create_task(sched.acquire(Priority.PREFETCH, group="query-1")) for _ in range(3)]
    keep = asyncio.create_task(sched.acquire(Priority.PREFETCH, group="query-2"))
    await asyncio.sleep(0)
    assert sched.drop_group("query-1") == 3
    results = await asyncio.gather(*old, return_exceptions=True)
    assert all(isinstance(r, Dropped) for r in results)
    await keep
    assert [s.group for s in sched.history][-1] == "query-2"


def test_max_in_window() -> None:
    assert max_in_window([]) == 0
    assert max_in_window([0.0, 0.5, 0.99]) == 3
    assert max_in_window([0.0, 1.0, 2.0]) == 1
    assert max_in_window([0.0, 0.2, 1.25, 1.3]) == 2
    assert max_in_window([0.0, 0.2, 1.1, 1.15]) == 3
