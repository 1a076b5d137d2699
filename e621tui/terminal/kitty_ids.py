"""Stable kitty image ids for picture keys, with a bound on how many stay in the terminal."""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Hashable

from e621tui.terminal.kitty import HIGH_IDS, LOW_IDS, make_id


class ImageIds:
    """Assigns each key an id once; the least recently used ids are given back past ``capacity``.

    Ids are ``high << 24 | low`` (see `kitty`); the high byte starts at a random value so two
    e621-tui processes in one terminal (tmux panes of one kitty window) rarely collide.

    Args:
        capacity: Most images kept in the terminal at once.
        seed: Random seed for the first high byte (tests).
    """

    def __init__(self, capacity: int = 512, *, seed: int | None = None) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[Hashable, int] = OrderedDict()
        self._free: list[int] = []
        self._lock = threading.Lock()
        rng = random.Random(seed)
        self._high = rng.choice(HIGH_IDS)
        self._low = LOW_IDS.start

    def get(self, key: Hashable) -> int | None:
        """The id of ``key`` if it has one (and mark it recently used)."""
        with self._lock:
            image_id = self._ids.get(key)
            if image_id is not None:
                self._ids.move_to_end(key)
            return image_id

    def assign(self, key: Hashable) -> tuple[int, bool, list[int]]:
        """(id, newly assigned?, ids evicted to make room — delete those in the terminal)."""
        with self._lock:
            if key in self._ids:
                self._ids.move_to_end(key)
                return self._ids[key], False, []
            evicted = []
            while len(self._ids) >= self.capacity:
                _, old = self._ids.popitem(last=False)
                evicted.append(old)
                self._free.append(old)
            image_id = self._free.pop(0) if self._free and not evicted else self._next()
            self._ids[key] = image_id
            return image_id, True, evicted

    def forget(self, key: Hashable) -> int | None:
        """Drop ``key``; its id (to delete in the terminal) or None."""
        with self._lock:
            image_id = self._ids.pop(key, None)
            return image_id

    def _next(self) -> int:
        image_id = make_id(self._high, self._low)
        self._low += 1
        if self._low >= LOW_IDS.stop:
            self._low = LOW_IDS.start
            self._high = self._high + 1 if self._high + 1 in HIGH_IDS else HIGH_IDS.start
        return image_id

    def __len__(self) -> int:
        return len(self._ids)


__all__ = ["ImageIds"]
