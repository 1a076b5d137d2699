"""Session writes end to end against the real devserver: undo, bulk set edits, faults, replay.

Every test keeps to the site's rate (the `server` fixture checks it): all requests of a test go
through one session, and a second session only starts once the first one has been quiet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from e621tui.api.models import Post, PostSet, SetChoice
from e621tui.core.events import Event, WriteFailed, WritesChanged
from e621tui.core.session import Session
from e621tui.devserver import DEMO_USER_ID, DEMO_USERNAME, DevServer
from tests.conftest import make_session

FLUSH = 25.0


# ---- helpers ---------------------------------------------------------------------------------


def visible_ids(server: DevServer) -> list[int]:
    state = server.state
    return [pid for pid in state.ids_desc if not state.posts[pid].deleted]


def untouched_ids(server: DevServer, n: int, skip: int = 40) -> list[int]:
    """Visible posts demo has neither favorited nor voted on (skipping the special newest ones)."""
    state = server.state
    out = [
        pid
        for pid in visible_ids(server)[skip:]
        if not state.is_favorited(DEMO_USERNAME, pid) and state.vote_of(DEMO_USERNAME, pid) == 0
    ]
    assert len(out) >= n
    return out[:n]


def writes(server: DevServer) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in server.api_requests() if r.method != "GET"]


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def quiet(server: DevServer, seconds: float = 1.15) -> None:
    """Wait until no API request arrived for `seconds` (before a second client starts)."""
    records = server.api_requests()
    if records:
        await until(lambda: time.monotonic() - records[-1].time >= seconds, seconds + 1)


async def settle(session: Session, timeout: float = FLUSH) -> None:
    assert session.writes.outbox is not None
    assert await session.writes.outbox.flush(timeout=timeout), "writes still pending"


@pytest.fixture
async def session(server: DevServer, tmp_path: Path) -> AsyncIterator[Session]:
    """A logged-in session whose outbox is running."""
    s = make_session(server, tmp_path)
    s.writes.start()
    try:
        yield s
    finally:
        await s.close()


async def fetch(session: Session, ids: list[int]) -> list[Post]:
    posts = session.register(await session.client.posts.by_ids(ids))
    assert [p.id for p in posts] == ids
    return posts


# ---- undo restores the server's state --------------------------------------------------------


async def test_favorite_then_undo(server: DevServer, session: Session) -> None:
    (post,) = await fetch(session, untouched_ids(server, 1))
    assert not post.is_favorited
    action = session.writes.toggle_favorite(post)
    assert action.kind == "favorite" and post.is_favorited
    await settle(session)
    assert server.state.is_favorited(DEMO_USERNAME, post.id)

    inverse = session.writes.undo()
    assert inverse is not None and inverse.kind == "unfavorite"
    assert not post.is_favorited  # optimistic
    await settle(session)
    assert not server.state.is_favorited(DEMO_USERNAME, post.id)
    assert not post.is_favorited
    assert [w[:2] for w in writes(server)] == [
        ("POST", "/favorites.json"),
        ("DELETE", f"/favorites/{post.id}.json"),
    ]


async def test_unfavorite_then_undo(server: DevServer, session: Session) -> None:
    post_id = server.state.favorite_ids(DEMO_USERNAME)[0]
    (post,) = await fetch(session, [post_id])
    assert post.is_favorited
    before = post.fav_count
    assert session.writes.toggle_favorite(post).kind == "unfavorite"
    assert post.fav_count == before - 1
    await settle(session)
    assert not server.state.is_favorited(DEMO_USERNAME, post_id)

    inverse = session.writes.undo()
    assert inverse is not None and inverse.kind == "favorite"
    await settle(session)
    assert server.state.is_favorited(DEMO_USERNAME, post_id)
    assert post.is_favorited and post.fav_count == server.state.post(post_id).fav_count


async def test_vote_then_undo_restores_the_previous_vote(
    server: DevServer, session: Session
) -> None:
    state = server.state
    (fresh_id,) = untouched_ids(server, 1)
    downvoted_id = next(
        pid for (uid, pid), v in state.votes.items() if uid == DEMO_USER_ID and v < 0
    )
    fresh, downvoted = await fetch(session, [fresh_id, downvoted_id])
    assert fresh.vote == 0 and downvoted.vote == -1
    total_before = downvoted.score.total

    session.writes.vote(fresh, 1)
    session.writes.vote(downvoted, 1)
    assert downvoted.vote == 1 and downvoted.score.total == total_before + 2  # optimistic
    await settle(session)
    assert state.vote_of(DEMO_USERNAME, fresh_id) == 1
    assert state.vote_of(DEMO_USERNAME, downvoted_id) == 1

    first = session.writes.undo()  # the newest action: the downvoted post's vote
    assert first is not None and first.kind == "vote" and first.score == -1
    second = session.writes.undo()
    assert second is not None and second.kind == "unvote" and second.post_ids == [fresh_id]
    assert session.writes.undo() is None  # nothing else was done
    await settle(session)
    assert state.vote_of(DEMO_USERNAME, fresh_id) == 0
    assert state.vote_of(DEMO_USERNAME, downvoted_id) == -1
    assert (fresh.vote, downvoted.vote) == (0, -1)
    assert downvoted.score.total == total_before


async def test_set_add_then_undo(server: DevServer, session: Session) -> None:
    set_id = server.state.special["set_demo_small"]
    before = list(server.state.post_set(set_id).post_ids)
    ids = [pid for pid in visible_ids(server)[100:] if pid not in before][:3]
    session.writes.add_to_set([Post(id=i) for i in ids], set_id)
    await settle(session)
    assert server.state.post_set(set_id).post_ids == before + ids

    inverse = session.writes.undo()
    assert inverse is not None and inverse.kind == "set_remove" and inverse.post_ids == ids
    await settle(session)
    assert server.state.post_set(set_id).post_ids == before


async def test_set_remove_then_undo(server: DevServer, session: Session) -> None:
    set_id = server.state.special["set_demo_small"]
    before = list(server.state.post_set(set_id).post_ids)
    gone = before[2:4]
    session.writes.remove_from_set([Post(id=i) for i in gone], set_id)
    await settle(session)
    after = server.state.post_set(set_id).post_ids
    assert not set(gone) & set(after) and len(after) == len(before) - 2

    inverse = session.writes.undo()
    assert inverse is not None and inverse.kind == "set_add"
    await settle(session)
    restored = server.state.post_set(set_id).post_ids
    assert sorted(restored) == sorted(before)  # re-added (at the end: the site appends)


async def test_undo_of_a_set_add_keeps_posts_that_were_already_members(
    server: DevServer, session: Session
) -> None:
    set_id = server.state.special["set_demo_small"]
    before = list(server.state.post_set(set_id).post_ids)
    new_id = next(pid for pid in visible_ids(server)[100:] if pid not in before)
    # The user selected two posts, one of which was in the set already. In the app the
    # target of a/x/s is always the active set, whose members are known.
    await session.sets.set_active(SetChoice(id=set_id, name="small", owned=True))
    session.writes.add_to_set([Post(id=before[0]), Post(id=new_id)], set_id)
    await settle(session)
    assert session.writes.undo() is not None
    await settle(session)
    assert sorted(server.state.post_set(set_id).post_ids) == sorted(before)


# ---- bulk set edits --------------------------------------------------------------------------


async def test_700_posts_in_one_action_take_three_requests_each_way(
    server: DevServer, session: Session
) -> None:
    set_id = server.state.special["set_demo_empty"]
    assert server.state.post_set(set_id).post_ids == []
    ids = visible_ids(server)[:700]
    posts = [Post(id=i) for i in ids]

    add = session.writes.add_to_set(posts, set_id)
    await settle(session)
    assert server.state.post_set(set_id).post_ids == ids
    sent = server.api_requests(f"/post_sets/{set_id}/add_posts.json", "POST")
    assert [len(r.form["post_ids[]"]) for r in sent] == [320, 320, 60]
    assert [r.status for r in sent] == [201, 201, 201]
    assert [int(i) for r in sent for i in r.form["post_ids[]"]] == ids
    assert session.writes.outbox is not None
    assert next(a for a in session.writes.outbox.recent() if a.id == add.id).state == "done"

    session.writes.remove_from_set(posts, set_id)
    await settle(session)
    assert server.state.post_set(set_id).post_ids == []
    removed = server.api_requests(f"/post_sets/{set_id}/remove_posts.json", "POST")
    assert [len(r.form["post_ids[]"]) for r in removed] == [320, 320, 60]


# ---- faults ----------------------------------------------------------------------------------


async def _three_writes(server: DevServer, session: Session, posts: list[Post]) -> int:
    """Favorite posts[0], upvote posts[1], add both to a set; return the set id."""
    set_id = server.state.special["set_demo_small"]
    session.writes.toggle_favorite(posts[0])
    session.writes.vote(posts[1], 1)
    session.writes.add_to_set(posts, set_id)
    return set_id


def _assert_three_writes_applied(server: DevServer, posts: list[Post], set_id: int) -> None:
    state = server.state
    assert state.is_favorited(DEMO_USERNAME, posts[0].id)
    assert state.vote_of(DEMO_USERNAME, posts[1].id) == 1
    members = state.post_set(set_id).post_ids
    assert len(members) == len(set(members)), "duplicate posts in the set"
    assert members.count(posts[0].id) == 1 and members.count(posts[1].id) == 1


async def test_failing_writes_are_retried_until_applied(
    server: DevServer, session: Session
) -> None:
    posts = await fetch(session, untouched_ids(server, 2))
    server.faults.set("fail_writes", count=3)
    set_id = await _three_writes(server, session, posts)
    await settle(session)
    _assert_three_writes_applied(server, posts, set_id)
    statuses = [status for _, _, status in writes(server)]
    assert statuses.count(503) == 3
    assert len(statuses) == 6  # each write failed once and succeeded once
    assert session.writes.outbox is not None and session.writes.outbox.failed() == []


async def test_connection_resets_are_retried_until_applied(
    server: DevServer, session: Session
) -> None:
    posts = await fetch(session, untouched_ids(server, 2))
    server.faults.set("reset", count=2)
    set_id = await _three_writes(server, session, posts)
    await settle(session)
    _assert_three_writes_applied(server, posts, set_id)
    assert session.writes.outbox is not None and session.writes.outbox.failed() == []
    assert server.faults.mode is None  # both resets were used up


async def test_writes_made_while_the_site_is_down_are_sent_when_it_returns(
    server: DevServer, session: Session
) -> None:
    posts = await fetch(session, untouched_ids(server, 2))
    server.stop()
    went_down = time.monotonic()
    set_id = await _three_writes(server, session, posts)
    outbox = session.writes.outbox
    assert outbox is not None
    # Every write has been tried and failed at least once, and the site stayed down ~2 s.
    await until(lambda: all(a.attempts >= 1 for a in outbox.pending()), timeout=10)
    await until(lambda: time.monotonic() - went_down >= 2.0, timeout=5)
    assert outbox.pending_count() == 3 and outbox.failed() == []
    assert not server.state.is_favorited(DEMO_USERNAME, posts[0].id)
    server.start()
    await settle(session)
    _assert_three_writes_applied(server, posts, set_id)
    assert outbox.failed() == []


async def test_permanent_refusal_fails_rolls_back_and_tells(
    server: DevServer, session: Session
) -> None:
    set_id = server.state.special["set_other_private"]
    members_before = list(server.state.post_set(set_id).post_ids)
    post_id = next(pid for pid in visible_ids(server)[50:] if pid not in members_before)
    events: list[Event] = []
    session.subscribe(events.append)
    session.sets.active = SetChoice(id=set_id, name="Other's Private Stash", owned=False)
    session.sets.remember(PostSet(id=set_id, post_ids=list(members_before)))

    action = session.writes.add_to_set([Post(id=post_id)])
    assert post_id in session.sets.active_members  # optimistic
    await settle(session)

    assert post_id not in session.sets.active_members
    assert session.sets.active_members == set(members_before)
    assert server.state.post_set(set_id).post_ids == members_before
    assert session.writes.outbox is not None
    (failed,) = session.writes.outbox.failed()
    assert failed.id == action.id
    assert failed.error is not None and "Access Denied" in failed.error
    refusals = [e for e in events if isinstance(e, WriteFailed)]
    assert len(refusals) == 1
    assert "Access Denied" in refusals[0].text and f"#{post_id}" in refusals[0].text
    counts = [e for e in events if isinstance(e, WritesChanged)]
    assert counts[-1] == WritesChanged(pending=0, failed=1)
    sent = server.api_requests(f"/post_sets/{set_id}/add_posts.json")
    assert [r.status for r in sent] == [403]  # refused once, never retried


# ---- crash replay ----------------------------------------------------------------------------


async def test_writes_left_by_a_crashed_session_are_replayed(
    server: DevServer, tmp_path: Path
) -> None:
    first = make_session(server, tmp_path)  # its outbox is never started: nothing is sent
    try:
        posts = await fetch(first, untouched_ids(server, 2))
        set_id = await _three_writes(server, first, posts)
        assert first.writes.outbox is not None and first.writes.outbox.pending_count() == 3
    finally:
        await first.close()
    assert writes(server) == []

    await quiet(server)
    second = make_session(server, tmp_path)
    try:
        assert second.writes.outbox is not None
        assert second.writes.outbox.replayed_on_start() == 3
        second.writes.start()
        await settle(second)
        _assert_three_writes_applied(server, posts, set_id)
        assert len(writes(server)) == 3
    finally:
        await second.close()


# ---- set-edit pacing -------------------------------------------------------------------------


async def test_forty_quick_set_adds_stay_under_the_sites_edit_limit(
    server: DevServer, session: Session
) -> None:
    assert server.set_edit_limiter is not None  # the 30 edits/minute rule is on
    set_id = server.state.special["set_demo_empty"]
    ids = visible_ids(server)[:40]
    for post_id in ids:
        session.writes.add_to_set([Post(id=post_id)], set_id)
        await asyncio.sleep(0.25)  # a user pressing `a` four times a second
    await settle(session)
    assert sorted(server.state.post_set(set_id).post_ids) == sorted(ids)
    statuses = [r.status for r in server.api_requests("/post_sets")]
    assert 429 not in statuses
    assert statuses and all(s == 201 for s in statuses)
    assert len(statuses) <= 24  # merged into fewer requests than edits
