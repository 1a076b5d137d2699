"""Two instances on one data dir share the outbox: every write reaches the site exactly once.

Two Sessions in one process (or a second real process) open the same ``outbox.sqlite3``; each
enqueues writes; only the holder of the sender role sends, and when it quits the other one takes
over. The devserver's request log counts what really arrived.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from e621tui.core.session import Session
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from tests.conftest import make_session


def free_ids(server: DevServer, n: int) -> list[int]:
    """Visible posts the demo user has not favorited (past the special newest ones)."""
    state = server.state
    ids = [
        pid
        for pid in state.ids_desc[40:]
        if not state.posts[pid].deleted and not state.is_favorited(DEMO_USERNAME, pid)
    ]
    return ids[:n]


def favorite_posts(server: DevServer) -> Counter[int]:
    """How many times each post id was favorited at the server."""
    return Counter(
        int(r.form["post_id"][0])
        for r in server.api_requests("/favorites.json", method="POST")
        if r.status in (200, 201)
    )


async def until_done(*sessions: Session, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while any(s.writes.pending_count() for s in sessions):
        assert time.monotonic() < deadline, "writes still pending"
        await asyncio.sleep(0.05)


def enqueue_favorites(session: Session, ids: list[int]) -> None:
    outbox = session.writes.outbox
    assert outbox is not None
    for post_id in ids:
        outbox.enqueue("favorite", [post_id], previous=0)


async def test_two_sessions_on_one_data_dir_send_each_write_once(
    server: DevServer, tmp_path: Path
) -> None:
    one = make_session(server, tmp_path)
    two = make_session(server, tmp_path)
    ids = free_ids(server, 8)
    try:
        enqueue_favorites(one, ids[:4])
        enqueue_favorites(two, ids[4:])
        one.writes.start()
        two.writes.start()
        await until_done(one, two)
        assert favorite_posts(server) == Counter({pid: 1 for pid in ids})
        assert all(server.state.is_favorited(DEMO_USERNAME, pid) for pid in ids)
        outboxes = [s.writes.outbox for s in (one, two)]
        assert sum(1 for o in outboxes if o is not None and o.sending_role) == 1
    finally:
        await one.close()
        await two.close()


async def test_when_the_sender_quits_the_other_instance_takes_over(
    server: DevServer, tmp_path: Path
) -> None:
    one = make_session(server, tmp_path)
    two = make_session(server, tmp_path)
    ids = free_ids(server, 7)
    try:
        enqueue_favorites(one, ids[:1])  # the first write creates the outbox file
        one.writes.start()
        await until_done(one)
        two.writes.start()
        await asyncio.sleep(0.1)
        assert one.writes.outbox is not None and two.writes.outbox is not None
        assert one.writes.outbox.sending_role and not two.writes.outbox.sending_role
        enqueue_favorites(two, ids[1:3])  # sent by `one`, the holder
        await until_done(two)
        await one.close()  # the holder quits with nothing left
        enqueue_favorites(two, ids[3:])
        await until_done(two)
        assert two.writes.outbox.sending_role
        assert favorite_posts(server) == Counter({pid: 1 for pid in ids})
    finally:
        await two.close()


# argv: base_url, data_dir, ids (comma separated), hold_seconds
HOLDER = r"""
import asyncio, sys
from pathlib import Path
from e621tui.core.session import Session, SessionOptions

base_url, data, ids, hold = sys.argv[1:5]

async def main():
    session = Session(SessionOptions(base_url=base_url, username="demo",
                                     api_key=sys.argv[5], data_dir=Path(data)))
    outbox = session.writes.outbox
    for post_id in ids.split(","):
        outbox.enqueue("favorite", [int(post_id)], previous=0)
    session.writes.start()
    print("started", flush=True)
    await asyncio.sleep(float(hold))
    print("pending", outbox.pending_count(), flush=True)
    await session.close()

asyncio.run(main())
"""


async def test_two_processes_with_pending_writes_send_each_once(
    server: DevServer, tmp_path: Path
) -> None:
    ids = free_ids(server, 10)
    data = tmp_path / "data"
    argv = [sys.executable, "-c", HOLDER, server.base_url, str(data)]
    argv += [",".join(map(str, ids[:5])), "3", DEMO_API_KEY]
    other = await asyncio.to_thread(
        subprocess.Popen, argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert other.stdout is not None
    line = await asyncio.to_thread(other.stdout.readline)
    assert line.strip() == "started"
    mine = make_session(server, tmp_path)
    try:
        enqueue_favorites(mine, ids[5:])
        mine.writes.start()
        # The other process sends (it holds the role) for 3 s, then quits with writes left,
        # and this one takes over.
        out, err = await asyncio.to_thread(other.communicate, timeout=60)
        assert other.returncode == 0, err
        left = int(out.split()[-1])
        assert 0 < left < 10
        await until_done(mine)
    finally:
        await mine.close()
    assert favorite_posts(server) == Counter({pid: 1 for pid in ids})
