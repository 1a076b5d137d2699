"""A bounded pool of download slots where what is on screen goes before prefetch.

Like a semaphore, but a freed slot goes to the most urgent waiter (lowest priority number,
then the oldest), and a waiter can be promoted while it waits: a thumbnail that was being
prefetched and has just scrolled into view jumps the queue.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

#: Someone is looking at it.
VISIBLE = 0
#: Wanted soon (the next page).
PREFETCH = 1


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    key: str | None = field(compare=False)
    future: asyncio.Future[None] = field(compare=False)


class Slots:
    """At most ``size`` holders at a time; the most urgent waiter gets the next free slot.

    Args:
        size: How many may hold a slot at once.
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._free = self.size
        self._heap: list[_Waiter] = []
        self._seq = itertools.count()

    @property
    def waiting(self) -> int:
        """How many are waiting for a slot."""
        return sum(1 for w in self._heap if not w.future.done())

    @property
    def busy(self) -> int:
        """How many slots are held."""
        return self.size - self._free

    @asynccontextmanager
    async def take(self, priority: int = VISIBLE, key: str | None = None) -> AsyncIterator[None]:
        """Hold a slot for the ``async with`` body; ``key`` lets `promote` find this waiter."""
        await self._acquire(priority, key)
        try:
            yield
        finally:
            self._release()

    def promote(self, key: str, priority: int = VISIBLE) -> bool:
        """Make a waiter with ``key`` more urgent; True if one was waiting."""
        found = False
        for waiter in self._heap:
            if waiter.key == key and not waiter.future.done() and waiter.priority > priority:
                waiter.priority = priority
                found = True
        if found:
            heapq.heapify(self._heap)
        return found

    async def _acquire(self, priority: int, key: str | None) -> None:
        if self._free > 0 and not self.waiting:
            self._free -= 1
            return
        waiter = _Waiter(priority, next(self._seq), key, asyncio.get_running_loop().create_future())
        heapq.heappush(self._heap, waiter)
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter.future.done() and not waiter.future.cancelled():
                self._release()  # the slot was handed to us just as we were cancelled
            raise

    def _release(self) -> None:
        while self._heap:
            waiter = heapq.heappop(self._heap)
            if not waiter.future.done():
                waiter.future.set_result(None)  # the slot passes straight to this waiter
                return
        self._free += 1


__all__ = ["PREFETCH", "VISIBLE", "Slots"]
