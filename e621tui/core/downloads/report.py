"""Coalesced reporting: what changed is collected and told at most every ``interval`` s."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from e621tui.core.downloads.events import (
    BatchFinished,
    DownloadEvent,
    DownloadsChanged,
    DownloadSummary,
)
from e621tui.core.downloads.store import DownloadStore, Item
from e621tui.core.downloads.views import Live, batch_summary, item_view

#: Failed items listed in a `BatchFinished` event.
MAX_FAILURES_LISTED = 5


class Reporter:
    """Saves running items' progress and sends `DownloadsChanged` / `BatchFinished`.

    Args:
        store: The queue's store.
        emit: The listener.
        interval: Seconds between two reports at most.
        lives: The queue's running items (read, never changed, except their saved bytes).
        summary: The queue's current summary.
        clock: Monotonic time.
    """

    def __init__(
        self,
        store: DownloadStore,
        emit: Callable[[DownloadEvent], None],
        interval: float,
        lives: dict[int, Live],
        summary: Callable[[], DownloadSummary],
        clock: Callable[[], float],
    ) -> None:
        self._store = store
        self._emit = emit
        self._interval = interval
        self._lives = lives
        self._summary = summary
        self._clock = clock
        self._items: set[int] = set()
        self._batches: set[int] = set()
        self._handle: asyncio.TimerHandle | None = None

    def item(self, item: Item) -> None:
        """This item changed."""
        self._items.add(item.id)
        self._batches.add(item.batch_id)
        self.soon()

    def items(self, ids: Iterable[int], batch_id: int) -> None:
        """These items of one batch changed."""
        self._items.update(ids)
        self.batch(batch_id)

    def batch(self, batch_id: int) -> None:
        """This batch changed (it may have finished)."""
        self._batches.add(batch_id)
        self.soon()

    def soon(self) -> None:
        """Report within ``interval`` seconds."""
        if self._handle is None:
            loop = asyncio.get_running_loop()
            self._handle = loop.call_later(self._interval, self.flush)

    def cancel(self) -> None:
        """Forget the pending report (the queue is closing)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def flush(self) -> None:
        """Save progress and report now."""
        self.cancel()
        dirty, self._items = self._items, set()
        batches, self._batches = self._batches, set()
        lives = self._lives
        self._store.save_progress(
            [(i, lives[i].bytes_done, lives[i].bytes_total) for i in dirty if i in lives]
        )
        for live in lives.values():
            live.item.bytes_done = live.bytes_done
        now = self._clock()
        views = tuple(
            item_view(item, lives.get(item.id), now)
            for i in sorted(dirty)
            if (item := self._store.item(i)) is not None
        )
        self._emit(DownloadsChanged(self._summary(), views))
        for batch_id in sorted(batches):
            self._maybe_finished(batch_id)

    def _maybe_finished(self, batch_id: int) -> None:
        batch = self._store.batch(batch_id)
        if batch is None or batch.notified:
            return
        summary = batch_summary(batch, self._store.counts(batch_id))
        if not summary.finished or any(v.item.batch_id == batch_id for v in self._lives.values()):
            return
        self._store.set_notified(batch_id, True)
        failed = self._store.items(batch_id=batch_id, states=("failed",), limit=MAX_FAILURES_LISTED)
        now = self._clock()
        self._emit(BatchFinished(summary, tuple(item_view(i, None, now) for i in failed)))


__all__ = ["MAX_FAILURES_LISTED", "Reporter"]
