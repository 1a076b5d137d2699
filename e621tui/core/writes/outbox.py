"""The outbox: every write (favorite, vote, set edit) is recorded durably, then sent, never lost.

`Outbox.enqueue` commits the action to SQLite before it returns; `Outbox.run` (a long-running
worker) sends pending actions one request at a time through a `Sender`. Transient failures
stay pending and back off; permanent ones become "failed" with the server's message and wait
for the user to retry or drop them. Actions left pending or mid-send by a previous run are
resent at the next start; that is safe because every write is idempotent by construction
(DESIGN.md "The request scheduler").

Ordering: actions on the same target (a post's favorite, a post's vote, a set) are sent in the
order they were made; an action waiting to retry holds back only later actions on its target.
Consecutive adds (or removes) on the same set are merged into requests of up to 320 ids, and
set edits are paced to stay under the site's 30-per-minute limit (e621-api.md §0.8, §6.4).

Several processes (two windows of e621-tui) share one outbox file. Each may enqueue, retry,
drop or undo; only the holder of the account's sender role (`SenderLock`, an flock beside the
file) sends, re-reading the queue from SQLite before every request, so a write enqueued by any
instance is sent exactly once by whichever holds the role. The others poll the file (its
``data_version``) to see changes and to take the role over when the holder quits.

(Over 400 lines on purpose: ordering, merging, pacing and the one-sender role across
processes work on the same rows; split, their invariants would be checked in two places.)
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from e621tui.api.errors import ApiError, Dropped, NetworkError, Throttled
from e621tui.core.writes.lock import SenderLock, lock_path
from e621tui.core.writes.plan import Batch, Target, build_batch, inverse_of, target_of
from e621tui.core.writes.store import (
    KINDS,
    SET_KINDS,
    Action,
    ActionKind,
    ActionState,
    OutboxStore,
)

Sender = Callable[[Action], Awaitable[None]]
"""Performs ONE request for an action; raises `ApiError` subclasses.

For merged set edits the action passed has the id of the batch's first action and the merged
`post_ids` (at most `max_ids_per_request`). Favorite/vote senders must treat "already
favorited" as success and vote with `no_unvote=true`, so that a resend changes nothing.
"""

_WINDOW = 60.0
#: Seconds between looks at the shared file for other instances' changes and the sender role.
POLL_INTERVAL = 0.5
_MAX_BACKOFF = 60.0
_THROTTLED_BACKOFF = 30.0


class Outbox:
    """A durable, ordered, paced queue of write actions for one account.

    Call its methods from the event loop's thread.

    Args:
        path: The SQLite file (created with its directory, mode 0700, at the first write), or
            ":memory:" for tests.
        sender: Performs one request for an action.
        account: Base URL host + username; only this account's actions are read or replayed.
        clock: Monotonic clock for backoff and pacing.
        sleep: Async sleep, used only to wait for a backoff or pacing deadline.
        set_edits_per_minute: Set-edit requests allowed in any sliding 60 s window.
        max_ids_per_request: Most post ids in one set-edit request.
        on_change: Called synchronously whenever an action's state or the counts change.
        wall_clock: Epoch clock for `created_at` and pruning of day-old history.
        rng: Source of backoff jitter.
        max_attempts: Retryable failures (except network errors, which retry forever) after
            which an action is marked failed.
        poll_interval: Real seconds between looks at the file for other instances' changes
            (not used for an in-memory outbox, which nobody else can see).
    """

    def __init__(
        self,
        path: Path | str,
        sender: Sender,
        *,
        account: str,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        set_edits_per_minute: int = 24,
        max_ids_per_request: int = 320,
        on_change: Callable[[], None] | None = None,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        max_attempts: int = 10,
        poll_interval: float = POLL_INTERVAL,
    ) -> None:
        if set_edits_per_minute < 1 or max_ids_per_request < 1 or max_attempts < 1:
            raise ValueError("set_edits_per_minute, max_ids_per_request, max_attempts must be ≥ 1")
        self._store = OutboxStore(path, account=account, wall_clock=wall_clock)
        self._sender = sender
        self._account = account
        self._clock = clock
        self._sleep = sleep
        self._set_limit = set_edits_per_minute
        self._max_ids = max_ids_per_request
        self._on_change = on_change
        self._rng = rng or random.Random()
        self._max_attempts = max_attempts
        memory = str(path) == ":memory:"
        self._lock = SenderLock(None if memory else lock_path(Path(path), account))
        self._poll = None if memory else poll_interval
        # Sends left mid-way are resent, unless a live instance is sending them right now.
        self._replayed = 0
        if self._lock.try_acquire():
            self._replayed = self._store.recover()
            self._lock.release()
        self._version = self._store.data_version()
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()
        self._not_before: dict[int, float] = {}
        self._set_sends: deque[float] = deque()
        self._set_hold_until = 0.0
        self._running = False

    # -- queries ----------------------------------------------------------------------------

    @property
    def account(self) -> str:
        """The account this outbox sends for."""
        return self._account

    def replayed_on_start(self) -> int:
        """How many actions a previous run left pending or mid-send (they will be sent)."""
        return self._replayed

    def pending(self) -> list[Action]:
        """Actions waiting to be sent or being sent, in queue order."""
        return self._store.by_state("pending", "sending")

    def failed(self) -> list[Action]:
        """Actions the server refused, kept until `retry` or `drop`."""
        return self._store.by_state("failed")

    def recent(self, n: int = 50) -> list[Action]:
        """The newest `n` actions in any state, newest first."""
        return self._store.recent(n)

    def pending_count(self) -> int:
        """How many actions are waiting to be sent or being sent."""
        return self._store.count("pending", "sending")

    @property
    def sending_role(self) -> bool:
        """True while this instance is the one that sends (false while another one does)."""
        return self._running and self._lock.held

    # -- user operations --------------------------------------------------------------------

    def enqueue(
        self,
        kind: ActionKind,
        post_ids: Iterable[int],
        *,
        set_id: int | None = None,
        score: int | None = None,
        previous: int | None = None,
    ) -> Action:
        """Record an action durably (committed before returning) and wake the runner.

        Raises:
            ValueError: The action is malformed (unknown kind, no ids, several ids for a
                favorite/vote, no set for a set edit, a vote score other than ±1).
        """
        ids = [int(post_id) for post_id in post_ids]
        if kind not in KINDS:
            raise ValueError(f"unknown action kind {kind!r}")
        if not ids:
            raise ValueError("an action needs at least one post id")
        if kind in SET_KINDS:
            if set_id is None:
                raise ValueError(f"{kind} needs a set_id")
        elif len(ids) != 1:
            raise ValueError(f"{kind} takes exactly one post id")
        if kind == "vote" and score not in (1, -1):
            raise ValueError("a vote's score must be 1 or -1")
        action = self._store.insert(kind, ids, set_id=set_id, score=score, previous=previous)
        self._changed_now()
        return action

    def retry(self, action_id: int) -> None:
        """Send a failed action again (at the end of the queue), or a pending one without delay.

        Raises:
            ValueError: No such action for this account, or it is not failed or pending.
        """
        action = self._require(action_id, ("failed", "pending"))
        if action.state == "failed":
            self._store.requeue(action_id)
        self._not_before.pop(action_id, None)
        self._changed_now()

    def drop(self, action_id: int) -> None:
        """Discard a failed or pending action (the user chose to); it is never sent.

        Raises:
            ValueError: No such action for this account, or it is being sent, done or dropped.
        """
        self._require(action_id, ("failed", "pending"))
        self._store.drop(action_id)
        self._not_before.pop(action_id, None)
        self._changed_now()

    def undo_last(self) -> Action | None:
        """Enqueue the inverse of the newest action not yet undone; repeated calls walk back.

        Inverses restore the state recorded in `previous`: set_add <-> set_remove (same ids),
        favorite <-> unfavorite, vote -> vote(previous) or unvote when there was no vote.
        Failed, dropped and undo actions are skipped.

        Returns:
            The inverse action, or None when there is nothing to undo.
        """
        original = self._store.newest_undoable()
        if original is None:
            return None
        kind, score, previous = inverse_of(original)
        inverse = self._store.insert(
            kind,
            original.post_ids,
            set_id=original.set_id,
            score=score,
            previous=previous,
            undo_of=original.id,
        )
        self._changed_now()
        return inverse

    def close(self) -> None:
        """Close the database (stop `run` first)."""
        self._store.close()

    # -- running ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Send pending actions until cancelled; cancelling mid-send leaves the action pending.

        While another instance holds the sender role, this one only watches the shared file
        (and takes the role when it is free).

        Raises:
            RuntimeError: `run` is already running on this outbox.
        """
        if self._running:
            raise RuntimeError("Outbox.run() is already running")
        self._running = True
        try:
            while True:
                self._wake.clear()
                if not self._lock.held:
                    if not self._lock.try_acquire():
                        await self._wait(None)
                        continue
                    # The previous sender is gone: what it left mid-send goes again.
                    self._store.recover()
                    self._notify()
                batch, wait_until = self._next_batch(self._clock())
                if batch is None:
                    await self._wait(wait_until)
                else:
                    await self._send(batch)
        finally:
            self._running = False
            self._lock.release()

    # The agreed interface takes a timeout so callers (quit, tests) need no wrapper.
    async def flush(self, timeout: float | None = None) -> bool:
        """Wait until nothing is pending or sending (needs `run` to be running).

        Returns:
            True when the queue is empty, False if `timeout` seconds passed first.
        """

        async def drained() -> None:
            while self.pending_count():
                await self._changed.wait()

        try:
            await asyncio.wait_for(drained(), timeout)
        except TimeoutError:
            return False
        return True

    # -- internals --------------------------------------------------------------------------

    def _require(self, action_id: int, states: tuple[ActionState, ...]) -> Action:
        action = self._store.get(action_id)
        if action is None:
            raise ValueError(f"no action {action_id} for {self._account}")
        if action.state not in states:
            raise ValueError(f"action {action_id} is {action.state}")
        return action

    def _changed_now(self) -> None:
        self._wake.set()
        self._notify()

    def _notify(self) -> None:
        # A fresh event per change lets any number of flush() waiters see every change.
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        if self._on_change is not None:
            self._on_change()

    def _set_slot(self, now: float) -> float:
        """The earliest time a set-edit request may start."""
        sends = self._set_sends
        while sends and now - sends[0] >= _WINDOW:
            sends.popleft()
        slot = now if len(sends) < self._set_limit else sends[-self._set_limit] + _WINDOW
        return max(slot, self._set_hold_until)

    def _next_batch(self, now: float) -> tuple[Batch | None, float | None]:
        """The next request to send, or None and when to look again (None: when woken)."""
        queue = self._store.by_state("pending")
        seen: set[Target] = set()
        wait_until: float | None = None
        for index, action in enumerate(queue):
            target = target_of(action)
            if target in seen:
                continue  # only the oldest action on a target may go
            seen.add(target)
            ready_at = max(now, self._not_before.get(action.id, now))
            if action.kind in SET_KINDS:
                ready_at = max(ready_at, self._set_slot(now))
            if ready_at > now:
                wait_until = ready_at if wait_until is None else min(wait_until, ready_at)
                continue
            return build_batch(action, queue[index + 1 :], self._max_ids), None
        return None, wait_until

    async def _wait(self, until: float | None) -> None:
        """Wait until woken by a change, until the monotonic time `until`, or the next poll."""
        if until is None and self._poll is None:
            await self._wake.wait()
            return
        waiters: set[asyncio.Future[Any]] = {asyncio.ensure_future(self._wake.wait())}
        if until is not None:
            waiters.add(asyncio.ensure_future(self._sleep(until - self._clock())))
        if self._poll is not None:
            waiters.add(asyncio.ensure_future(asyncio.sleep(self._poll)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        self._look_outside()

    def _look_outside(self) -> None:
        """Notice what other instances committed (their enqueues, our sender's confirmations)."""
        version = self._store.data_version()
        if version != self._version:
            self._version = version
            self._notify()

    async def _send(self, batch: Batch) -> None:
        ids = batch.ids
        if not self._store.try_claim(ids):
            self._notify()  # another instance dropped or changed one meanwhile: plan again
            return
        self._notify()
        is_set_edit = batch.request.kind in SET_KINDS
        if is_set_edit:
            self._set_sends.append(self._clock())
        try:
            await self._sender(batch.request)
        except ApiError as exc:
            self._failed(batch, exc, is_set_edit)
        except BaseException:
            # Cancelled (or a bug in the sender): the request may or may not have gone out;
            # it stays pending and is resent, which is safe because writes are idempotent.
            self._store.back_to_pending(ids)
            self._notify()
            raise
        else:
            self._store.confirm([(a.id, progress, done) for a, progress, done in batch.members])
            for action_id in ids:
                self._not_before.pop(action_id, None)
            self._notify()

    def _failed(self, batch: Batch, exc: ApiError, is_set_edit: bool) -> None:
        ids = batch.ids
        attempts = max(action.attempts for action, _, _ in batch.members) + 1
        # Dropped: the scheduler discarded the request unsent, so sending again is right.
        transient = exc.retryable or isinstance(exc, Dropped)
        forever = isinstance(exc, NetworkError | Dropped)
        if not transient or (attempts >= self._max_attempts and not forever):
            message = str(exc) if not transient else f"{exc} (gave up after {attempts} attempts)"
            self._store.fail(ids, message, count_attempt=transient)
            for action_id in ids:
                self._not_before.pop(action_id, None)
        else:
            delay = min(_MAX_BACKOFF, 2.0 ** (attempts - 1)) * (1.0 + 0.25 * self._rng.random())
            delay = min(delay, _MAX_BACKOFF)
            if isinstance(exc, Throttled) and exc.status == 429:
                # The app's write throttle (e.g. 30 set edits a minute) needs a real pause; the
                # edge's 2-per-second 503 only needs the ordinary backoff.
                delay = max(delay, _THROTTLED_BACKOFF)
                if is_set_edit:
                    self._set_hold_until = self._clock() + delay
            self._store.retry_later(ids, str(exc))
            for action_id in ids:
                self._not_before[action_id] = self._clock() + delay
        self._notify()


__all__ = ["Action", "ActionKind", "ActionState", "Outbox", "Sender"]
