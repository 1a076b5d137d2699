"""One running queue per data folder: a second e621-tui waits instead of downloading twice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here; one instance at a time is assumed
    fcntl = None  # type: ignore[assignment]


class QueueLock:
    """An exclusive, non-blocking lock on a file, released on `release` or at exit."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        """This process holds the lock (always True without a file or without fcntl)."""
        return self._handle is not None or self.path is None or fcntl is None

    def acquire(self) -> bool:
        """Take the lock if free; return whether this process holds it."""
        if self.held:
            return True
        assert self.path is not None
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        os.chmod(self.path, 0o600)
        self._handle = handle
        return True

    def release(self) -> None:
        """Let another instance run the queue."""
        if self._handle is not None:
            self._handle.close()  # closing the file drops the flock
            self._handle = None


__all__ = ["QueueLock"]
