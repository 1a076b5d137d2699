"""Full garbage collections at moments the user does not feel them.

A full (generation 2) collection walks every object the app holds: with a few pages of
prepared pictures that is 100-200 ms, and CPython starts one whenever its counters say so —
often in the middle of a page turn. `IdleCollector` takes that over: automatic collections
stay for the young generations (cheap), the full one runs shortly after the screen settled
(`soon`, called after a page turn or when a post is shown), or at the latest every `every`
seconds. Memory that is freed by reference counting (nearly everything) is freed as before.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from textual.timer import Timer

#: ``gc`` thresholds while the collector runs: young generations as CPython's defaults, the
#: oldest in practice never automatically.
THRESHOLDS = (700, 10, 1_000_000)


class IdleCollector:
    """Runs the full collection when the app is quiet (see the module docstring).

    Args:
        app: The app whose timers run the collections.
        after: Seconds after `soon` (repeated calls push it back).
        every: The longest time between two full collections.
        least: The shortest time between two (a collection costs 100-200 ms of CPU).
    """

    def __init__(
        self, app: Any, *, after: float = 0.35, every: float = 15.0, least: float = 4.0
    ) -> None:
        self.app = app
        self.after = after
        self.every = every
        self.least = least
        self.collections = 0
        self._last = time.monotonic()
        self._pending: Timer | None = None
        self._periodic: Timer | None = None
        self._saved: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Take the full collections over."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(*THRESHOLDS)
        self._periodic = self.app.set_interval(self.every / 3, self._check)

    def stop(self) -> None:
        """Give them back to CPython."""
        for timer in (self._pending, self._periodic):
            if timer is not None:
                timer.stop()
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def soon(self) -> None:
        """The screen just settled (a page turned): collect in a moment, unless more comes
        (or the last collection was less than `least` seconds ago)."""
        if self._pending is not None:
            self._pending.stop()
        elif time.monotonic() - self._last < self.least:
            return
        self._pending = self.app.set_timer(self.after, self.collect)

    def collect(self) -> None:
        """A full collection now."""
        self._pending = None
        gc.collect()
        self.collections += 1
        self._last = time.monotonic()

    def _check(self) -> None:
        if time.monotonic() - self._last >= self.every and self._pending is None:
            self.collect()


__all__ = ["THRESHOLDS", "IdleCollector"]
