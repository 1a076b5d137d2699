"""SQLite persistence of the outbox: one table of write actions, each committed before it is sent.

Every public method commits before it returns (the connection runs in autocommit mode, with
WAL and `synchronous=FULL`), so a crash can lose at most an action's *outcome*, never the
action itself. All queries are scoped to one account.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

from e621tui.core.sqlite_file import SqliteFile

ActionKind = Literal["favorite", "unfavorite", "vote", "unvote", "set_add", "set_remove"]
ActionState = Literal["pending", "sending", "failed", "done", "dropped"]

KINDS: frozenset[str] = frozenset(get_args(ActionKind))
SET_KINDS: frozenset[str] = frozenset({"set_add", "set_remove"})

#: Done and dropped actions older than this (seconds) are pruned when the store opens.
PRUNE_AFTER = 86_400.0

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq INTEGER NOT NULL,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    post_ids TEXT NOT NULL,
    set_id INTEGER,
    score INTEGER,
    previous INTEGER,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    progress INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    undo_of INTEGER,
    undone INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_by_state ON actions (account, state, seq);
"""
_COLUMNS = (
    "id, kind, post_ids, set_id, score, previous, state, attempts, error, created_at, account, "
    "progress, undo_of, undone"
)


class _Changed(Exception):
    """Another instance changed an action between our read and our write."""


@dataclass
class Action:
    """One user write (favorite, vote, set edit) as recorded in the outbox.

    Attributes:
        id: The SQLite rowid; never reused.
        kind: What to do.
        post_ids: One id for favorite/vote kinds; one or many for set edits.
        set_id: The set, for set edits.
        score: +1 or -1, for "vote".
        previous: For undo: the vote (-1/0/1) or favorited (0/1) state before this action.
        state: pending, sending, failed, done or dropped.
        attempts: How many sends failed with a retryable error.
        error: The last error message (for failed actions: why they failed).
        created_at: Wall-clock time (epoch seconds) of enqueueing.
        site: The account (base URL host + username) the action belongs to.
        progress: How many of `post_ids` the server already confirmed (long set edits).
        undo_of: The id of the action this one reverses, for actions made by undo.
        undone: Whether a later undo reversed this action.
    """

    id: int
    kind: ActionKind
    post_ids: list[int]
    set_id: int | None = None
    score: int | None = None
    previous: int | None = None
    state: ActionState = "pending"
    attempts: int = 0
    error: str | None = None
    created_at: float = 0.0
    site: str = ""
    progress: int = 0
    undo_of: int | None = None
    undone: bool = False


def _action_from_row(row: Sequence[Any]) -> Action:
    return Action(
        id=row[0],
        kind=cast(ActionKind, row[1]),
        post_ids=[int(p) for p in json.loads(row[2])],
        set_id=row[3],
        score=row[4],
        previous=row[5],
        state=cast(ActionState, row[6]),
        attempts=row[7],
        error=row[8],
        created_at=row[9],
        site=row[10],
        progress=row[11],
        undo_of=row[12],
        undone=bool(row[13]),
    )


class OutboxStore(SqliteFile):
    """The outbox table of one account in one SQLite file.

    The file (and its parent directory, mode 0700) is created at the first write, not before:
    until then reads answer as if the outbox were empty.

    Args:
        path: The database file, or ":memory:".
        account: The account whose actions this store reads and writes.
        wall_clock: Epoch-seconds clock for `created_at` and pruning.
    """

    def __init__(self, path: Path | str, *, account: str, wall_clock: Callable[[], float]) -> None:
        self._account = account
        self._wall_clock = wall_clock
        super().__init__(path, schema=_SCHEMA, version=_SCHEMA_VERSION, synchronous="FULL")

    # -- connection -------------------------------------------------------------------------

    def data_version(self) -> int:
        """A number that changes when another connection (another instance) commits."""
        conn = self._reader()
        if conn is None:
            return 0
        return int(conn.execute("PRAGMA data_version").fetchone()[0])

    def try_claim(self, ids: Sequence[int]) -> bool:
        """`claim`, answering False (nothing changed) instead of raising."""
        try:
            return self.claim(ids)
        except _Changed:
            return False

    # -- reads ------------------------------------------------------------------------------

    def _select(self, where: str, params: Sequence[Any], order: str = "seq") -> list[Action]:
        conn = self._reader()
        if conn is None:
            return []
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM actions WHERE account = ? AND {where} ORDER BY {order}",
            (self._account, *params),
        ).fetchall()
        return [_action_from_row(row) for row in rows]

    def get(self, action_id: int) -> Action | None:
        """The action with this id, if it belongs to this account."""
        found = self._select("id = ?", (action_id,))
        return found[0] if found else None

    def by_state(self, *states: ActionState) -> list[Action]:
        """Actions in any of `states`, in queue order."""
        marks = ", ".join("?" for _ in states)
        return self._select(f"state IN ({marks})", states)

    def recent(self, n: int) -> list[Action]:
        """The newest `n` actions in any state, newest first."""
        return self._select("1 = 1", (), order=f"id DESC LIMIT {int(n)}")

    def count(self, *states: ActionState) -> int:
        """How many actions are in any of `states`."""
        conn = self._reader()
        if conn is None:
            return 0
        marks = ", ".join("?" for _ in states)
        row = conn.execute(
            f"SELECT COUNT(*) FROM actions WHERE account = ? AND state IN ({marks})",
            (self._account, *states),
        ).fetchone()
        return int(row[0])

    def newest_undoable(self) -> Action | None:
        """The newest user action (not made by undo, not undone) that was or will be sent."""
        found = self._select(
            "undo_of IS NULL AND undone = 0 AND state IN ('pending', 'sending', 'done')",
            (),
            order="id DESC LIMIT 1",
        )
        return found[0] if found else None

    # -- writes -----------------------------------------------------------------------------

    def insert(
        self,
        kind: ActionKind,
        post_ids: list[int],
        *,
        set_id: int | None,
        score: int | None,
        previous: int | None,
        undo_of: int | None = None,
    ) -> Action:
        """Record a new pending action at the end of the queue (and mark `undo_of` undone)."""
        now = self._wall_clock()
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO actions (seq, account, kind, post_ids, set_id, score, previous,"
                " state, undo_of, created_at, updated_at)"
                " VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM actions),"
                " ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (
                    self._account,
                    kind,
                    json.dumps(post_ids),
                    set_id,
                    score,
                    previous,
                    undo_of,
                    now,
                    now,
                ),
            )
            if undo_of is not None:
                conn.execute("UPDATE actions SET undone = 1 WHERE id = ?", (undo_of,))
        action_id = cursor.lastrowid
        assert action_id is not None
        action = self.get(action_id)
        assert action is not None
        return action

    def _update(self, ids: Sequence[int], assignments: str, params: Sequence[Any]) -> None:
        marks = ", ".join("?" for _ in ids)
        self._writer().execute(
            f"UPDATE actions SET {assignments}, updated_at = ?"
            f" WHERE account = ? AND id IN ({marks})",
            (*params, self._wall_clock(), self._account, *ids),
        )

    def mark_sending(self, ids: Sequence[int]) -> None:
        """pending -> sending, committed before the request starts."""
        self._update(ids, "state = 'sending'", ())

    def claim(self, ids: Sequence[int]) -> bool:
        """pending -> sending for all of ``ids`` or none (another instance may have dropped one).

        Returns:
            True when every action was still pending and is now marked sending (committed).
        """
        marks = ", ".join("?" for _ in ids)
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE actions SET state = 'sending', updated_at = ?"
                f" WHERE account = ? AND state = 'pending' AND id IN ({marks})",
                (self._wall_clock(), self._account, *ids),
            )
            if cursor.rowcount != len(set(ids)):
                raise _Changed()
        return True

    def back_to_pending(self, ids: Sequence[int]) -> None:
        """sending -> pending without counting an attempt (the send was interrupted)."""
        self._update(ids, "state = 'pending'", ())

    def retry_later(self, ids: Sequence[int], error: str) -> None:
        """A retryable failure: back to pending, one more attempt, remember the error."""
        self._update(ids, "state = 'pending', attempts = attempts + 1, error = ?", (error,))

    def fail(self, ids: Sequence[int], error: str, *, count_attempt: bool = False) -> None:
        """A permanent failure: kept as failed with the message until retried or dropped."""
        bump = ", attempts = attempts + 1" if count_attempt else ""
        self._update(ids, f"state = 'failed', error = ?{bump}", (error,))

    def confirm(self, progress: Sequence[tuple[int, int, bool]]) -> None:
        """The server confirmed a request: record each (id, confirmed id count, all done)."""
        now = self._wall_clock()
        with self._transaction() as conn:
            for action_id, confirmed, done in progress:
                conn.execute(
                    "UPDATE actions SET progress = ?, state = ?, error = NULL, updated_at = ?"
                    " WHERE id = ? AND account = ?",
                    (confirmed, "done" if done else "pending", now, action_id, self._account),
                )

    def requeue(self, action_id: int) -> None:
        """failed -> pending at the end of the queue, attempts and error cleared."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE actions SET state = 'pending', attempts = 0, error = NULL, updated_at = ?,"
                " seq = (SELECT MAX(seq) + 1 FROM actions) WHERE id = ? AND account = ?",
                (self._wall_clock(), action_id, self._account),
            )

    def drop(self, action_id: int) -> None:
        """The user discarded the action."""
        self._update((action_id,), "state = 'dropped'", ())

    def recover(self) -> int:
        """At open: reset this account's interrupted sends and prune old history.

        Returns:
            How many actions are waiting to be sent (pending, including reset ones).
        """
        if self._reader() is None:
            return 0
        with self._transaction() as conn:
            conn.execute(
                "UPDATE actions SET state = 'pending' WHERE account = ? AND state = 'sending'",
                (self._account,),
            )
            conn.execute(
                "DELETE FROM actions WHERE state IN ('done', 'dropped') AND updated_at < ?",
                (self._wall_clock() - PRUNE_AFTER,),
            )
        return self.count("pending")
