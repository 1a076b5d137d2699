"""Page turns in a real terminal (tmux): time from `n` to the new page, and bytes per turn.

    python bench/page_turns.py [--size 160x50] [--turns 20] [--graphics halfcell]
                               [--every 1.2] [--tree PATH] [--json]

Runs ``e621-tui`` (from this tree, or ``--tree`` for another checkout) logged in against a
devserver in this process, in a detached tmux session on a private socket whose output is
logged with ``pipe-pane``. After page 1 and a pause, presses `n` every ``--every`` seconds.
Per turn: when the new ``#id`` was on screen, when the thumbnails were drawn (half-cell: the
first settled screen with the new id and ≥ 95 % of the half blocks the turn ends with; other
modes: the new id), the bytes written, and whether the page was requested from the API
during the turn (it waited on the network). The screen is captured only once output has been
quiet for 30 ms, so the watcher costs the program little. (bench/run.py on main does the same
for issue 11's suite; this script also compares trees.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer  # noqa: E402

STATUS_ID = re.compile(r"^ ?#(\d+)\s", re.MULTILINE)
POLL = 0.004
QUIET = 0.03
WINDOW = 1.1


@dataclass
class Turn:
    """One press of `n`."""

    id_ms: float | None
    first_ms: float | None
    drawn_ms: float
    quiet_ms: float
    bytes_out: int
    bytes_drawn: int
    waited: int


def half_blocks(screen: str) -> int:
    """Half-cell picture characters on the screen."""
    return screen.count("▀") + screen.count("▄")


def status_id(screen: str) -> int | None:
    """The focused post's id in the status line."""
    found = STATUS_ID.findall(screen)
    return int(found[-1]) if found else None


class Pane:
    """The program in one tmux session; every byte it writes is logged."""

    def __init__(self, work: Path, width: int, height: int) -> None:
        self.work = work
        self.socket = ["-S", str(work / "t.sock")]
        self.log = work / "pane.raw"
        self.width, self.height = width, height

    def tmux(self, *args: str) -> str:
        tmux = shutil.which("tmux")
        if tmux is None:
            raise SystemExit("needs tmux")
        return subprocess.run(
            [tmux, *self.socket, "-f", os.devnull, "-u", *args],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout  # fmt: skip

    def start(self, argv: list[str], env: dict[str, str], cwd: str) -> None:
        program = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv])
        pipe = f"cat >> {shlex.quote(str(self.log))}"
        self.tmux("start-server", ";", "set-option", "-g", "exit-empty", "off")
        self.tmux(
            "new-session", "-d", "-s", "b", "-x", str(self.width), "-y", str(self.height),
            "-c", cwd, f"{program}; echo BENCH-EXITED; sleep 600",
            ";", "pipe-pane", "-o", "-t", "b", pipe,
        )  # fmt: skip

    def screen(self) -> str:
        text = self.tmux("capture-pane", "-p", "-t", "b")
        if "Traceback" in text or "BENCH-EXITED" in text:
            raise RuntimeError(f"the program failed:\n{text}")
        return text

    def size(self) -> int:
        try:
            return self.log.stat().st_size
        except FileNotFoundError:
            return 0

    def bursts(self, until: float) -> list[tuple[float, str]]:
        """(time, screen) after each burst of output, until ``until`` (monotonic); the log's
        size after each burst is in `sizes`."""
        found: list[tuple[float, str]] = []
        self.sizes: dict[float, int] = {}
        size, last = self.size(), None
        self.first: float | None = None
        while time.monotonic() < until:
            now, current = time.monotonic(), self.size()
            if current != size:
                size, last = current, now
                self.first = self.first or now
            elif last is not None and now - last >= QUIET:
                found.append((last, self.screen()))
                self.sizes[last] = current
                last = None
            time.sleep(POLL)
        if last is not None:
            found.append((last, self.screen()))
            self.sizes[last] = self.size()
        return found

    def wait(self, cond, timeout: float = 30) -> str:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if cond(screen):
                return screen
            time.sleep(0.05)
        raise TimeoutError(self.screen())

    def close(self) -> None:
        self.tmux("kill-server")


def page_requests(server: DevServer, start: float, end: float, above: int | None) -> int:
    """Search requests in [start, end) for the page below ``above`` (the one turned to)."""
    count = 0
    for record in server.api_requests("/posts.json"):
        page = (record.query.get("page") or [""])[0]
        cursor = int(page[1:]) if page[:1] == "b" and page[1:].isdigit() else None
        if start <= record.time < end and (cursor is None or above is None or cursor > above):
            count += 1
    return count


def run(args: argparse.Namespace) -> list[Turn]:
    width, height = (int(v) for v in args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="e621-turns-"))
    home = work / "home"
    env = {
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / "c"), "XDG_DATA_HOME": str(home / "d"),
        "XDG_CACHE_HOME": str(home / "k"), "XDG_RUNTIME_DIR": str(work),
        "E621_TUI_CONFIG": str(work / "none.toml"), "TERM": "xterm-256color", "LANG": "C.UTF-8",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "PATH": "/usr/bin:/bin",
        "E621_API_KEY": DEMO_API_KEY, "PYTHONPATH": str(Path(args.tree).resolve()),
    }  # fmt: skip
    turns: list[Turn] = []
    with DevServer(post_count=5000) as server:
        pane = Pane(work, width, height)
        argv = [sys.executable, "-m", "e621tui", "--base-url", server.base_url,
                "--username", DEMO_USERNAME, "--graphics", args.graphics]  # fmt: skip
        try:
            pane.start(argv, env, str(Path(args.tree).resolve()))  # `-m` runs from its cwd
            pane.wait(lambda s: status_id(s) is not None)
            if args.graphics == "halfcell":
                pane.wait(lambda s: half_blocks(s) > 0)
            time.sleep(2.0)
            current = status_id(pane.screen())
            for _ in range(args.turns):
                before = pane.size()
                pressed = time.monotonic()
                pane.tmux("send-keys", "-t", "b", "n")
                bursts = pane.bursts(pressed + WINDOW)
                new = [(t, s) for t, s in bursts if status_id(s) not in (None, current)]
                quiet = bursts[-1][0] if bursts else pressed
                id_at = new[0][0] if new else None
                drawn = quiet if not new else new[0][0]
                if new and args.graphics == "halfcell":
                    final = half_blocks(bursts[-1][1])
                    drawn = next((t for t, s in new if half_blocks(s) >= 0.95 * final), quiet)
                if new:
                    current = status_id(new[-1][1])
                end = id_at if id_at is not None else pressed + WINDOW
                turns.append(
                    Turn(
                        id_ms=None if id_at is None else (id_at - pressed) * 1000,
                        first_ms=None if pane.first is None else (pane.first - pressed) * 1000,
                        drawn_ms=(drawn - pressed) * 1000,
                        quiet_ms=(quiet - pressed) * 1000,
                        bytes_out=pane.size() - before,
                        bytes_drawn=pane.sizes.get(drawn, pane.size()) - before,
                        waited=page_requests(server, pressed, end, current),
                    )
                )
                time.sleep(max(0.0, pressed + args.every - time.monotonic()))
        finally:
            pane.close()
    return turns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="160x50")
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--graphics", default="halfcell")
    parser.add_argument("--every", type=float, default=1.2)
    parser.add_argument("--tree", default=str(ROOT))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    turns = run(args)
    if args.json:
        print(json.dumps([asdict(t) for t in turns]))
        return 0
    drawn = [t.drawn_ms for t in turns]
    ids = [t.id_ms for t in turns if t.id_ms is not None]
    first = [t.first_ms for t in turns if t.first_ms is not None]
    sizes = [t.bytes_out for t in turns]
    print(
        f"{args.size} {args.graphics} ({len(turns)} turns, `n` every {args.every} s, "
        f"tree {args.tree}):\n"
        f"  new #id   median {statistics.median(ids) if ids else float('nan'):.0f} ms, "
        f"max {max(ids) if ids else float('nan'):.0f} ms ({len(turns) - len(ids)} missing)\n"
        f"  drawn     median {statistics.median(drawn):.0f} ms, max {max(drawn):.0f} ms\n"
        f"  first byte median {statistics.median(first) if first else float('nan'):.0f} ms\n"
        f"  bytes     median {statistics.median(sizes):,.0f}, max {max(sizes):,} (in the "
        f"{args.every} s after `n`); until drawn: median "
        f"{statistics.median(t.bytes_drawn for t in turns):,.0f}\n"
        f"  waited on the network: {sum(1 for t in turns if t.waited)} of {len(turns)}"
    )
    print("  per turn (drawn ms):", " ".join(f"{d:.0f}" for d in drawn))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
