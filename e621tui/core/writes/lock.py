"""The outbox's sender role: one process at a time sends an account's writes.

Every e621-tui process of a user opens the same outbox file; each may enqueue, but only the
holder of the sender role sends, so no write goes out twice from two instances. The role is an
exclusive ``flock`` on a small lock file beside the database, one per account; the kernel
releases it when the holder quits or dies, and another instance takes over at its next poll.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; every instance sends (writes are idempotent)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


def lock_path(db_path: Path, account: str) -> Path:
    """The lock file of ``account``'s sender role for the outbox at ``db_path``."""
    digest = hashlib.sha256(account.encode()).hexdigest()[:16]
    return db_path.with_name(f"{db_path.name}.{digest}.lock")


class SenderLock:
    """An exclusive, non-blocking, process-wide lock on one account's sending.

    Args:
        path: The lock file, or None when there is nothing to share (an in-memory outbox):
            the role is then always held.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fd: int | None = None
        self._always = path is None or fcntl is None
        self._warned = False

    @property
    def held(self) -> bool:
        """True while this instance holds the sender role."""
        return self._always or self._fd is not None

    def try_acquire(self) -> bool:
        """Take the role if nobody holds it; never waits. True if held afterwards."""
        if self.held:
            return True
        assert self.path is not None and fcntl is not None
        if not self.path.parent.is_dir():
            return False  # no outbox file yet, so nothing to send (created at the first write)
        try:
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(self.path, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            return self._unusable(exc)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False  # another instance is sending
        except OSError as exc:
            os.close(fd)
            return self._unusable(exc)
        self._fd = fd
        return True

    def release(self) -> None:
        """Give up the role (another instance takes over at its next poll)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)  # closing the descriptor drops the flock

    def _unusable(self, exc: OSError) -> bool:
        # Without a lock we send anyway: a write sent twice is harmless (they are idempotent),
        # a write never sent is lost.
        if not self._warned:
            self._warned = True
            log.warning(
                "outbox sender lock %s unusable (%s); sending without it", self.path, exc.strerror
            )
        self._always = True
        return True


__all__ = ["SenderLock", "lock_path"]
