"""The UI while 50 files download: throughput of the batch and the key response, in tmux.

    python bench/downloads_ui.py [PRESSES]

The real program runs in tmux (160×50, half-cell pictures) against a devserver in this
process whose 50 newest posts have real 1280×960 JPEGs (~320 KB each, true md5s). The page
is marked (``m``) and queued (``d``); reported: seconds until all 50 files are on disk
(md5-checked, renamed into place) and MB/s. Key response: time from sending a cursor key
(→ / ←) to the new ``#id`` in the status line, idle and while a batch downloads (the second
batch runs on a link throttled to 1 MB/s per connection so that it lasts long enough to
press keys during it). Needs tmux.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e621tui.devserver import DevServer
from e621tui.devserver.media import MEDIA_TAG, add_real_posts
from tests.e2e.harness import Tui

COUNT = 50


def press_and_time(tui: Tui, key: str) -> float:
    """Seconds from sending ``key`` until the status line shows another post id."""
    before = tui.status_id()
    started = time.perf_counter()
    tui.send(key)
    while tui.status_id() == before:  # polled as fast as tmux answers (a few ms)
        if time.perf_counter() - started > 10:
            raise TimeoutError(f"{key} did not move the cursor")
    return time.perf_counter() - started


def key_times(tui: Tui, presses: int, until: float | None = None) -> list[float]:
    """Alternate → and ← ``presses`` times (or until ``until``), 50 ms apart."""
    times: list[float] = []
    for n in range(presses):
        if until is not None and time.perf_counter() > until:
            break
        times.append(press_and_time(tui, "Right" if n % 2 == 0 else "Left"))
        time.sleep(0.05)
    return times


def files_in(root: Path) -> int:
    return sum(1 for p in root.rglob("*.jpg"))


def describe(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return (f"{label}: median {statistics.median(ms):.0f} ms, p90 {p90:.0f} ms, "
            f"max {ms[-1]:.0f} ms (n={len(ms)})")  # fmt: skip


def batch(tui: Tui, root: Path, srv: DevServer, presses: int) -> tuple[float, list[float]]:
    """Mark the page, queue it; return (seconds until 50 files are there, key times)."""
    tui.send("m")
    tui.wait_for(lambda t: f"{COUNT} marked" in tui.status_line(t), 5, "the marks")
    started = time.perf_counter()
    tui.send("d")
    times: list[float] = []
    while files_in(root) < COUNT:
        if time.perf_counter() - started > 300:
            raise TimeoutError("the batch did not finish")
        if len(times) < presses:
            times.append(press_and_time(tui, "Right" if len(times) % 2 == 0 else "Left"))
            time.sleep(0.05)
        else:
            time.sleep(0.01)
    took = time.perf_counter() - started
    return took, times


def main() -> None:
    presses = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    srv = DevServer(post_count=60)
    ids = add_real_posts(srv.state, COUNT, width=1280, height=960, seed="bench")
    size = sum(srv.state.posts[i].size for i in ids)
    with srv, tempfile.TemporaryDirectory(prefix="e621-bench-") as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "dl"
        tui = Tui(tmp_path, width=160, height=50)
        (tmp_path / "config.toml").write_text(f'download_dir = "{root}"\n', encoding="utf-8")
        try:
            tui.start([MEDIA_TAG], base_url=srv.base_url)
            tui.wait_status_id(timeout=15)
            tui.wait_for(lambda t: "⋯" not in tui.status_line(t), 15, "the prefetch")
            time.sleep(1.0)
            idle = key_times(tui, presses)
            print(describe("key → new #id, idle", idle))

            took, during = batch(tui, root, srv, presses)
            print(f"{COUNT} files, {size / 2**20:.1f} MB, local: {took:.2f} s, "
                  f"{COUNT / took:.1f} files/s, {size / took / 2**20:.1f} MB/s")  # fmt: skip
            if during:
                print(describe("key → new #id, while the local batch ran", during))

            for path in root.rglob("*.jpg"):
                path.unlink()  # the next batch downloads them all again
            tui.wait_for(lambda t: "⇣" not in tui.status_line(t), 10, "the first batch's end")
            time.sleep(1.1)
            srv.faults.set("throttle", rate=2**20)
            took, during = batch(tui, root, srv, presses)
            srv.faults.clear()
            print(f"{COUNT} files, 1 MB/s per connection: {took:.2f} s, "
                  f"{size / took / 2**20:.1f} MB/s")  # fmt: skip
            print(describe("key → new #id, while the throttled batch ran", during))
            time.sleep(1.0)
            print(describe("key → new #id, idle again", key_times(tui, presses)))
        finally:
            tui.close()


if __name__ == "__main__":
    main()
