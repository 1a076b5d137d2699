"""Unit tests of the outbox: durability, replay, batching, pacing, retries, undo."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import sqlite3
import stat
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from e621tui.api.errors import (
    ApiError,
    AuthError,
    DecodeError,
    Forbidden,
    InvalidQuery,
    NetworkError,
    NotFound,
    ServerError,
    Throttled,
)
from e621tui.core.writes.outbox import Action, Outbox

ACCOUNT = "e621.net alice"


class FakeTime:
    """A monotonic clock that sleeping advances instantly."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.now += max(0.0, delay)
        await asyncio.sleep(0)


@dataclass
class FakeSite:
    """A Sender that records calls, applies writes idempotently, and fails on cue.

    `script` is consumed one entry per call: None succeeds, an ApiError is raised, and
    ("lost", error) applies the write and then raises (the response never arrived).
    """

    time: FakeTime
    script: list[Any] = field(default_factory=list)
    calls: list[tuple[float, Action]] = field(default_factory=list)
    favorites: set[int] = field(default_factory=set)
    votes: dict[int, int] = field(default_factory=dict)
    sets: dict[int, set[int]] = field(default_factory=dict)
    during_send: Callable[[Action], None] | None = None

    async def __call__(self, action: Action) -> None:
        self.calls.append((self.time.now, replace(action, post_ids=list(action.post_ids))))
        if self.during_send is not None:
            self.during_send(action)
        step = self.script.pop(0) if self.script else None
        if isinstance(step, ApiError):
            raise step
        self._apply(action)
        if isinstance(step, tuple):
            raise step[1]

    def _apply(self, action: Action) -> None:
        post = action.post_ids[0]
        if action.kind == "favorite":
            self.favorites.add(post)
        elif action.kind == "unfavorite":
            self.favorites.discard(post)
        elif action.kind == "vote":
            assert action.score is not None
            self.votes[post] = action.score  # no_unvote=true: "set my vote", never a toggle
        elif action.kind == "unvote":
            self.votes.pop(post, None)
        else:
            assert action.set_id is not None
            members = self.sets.setdefault(action.set_id, set())
            if action.kind == "set_add":
                members.update(action.post_ids)
            else:
                members.difference_update(action.post_ids)

    def requests(self) -> list[tuple[str, int | None, list[int]]]:
        return [(a.kind, a.set_id, a.post_ids) for _, a in self.calls]


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def site(clock: FakeTime) -> FakeSite:
    return FakeSite(clock)


@pytest.fixture
def make(clock: FakeTime, site: FakeSite) -> Callable[..., Outbox]:
    def make(path: Path | str = ":memory:", **kwargs: Any) -> Outbox:
        kwargs.setdefault("account", ACCOUNT)
        kwargs.setdefault("rng", random.Random(0))
        kwargs.setdefault("clock", clock.clock)
        kwargs.setdefault("sleep", clock.sleep)
        return Outbox(path, kwargs.pop("sender", site), **kwargs)

    return make


@contextlib.asynccontextmanager
async def running(outbox: Outbox) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(outbox.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def drain(outbox: Outbox) -> None:
    async with running(outbox):
        assert await outbox.flush(timeout=10)


def states(outbox: Outbox) -> dict[int, str]:
    return {a.id: a.state for a in outbox.recent(1000)}


# -- durability and replay --------------------------------------------------------------------


async def test_enqueue_is_durable_before_any_send(tmp_path: Path, make: Any) -> None:
    path = tmp_path / "data" / "outbox.sqlite"
    first = make(path)
    assert not path.parent.exists()  # nothing is created until the first write
    action = first.enqueue("favorite", [5], previous=0)
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = make(path)
    assert [(a.id, a.kind, a.post_ids, a.state) for a in second.pending()] == [
        (action.id, "favorite", [5], "pending")
    ]
    assert second.replayed_on_start() == 1


async def test_sending_state_is_committed_before_the_request(
    tmp_path: Path, make: Any, site: FakeSite
) -> None:
    path = tmp_path / "outbox.sqlite"
    seen: list[str] = []

    def look_from_another_connection(action: Action) -> None:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            seen.append(conn.execute("SELECT state FROM actions").fetchone()[0])

    site.during_send = look_from_another_connection
    outbox = make(path)
    outbox.enqueue("vote", [3], score=1, previous=0)
    await drain(outbox)
    assert seen == ["sending"]
    assert [a.state for a in outbox.recent()] == ["done"]


async def test_crash_mid_send_is_replayed_once(tmp_path: Path, make: Any, site: FakeSite) -> None:
    path = tmp_path / "outbox.sqlite"
    crashed = make(path)
    crashed.enqueue("set_add", [1, 2], set_id=9)
    crashed.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE actions SET state = 'sending'")
        conn.commit()
    restarted = make(path)
    assert restarted.replayed_on_start() == 1
    assert [a.state for a in restarted.pending()] == ["pending"]
    await drain(restarted)
    assert site.requests() == [("set_add", 9, [1, 2])]
    assert site.sets == {9: {1, 2}}


async def test_cancel_mid_send_leaves_it_pending_and_run_restarts(
    make: Any, site: FakeSite
) -> None:
    release = asyncio.Event()
    started = asyncio.Event()
    blocked = True

    async def slow_sender(action: Action) -> None:
        await site(action)
        started.set()
        if blocked:
            await release.wait()

    outbox = make(sender=slow_sender)
    outbox.enqueue("favorite", [1])
    async with running(outbox):
        await started.wait()
        assert [a.state for a in outbox.pending()] == ["sending"]
    assert [a.state for a in outbox.pending()] == ["pending"]
    blocked = False
    await drain(outbox)
    assert len(site.calls) == 2  # resent after the interruption, harmlessly
    assert outbox.pending_count() == 0


async def test_run_twice_at_once_is_refused(make: Any) -> None:
    outbox = make()
    async with running(outbox):
        await asyncio.sleep(0)
        with pytest.raises(RuntimeError):
            await outbox.run()


async def test_replay_is_per_account(tmp_path: Path, make: Any, site: FakeSite) -> None:
    path = tmp_path / "outbox.sqlite"
    alice = make(path, account="e621.net alice")
    mine = alice.enqueue("favorite", [1])
    alice.close()

    bob = make(path, account="e621.net bob")
    assert bob.replayed_on_start() == 0
    assert bob.pending() == [] and bob.recent() == []
    with pytest.raises(ValueError):
        bob.drop(mine.id)
    bob.enqueue("favorite", [2])
    await drain(bob)
    assert site.requests() == [("favorite", None, [2])]
    assert all(a.site == "e621.net bob" for _, a in site.calls)
    bob.close()

    alice = make(path, account="e621.net alice")
    assert alice.replayed_on_start() == 1
    await drain(alice)
    assert site.requests()[1:] == [("favorite", None, [1])]


# -- batching ---------------------------------------------------------------------------------


async def test_three_adds_to_a_set_are_one_request(make: Any, site: FakeSite) -> None:
    outbox = make()
    for post in (11, 12, 13):
        outbox.enqueue("set_add", [post], set_id=4)
    await drain(outbox)
    assert site.requests() == [("set_add", 4, [11, 12, 13])]
    assert set(states(outbox).values()) == {"done"}


async def test_700_adds_are_split_320_320_60(make: Any, site: FakeSite) -> None:
    outbox = make()
    for post in range(1, 701):
        outbox.enqueue("set_add", [post], set_id=4)
    await drain(outbox)
    assert [len(ids) for _, _, ids in site.requests()] == [320, 320, 60]
    assert site.sets[4] == set(range(1, 701))
    assert outbox.pending_count() == 0


async def test_one_long_action_is_split_and_done_after_its_last_part(
    make: Any, site: FakeSite
) -> None:
    outbox = make()
    action = outbox.enqueue("set_remove", range(1, 701), set_id=4)
    site.script = [None, ServerError("bad gateway", 502)]
    await drain(outbox)
    assert [len(ids) for _, _, ids in site.requests()] == [320, 320, 320, 60]
    assert site.requests()[1][2] == site.requests()[2][2]  # only the failed part is resent
    assert states(outbox) == {action.id: "done"}


async def test_duplicate_ids_are_sent_once(make: Any, site: FakeSite) -> None:
    outbox = make()
    outbox.enqueue("set_add", [1, 2], set_id=4)
    outbox.enqueue("set_add", [2, 3], set_id=4)
    await drain(outbox)
    assert site.requests() == [("set_add", 4, [1, 2, 3])]


async def test_opposite_edits_are_never_merged_across(make: Any, site: FakeSite) -> None:
    outbox = make()
    outbox.enqueue("set_add", [1], set_id=7)
    outbox.enqueue("set_add", [5], set_id=8)
    outbox.enqueue("set_add", [2], set_id=7)
    outbox.enqueue("set_remove", [1], set_id=7)
    outbox.enqueue("set_add", [1], set_id=7)
    await drain(outbox)
    assert site.requests() == [
        ("set_add", 7, [1, 2]),
        ("set_add", 8, [5]),
        ("set_remove", 7, [1]),
        ("set_add", 7, [1]),
    ]
    assert site.sets == {7: {1, 2}, 8: {5}}


# -- pacing -----------------------------------------------------------------------------------


async def test_set_edits_are_paced_but_other_kinds_still_go(
    make: Any, site: FakeSite, clock: FakeTime
) -> None:
    outbox = make(set_edits_per_minute=24)
    for set_id in range(1, 41):
        outbox.enqueue("set_add", [100], set_id=set_id)
    outbox.enqueue("favorite", [100])
    await drain(outbox)
    edit_times = [t for t, a in site.calls if a.kind == "set_add"]
    assert len(edit_times) == 40
    for start in edit_times:
        assert sum(1 for t in edit_times if start <= t < start + 60) <= 24
    assert max(edit_times) >= 60  # the 25th had to wait
    fav_time = next(t for t, a in site.calls if a.kind == "favorite")
    assert fav_time < 60


async def test_throttled_set_edit_holds_all_set_edits(
    make: Any, site: FakeSite, clock: FakeTime
) -> None:
    outbox = make()
    site.script = [Throttled("You are modifying sets too quickly.", 429)]
    outbox.enqueue("set_add", [1], set_id=1)
    outbox.enqueue("set_add", [1], set_id=2)
    outbox.enqueue("vote", [1], score=-1)
    await drain(outbox)
    times = {(a.kind, a.set_id): t for t, a in site.calls}
    assert times[("vote", None)] == 0
    assert times[("set_add", 2)] >= 30
    assert times[("set_add", 1)] >= 30


# -- retries and failures ---------------------------------------------------------------------


async def test_transient_errors_retry_with_backoff_until_success(make: Any, site: FakeSite) -> None:
    outbox = make()
    site.script = [
        NetworkError("connection reset"),
        ("lost", ServerError("gateway timeout", 504)),  # applied, but the answer was lost
        Throttled("Throttled: Too many requests", 429),
        None,
    ]
    action = outbox.enqueue("vote", [8], score=1, previous=0)
    await drain(outbox)
    times = [t for t, _ in site.calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4
    assert 1 <= gaps[0] <= 1.25
    assert 2 <= gaps[1] <= 2.5
    assert 30 <= gaps[2] <= 60
    assert site.votes == {8: 1}  # applied twice, still exactly one +1 vote
    done = outbox.recent()[0]
    assert (done.id, done.state, done.attempts) == (action.id, "done", 3)


async def test_backoff_is_capped_at_a_minute(make: Any, site: FakeSite) -> None:
    outbox = make(max_attempts=100)
    site.script = [NetworkError("offline")] * 10
    outbox.enqueue("favorite", [1])
    await drain(outbox)
    times = [t for t, _ in site.calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 11
    assert max(gaps) <= 60
    assert gaps[-1] >= 48  # grew to the cap


async def test_a_retrying_action_blocks_only_its_own_target(make: Any, site: FakeSite) -> None:
    outbox = make()
    site.script = [NetworkError("reset")]
    outbox.enqueue("favorite", [1], previous=0)
    outbox.enqueue("unfavorite", [1], previous=1)
    outbox.enqueue("favorite", [2], previous=0)
    await drain(outbox)
    assert site.requests() == [
        ("favorite", None, [1]),
        ("favorite", None, [2]),
        ("favorite", None, [1]),
        ("unfavorite", None, [1]),
    ]
    assert site.favorites == {2}


@pytest.mark.parametrize(
    "error",
    [
        InvalidQuery("You can only keep up to 100000 favorites.", 422),
        AuthError("Invalid API key", 401),
        Forbidden("Favorites are disabled", 403),
        NotFound("Not found", 404),
        DecodeError("unexpected body"),
    ],
)
async def test_permanent_error_fails_with_message_then_retry_succeeds(
    make: Any, site: FakeSite, error: ApiError
) -> None:
    outbox = make()
    site.script = [error]
    action = outbox.enqueue("favorite", [6], previous=0)
    await drain(outbox)  # a failed action does not count as pending
    [failed] = outbox.failed()
    assert failed.id == action.id and failed.state == "failed"
    assert failed.error is not None and error.message in failed.error
    assert len(site.calls) == 1 and site.favorites == set()

    outbox.retry(action.id)
    assert [a.id for a in outbox.pending()] == [action.id]
    await drain(outbox)
    assert outbox.failed() == []
    assert states(outbox) == {action.id: "done"}
    assert site.favorites == {6}


async def test_drop_discards_failed_and_pending_actions(make: Any, site: FakeSite) -> None:
    outbox = make()
    site.script = [InvalidQuery("Vote is locked", 422)]
    refused = outbox.enqueue("vote", [1], score=1)
    await drain(outbox)
    unsent = outbox.enqueue("vote", [2], score=-1)
    outbox.drop(refused.id)
    outbox.drop(unsent.id)
    assert outbox.failed() == [] and outbox.pending() == []
    await drain(outbox)
    assert site.requests() == [("vote", None, [1])]
    assert states(outbox) == {refused.id: "dropped", unsent.id: "dropped"}
    with pytest.raises(ValueError):
        outbox.retry(refused.id)
    with pytest.raises(ValueError):
        outbox.drop(12345)


async def test_retryable_server_errors_give_up_but_network_errors_do_not(
    make: Any, site: FakeSite
) -> None:
    outbox = make(max_attempts=3)
    site.script = [ServerError("An unexpected error occurred.", 500)] * 5
    stuck = outbox.enqueue("set_add", [1], set_id=3)
    await drain(outbox)
    [failed] = outbox.failed()
    assert failed.id == stuck.id and failed.attempts == 3
    assert failed.error is not None and "An unexpected error occurred." in failed.error
    assert len(site.calls) == 3

    site.script = [NetworkError("offline")] * 5
    offline = outbox.enqueue("favorite", [1])
    await drain(outbox)
    assert states(outbox)[offline.id] == "done"


async def test_retry_of_a_pending_action_skips_its_backoff(make: Any, site: FakeSite) -> None:
    async def never_wakes(delay: float) -> None:
        await asyncio.Event().wait()

    outbox = make(sleep=never_wakes)
    sent = asyncio.Event()
    site.during_send = lambda action: sent.set()
    site.script = [Throttled("slow down", 429)]
    action = outbox.enqueue("favorite", [1])
    async with running(outbox):
        await sent.wait()
        await asyncio.sleep(0)
        [waiting] = outbox.pending()
        assert (waiting.state, waiting.attempts) == ("pending", 1)
        outbox.retry(action.id)
        assert await outbox.flush(timeout=10)
    assert len(site.calls) == 2 and site.favorites == {1}


# -- undo -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "inverse"),
    [
        (("favorite", None, 0), ("unfavorite", None, 1)),
        (("unfavorite", None, 1), ("favorite", None, 0)),
        (("vote", 1, 0), ("unvote", None, 1)),
        (("vote", 1, -1), ("vote", -1, 1)),
        (("vote", -1, None), ("unvote", None, -1)),
        (("unvote", None, 1), ("vote", 1, 0)),
    ],
)
async def test_undo_of_post_actions(make: Any, original: Any, inverse: Any) -> None:
    outbox = make()
    kind, score, previous = original
    first = outbox.enqueue(kind, [42], score=score, previous=previous)
    undo = outbox.undo_last()
    assert undo is not None
    assert (undo.kind, undo.score, undo.previous) == inverse
    assert undo.post_ids == [42] and undo.undo_of == first.id
    assert outbox.recent()[1].undone


@pytest.mark.parametrize(
    ("kind", "inverse"), [("set_add", "set_remove"), ("set_remove", "set_add")]
)
async def test_undo_of_set_edits(make: Any, kind: Any, inverse: str) -> None:
    outbox = make()
    outbox.enqueue(kind, [1, 2, 3], set_id=5)
    undo = outbox.undo_last()
    assert undo is not None
    assert (undo.kind, undo.set_id, undo.post_ids) == (inverse, 5, [1, 2, 3])


async def test_repeated_undo_walks_back_and_is_sent(make: Any, site: FakeSite) -> None:
    outbox = make()
    site.script = [None, InvalidQuery("Vote is locked", 422)]
    outbox.enqueue("favorite", [1], previous=0)
    outbox.enqueue("vote", [2], score=1, previous=0)
    await drain(outbox)
    outbox.enqueue("set_add", [3], set_id=9)
    first = outbox.undo_last()
    second = outbox.undo_last()  # skips the failed vote
    assert first is not None and second is not None
    assert (first.kind, second.kind) == ("set_remove", "unfavorite")
    assert outbox.undo_last() is None
    await drain(outbox)
    assert site.favorites == set() and site.sets == {9: set()}


# -- flush, notifications, housekeeping -------------------------------------------------------


async def test_flush_times_out_without_a_runner(make: Any) -> None:
    outbox = make()
    assert await outbox.flush(timeout=1)
    outbox.enqueue("favorite", [1])
    assert not await outbox.flush(timeout=0.01)
    assert outbox.pending_count() == 1


async def test_on_change_follows_every_state_change(make: Any, site: FakeSite) -> None:
    counts: list[tuple[int, int]] = []

    def snapshot() -> None:
        counts.append((outbox.pending_count(), len(outbox.failed())))

    outbox = make(on_change=snapshot)
    site.script = [None, Forbidden("Access Denied", 403)]
    outbox.enqueue("favorite", [1])
    await drain(outbox)
    assert counts == [(1, 0), (1, 0), (0, 0)]  # enqueued, sending, done
    failing = outbox.enqueue("favorite", [2])
    await drain(outbox)
    outbox.retry(failing.id)
    outbox.drop(failing.id)
    assert counts[3:] == [(1, 0), (1, 0), (0, 1), (1, 0), (0, 0)]


async def test_old_done_actions_are_pruned_but_failed_ones_kept(
    tmp_path: Path, make: Any, site: FakeSite
) -> None:
    path = tmp_path / "outbox.sqlite"
    wall = [1_000_000.0]
    outbox = make(path, wall_clock=lambda: wall[0])
    site.script = [None, NotFound("Not found", 404)]
    done = outbox.enqueue("favorite", [1])
    failed = outbox.enqueue("favorite", [2])
    await drain(outbox)
    outbox.enqueue("favorite", [3])  # never sent
    outbox.close()
    wall[0] += 2 * 86_400
    reopened = make(path, wall_clock=lambda: wall[0])
    ids = set(states(reopened))
    assert done.id not in ids
    assert failed.id in ids and len(ids) == 2


@pytest.mark.parametrize(
    ("kind", "ids", "kwargs"),
    [
        ("like", [1], {}),
        ("favorite", [], {}),
        ("favorite", [1, 2], {}),
        ("set_add", [1], {}),
        ("vote", [1], {"score": 2}),
    ],
)
def test_malformed_actions_are_refused(make: Any, kind: Any, ids: list[int], kwargs: Any) -> None:
    outbox = make()
    with pytest.raises(ValueError):
        outbox.enqueue(kind, ids, **kwargs)
    assert outbox.recent() == []


async def test_an_edge_rate_limit_503_does_not_hold_set_edits_for_30_s(
    make: Any, site: FakeSite
) -> None:
    """Only the app's 429 throttle pauses set edits for long; the edge's 503 backs off briefly."""
    outbox = make()
    site.script = [Throttled("the site is rate-limiting (503)", 503)]
    outbox.enqueue("set_add", [1], set_id=7)
    await drain(outbox)
    times = [t for t, a in site.calls]
    assert len(times) == 2 and times[1] - times[0] < 5.0
    assert site.sets[7] == {1}


# -- several instances on one file --------------------------------------------------------------


async def test_two_instances_on_one_file_send_each_action_once(
    tmp_path: Path, make: Any, site: FakeSite
) -> None:
    path = tmp_path / "outbox.sqlite"
    one = make(path, poll_interval=0.01)
    two = make(path, poll_interval=0.01)
    one.enqueue("favorite", [1])
    two.enqueue("favorite", [2])
    two.enqueue("set_add", [3], set_id=7)
    async with running(one), running(two):
        await asyncio.sleep(0.05)
        assert [one.sending_role, two.sending_role].count(True) == 1
        one.enqueue("vote", [4], score=1, previous=0)
        assert await one.flush(timeout=10) and await two.flush(timeout=10)
    assert sorted(site.requests()) == sorted(
        [("favorite", None, [1]), ("favorite", None, [2]), ("set_add", 7, [3]), ("vote", None, [4])]
    )


async def test_the_other_instance_takes_over_when_the_sender_stops(
    tmp_path: Path, make: Any, site: FakeSite
) -> None:
    path = tmp_path / "outbox.sqlite"
    holder = make(path, poll_interval=0.01)
    holder.enqueue("favorite", [1])
    other = make(path, poll_interval=0.01)
    async with running(holder):
        assert await holder.flush(timeout=10)
        async with running(other):
            await asyncio.sleep(0.05)
            assert holder.sending_role and not other.sending_role
            other.enqueue("favorite", [2])
            assert await other.flush(timeout=10)  # sent by the holder, seen by the other
    assert not holder.sending_role
    async with running(other):
        other.enqueue("favorite", [3])
        assert await other.flush(timeout=10)
        assert other.sending_role
    assert site.requests() == [
        ("favorite", None, [1]),
        ("favorite", None, [2]),
        ("favorite", None, [3]),
    ]


async def test_a_new_instance_leaves_a_live_senders_request_alone(
    tmp_path: Path, make: Any, site: FakeSite
) -> None:
    path = tmp_path / "outbox.sqlite"
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(action: Action) -> None:
        started.set()
        await release.wait()
        await site(action)

    holder = make(path, sender=slow, poll_interval=0.01)
    holder.enqueue("favorite", [1])
    async with running(holder):
        await started.wait()
        newcomer = make(path, poll_interval=0.01)
        assert newcomer.replayed_on_start() == 0
        assert [a.state for a in newcomer.pending()] == ["sending"]
        async with running(newcomer):
            release.set()
            assert await newcomer.flush(timeout=10)
    assert site.requests() == [("favorite", None, [1])]


async def test_an_action_dropped_by_another_instance_meanwhile_is_not_sent(
    tmp_path: Path, make: Any, site: FakeSite
) -> None:
    path = tmp_path / "outbox.sqlite"
    one = make(path, poll_interval=0.01)
    two = make(path, poll_interval=0.01)
    action = one.enqueue("favorite", [1])
    kept = one.enqueue("favorite", [2])
    batch, _ = one._next_batch(0.0)  # planned from what it read...
    two.drop(action.id)  # ...before the other instance dropped it
    assert batch is not None
    await one._send(batch)
    assert site.calls == []
    await drain(one)
    assert site.requests() == [("favorite", None, [2])]
    assert states(one) == {action.id: "dropped", kept.id: "done"}
