"""The download queue's runner: picks items in order, runs a few at a time, reports progress.

Items run in queue order (batch, then index: pool order for pools), at most ``parallel`` at
once and never two with the same target path at once. Items whose post still has to be
looked up, and searches still walking their pages, are handed to the `Planner` one step at a
time (those are API calls: the planner sends them at prefetch priority). Every state change is
committed to the store before anything else happens; progress is saved and reported at most
every ``progress_interval`` seconds, not per chunk.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from e621tui.core.downloads.events import BatchSummary, DownloadEvent, DownloadSummary, ItemView
from e621tui.core.downloads.fetch import FetchError, StaticFetcher, partial_path
from e621tui.core.downloads.lock import QueueLock
from e621tui.core.downloads.plan import Planner, PlannerTrouble
from e621tui.core.downloads.report import Reporter
from e621tui.core.downloads.store import TERMINAL, Batch, DownloadStore, Item
from e621tui.core.downloads.views import Live, batch_summary, item_view, queue_summary
from e621tui.text.sanitize import one_line

log = logging.getLogger(__name__)

#: Seconds between two looks at a busy lock (another instance runs the queue).
LOCK_POLL = 5.0

_Stop = Literal["pause", "cancel", "close"]


class DownloadQueue:
    """Runs the stored queue and offers per-item control.

    Args:
        store: Where the queue lives.
        fetcher: Downloads one file.
        planner: Looks posts up and pages through searches.
        emit: Receives `DownloadsChanged` and `BatchFinished` (called on the event loop).
        parallel: Files downloading at once.
        progress_interval: Seconds between two `DownloadsChanged` events at most.
        lock: Keeps a second instance from running the same queue.
    """

    def __init__(
        self,
        store: DownloadStore,
        fetcher: StaticFetcher,
        planner: Planner,
        emit: Callable[[DownloadEvent], None],
        *,
        parallel: int = 3,
        progress_interval: float = 0.25,
        lock: QueueLock | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.planner = planner
        self.parallel = max(1, parallel)
        self.progress_interval = progress_interval
        self._lock = lock or QueueLock(None)
        self._clock = clock
        self._live: dict[int, Live] = {}
        self._stopping: dict[int, _Stop] = {}
        self._planning: asyncio.Task[None] | None = None
        self._plan_retry_at = 0.0
        self._runner: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.report = Reporter(store, emit, progress_interval, self._live, self.summary, clock)
        self._closing = False
        self.blocked: str | None = None
        self.recovered = 0

    # ---- life ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start running the queue (call from inside the event loop)."""
        if self._runner is None or self._runner.done():
            self._closing = False
            self._runner = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        """Stop: running files keep their partial bytes and go back to the queue."""
        self._closing = True
        for live in list(self._live.values()):
            self._stop(live, "close")
        tasks = [t for t in (live.task for live in self._live.values()) if t is not None]
        if self._planning is not None:
            self._planning.cancel()
            tasks.append(self._planning)
        if self._runner is not None:
            self._runner.cancel()
            tasks.append(self._runner)
        await asyncio.gather(*tasks, return_exceptions=True)
        self.report.cancel()
        self._lock.release()

    def added(self, batch_id: int) -> None:
        """A batch was stored or grew: report it and look for work."""
        self.report.batch(batch_id)
        self._wake.set()

    @property
    def idle(self) -> bool:
        """Nothing is running and nothing runnable is left (paused and failed items aside)."""
        if self._live or self._planning is not None:
            return False
        return not self.store.runnable((), 1) and not self.store.planning_batches()

    async def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until `idle` (True) or ``timeout`` seconds pass (False)."""
        deadline = None if timeout is None else self._clock() + timeout
        while not self.idle:
            if deadline is not None and self._clock() > deadline:
                return False
            await asyncio.sleep(0.05)
        self.report.flush()
        return True

    async def _run(self) -> None:
        while not self._lock.acquire():
            self.blocked = "another e621-tui is running the download queue"
            self.report.soon()
            await asyncio.sleep(LOCK_POLL)
        self.blocked = None
        self.recovered = self.store.recover()
        # Batches that ended while no one was listening (a crash) still get their event.
        for batch in self.store.batches():
            if not batch.notified:
                self.report.batch(batch.id)
        self.report.soon()
        while not self._closing:
            self._wake.clear()
            self._fill()
            await self._wake.wait()

    # ---- choosing work -------------------------------------------------------------------

    def _fill(self) -> None:
        self._start_planning()
        busy_paths = {live.item.path for live in self._live.values()}
        while len(self._live) < self.parallel:
            candidates = self.store.runnable(self._live.keys(), self.parallel * 8)
            for broken in [c for c in candidates if c.resolved and not (c.url and c.path)]:
                self.store.update(broken.id, state="failed", error="no file address to download")
                self.report.item(broken)
            chosen = next(
                (c for c in candidates if c.resolved and c.url and c.path
                 and c.path not in busy_paths), None,
            )  # fmt: skip
            if chosen is None:
                return
            busy_paths.add(chosen.path)
            self._begin(chosen)

    def _start_planning(self) -> None:
        if self._planning is not None or self._closing:
            return
        now = self._clock()
        if now < self._plan_retry_at:
            return
        work: tuple[Batch, list[Item]] | None = None
        first = self.store.first_unresolved()
        if first is not None:
            batch = self.store.batch(first.batch_id)
            if batch is not None:
                work = (batch, self.store.unresolved(batch.id, 100))
        if work is None:
            planning = self.store.planning_batches()
            if planning:
                work = (planning[0], [])
        if work is None:
            return
        self._planning = asyncio.get_running_loop().create_task(self._plan(*work))

    async def _plan(self, batch: Batch, items: list[Item]) -> None:
        try:
            if items:
                await self.planner.resolve(batch, items)
            else:
                await self.planner.plan(batch)
        except PlannerTrouble as exc:
            log.info("download planning paused: %s", exc)
            self._retry_planning_in(exc.retry_after)
        except Exception:
            # A bug must not turn into a loop of requests: log it all and wait a while.
            log.exception("planning downloads of batch %d failed", batch.id)
            self._retry_planning_in(60.0)
        finally:
            self._planning = None
            self.report.items((i.id for i in items), batch.id)
            self._wake.set()

    def _retry_planning_in(self, delay: float) -> None:
        self._plan_retry_at = self._clock() + delay
        asyncio.get_running_loop().call_later(delay, self._wake.set)

    # ---- running one item ----------------------------------------------------------------

    def _begin(self, item: Item) -> None:
        self.store.update(item.id, state="downloading", error=None)
        item.state = "downloading"
        live = Live(item, bytes_done=item.bytes_done, bytes_total=item.bytes_total)
        self._live[item.id] = live
        live.task = asyncio.get_running_loop().create_task(self._download(live))
        self.report.item(item)

    async def _download(self, live: Live) -> None:
        item = live.item
        assert item.url is not None and item.path is not None

        def progress(done: int, total: int | None) -> None:
            live.bytes_done = done
            if total is not None:
                live.bytes_total = total
            live.meter.add(self._clock(), done)
            self.report.item(item)

        target = Path(item.path)
        try:
            result = await self.fetcher.fetch(
                item.url, target, item.md5, size=item.bytes_total, progress=progress
            )
        except asyncio.CancelledError:
            self._stopped(live, self._stopping.pop(item.id, "close"))
            raise
        except FetchError as exc:
            self.store.update(item.id, state="failed", error=one_line(exc.message, 300),
                              attempts=item.attempts + 1, bytes_done=live.bytes_done)  # fmt: skip
        except Exception as exc:
            # A bug must not stop the queue: the item fails, visibly, and the log has it all.
            log.exception("download of post #%d failed unexpectedly", item.post_id)
            message = one_line(f"unexpected error: {type(exc).__name__}: {exc}", 300)
            self.store.update(item.id, state="failed", error=message)
        else:
            self.store.update(item.id, state="done", error=None, skipped=int(result.skipped),
                              bytes_done=result.size, bytes_total=result.size)  # fmt: skip
        finally:
            self._stopping.pop(item.id, None)
            del self._live[item.id]
            self.report.item(item)
            self._wake.set()

    def _stopped(self, live: Live, why: _Stop) -> None:
        item = live.item
        if why == "cancel":
            self.store.update(item.id, state="cancelled", bytes_done=0)
            _remove_partial(item)
        elif why == "pause":
            self.store.update(item.id, state="paused", bytes_done=live.bytes_done)
        else:
            self.store.update(item.id, state="queued", bytes_done=live.bytes_done)

    def _stop(self, live: Live, why: _Stop) -> None:
        self._stopping[live.item.id] = why
        if live.task is not None:
            live.task.cancel()

    # ---- control -------------------------------------------------------------------------

    def pause(self, item_id: int) -> bool:
        """Pause a queued or running item (its partial file is kept); False if it cannot."""
        live = self._live.get(item_id)
        if live is not None:
            self._stop(live, "pause")
            return True
        item = self.store.item(item_id)
        if item is None or item.state != "queued":
            return False
        self.store.update(item_id, state="paused")
        self.report.item(item)
        return True

    def resume(self, item_id: int) -> bool:
        """Put a paused item back in the queue."""
        item = self.store.item(item_id)
        if item is None or item.state != "paused":
            return False
        self.store.update(item_id, state="queued")
        self.report.item(item)
        self._wake.set()
        return True

    def cancel(self, item_id: int) -> bool:
        """Cancel an item that has not finished (its partial file is removed)."""
        live = self._live.get(item_id)
        if live is not None:
            self._stop(live, "cancel")
            return True
        item = self.store.item(item_id)
        if item is None or item.state in TERMINAL:
            return False
        self.store.update(item_id, state="cancelled", bytes_done=0)
        _remove_partial(item)
        self.report.item(item)
        return True

    def retry(self, item_id: int) -> bool:
        """Queue a failed or cancelled item again (looking its post up again if needed)."""
        item = self.store.item(item_id)
        if item is None or item.state not in ("failed", "cancelled"):
            return False
        fields: dict[str, object] = {"state": "queued", "error": None, "attempts": 0}
        if item.url is None:
            fields["resolved"] = 0  # no URL last time (hidden, not found): ask the site again
        self.store.update(item_id, **fields)
        self.store.set_notified(item.batch_id, False)
        self.report.item(item)
        self._wake.set()
        return True

    def pause_all(self) -> int:
        """Pause every queued and running item; return how many."""
        ids = [i.id for i in self.store.items(states=("queued", "downloading"))]
        return sum(self.pause(i) for i in ids)

    def resume_all(self) -> int:
        """Resume every paused item; return how many."""
        return sum(self.resume(i.id) for i in self.store.items(states=("paused",)))

    def cancel_batch(self, batch_id: int) -> int:
        """Cancel what is left of a batch (and stop planning it); return how many items."""
        batch = self.store.batch(batch_id)
        if batch is not None and batch.planning:
            self.store.add_items(batch_id, [], source=None)
        unfinished = self.store.items(batch_id=batch_id, states=("queued", "downloading", "paused"))
        count = sum(self.cancel(i.id) for i in unfinished)
        self.report.batch(batch_id)
        return count

    def retry_failed(self, batch_id: int | None = None) -> int:
        """Retry every failed item (of one batch or all); return how many."""
        return sum(
            self.retry(i.id) for i in self.store.items(batch_id=batch_id, states=("failed",))
        )

    def clear_finished(self) -> int:
        """Forget done and cancelled items (the files stay on disk); return how many."""
        count = self.store.clear_finished()
        self.report.soon()
        return count

    # ---- views ---------------------------------------------------------------------------

    def view(self, item: Item) -> ItemView:
        """How a view shows this item right now."""
        return item_view(item, self._live.get(item.id), self._clock())

    def items(self, *, batch_id: int | None = None, limit: int | None = None) -> list[ItemView]:
        """Every item (or one batch's), in queue order."""
        return [self.view(i) for i in self.store.items(batch_id=batch_id, limit=limit)]

    def batch_summary(self, batch_id: int) -> BatchSummary | None:
        """One batch's counts."""
        batch = self.store.batch(batch_id)
        return None if batch is None else batch_summary(batch, self.store.counts(batch_id))

    def batches(self) -> list[BatchSummary]:
        """Every batch, oldest first."""
        return [batch_summary(b, self.store.counts(b.id)) for b in self.store.batches()]

    def summary(self) -> DownloadSummary:
        """The open batches' counts, bytes, speed and time left."""
        open_ids = self.store.open_batch_ids()
        return queue_summary(
            self.store.counts_for(open_ids), list(self._live.values()), self._clock(),
            unknown=self.store.unknown_totals(open_ids), blocked=self.blocked,
        )  # fmt: skip


def _remove_partial(item: Item) -> None:
    if item.path is None:
        return
    try:
        partial_path(Path(item.path)).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove the partial file of post #%d: %s", item.post_id, exc)


__all__ = ["DownloadQueue"]
