"""The download queue end to end against the devserver's real files, over real HTTP."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from e621tui.api.limiter import Priority
from e621tui.api.models import Post
from e621tui.core.downloads import (
    BatchFinished,
    DownloadsChanged,
    ItemView,
    TemplateError,
    partial_path,
    safe_component,
)
from e621tui.core.downloads.store import DownloadStore
from e621tui.core.events import Event
from e621tui.core.session import Session, SessionOptions
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from e621tui.devserver.media import HOSTILE_POOL_NAME
from e621tui.devserver.render import data_path

IDLE = 60.0


@pytest.fixture
def srv() -> Iterator[DevServer]:
    """A devserver with real files that enforces the site's rate rules (and checks them)."""
    with DevServer(media=True) as server:
        yield server
        worst = server.max_requests_in_window(1.0)
        assert worst <= 2, f"{worst} API requests arrived within one second"


class Run:
    """A session with its event log, its download folder and the server."""

    def __init__(self, srv: DevServer, tmp_path: Path, *, login: bool = True, **extra: Any):
        self.srv = srv
        self.root = tmp_path / "downloads"
        self.events: list[Event] = []
        self.session = Session(
            SessionOptions(
                base_url=srv.base_url,
                username=DEMO_USERNAME if login else None,
                api_key=DEMO_API_KEY if login else None,
                data_dir=tmp_path / "data",
                cache_dir=tmp_path / "cache",
                download_dir=self.root,
                **extra,
            )
        )
        self.session.subscribe(self.events.append)
        self.downloads = self.session.downloads

    async def posts(self, *keys: str) -> list[Post]:
        ids = [self.srv.state.special[k] for k in keys]
        return await self.session.client.posts.by_ids(ids)

    async def idle(self) -> None:
        assert await self.downloads.wait_idle(IDLE), self.downloads.summary()

    def finished(self) -> list[BatchFinished]:
        return [e for e in self.events if isinstance(e, BatchFinished)]

    def item(self, post_key: str) -> ItemView:
        post_id = self.srv.state.special[post_key]
        return next(v for v in self.downloads.items() if v.post_id == post_id)


@pytest.fixture
async def run(srv: DevServer, tmp_path: Path) -> AsyncIterator[Run]:
    r = Run(srv, tmp_path)
    r.downloads.start()
    yield r
    await r.session.close()


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def static_path(srv: DevServer, post_id: int) -> str:
    post = srv.state.posts[post_id]
    return data_path(post.md5, "original", post.ext)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# ---- the queue end to end ---------------------------------------------------------------------


async def test_marked_posts_and_a_pool_land_under_the_templates(run: Run, srv: DevServer) -> None:
    state = srv.state
    marked = await run.posts("media_1", "media_2", "media_3")
    first = run.downloads.queue_posts(marked)
    assert (first.files, first.kind) == (3, "posts")
    pool = state.pools[state.special["media_pool"]]
    second = await run.downloads.queue_pool(pool.id)
    assert (second.files, second.kind, second.title) == (15, "pool", "pool Lantern Road Comic")
    await run.idle()

    expected: set[Path] = set()
    for post in marked:
        target = run.root / post.tags["artist"][0] / f"{post.id}.{post.file.ext}"
        assert md5_of(target) == post.file.md5
        expected.add(target)
    for index, post_id in enumerate(pool.post_ids, start=1):
        rec = state.posts[post_id]
        target = run.root / "Lantern_Road_Comic" / f"{index:04} - {post_id}.{rec.ext}"
        assert md5_of(target) == rec.md5, f"page {index}"
        expected.add(target)
    assert files_under(run.root) == expected  # nothing else: no partial files left behind

    items = run.downloads.items(batch_id=second.id)
    assert [v.post_id for v in items] == pool.post_ids  # queue order is pool order
    assert all(v.state == "done" and not v.skipped for v in items)
    for post_id in [p.id for p in marked] + pool.post_ids:
        assert len(srv.static_requests(static_path(srv, post_id))) == 1
    finished = run.finished()
    assert [(e.batch.id, e.ok) for e in finished] == [(first.id, True), (second.id, True)]
    assert "15 saved" in finished[1].batch.text()


async def test_queue_lookups_go_at_prefetch_priority(run: Run, srv: DevServer) -> None:
    await run.downloads.queue_pool(srv.state.special["media_pool"])
    await run.idle()
    starts = [s for s in run.session.client.scheduler.history if s.group == "downloads"]
    assert starts, "the pool's posts were looked up through the scheduler"
    assert all(s.priority == Priority.PREFETCH for s in starts)
    assert len(srv.api_requests("/posts.json")) == 1  # 15 ids: one id: chunk
    assert len(srv.api_requests("/pools/")) == 1


async def test_no_credentials_reach_the_static_host(run: Run, srv: DevServer) -> None:
    run.downloads.queue_posts(await run.posts("media_1", "media_video", "media_hidden"))
    await run.idle()
    api = srv.api_requests("/posts.json")
    assert api and all("authorization" in r.headers for r in api)  # the API did get the key
    static = srv.static_requests("/data/")
    assert len(static) == 3
    for record in static:
        assert "authorization" not in record.headers
        assert "cookie" not in record.headers
        assert not {"login", "api_key"} & set(record.query)
        assert DEMO_API_KEY not in repr(record)
        assert record.headers["user-agent"] == run.session.client.user_agent


async def test_null_urls_are_reported_not_skipped(srv: DevServer, tmp_path: Path) -> None:
    anonymous = Run(srv, tmp_path, login=False)
    anonymous.downloads.start()
    try:
        posts = await anonymous.posts("media_hidden", "media_deleted", "media_4")
        assert [p.file.url is None for p in posts] == [True, True, False]
        summary = anonymous.downloads.queue_posts(posts)
        assert summary.files == 3 and summary.failed == 2
        await anonymous.idle()
        hidden, deleted = anonymous.item("media_hidden"), anonymous.item("media_deleted")
        assert hidden.state == "failed" and "log in" in (hidden.error or "")
        assert deleted.state == "failed" and "deleted" in (deleted.error or "")
        assert anonymous.item("media_4").state == "done"
        [event] = anonymous.finished()
        assert not event.ok and event.batch.failed == 2
        assert {v.post_id for v in event.failures} == {hidden.post_id, deleted.post_id}
        assert "2 failed" in event.batch.text()

        # Logging in and retrying looks the post up again: now it has a URL.
        assert await anonymous.session.login(DEMO_USERNAME, DEMO_API_KEY)
        assert anonymous.downloads.retry(hidden.id)
        await anonymous.idle()
        assert anonymous.item("media_hidden").state == "done"
        assert anonymous.item("media_deleted").state == "failed"
    finally:
        await anonymous.session.close()


async def test_hostile_tags_never_write_outside_download_dir(
    run: Run, srv: DevServer, tmp_path: Path
) -> None:
    before = files_under(tmp_path)
    run.downloads.queue_posts(await run.posts("media_hostile_artist"))
    pool = await run.downloads.queue_pool(srv.state.special["media_hostile_pool"])
    await run.idle()
    new = files_under(tmp_path) - before
    written = {p for p in new if run.root in p.parents}
    others = {p for p in new - written if (tmp_path / "data") not in p.parents}
    assert others == set(), f"written outside download_dir: {others}"
    assert len(written) == 4
    for path in written:
        for part in path.relative_to(run.root).parts:
            assert part != ".." and "\x1b" not in part and part.upper() not in ("CON", "NUL")
    assert all(v.state == "done" for v in run.downloads.items())
    assert all(len(p.relative_to(run.root).parts) == 2 for p in written)  # no level added
    pool_files = {Path(v.path or "") for v in run.downloads.items(batch_id=pool.id)}
    assert {p.parent for p in pool_files} == {run.root / safe_component(HOSTILE_POOL_NAME)}


# ---- correct files ---------------------------------------------------------------------------


async def test_a_cut_download_resumes_with_a_range_request(run: Run, srv: DevServer) -> None:
    [post] = await run.posts("media_2")
    path = static_path(srv, post.id)
    srv.faults.set("cut", count=1, path_prefix=path)
    run.downloads.queue_posts([post])
    await run.idle()
    target = run.root / post.tags["artist"][0] / f"{post.id}.{post.file.ext}"
    assert md5_of(target) == post.file.md5
    first, second = srv.static_requests(path)
    assert first.status == 200 and "range" not in first.headers
    half = post.file.size // 2
    assert second.headers["range"] == f"bytes={half}-"
    assert second.status == 206
    assert not partial_path(target).exists()


async def test_without_range_support_it_starts_over(run: Run, srv: DevServer) -> None:
    [post] = await run.posts("media_5")
    path = static_path(srv, post.id)
    srv.static_ranges = False
    srv.faults.set("cut", count=1, path_prefix=path)
    run.downloads.queue_posts([post])
    await run.idle()
    _, second = srv.static_requests(path)
    assert "range" in second.headers and second.status == 200
    view = run.item("media_5")
    assert view.state == "done" and view.bytes_done == post.file.size
    assert md5_of(Path(view.path or "")) == post.file.md5


async def test_a_wrong_md5_fails_and_keeps_nothing(run: Run, srv: DevServer) -> None:
    # The ordinary demo posts have synthetic md5s: their bytes never match.
    [post] = await run.posts("small")
    run.downloads.queue_posts([post])
    await run.idle()
    view = run.item("small")
    assert view.state == "failed" and "md5" in (view.error or "")
    assert view.path is not None
    assert not Path(view.path).exists() and not partial_path(Path(view.path)).exists()
    assert not run.finished()[0].ok


async def test_complete_files_are_not_downloaded_again(run: Run, srv: DevServer) -> None:
    posts = await run.posts("media_1", "media_3")
    run.downloads.queue_posts(posts)
    await run.idle()
    seen = len(srv.static_requests())
    again = run.downloads.queue_posts(posts)
    await run.idle()
    assert len(srv.static_requests()) == seen  # md5 checked on disk, nothing fetched
    items = run.downloads.items(batch_id=again.id)
    assert [(v.state, v.skipped) for v in items] == [("done", True), ("done", True)]
    assert "2 already there" in run.finished()[-1].batch.text()


async def test_a_different_file_in_the_way_is_left_alone(run: Run, srv: DevServer) -> None:
    [post] = await run.posts("media_6")
    target = run.root / post.tags["artist"][0] / f"{post.id}.{post.file.ext}"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"mine, not yours")
    run.downloads.queue_posts([post])
    await run.idle()
    view = run.item("media_6")
    assert view.state == "failed" and "different file" in (view.error or "")
    assert target.read_bytes() == b"mine, not yours"


# ---- control ---------------------------------------------------------------------------------


async def wait_for(predicate: Any, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_pause_resume_cancel_retry(run: Run, srv: DevServer) -> None:
    posts = await run.posts("media_1", "media_2", "media_3")
    srv.faults.set("throttle", rate=60_000)
    batch = run.downloads.queue_posts(posts)
    first, second, third = run.downloads.items(batch_id=batch.id)
    await wait_for(lambda: run.downloads.items(batch_id=batch.id)[0].bytes_done > 40_000)
    assert run.downloads.pause(first.id)
    assert run.downloads.cancel(second.id)
    assert run.downloads.pause(third.id)
    await wait_for(lambda: [v.state for v in run.downloads.items(batch_id=batch.id)]
                   == ["paused", "cancelled", "paused"])  # fmt: skip
    paused = run.downloads.items(batch_id=batch.id)[0]
    assert paused.path is not None
    kept = partial_path(Path(paused.path)).stat().st_size
    assert kept > 0 and paused.bytes_done == kept
    assert not partial_path(Path(second.path or "")).exists()
    assert not run.finished()  # paused items keep the batch open

    srv.faults.clear()
    assert run.downloads.resume_all() == 2
    assert run.downloads.retry(second.id)
    await run.idle()
    assert [v.state for v in run.downloads.items(batch_id=batch.id)] == ["done"] * 3
    resumed = srv.static_requests(static_path(srv, first.post_id))[-1]
    assert resumed.headers["range"] == f"bytes={kept}-" and resumed.status == 206
    assert md5_of(Path(paused.path)) == posts[0].file.md5
    assert [e.ok for e in run.finished()] == [True]


async def test_progress_is_coalesced_with_speed_and_eta(run: Run, srv: DevServer) -> None:
    [post] = await run.posts("media_1")  # the 0.5 MB png
    srv.faults.set("throttle", rate=post.file.size / 2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    run.downloads.queue_posts([post])
    await run.idle()
    took = loop.time() - started
    changes = [e for e in run.events if isinstance(e, DownloadsChanged)]
    assert took > 1.5
    assert len(changes) <= took / 0.25 + 4, f"{len(changes)} events in {took:.1f}s"
    moving = [v for e in changes for v in e.items if v.state == "downloading" and v.speed]
    assert moving, "some progress events carry a speed"
    assert any(v.eta is not None for v in moving)
    assert any(e.summary.speed and "left" in e.summary.text() for e in changes)


async def test_search_downloads_the_first_n_and_counts_the_blacklisted(
    srv: DevServer, tmp_path: Path
) -> None:
    r = Run(srv, tmp_path, local_blacklist="marlo")
    r.downloads.start()
    try:
        batch = r.downloads.queue_search("real_file", limit=6)
        assert batch.planning and batch.files == 0
        await r.idle()
        state = srv.state
        visible = [pid for pid in state.ids_desc if "real_file" in state.posts[pid].all_tags
                   and not state.posts[pid].deleted]  # fmt: skip
        kept = [pid for pid in visible if "marlo" not in state.posts[pid].all_tags][:6]
        items = r.downloads.items(batch_id=batch.id)
        assert [v.post_id for v in items] == kept
        [event] = r.finished()
        assert event.batch.left_out > 0 and event.batch.files == 6
        searches = [s for s in r.session.client.scheduler.history if s.group == "downloads"]
        assert searches and all(s.priority == Priority.PREFETCH for s in searches)
    finally:
        await r.session.close()


async def test_a_set_with_its_shortname_in_the_template(srv: DevServer, tmp_path: Path) -> None:
    r = Run(srv, tmp_path, download_template="{set_shortname}/{index:02} {id}.{ext}")
    r.downloads.start()
    try:
        post_set = srv.state.sets[srv.state.special["media_set"]]
        await r.downloads.queue_set(post_set.id)
        await r.idle()
        names = sorted(p.name for p in (r.root / "real_files").iterdir())
        assert names == [
            f"{n:02} {pid}.{srv.state.posts[pid].ext}"
            for n, pid in enumerate(post_set.post_ids, start=1)
        ]
    finally:
        await r.session.close()


async def test_a_bad_template_is_a_clear_error(srv: DevServer, tmp_path: Path) -> None:
    r = Run(srv, tmp_path, download_template="{artist}/{nope}.{ext}")
    try:
        assert "unknown field {nope}" in (r.downloads.template_problem or "")
        with pytest.raises(TemplateError, match="nope"):
            r.downloads.queue_posts([Post(id=1)])
        assert await r.downloads.queue_pool(srv.state.special["media_pool"], limit=1)
    finally:
        await r.session.close()


async def test_quitting_midway_and_starting_again_finishes_the_queue(
    srv: DevServer, tmp_path: Path
) -> None:
    first = Run(srv, tmp_path)
    first.downloads.start()
    pool = srv.state.pools[srv.state.special["media_pool"]]
    srv.faults.set("throttle", rate=400_000)
    await first.downloads.queue_pool(pool.id)
    await wait_for(lambda: first.downloads.summary().done >= 4)
    await first.session.close()  # a clean quit in the middle
    store = DownloadStore(tmp_path / "data" / "downloads.sqlite3", wall_clock=time.time)
    done_before = {i.post_id for i in store.items(states=("done",))}
    store.close()
    assert 4 <= len(done_before) < 15
    srv.faults.clear()
    seen = len(srv.static_requests())

    second = Run(srv, tmp_path)
    second.downloads.start()
    try:
        await second.idle()
        again = srv.static_requests()[seen:]
        fetched = {r.path for r in again}
        assert not fetched & {static_path(srv, pid) for pid in done_before}
        assert fetched == {static_path(srv, pid) for pid in pool.post_ids if pid not in done_before}
        assert all(v.state == "done" for v in second.downloads.items())
        assert [e.batch.files for e in second.finished()] == [15]
    finally:
        await second.session.close()


def test_static_client_has_no_auth() -> None:
    """The fetcher's client sends no Authorization even if one is forced onto a request."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"x")

    from e621tui.core.downloads import StaticFetcher

    async def go(tmp: Path) -> None:
        fetcher = StaticFetcher(user_agent="e621-tui/test", transport=httpx.MockTransport(handler))
        try:
            await fetcher.fetch("https://static1.example/x.jpg", tmp / "x.jpg", None)
        finally:
            await fetcher.aclose()

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(go(Path(tmp)))
    assert seen and "authorization" not in seen[0].headers
    assert seen[0].headers["accept-encoding"] == "identity"


async def test_a_single_d_does_not_wait_behind_a_pool(run: Run, srv: DevServer) -> None:
    [post] = await run.posts("media_2")  # as small as a pool page
    srv.faults.set("throttle", rate=300_000)
    pool = await run.downloads.queue_pool(srv.state.special["media_pool"])
    await wait_for(lambda: run.downloads.summary().active == 3)
    single = run.downloads.queue_posts([post])
    await wait_for(lambda: run.downloads.items(batch_id=single.id)[0].state == "done", 30)
    pool_done = sum(v.state == "done" for v in run.downloads.items(batch_id=pool.id))
    assert pool_done < 12, "the single post went before the rest of the pool"
    srv.faults.clear()
    await run.idle()
