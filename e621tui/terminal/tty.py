"""The controlling terminal, opened for one exchange of queries and answers.

While the channel is open the terminal is in non-canonical mode without echo, so answers are
never shown on the screen nor buffered as a line. The original mode is restored by `close()`
(also when the exchange fails); `close(restore=False)` keeps echo off so that answers arriving
late cannot be echoed before the app takes the terminal over (the caller restores later).
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import time
from collections.abc import Callable
from types import TracebackType

if sys.platform != "win32":
    import termios

#: termios attribute list as returned by ``tcgetattr``.
Attrs = list[int | list[bytes | int]]


class TtyError(OSError):
    """No usable terminal (no /dev/tty, not a terminal, or termios refused)."""


def quiet_attrs(attrs: Attrs) -> Attrs:
    """``attrs`` with echo and line editing off and reads that never block."""
    new = [list(a) if isinstance(a, list) else a for a in attrs]
    iflag, lflag, cc = new[0], new[3], new[6]
    assert isinstance(iflag, int) and isinstance(lflag, int) and isinstance(cc, list)
    new[0] = iflag & ~(termios.IXON | termios.ICRNL)
    new[3] = lflag & ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ECHONL)
    cc[termios.VMIN] = 0
    cc[termios.VTIME] = 0
    return new


class TtyChannel:
    """A terminal file descriptor in quiet mode (see the module docstring).

    Args:
        path: The terminal device (the controlling terminal by default).
        fd: An already open terminal descriptor to use instead of opening ``path``.
    """

    def __init__(self, path: str = "/dev/tty", *, fd: int | None = None) -> None:
        self._owned = fd is None
        if sys.platform == "win32":
            raise TtyError(0, "no terminal probe on Windows")
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY) if fd is None else fd
        except OSError as exc:
            raise TtyError(exc.errno, f"cannot open {path}: {exc.strerror}") from None
        try:
            if not os.isatty(self.fd):
                raise TtyError(0, f"{path} is not a terminal")
            self.saved: Attrs = termios.tcgetattr(self.fd)
            termios.tcsetattr(self.fd, termios.TCSANOW, quiet_attrs(self.saved))
        except (termios.error, TtyError) as exc:
            self._close_fd()
            if isinstance(exc, TtyError):
                raise
            raise TtyError(0, f"termios: {exc}") from None
        self.closed = False

    def write(self, data: bytes) -> None:
        """Write all of ``data``."""
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def read_until(
        self, done: Callable[[bytes], bool], timeout: float, *, grace: float = 0.0
    ) -> tuple[bytes, bool]:
        """Read until ``done(buffer)`` or ``timeout`` seconds pass; (buffer, done?).

        If something arrived but ``done`` is still false at the deadline, wait up to ``grace``
        more seconds (the answers are on their way). End of file ends the read.
        """
        buffer = b""
        deadline = time.monotonic() + timeout
        extended = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                if buffer and grace > 0 and not extended:
                    deadline += grace
                    extended = True
                    continue
                return buffer, False
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                return buffer, False
            if not chunk:
                return buffer, False
            buffer += chunk
            if done(buffer):
                return buffer, True

    def drain(self, settle: float = 0.03) -> bytes:
        """Read what is waiting (until ``settle`` seconds pass quietly), then flush input."""
        got = b""
        while True:
            ready, _, _ = select.select([self.fd], [], [], settle)
            if not ready:
                break
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        # A failing flush is not fatal: the reads above already took what was there.
        with contextlib.suppress(termios.error):
            termios.tcflush(self.fd, termios.TCIFLUSH)
        return got

    def close(self, *, restore: bool = True) -> None:
        """Restore the saved mode (unless ``restore`` is false) and close the descriptor."""
        if self.closed:
            return
        self.closed = True
        if restore:
            restore_attrs(self.fd, self.saved)
        self._close_fd()

    def _close_fd(self) -> None:
        if self._owned:
            os.close(self.fd)

    def __enter__(self) -> TtyChannel:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def restore_attrs(fd: int, attrs: Attrs) -> bool:
    """Set ``attrs`` on ``fd``; False if the terminal is gone."""
    if sys.platform == "win32":
        return False
    try:
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
    except termios.error:
        return False
    return True


def window_size(fd: int) -> tuple[int, int, int, int]:
    """(columns, rows, width px, height px) from TIOCGWINSZ; zeros where unknown."""
    if sys.platform == "win32":
        return 0, 0, 0, 0
    import array
    import fcntl

    buf = array.array("H", [0, 0, 0, 0])
    try:
        fcntl.ioctl(fd, termios.TIOCGWINSZ, buf)
    except OSError:
        return 0, 0, 0, 0
    rows, cols, xpx, ypx = buf
    return cols, rows, xpx, ypx


__all__ = ["TtyChannel", "TtyError", "quiet_attrs", "restore_attrs", "window_size"]
