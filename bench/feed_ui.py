"""The followed-tags feed through the real program in tmux (prints figures; asserts nothing).

    python bench/feed_ui.py [FOLLOWS ...]      # default: 10 100 500

For each count: the program starts with ``--feed`` and that many follows in its config
(the demo's tags, most used first, then tags without posts); figures are the ``/posts.json``
requests of the first check, the seconds until the first posts show (the feed shows what it
found so far while it checks) and until every tag was checked, then the same after "mark all
seen" and 5 new uploads (a catch-up refresh with ``r``). Needs tmux.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

from e621tui.devserver import DevServer
from tests.e2e.harness import Tui


def follow_list(srv: DevServer, count: int) -> list[str]:
    """``count`` follows: the demo's tags, most used first, then tags with no posts yet."""
    tags = sorted(srv.state.tags.values(), key=lambda t: (-t.post_count, t.name))
    names = [t.name for t in tags if t.post_count > 0][:count]
    return names + [f"zz_follow_{i:03d}" for i in range(count - len(names))]


def measure(count: int) -> None:
    """Print the figures for ``count`` follows."""
    with tempfile.TemporaryDirectory() as tmp, DevServer(port=0) as srv:
        tui = Tui(Path(tmp), width=160, height=50)
        follows = follow_list(srv, count)
        (Path(tmp) / "config.toml").write_text(f"follows = {json.dumps(follows)}\n")
        try:
            started = time.monotonic()
            tui.start(["--feed"], base_url=srv.base_url)
            tui.wait_status_id(timeout=60)
            first = time.monotonic() - started
            tui.wait_for(re.compile(rf"new from {count} followed tags"), 120)
            done = time.monotonic() - started
            check = len(srv.api_requests("/posts.json"))
            tui.send("C")
            tui.wait_for("nothing new from your", 10)
            srv.add_posts(5, tags=[follows[0]])
            srv.clear_requests()
            pressed = time.monotonic()
            tui.send("r")
            tui.wait_for(re.compile(rf"5 new from {count} followed tags"), 120)
            again = time.monotonic() - pressed
            catch_up = len(srv.api_requests("/posts.json"))
            worst = srv.max_requests_in_window(1.0)
        finally:
            tui.close()
    print(
        f"{count:4d} follows: first check {check:2d} requests, first posts {first:5.1f} s, "
        f"all {done:5.1f} s; after mark seen: {catch_up:2d} requests, {again:5.1f} s; "
        f"most in 1 s: {worst}"
    )


def main() -> None:
    """Measure each count given on the command line."""
    for count in [int(a) for a in sys.argv[1:]] or [10, 100, 500]:
        measure(count)


if __name__ == "__main__":
    main()
