"""Several real processes against one devserver share the site's 2-requests-per-second budget.

Each process is a plain ``python -c`` script using `E621Client` (no app), as two windows of
e621-tui would be. The server's request log is the judge: never more than 2 API requests in any
1 s window, however the processes are started or restarted.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from e621tui.devserver import DevServer

# argv: base_url, start_at (time.time()), requests, go_file ("" = none), shared ("1"/"0")
SCRIPT = r"""
import asyncio, os, sys, time
from pathlib import Path
from e621tui.api.client import E621Client
from e621tui.api.limiter import RequestScheduler

base_url, start_at, count, go_file, shared = sys.argv[1:6]

async def main():
    scheduler = None if shared == "1" else RequestScheduler()
    async with E621Client(base_url, scheduler=scheduler, max_attempts=1) as client:
        while go_file and not Path(go_file).exists():
            await asyncio.sleep(0.002)
        while time.time() < float(start_at):
            await asyncio.sleep(0.002)
        await asyncio.gather(
            *(client.posts.search("", limit=2, page=i + 1) for i in range(int(count)))
        )
    print("ok", flush=True)

asyncio.run(main())
"""


def spawn(
    server: DevServer, start_at: float, count: int, go_file: Path | None = None, shared: bool = True
) -> subprocess.Popen[str]:
    args = [server.base_url, repr(start_at), str(count), str(go_file or ""), "1" if shared else "0"]
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> None:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "ok"


def test_two_processes_started_together_share_the_budget(server: DevServer) -> None:
    start_at = time.time() + 2.0  # both have imported everything by then
    procs = [spawn(server, start_at, 4), spawn(server, start_at, 4)]
    for proc in procs:
        finish(proc)
    requests = server.api_requests("/posts.json")
    assert len(requests) == 8
    assert all(r.status == 200 for r in requests), [r.status for r in requests]
    assert server.max_requests_in_window(1.0) <= 2
    # Together they keep the sustained rate too: 8 requests need about 6 s, not 3.
    times = sorted(r.time for r in requests)
    assert times[-1] - times[0] >= 5.0


def test_a_restart_within_a_second_never_trips_the_edge(server: DevServer, tmp_path: Path) -> None:
    go = tmp_path / "go"
    first = spawn(server, 0.0, 2)
    # The second one is already running (imports done), waiting for the first to quit.
    second = spawn(server, 0.0, 2, go_file=go)
    finish(first)
    quit_at = time.monotonic()
    go.touch()
    finish(second)
    requests = server.api_requests("/posts.json")
    assert len(requests) == 4 and all(r.status == 200 for r in requests)
    # The restart really came within the window of the first run's requests.
    assert requests[2].time - requests[1].time < 1.15 + 0.5
    assert quit_at - requests[1].time < 1.0
    assert server.max_requests_in_window(1.0) <= 2


def test_without_the_shared_budget_two_processes_would_trip_it(tmp_path: Path) -> None:
    """The control: the test above can fail; in-process limits alone are not enough."""
    with DevServer() as srv:
        start_at = time.time() + 2.0
        procs = [spawn(srv, start_at, 2, shared=False) for _ in range(2)]
        for proc in procs:
            proc.communicate(timeout=60)
        assert srv.max_requests_in_window(1.0) > 2
