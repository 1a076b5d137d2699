"""What the download queue tells its listeners: item views, summaries and two events.

These are plain frozen dataclasses (no Textual). `DownloadsChanged` comes at most every
``progress_interval`` (0.25 s by default) while anything changes, with the items that changed
since the last one; `BatchFinished` comes once when every item of a batch has ended.
Titles and errors are plain text already passed through `sanitize.one_line`; show them with
``rich.text.Text``, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from e621tui.core.downloads.progress import format_bytes, format_duration
from e621tui.core.downloads.store import BatchKind, ItemState


@dataclass(frozen=True)
class ItemView:
    """One file of the queue as a view shows it.

    Attributes:
        index: 1-based position in its batch (the pool page for pools).
        path: Where the file goes (None while the post is being looked up).
        bytes_total: The file's size if known.
        speed: Bytes per second right now (running items), else None.
        eta: Seconds left at that speed, else None.
        skipped: Done because the same file (md5 checked) was already there.
        error: Why it failed (failed items).
    """

    id: int
    batch_id: int
    index: int
    post_id: int
    state: ItemState
    path: str | None
    bytes_done: int
    bytes_total: int | None
    speed: float | None
    eta: float | None
    skipped: bool
    error: str | None
    attempts: int

    @property
    def name(self) -> str:
        """The file name, or ``#<post id>`` before it is known."""
        return PurePath(self.path).name if self.path else f"#{self.post_id}"

    @property
    def fraction(self) -> float | None:
        """0..1 of the file on disk, None when the size is unknown."""
        if self.state == "done":
            return 1.0
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_done / self.bytes_total)


@dataclass(frozen=True)
class DownloadSummary:
    """The queue's work in progress: every batch that still has something to do.

    Finished batches drop out of these counts (they are in the item list until cleared).
    """

    files: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    cancelled: int = 0
    queued: int = 0
    active: int = 0
    paused: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    unknown_sizes: int = 0
    speed: float | None = None
    eta: float | None = None
    blocked: str | None = None
    """Why downloads cannot run right now (another instance owns the queue), else None."""

    @property
    def running(self) -> bool:
        """Something is downloading or waiting to."""
        return self.active > 0 or self.queued > 0

    @property
    def fraction(self) -> float | None:
        """0..1 of the bytes of the open batches, None when no size is known."""
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_done / self.bytes_total)

    def text(self) -> str:
        """One line for a status bar, e.g. ``downloads 4/18 · 2.1 MB/s · 0:42 left``."""
        if self.blocked:
            return f"downloads waiting: {self.blocked}"
        if not self.files:
            return "no downloads"
        finished = self.done + self.failed + self.cancelled
        parts = [f"downloads {finished}/{self.files}"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.paused:
            parts.append(f"{self.paused} paused")
        if self.active and self.speed is not None:
            parts.append(f"{format_bytes(self.speed)}/s")
            if self.eta is not None and not self.unknown_sizes:
                parts.append(f"{format_duration(self.eta)} left")
        return " · ".join(parts)


@dataclass(frozen=True)
class BatchSummary:
    """One batch: what one ``d`` or one palette command queued."""

    id: int
    kind: BatchKind
    title: str
    files: int
    done: int
    skipped: int
    failed: int
    cancelled: int
    queued: int
    active: int
    paused: int
    left_out: int
    planning: bool
    error: str | None = None
    """Why queueing stopped early (a search the site refused), else None."""

    @property
    def finished(self) -> bool:
        """Every item ended (done, failed or cancelled) and nothing more will be added."""
        return not self.planning and self.queued + self.active + self.paused == 0

    def text(self) -> str:
        """One sentence, e.g. ``pool Lantern Road: 15 files, 14 saved, 1 failed``."""
        saved = self.done - self.skipped
        parts = [f"{self.files} file{'s' if self.files != 1 else ''}"]
        if saved:
            parts.append(f"{saved} saved")
        if self.skipped:
            parts.append(f"{self.skipped} already there")
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.cancelled:
            parts.append(f"{self.cancelled} cancelled")
        if self.left_out:
            parts.append(f"{self.left_out} blacklisted left out")
        if not self.finished:
            parts.append(f"{self.queued + self.active + self.paused} to go")
        if self.error:
            parts.append(self.error)
        return f"{self.title}: " + ", ".join(parts)


@dataclass(frozen=True)
class DownloadsChanged:
    """Event: progress or states changed (coalesced); ``items`` are the ones that changed."""

    summary: DownloadSummary
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class BatchFinished:
    """Event: every item of a batch ended; ``failures`` lists (some of) the failed ones."""

    batch: BatchSummary
    failures: tuple[ItemView, ...]

    @property
    def ok(self) -> bool:
        """Nothing failed."""
        return self.batch.failed == 0 and self.batch.error is None


DownloadEvent = DownloadsChanged | BatchFinished


__all__ = [
    "BatchFinished",
    "BatchSummary",
    "DownloadEvent",
    "DownloadSummary",
    "DownloadsChanged",
    "ItemView",
]
