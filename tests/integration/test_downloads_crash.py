"""A process killed with SIGKILL in the middle of a file: the next run finishes the queue,
does not fetch the completed files again, and resumes the partial one with a Range request."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from e621tui.core.downloads import partial_path
from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from e621tui.devserver.render import data_path

CHILD = textwrap.dedent(
    """
    import asyncio, os, sys
    from pathlib import Path
    from e621tui.api.client import E621Client
    from e621tui.core.downloads import DownloadOptions, DownloadService

    async def main(base_url, data_dir, root, pool_id):
        async with E621Client(base_url, sys.argv[5], os.environ["E621_API_KEY"]) as client:
            service = DownloadService(
                client, lambda event: None, data_dir=Path(data_dir),
                options=DownloadOptions(download_dir=Path(root), parallel=1),
            )
            service.start()
            await service.queue_pool(int(pool_id))
            print("queued", flush=True)
            await asyncio.sleep(3600)  # killed long before this

    asyncio.run(main(*sys.argv[1:5]))
    """
)


@pytest.fixture
def srv() -> Iterator[DevServer]:
    with DevServer(media=True) as server:
        yield server
        assert server.max_requests_in_window(1.0) <= 2


def wait_until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_midway_then_restart(srv: DevServer, tmp_path: Path) -> None:
    state = srv.state
    pool = state.pools[state.special["media_pool"]]
    root, data = tmp_path / "downloads", tmp_path / "data"
    targets = [
        root / "Lantern_Road_Comic" / f"{n:04} - {pid}.{state.posts[pid].ext}"
        for n, pid in enumerate(pool.post_ids, start=1)
    ]
    paths = [data_path(state.posts[pid].md5, "original", state.posts[pid].ext)
             for pid in pool.post_ids]  # fmt: skip
    srv.faults.set("throttle", rate=15_000, path_prefix=paths[2])  # the third page trickles

    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), srv.base_url, str(data), str(root), str(pool.id),
         DEMO_USERNAME],  # the key goes in the environment, never on a command line
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "E621_API_KEY": DEMO_API_KEY},
    )  # fmt: skip
    try:
        wait_until(
            lambda: targets[0].exists() and targets[1].exists()
            and partial_path(targets[2]).exists()
            and partial_path(targets[2]).stat().st_size >= 20_000,
            60, "two pages done and the third under way",
        )  # fmt: skip
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    kept = partial_path(targets[2]).stat().st_size
    assert 0 < kept < state.posts[pool.post_ids[2]].size
    assert not targets[2].exists()
    srv.faults.clear()
    seen_static, seen_api = len(srv.static_requests()), len(srv.api_requests())

    async def restart() -> None:
        session = Session(SessionOptions(srv.base_url, DEMO_USERNAME, DEMO_API_KEY,
                                         data_dir=data, cache_dir=tmp_path / "cache",
                                         download_dir=root))  # fmt: skip
        session.downloads.start()
        try:
            assert await session.downloads.wait_idle(60)
            assert session.downloads.queue.recovered == 1  # the item that was downloading
        finally:
            await session.close()

    asyncio.run(restart())

    again = srv.static_requests()[seen_static:]
    by_path = {p: [r for r in again if r.path == p] for p in paths}
    assert by_path[paths[0]] == [] and by_path[paths[1]] == []  # completed: not fetched again
    [resumed] = by_path[paths[2]]
    assert resumed.headers["range"] == f"bytes={kept}-"
    assert resumed.status == 206
    for path in paths[3:]:
        [fresh] = by_path[path]
        assert "range" not in fresh.headers and fresh.status == 200
    assert len(again) == len(paths) - 2
    assert len(srv.api_requests()) == seen_api  # every post was looked up before the crash
    for target, pid in zip(targets, pool.post_ids, strict=True):
        assert hashlib.md5(target.read_bytes()).hexdigest() == state.posts[pid].md5
        assert not partial_path(target).exists()
