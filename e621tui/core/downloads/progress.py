"""Speed and time left, measured over a short sliding window."""

from __future__ import annotations

from collections import deque

#: Seconds of history the speed is measured over.
WINDOW = 3.0
#: Less history than this gives no speed yet (a first chunk is no measure).
MIN_SPAN = 0.4


class RateMeter:
    """Bytes per second over the last `WINDOW` seconds of (time, bytes so far) samples."""

    def __init__(self, window: float = WINDOW) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, total_bytes: int) -> None:
        """Record that ``total_bytes`` had arrived at ``now`` (a running total)."""
        samples = self._samples
        if samples and total_bytes < samples[-1][1]:
            samples.clear()  # restarted from zero: the old history means nothing
        samples.append((now, total_bytes))
        while len(samples) > 2 and samples[1][0] <= now - self.window:
            samples.popleft()

    def speed(self, now: float) -> float | None:
        """Bytes per second, or None before there is enough history."""
        samples = self._samples
        if len(samples) < 2:
            return None
        first_time, first_bytes = samples[0]
        last_time, last_bytes = samples[-1]
        span = max(now, last_time) - first_time
        if span < MIN_SPAN:
            return None
        return (last_bytes - first_bytes) / span

    def reset(self) -> None:
        """Forget the history (paused, or restarted)."""
        self._samples.clear()


def eta(remaining: int | None, speed: float | None) -> float | None:
    """Seconds left at this speed, or None when unknown."""
    if remaining is None or speed is None or speed <= 0:
        return None
    return max(0.0, remaining / speed)


def format_bytes(size: float) -> str:
    """``1.5 MB``-style size (powers of 1024, one decimal)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def format_duration(seconds: float | None) -> str:
    """``1:05``, ``1:02:03``, or ``?`` when unknown."""
    if seconds is None:
        return "?"
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


__all__ = ["RateMeter", "eta", "format_bytes", "format_duration"]
