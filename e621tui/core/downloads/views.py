"""Building what views show from the store's rows and the running items' live progress."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass, field

from e621tui.core.downloads.events import BatchSummary, DownloadSummary, ItemView
from e621tui.core.downloads.progress import RateMeter, eta
from e621tui.core.downloads.store import Batch, Item

#: state -> (items, skipped, bytes done, bytes total), as `DownloadStore.counts` gives it.
Counts = dict[str, tuple[int, int, int, int]]


@dataclass
class Live:
    """A running item's in-memory progress (fresher than the store's)."""

    item: Item
    task: asyncio.Task[None] | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    meter: RateMeter = field(default_factory=RateMeter)


def item_view(item: Item, live: Live | None, now: float) -> ItemView:
    """How a view shows this item right now."""
    done, total = item.bytes_done, item.bytes_total
    speed = remaining = None
    if live is not None:
        done, total = live.bytes_done, live.bytes_total or total
        speed = live.meter.speed(now)
        remaining = eta(None if total is None else max(0, total - done), speed)
    return ItemView(
        id=item.id, batch_id=item.batch_id, index=item.index, post_id=item.post_id,
        state="downloading" if live is not None else item.state, path=item.path,
        bytes_done=done, bytes_total=total, speed=speed, eta=remaining,
        skipped=item.skipped, error=item.error, attempts=item.attempts,
    )  # fmt: skip


def _n(counts: Counts, state: str, column: int = 0) -> int:
    return counts.get(state, (0, 0, 0, 0))[column]


def batch_summary(batch: Batch, counts: Counts) -> BatchSummary:
    """One batch's counts."""
    return BatchSummary(
        id=batch.id, kind=batch.kind, title=batch.title, files=sum(c[0] for c in counts.values()),
        done=_n(counts, "done"), skipped=_n(counts, "done", 1), failed=_n(counts, "failed"),
        cancelled=_n(counts, "cancelled"), queued=_n(counts, "queued"),
        active=_n(counts, "downloading"), paused=_n(counts, "paused"), left_out=batch.left_out,
        planning=batch.planning, error=batch.error,
    )  # fmt: skip


def queue_summary(
    counts: Counts, lives: Collection[Live], now: float, *, unknown: int, blocked: str | None
) -> DownloadSummary:
    """The open batches' counts, bytes, speed and time left."""
    speeds = [s for s in (live.meter.speed(now) for live in lives) if s]
    speed = sum(speeds) if speeds else None
    bytes_done = sum(c[2] for c in counts.values())
    bytes_total = sum(c[3] for c in counts.values())
    for live in lives:  # fresher than the last saved progress
        bytes_done += live.bytes_done - (live.item.bytes_done or 0)
    # Failed and cancelled items will not bring the rest of their bytes.
    lost = sum(_n(counts, s, 3) - _n(counts, s, 2) for s in ("failed", "cancelled"))
    remaining = max(0, bytes_total - bytes_done - lost)
    return DownloadSummary(
        files=sum(c[0] for c in counts.values()), done=_n(counts, "done"),
        skipped=_n(counts, "done", 1), failed=_n(counts, "failed"),
        cancelled=_n(counts, "cancelled"), queued=_n(counts, "queued"), active=len(lives),
        paused=_n(counts, "paused"), bytes_done=bytes_done, bytes_total=bytes_total,
        unknown_sizes=unknown, speed=speed, eta=eta(remaining, speed), blocked=blocked,
    )  # fmt: skip


__all__ = ["Counts", "Live", "batch_summary", "item_view", "queue_summary"]
