"""A program in a real terminal for the benchmarks: tmux on a private socket, every byte logged.

Cheap to watch: the raw output log (tmux ``pipe-pane``) is polled with ``stat`` every few
milliseconds, and the screen is captured (a tmux subprocess, a few ms of CPU on a machine the
program shares) only after output has gone quiet, so the watcher steals little from what it
measures.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TMUX = shutil.which("tmux")
#: The status bar starts with the focused post's id: `` #5120528  (all posts)  page 1 …``.
STATUS_ID = re.compile(r"^ ?#(\d+)\s", re.MULTILINE)
HALF_BLOCKS = ("▀", "▄")
POLL = 0.004
#: Output quiet for this long counts as "the screen is done for now".
QUIET = 0.03


@dataclass
class Burst:
    """What the terminal showed after output settled."""

    at: float
    """When the last byte of the burst was seen (monotonic)."""
    screen: str


class Term:
    """One program in one detached tmux session.

    Args:
        workdir: Holds the socket, the raw log and the program's HOME.
        width: Columns.
        height: Rows.
    """

    def __init__(self, workdir: Path, width: int, height: int) -> None:
        if TMUX is None:
            raise SystemExit("the benchmarks need tmux (apt-get install tmux)")
        self.workdir = workdir
        self.width = width
        self.height = height
        workdir.mkdir(parents=True, exist_ok=True)
        socket = workdir / "tmux.sock"
        self.socket = ["-S", str(socket)] if len(str(socket)) < 100 else ["-L", uuid.uuid4().hex]
        self.raw_log = workdir / "pane.raw"
        self.launched = 0.0
        self.name = "bench"

    def tmux(self, *args: str) -> str:
        """Run a tmux command on the private server."""
        assert TMUX is not None
        proc = subprocess.run(
            [TMUX, *self.socket, "-f", os.devnull, "-u", *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return proc.stdout

    def start(self, argv: list[str], env: dict[str, str]) -> float:
        """Launch ``argv`` (clean environment ``env``); return the monotonic launch time."""
        program = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv])
        shell = f"{program}; echo BENCH-EXITED $?; sleep 600"
        pipe = f"cat >> {shlex.quote(str(self.raw_log))}"
        self.tmux("start-server", ";", "set-option", "-g", "exit-empty", "off")
        self.launched = time.monotonic()
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", str(self.width), "-y", str(self.height),
            shell, ";", "pipe-pane", "-o", "-t", self.name, pipe,
        )  # fmt: skip
        return self.launched

    def screen(self) -> str:
        """The visible screen as text."""
        text = self.tmux("capture-pane", "-p", "-t", self.name)
        if "Traceback" in text or "BENCH-EXITED" in text:
            raise RuntimeError(f"the program failed or ended:\n{text}")
        return text

    def send(self, key: str) -> float:
        """Press a key (tmux key name); return when it was sent (monotonic)."""
        at = time.monotonic()
        self.tmux("send-keys", "-t", self.name, "--", key)
        return at

    def output_size(self) -> int:
        """Bytes the program wrote to the terminal so far."""
        try:
            return self.raw_log.stat().st_size
        except FileNotFoundError:
            return 0

    def bursts(self, until: float) -> list[Burst]:
        """Every settled burst of output until the monotonic time ``until``, with its screen."""
        found: list[Burst] = []
        size = self.output_size()
        last_growth: float | None = None
        while True:
            now = time.monotonic()
            if now >= until:
                break
            current = self.output_size()
            if current != size:
                size, last_growth = current, now
            elif last_growth is not None and now - last_growth >= QUIET:
                found.append(Burst(last_growth, self.screen()))
                last_growth = None
            time.sleep(POLL)
        if last_growth is not None:
            found.append(Burst(last_growth, self.screen()))
        return found

    def wait_for(
        self, condition: Callable[[str], bool], timeout: float = 30.0, what: str = ""
    ) -> Burst:
        """The first settled burst whose screen meets ``condition``."""
        deadline = time.monotonic() + timeout
        size = -1
        while time.monotonic() < deadline:
            current = self.output_size()
            if current != size:
                size = current
                time.sleep(QUIET)
                if self.output_size() != size:
                    continue
                text = self.screen()
                if condition(text):
                    return Burst(time.monotonic() - QUIET, text)
            time.sleep(POLL)
        raise TimeoutError(f"timed out waiting for {what or 'the screen'}:\n{self.screen()}")

    def settle(self, quiet: float = 0.25, timeout: float = 10.0) -> float:
        """Wait until no output for ``quiet`` seconds; return when the last byte came."""
        deadline = time.monotonic() + timeout
        size = self.output_size()
        last = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(POLL)
            current = self.output_size()
            if current != size:
                size, last = current, time.monotonic()
            elif time.monotonic() - last >= quiet:
                break
        return last

    def app_pid(self) -> int:
        """The pid of the python program in the pane."""
        shell = int(self.tmux("display", "-p", "-t", self.name, "#{pane_pid}").strip())
        for _ in range(4):
            kids = _children(shell)
            for pid in kids:
                if "python" in _read(f"/proc/{pid}/comm"):
                    return pid
            if not kids:
                break
            shell = kids[0]
        raise RuntimeError("no python process in the pane")

    def rss_mb(self) -> float:
        """The program's resident memory in MB."""
        for line in _read(f"/proc/{self.app_pid()}/status").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def close(self) -> None:
        """Kill the private tmux server and the program in it."""
        self.tmux("kill-server")


def status_id(screen: str) -> int | None:
    """The post id in the status bar (the line above the footer), if any."""
    lines = screen.rstrip("\n").split("\n")
    match = STATUS_ID.search(lines[-2]) if len(lines) >= 2 else None
    return int(match.group(1)) if match else None


def half_blocks(screen: str) -> int:
    """How many half-cell picture characters the screen shows."""
    return sum(screen.count(ch) for ch in HALF_BLOCKS)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _read(f"/proc/{entry.name}/stat")
            if stat and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


__all__ = ["Burst", "Term", "half_blocks", "status_id"]
