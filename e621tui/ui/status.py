"""The app-wide part of the status line, computed from the session as one snapshot."""

from __future__ import annotations

from e621tui.core.downloads import DownloadSummary, format_bytes, format_duration
from e621tui.core.session import Session
from e621tui.terminal.decide import Decision, Mode
from e621tui.text.sanitize import one_line
from e621tui.ui.messages import AppStatus, StatusPart

_MODE_LABELS = {
    "kitty": "kitty",
    "kitty-direct": "kitty direct",
    "sixel": "sixel",
    "halfcell": "half-cell",
    "none": "no pictures",
}


def graphics_part(decision: Decision, mode: str) -> StatusPart:
    """The graphics mode in use, and why it is not a better one when that is worth saying
    (``half-cell: tmux passthrough off``; ``e621-tui --doctor`` tells the whole story)."""
    label = "▣ " + _MODE_LABELS.get(mode, mode)
    if mode == decision.mode.value and not decision.explicit and mode == Mode.HALFCELL:
        verdict = decision.verdict(Mode.KITTY)
        reason = verdict.reason if verdict is not None else ""
        if "allow-passthrough is off" in reason:
            label += ": tmux passthrough off"
        elif decision.in_tmux:
            label += ": tmux"
    return StatusPart(label, "dim")


def app_status(
    session: Session,
    site_label: str,
    network_trouble: str | None,
    graphics: StatusPart | None = None,
    downloads: DownloadSummary | None = None,
) -> AppStatus:
    """Site, safe mode, login, active set, writes, queued requests, downloads, network trouble
    and the graphics mode.

    ``downloads`` is the newest summary the queue sent (None: nothing to say yet). While
    files download their part comes first, so that a narrow terminal still shows it.
    """
    parts: list[StatusPart] = []
    if downloads is not None:
        part = downloads_part(downloads)
        if part is not None:
            parts.append(part)
    parts.append(StatusPart(site_label, "bold"))
    if session.options.safe_mode:
        parts.append(StatusPart("safe", "green"))
    if session.user is not None:
        parts.append(StatusPart(f"{one_line(session.user.name, 24)} ✓", "green"))
    elif session.logged_in:
        parts.append(StatusPart(f"{one_line(session.client.username or '', 24)} …", "dim"))
    else:
        parts.append(StatusPart("anonymous", "dim"))
    active = session.sets.active
    if active is not None:
        parts.append(StatusPart(f"set: {one_line(active.name, 24)}", "cyan"))
    outbox = session.writes.outbox
    if outbox is not None:
        pending, failed = outbox.pending_count(), len(outbox.failed())
        if pending:
            parts.append(StatusPart(f"⇡{pending} pending", "yellow"))
        if failed:
            parts.append(StatusPart(f"⚠{failed} failed (w)", "bold red"))
    queued = session.client.scheduler.queued
    if queued:
        parts.append(StatusPart(f"⋯{queued}", "dim"))
    if network_trouble:
        parts.append(StatusPart(f"⚠ {one_line(network_trouble, 60)}", "bold red"))
    if graphics is not None:
        parts.append(graphics)
    return tuple(parts)


def downloads_part(summary: DownloadSummary) -> StatusPart | None:
    """``⇣4/18 · 2.1 MB/s · 0:42`` while batches are open (None when there is nothing to do)."""
    if summary.blocked:
        return StatusPart(f"⇣ waiting: {one_line(summary.blocked, 50)}", "yellow")
    if not summary.files:
        return None
    finished = summary.done + summary.failed + summary.cancelled
    parts = [f"⇣{finished}/{summary.files}"]
    if summary.active and summary.speed is not None:
        parts.append(f"{format_bytes(summary.speed)}/s")
        if summary.eta is not None and not summary.unknown_sizes:
            parts.append(format_duration(summary.eta))
    if summary.paused:
        parts.append(f"{summary.paused} paused")
    if summary.failed:
        parts.append(f"{summary.failed} failed")
    style = "bold red" if summary.failed else ("yellow" if summary.paused else "cyan")
    return StatusPart(" · ".join(parts), style)


__all__ = ["app_status", "downloads_part", "graphics_part"]
