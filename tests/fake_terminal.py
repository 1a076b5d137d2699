"""A pseudo-terminal whose far end answers terminal queries like a chosen terminal.

The program under test gets the pty as its controlling terminal (stdin, stdout, stderr and
/dev/tty); this side reads everything it writes and, when a known query shows up, writes the
answer back (optionally after a delay, like a slow link).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

KITTY_Q = b"\x1b_Gi=31,"
XTVERSION_Q = b"\x1b[>q"
CELL_Q = b"\x1b[16t"
WINDOW_Q = b"\x1b[14t"
REGISTERS_Q = b"\x1b[?1;1;0S"
DA1_Q = b"\x1b[c"

#: What some terminals answer (query → answer); a missing query is not answered.
KITTY_0_26 = {
    KITTY_Q: b"\x1b_Gi=31;OK\x1b\\",
    XTVERSION_Q: b"\x1bP>|kitty(0.26.5)\x1b\\",
    CELL_Q: b"\x1b[6;17;8t",
    WINDOW_Q: b"\x1b[4;408;640t",
    DA1_Q: b"\x1b[?62;c",
}
KITTY_0_35 = {**KITTY_0_26, XTVERSION_Q: b"\x1bP>|kitty(0.35.2)\x1b\\"}
XTERM_SIXEL = {
    XTVERSION_Q: b"\x1bP>|XTerm(379)\x1b\\",
    REGISTERS_Q: b"\x1b[?1;0;256S",
    DA1_Q: b"\x1b[?63;1;2;4;6;9;15;16;22;28c",
}
XTERM_PLAIN = {
    XTVERSION_Q: b"\x1bP>|XTerm(379)\x1b\\",
    REGISTERS_Q: b"\x1b[?1;3S",
    DA1_Q: b"\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c",
}


@dataclass
class FakeTerminal:
    """Runs a program on a pty and answers its queries (see the module docstring).

    Args:
        answers: Query bytes → answer bytes.
        delay: Seconds to wait before answering (all answers of one write together).
        size: (columns, rows, width px, height px) reported by TIOCGWINSZ.
    """

    answers: dict[bytes, bytes]
    delay: float = 0.0
    size: tuple[int, int, int, int] = (100, 40, 800, 680)
    output: bytearray = field(default_factory=bytearray)
    answered: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.master, self.slave = os.openpty()
        cols, rows, xpx, ypx = self.size
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, xpx, ypx))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self._scan_from = 0
        self._seen: set[tuple[bytes, int]] = set()

    def spawn(self, argv: Sequence[str], env: dict[str, str], cwd: str | None = None) -> None:
        """Start ``argv`` with the pty as its controlling terminal, and start answering."""
        slave = self.slave

        def make_controlling() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            preexec_fn=make_controlling, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        pending: list[tuple[float, bytes]] = []
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.output += chunk
                pending += [(time.monotonic() + self.delay, a) for a in self._new_answers()]
            now = time.monotonic()
            due = [a for t, a in pending if t <= now]
            pending = [(t, a) for t, a in pending if t > now]
            for answer in due:
                self.write(answer)
                self.answered.append(answer)

    def _new_answers(self) -> list[bytes]:
        found = []
        data = bytes(self.output)
        for query, answer in self.answers.items():
            start = max(0, self._scan_from - len(query))
            while (i := data.find(query, start)) >= 0:
                if (query, i) not in self._seen:
                    self._seen.add((query, i))
                    found.append((i, answer))
                start = i + 1
        self._scan_from = len(data)
        return [a for _, a in sorted(found)]

    def write(self, data: bytes) -> None:
        """Type ``data`` into the program (as keys or answers)."""
        os.write(self.master, data)

    def wait(self, timeout: float) -> int:
        """Wait for the program to exit; its status."""
        assert self.proc is not None
        try:
            return self.proc.wait(timeout)
        finally:
            time.sleep(0.1)
            self.close()

    def text(self) -> str:
        """Everything the program wrote, decoded."""
        return self.output.decode("utf-8", "replace")

    def close(self) -> None:
        """Stop answering; kill the program if it still runs."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        with contextlib.suppress(OSError):  # already closed by an earlier close()
            os.close(self.master)
