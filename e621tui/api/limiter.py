"""The one shared request scheduler every API request goes through.

Rules (DESIGN.md, e621-api.md §0.8):

* a hard ceiling: never more than ``burst`` (2) requests start in any ``window`` (1.0 s), whatever
  the load — with a small safety margin, because the server measures arrival, not departure;
* a sustained rate of ``rate`` requests per second (1.0 by default, configurable lower only);
* priorities: what the user just asked for goes before speculative prefetch. A waiter is chosen
  only at the moment a slot opens, so a user request that arrives while prefetch is queued
  overtakes it;
* stale work is dropped, not sent: a waiter that is cancelled leaves the queue, a waiter with a
  ``key`` replaces an older waiter with the same key, and ``drop_group`` removes a whole group;
* one budget per machine: with a `SharedBudget` (api/budget.py), a start is granted only when
  the starts of every e621-tui process of the user, together, allow it.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import IntEnum

from e621tui.api.budget import SharedBudget
from e621tui.api.errors import Dropped

#: The site's hard ceiling: requests per window.
SITE_BURST = 2
#: The site's window in seconds.
SITE_WINDOW = 1.0
#: The site's sustained rate, requests per second.
SITE_RATE = 1.0
#: Extra spacing so that network jitter cannot make two windows look like one to the server.
WINDOW_MARGIN = 0.15
#: How often to look again while the oldest request in the window is still connecting.
_UNSETTLED_POLL = 0.05


class Priority(IntEnum):
    """Lower runs first."""

    USER = 0
    """The user is waiting for this: a page they turned to, a post they opened, a write."""
    NORMAL = 1
    """Work the user will need soon (thumbnails of the visible page, set membership)."""
    PREFETCH = 2
    """Speculative: the next page before the user asks for it."""


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    future: asyncio.Future[Ticket] = field(compare=False)
    key: str | None = field(compare=False, default=None)
    group: str | None = field(compare=False, default=None)
    track: bool = field(compare=False, default=False)


class Ticket:
    """A granted start, for a request whose bytes may leave later than the grant.

    The window rule is about when requests *arrive*. A request that first has to open a
    connection (TCP, TLS) leaves later than it was granted, so a tracked ticket counts from the
    moment its headers are actually sent (``mark_sent``), or, if that is never reported, from
    when the request finished (``done``). Until then the scheduler assumes it is leaving now.
    """

    __slots__ = ("_on_settle", "at", "settled")

    def __init__(
        self, at: float, settled: bool, on_settle: Callable[[], None] | None = None
    ) -> None:
        self.at = at
        self.settled = settled
        self._on_settle = on_settle

    def mark_sent(self, at: float) -> None:
        """The request's headers went out at ``at``."""
        self._settle(at)

    def done(self, at: float) -> None:
        """The request finished (answered or failed) at ``at``."""
        self._settle(at)

    def _settle(self, at: float) -> None:
        if not self.settled:
            self.at = max(self.at, at)
            self.settled = True
            if self._on_settle is not None:
                self._on_settle()


@dataclass(frozen=True)
class Start:
    """A record of one granted start (for tests and benchmarks)."""

    at: float
    priority: int
    key: str | None
    group: str | None


class RequestScheduler:
    """Decides when each API request may start.

    Args:
        rate: Sustained requests per second; values above the site's 1.0/s are clamped.
        burst: Most starts in any window (clamped to the site's 2).
        window: The window length in seconds (never shorter than the site's 1.0 s).
        clock: Monotonic time source (a fake one in tests).
        sleep: Async sleep (a fake one in tests).
        shared: The machine-wide budget of this site, shared with other processes (None:
            this process's limits only).
    """

    def __init__(
        self,
        rate: float = SITE_RATE,
        burst: int = SITE_BURST,
        window: float = SITE_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        keep_history: int = 10_000,
        shared: SharedBudget | None = None,
    ) -> None:
        self.rate = min(max(rate, 0.01), SITE_RATE)
        self.burst = max(1, min(burst, SITE_BURST))
        self.window = max(window, SITE_WINDOW) + WINDOW_MARGIN
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(self.burst)
        self._last_refill = clock()
        self._starts: deque[Ticket] = deque(maxlen=self.burst)
        self._heap: list[_Waiter] = []
        self._seq = itertools.count()
        self._pump_task: asyncio.Task[None] | None = None
        self.history: deque[Start] = deque(maxlen=keep_history)
        self.on_queue_change: Callable[[int], None] | None = None
        """Called with `queued` whenever a request joins or leaves the queue."""
        self.shared = shared

    @property
    def clock(self) -> Callable[[], float]:
        """The scheduler's time source."""
        return self._clock

    @property
    def queued(self) -> int:
        """How many requests are waiting for a slot."""
        return sum(1 for w in self._heap if not w.future.done())

    def queued_at_most(self, priority: Priority) -> int:
        """How many waiting requests have this priority or a more urgent one."""
        return sum(1 for w in self._heap if not w.future.done() and w.priority <= priority)

    async def acquire(
        self,
        priority: Priority = Priority.USER,
        *,
        key: str | None = None,
        group: str | None = None,
        track: bool = False,
    ) -> Ticket:
        """Wait until a request of this priority may start.

        Args:
            priority: Urgency; lower goes first.
            key: If given, an older queued waiter with the same key is dropped (latest wins).
            group: A label for ``drop_group``.
            track: The caller will report when the request is really sent (or done) on the
                returned ticket; until then it counts as leaving "now".

        Raises:
            Dropped: The request became stale while it waited.
        """
        loop = asyncio.get_running_loop()
        if key is not None:
            for other in self._heap:
                if other.key == key and not other.future.done():
                    other.future.set_exception(Dropped(f"superseded: {key}"))
        waiter = _Waiter(int(priority), next(self._seq), loop.create_future(), key, group, track)
        heapq.heappush(self._heap, waiter)
        self._ensure_pump()
        self._queue_changed()
        try:
            # A cancelled waiter's future is cancelled too, so the pump skips it.
            return await waiter.future
        finally:
            self._queue_changed()

    def _queue_changed(self) -> None:
        if self.on_queue_change is not None:
            self.on_queue_change(self.queued)

    def drop_group(self, group: str) -> int:
        """Drop every queued waiter of ``group``; return how many were dropped."""
        dropped = 0
        for waiter in self._heap:
            if waiter.group == group and not waiter.future.done():
                waiter.future.set_exception(Dropped(f"dropped: {group}"))
                dropped += 1
        return dropped

    def next_start_delay(self) -> float:
        """Seconds until another request could start (0 when one may start now)."""
        now = self._clock()
        self._refill(now)
        delay = 0.0
        if self._tokens < 1.0:
            delay = (1.0 - self._tokens) / self.rate
        if len(self._starts) >= self.burst:
            oldest = self._starts[0]
            if oldest.settled:
                delay = max(delay, oldest.at + self.window - now)
            else:
                # Still connecting: it may arrive any moment from now; look again shortly.
                delay = max(delay, min(self.window, _UNSETTLED_POLL))
        return max(delay, 0.0)

    def _refill(self, now: float) -> None:
        elapsed = max(now - self._last_refill, 0.0)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
        self._last_refill = now

    def _ensure_pump(self) -> None:
        loop = asyncio.get_running_loop()
        task = self._pump_task
        if task is None or task.done() or task.get_loop() is not loop:
            self._pump_task = loop.create_task(self._pump())

    def _pop_live(self) -> _Waiter | None:
        while self._heap:
            waiter = heapq.heappop(self._heap)
            if not waiter.future.done():
                return waiter
        return None

    async def _pump(self) -> None:
        while True:
            while self._heap and self._heap[0].future.done():
                heapq.heappop(self._heap)
            if not self._heap:
                return
            delay = self.next_start_delay()
            if delay > 0:
                await self._sleep(delay)
                continue
            on_settle: Callable[[], None] | None = None
            if self.shared is not None:
                # No await between here and the pop: the live head found above is still live.
                grant = self.shared.try_start(
                    burst=self.burst,
                    window=self.window,
                    interval=1.0 / self.rate,
                    settled=not self._heap[0].track,
                )
                if grant.delay > 0:
                    await self._sleep(grant.delay)
                    continue
                if grant.token:
                    on_settle = functools.partial(self.shared.settle, grant.token)
            waiter = self._pop_live()
            if waiter is None:
                return
            now = self._clock()
            self._refill(now)
            self._tokens -= 1.0
            ticket = Ticket(now, settled=not waiter.track, on_settle=on_settle)
            self._starts.append(ticket)
            self.history.append(Start(now, waiter.priority, waiter.key, waiter.group))
            waiter.future.set_result(ticket)
            # Let the granted task run before choosing the next waiter.
            await asyncio.sleep(0)


def max_in_window(times: list[float], window: float = SITE_WINDOW) -> int:
    """The largest number of ``times`` that fall inside any half-open window of this length."""
    ordered = sorted(times)
    best = 0
    left = 0
    for right, t in enumerate(ordered):
        while t - ordered[left] >= window:
            left += 1
        best = max(best, right - left + 1)
    return best


__all__ = ["Priority", "RequestScheduler", "Start", "Ticket", "max_in_window"]
