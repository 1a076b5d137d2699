"""Time from launching ``e621-tui --demo`` in a real terminal (tmux) to a usable grid.

    python bench/startup.py [RUNS]

Prints, per terminal size: time to the first post id in the status line, to the first
half-cell thumbnails on screen, and for ``n`` to show page 2. Needs tmux.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid


def _capture(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False
    ).stdout


def _wait(session: str, cond: object, timeout: float = 20.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if cond(_capture(session)):  # type: ignore[operator]
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError("screen never got there")


def _status(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-2] if len(lines) >= 2 else ""


def run_once(width: int, height: int) -> tuple[float, float, float]:
    session = f"bench-{uuid.uuid4().hex[:8]}"
    home = tempfile.mkdtemp(prefix="e621-bench-")
    env = f"HOME={home} XDG_CONFIG_HOME={home}/c XDG_CACHE_HOME={home}/k XDG_DATA_HOME={home}/d"
    app = f"{sys.executable} -m e621tui --demo --graphics halfcell"
    command = f"{env} E621_TUI_CONFIG={home}/none.toml {app}"
    launched = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), command],
        check=True,
    )
    try:
        first_id = _wait(session, lambda t: "#" in _status(t) and "page 1" in _status(t))
        _wait(session, lambda t: t.count("▀") > 200)
        total_first = time.perf_counter() - launched
        time.sleep(2.0)  # a person looks at the page before turning it; the prefetch lands
        before = _status(_capture(session))
        subprocess.run(["tmux", "send-keys", "-t", session, "n"], check=True)
        turn = _wait(session, lambda t: "page 2" in _status(t) and _status(t) != before)
        return first_id, total_first, turn
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    os.environ.setdefault("TERM", "xterm-256color")
    for width, height in ((80, 24), (160, 50)):
        results = [run_once(width, height) for _ in range(runs)]
        ids = sorted(r[0] for r in results)
        thumbs = sorted(r[1] for r in results)
        turns = sorted(r[2] for r in results)
        mid = len(results) // 2
        print(
            f"{width}x{height}: first post id {ids[mid]:.2f} s, "
            f"thumbnails drawn {thumbs[mid]:.2f} s after launch, "
            f"page 2 after `n` (2 s later) {turns[mid] * 1000:.0f} ms (median of {runs})"
        )


if __name__ == "__main__":
    main()
