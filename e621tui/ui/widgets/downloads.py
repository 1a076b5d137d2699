"""What the downloads view draws: one running file with its progress bar, and table cells.

The widgets take `ItemView` / `DownloadSummary` values (plain data from the core) and never
look anything up. Every text from the site (pool names in titles, errors) is shown as
`rich.text.Text`, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from e621tui.core.downloads import DownloadSummary, ItemView, format_bytes, format_duration
from e621tui.text.sanitize import one_line

#: How each state is shown in the table: (label, style).
STATES: dict[str, tuple[str, str]] = {
    "queued": ("· queued", "dim"),
    "downloading": ("⇣ loading", "bold cyan"),
    "paused": ("‖ paused", "yellow"),
    "done": ("✓ done", "green"),
    "failed": ("✗ failed", "bold red"),
    "cancelled": ("⊘ cancelled", "dim"),
}


def size_text(view: ItemView) -> str:
    """``1.2 MB/3.4 MB`` while it arrives, else the size (what is known of it)."""
    if view.state == "done" or not view.bytes_done:
        size = view.bytes_total or view.bytes_done
        return format_bytes(size) if size else ""
    if view.bytes_total:
        return f"{format_bytes(view.bytes_done)}/{format_bytes(view.bytes_total)}"
    return format_bytes(view.bytes_done)


def rate_text(view: ItemView) -> str:
    """``640.0 KB/s · 0:02 left`` for a running file, else ""."""
    if view.state != "downloading" or view.speed is None:
        return ""
    text = f"{format_bytes(view.speed)}/s"
    if view.eta is not None:
        text += f" · {format_duration(view.eta)} left"
    return text


def item_cells(
    view: ItemView, batch_title: str, name: str | None = None
) -> tuple[Text, Text, Text, Text, Text]:
    """The table row of one file: state, size or percentage, name (``name``, else the
    file's), note, batch."""
    label, style = STATES.get(view.state, (view.state, ""))
    fraction = view.fraction
    if view.state in ("downloading", "paused") and fraction is not None and view.bytes_done:
        progress = f"{fraction:.0%} of {format_bytes(view.bytes_total or 0)}"
    else:
        progress = size_text(view)
    if view.error:
        note = Text(one_line(view.error, 200), style="red")
    elif view.skipped:
        note = Text("already there (md5 checked)", style="dim")
    else:
        note = Text(rate_text(view), style="dim")
    return (
        Text(label, style=style),
        Text(progress, justify="right"),
        Text(one_line(name or view.name, 120)),
        note,
        Text(one_line(batch_title, 60), style="italic"),
    )


def summary_text(summary: DownloadSummary, failed_before: int = 0) -> Text:
    """The view's first line: ``4/18 files · 3 running · 2.1 MB/s · 0:42 left``.

    ``failed_before`` counts failed files of batches that have ended (the summary counts
    open batches only).
    """
    if summary.blocked:
        return Text(f"waiting: {one_line(summary.blocked, 120)}", style="yellow")
    if not summary.files:
        text = Text("nothing left to download", style="dim")
        if failed_before:
            text.append(f" · {failed_before} failed (R retries)", style="bold red")
        else:
            text.append(" · d queues the focused or marked posts", style="dim")
        return text
    finished = summary.done + summary.failed + summary.cancelled
    text = Text(f"{finished}/{summary.files} files", style="bold")
    if summary.bytes_total:
        text.append(f" · {format_bytes(summary.bytes_done)} of {format_bytes(summary.bytes_total)}")
    if summary.active:
        text.append(f" · {summary.active} running")
    if summary.speed is not None and summary.active:
        text.append(f" · {format_bytes(summary.speed)}/s")
        if summary.eta is not None and not summary.unknown_sizes:
            text.append(f" · {format_duration(summary.eta)} left")
    if summary.paused:
        text.append(f" · {summary.paused} paused", style="yellow")
    if summary.failed:
        text.append(f" · {summary.failed} failed", style="bold red")
    return text


def overall_progress(summary: DownloadSummary) -> tuple[float, float]:
    """(total, progress) for the overall bar: bytes when sizes are known, else files."""
    if summary.bytes_total and not summary.unknown_sizes:
        return float(summary.bytes_total), float(summary.bytes_done)
    finished = summary.done + summary.failed + summary.cancelled
    return float(max(1, summary.files)), float(finished)


class DownloadRow(Widget):
    """One running file: its name, a progress bar, bytes, speed and time left.

    Args:
        view: The file as the queue last reported it.
    """

    DEFAULT_CSS = """
    DownloadRow { height: 1; layout: horizontal; }
    DownloadRow > .row-name { width: auto; max-width: 45%; min-width: 12; }
    DownloadRow > ProgressBar { width: auto; padding: 0 1; }
    DownloadRow > ProgressBar Bar { width: 16; }
    DownloadRow > .row-detail { width: 1fr; color: $text-muted; }
    """

    def __init__(self, view: ItemView) -> None:
        super().__init__()
        self.view = view
        self._label = Static(classes="row-name")
        self._bar = ProgressBar(show_eta=False, classes="row-bar")
        self._detail = Static(classes="row-detail")

    def compose(self) -> ComposeResult:
        """Name | bar and percentage | bytes, speed, time left."""
        yield self._label
        yield self._bar
        yield self._detail

    def on_mount(self) -> None:
        """First paint."""
        self.show(self.view)

    def show(self, view: ItemView) -> None:
        """Show newer progress of the same file."""
        self.view = view
        self._label.update(Text(one_line(view.name, 120), no_wrap=True, overflow="ellipsis"))
        # An unknown size shows an empty bar, not Textual's animated one (it repaints non-stop).
        total = view.bytes_total
        self._bar.update(total=float(total or 1), progress=float(view.bytes_done if total else 0))
        detail = size_text(view)
        rate = rate_text(view).removesuffix(" left")
        self._detail.update(Text(" · ".join(p for p in (detail, rate) if p), no_wrap=True))


__all__ = [
    "STATES",
    "DownloadRow",
    "item_cells",
    "overall_progress",
    "rate_text",
    "size_text",
    "summary_text",
]
