"""SQLite persistence of the download queue: batches and their items.

Why SQLite and not a JSON file: a queue can hold a 1000-post pool, and progress is saved a few
times a second while files arrive. SQLite updates the rows that changed in a transaction; a
JSON file would be rewritten whole each time. It also matches the outbox (same habits, same
tools). WAL mode with ``synchronous=NORMAL``: a crash of the program never loses a committed
transaction; a power cut may lose the last few, which costs at most re-checking a file that is
already on disk. The file is private (0600): what you download is your business.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from e621tui.core.downloads.records import (
    TERMINAL,
    UNFINISHED,
    Batch,
    BatchKind,
    Item,
    ItemState,
    NewItem,
    batch_from_row,
    item_from_row,
)
from e621tui.core.sqlite_file import SqliteFile

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    root TEXT NOT NULL,
    template TEXT NOT NULL,
    context TEXT NOT NULL,
    source TEXT,
    planning INTEGER NOT NULL DEFAULT 0,
    left_out INTEGER NOT NULL DEFAULT 0,
    notified INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    seq INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0,
    url TEXT,
    md5 TEXT,
    ext TEXT,
    path TEXT,
    state TEXT NOT NULL,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    bytes_total INTEGER,
    skipped INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS items_by_state ON items (state, batch_id, seq);
CREATE INDEX IF NOT EXISTS items_by_batch ON items (batch_id, seq);
"""
_ITEM_COLUMNS = (
    "id, batch_id, seq, post_id, resolved, url, md5, ext, path, state, bytes_done, bytes_total,"
    " skipped, error, attempts"
)
_BATCH_COLUMNS = (
    "id, kind, title, root, template, context, source, planning, left_out, notified, error"
)


class DownloadStore(SqliteFile):
    """The download queue in one SQLite file (or in memory).

    The file and its folder (0700) are created at the first write.

    Args:
        path: The database file, or ":memory:".
        wall_clock: Epoch-seconds clock for the time stamps.
    """

    def __init__(self, path: Path | str, *, wall_clock: Callable[[], float]) -> None:
        self._wall_clock = wall_clock
        super().__init__(path, schema=_SCHEMA, version=_SCHEMA_VERSION, synchronous="NORMAL")

    # -- reads ------------------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        if self._conn is None:
            return []
        return self._conn.execute(sql, params).fetchall()

    def item(self, item_id: int) -> Item | None:
        """One item."""
        rows = self._rows(f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,))
        return item_from_row(rows[0]) if rows else None

    def items(
        self, *, batch_id: int | None = None, states: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[Item]:  # fmt: skip
        """Items in queue order (batch, then index), optionally filtered."""
        where: list[str] = ["1 = 1"]
        params: list[object] = []
        if batch_id is not None:
            where.append("batch_id = ?")
            params.append(batch_id)
        if states is not None:
            wanted = list(states)
            where.append(f"state IN ({', '.join('?' for _ in wanted)})")
            params.extend(wanted)
        sql = (
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE {' AND '.join(where)} ORDER BY batch_id, seq"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [item_from_row(r) for r in self._rows(sql, params)]

    def runnable(self, exclude: Iterable[int], limit: int) -> list[Item]:
        """Queued items in the order they run, leaving out ``exclude`` (ids already running).

        Posts picked by hand (``posts`` batches) go before pools, sets and searches, so one
        ``d`` never waits behind a 1000-post pool; otherwise oldest batch first, in index order.
        """
        skip = list(exclude)
        leave_out = f" AND i.id NOT IN ({', '.join('?' for _ in skip)})" if skip else ""
        columns = ", ".join(f"i.{c.strip()}" for c in _ITEM_COLUMNS.split(","))
        return [
            item_from_row(r)
            for r in self._rows(
                f"SELECT {columns} FROM items i JOIN batches b ON b.id = i.batch_id"
                f" WHERE i.state = 'queued'{leave_out}"
                f" ORDER BY b.kind != 'posts', i.batch_id, i.seq LIMIT {int(limit)}",
                skip,
            )
        ]

    def batch(self, batch_id: int) -> Batch | None:
        """One batch."""
        rows = self._rows(f"SELECT {_BATCH_COLUMNS} FROM batches WHERE id = ?", (batch_id,))
        return batch_from_row(rows[0]) if rows else None

    def batches(self) -> list[Batch]:
        """Every batch, oldest first."""
        return [
            batch_from_row(r)
            for r in self._rows(f"SELECT {_BATCH_COLUMNS} FROM batches ORDER BY id")
        ]

    def counts(self, batch_id: int | None = None) -> dict[str, tuple[int, int, int, int]]:
        """state -> (items, skipped, bytes done, bytes total) for one batch or all."""
        where, params = ("WHERE batch_id = ?", (batch_id,)) if batch_id is not None else ("", ())
        rows = self._rows(
            "SELECT state, COUNT(*), SUM(skipped), SUM(bytes_done), SUM(COALESCE(bytes_total, 0))"
            f" FROM items {where} GROUP BY state",
            params,
        )
        return {r[0]: (r[1], r[2] or 0, r[3] or 0, r[4] or 0) for r in rows}

    def counts_for(self, batch_ids: Sequence[int]) -> dict[str, tuple[int, int, int, int]]:
        """Like `counts`, summed over several batches."""
        if not batch_ids:
            return {}
        marks = ", ".join("?" for _ in batch_ids)
        rows = self._rows(
            "SELECT state, COUNT(*), SUM(skipped), SUM(bytes_done), SUM(COALESCE(bytes_total, 0))"
            f" FROM items WHERE batch_id IN ({marks}) GROUP BY state",
            list(batch_ids),
        )
        return {r[0]: (r[1], r[2] or 0, r[3] or 0, r[4] or 0) for r in rows}

    def first_unresolved(self) -> Item | None:
        """The first queued item whose post still has to be looked up."""
        rows = self._rows(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE state = 'queued' AND resolved = 0"
            " ORDER BY batch_id, seq LIMIT 1"
        )
        return item_from_row(rows[0]) if rows else None

    def unresolved(self, batch_id: int, limit: int) -> list[Item]:
        """Queued items of a batch still to be looked up, in order."""
        return [
            item_from_row(r)
            for r in self._rows(
                f"SELECT {_ITEM_COLUMNS} FROM items WHERE batch_id = ? AND state = 'queued'"
                f" AND resolved = 0 ORDER BY seq LIMIT {int(limit)}",
                (batch_id,),
            )
        ]

    def planning_batches(self) -> list[Batch]:
        """Batches still adding items (searches walking their pages)."""
        rows = self._rows(f"SELECT {_BATCH_COLUMNS} FROM batches WHERE planning = 1 ORDER BY id")
        return [batch_from_row(r) for r in rows]

    def open_batch_ids(self) -> list[int]:
        """Batches with work left (unfinished items, or still being planned)."""
        rows = self._rows(
            "SELECT id FROM batches WHERE planning = 1 OR id IN (SELECT batch_id FROM items"
            " WHERE state IN ('queued', 'downloading', 'paused')) ORDER BY id"
        )
        return [r[0] for r in rows]

    def unknown_totals(self, batch_ids: Sequence[int]) -> int:
        """How many unfinished items of these batches have no known size yet."""
        if not batch_ids:
            return 0
        marks = ", ".join("?" for _ in batch_ids)
        rows = self._rows(
            f"SELECT COUNT(*) FROM items WHERE batch_id IN ({marks}) AND bytes_total IS NULL"
            " AND state IN ('queued', 'downloading', 'paused')",
            list(batch_ids),
        )
        return int(rows[0][0]) if rows else 0

    # -- writes -----------------------------------------------------------------------------

    def add_batch(
        self, kind: BatchKind, title: str, *, root: str, template: str,
        context: dict[str, Any], source: dict[str, Any] | None = None,
        items: Sequence[NewItem] = (),
    ) -> int:  # fmt: skip
        """Record a batch and its first items in one transaction; return the batch id."""
        now = self._wall_clock()
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO batches (kind, title, root, template, context, source, planning,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, title, root, template, json.dumps(context),
                 json.dumps(source) if source else None, 1 if source else 0, now),
            )  # fmt: skip
            batch_id = cursor.lastrowid
            assert batch_id is not None
            self._insert(conn, batch_id, items, now)
        return batch_id

    def add_items(
        self, batch_id: int, items: Sequence[NewItem], *, source: dict[str, Any] | None,
        left_out: int = 0, error: str | None = None,
    ) -> None:  # fmt: skip
        """Append items to a batch that is being planned; ``source=None`` ends planning."""
        now = self._wall_clock()
        with self._transaction() as conn:
            self._insert(conn, batch_id, items, now)
            conn.execute(
                "UPDATE batches SET source = ?, planning = ?, left_out = left_out + ?,"
                " error = COALESCE(?, error) WHERE id = ?",
                (json.dumps(source) if source else None, 1 if source else 0, left_out, error,
                 batch_id),
            )  # fmt: skip

    @staticmethod
    def _insert(
        conn: sqlite3.Connection, batch_id: int, items: Sequence[NewItem], now: float
    ) -> None:
        conn.executemany(
            "INSERT INTO items (batch_id, seq, post_id, resolved, url, md5, ext, path, state,"
            " bytes_total, error, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (batch_id, i.index, i.post_id, int(i.resolved), i.url, i.md5, i.ext, i.path,
                 i.state, i.bytes_total, i.error, now, now)
                for i in items
            ],
        )  # fmt: skip

    def update(self, item_id: int, **fields: Any) -> None:
        """Set columns of one item (committed at once)."""
        if not fields:
            return
        names = ", ".join(f"{name} = ?" for name in fields)
        self._writer().execute(
            f"UPDATE items SET {names}, updated_at = ? WHERE id = ?",
            (*fields.values(), self._wall_clock(), item_id),
        )

    def set_states(self, item_ids: Sequence[int], state: ItemState, **fields: Any) -> None:
        """Move several items to ``state`` in one transaction."""
        with self._transaction():
            for item_id in item_ids:
                self.update(item_id, state=state, **fields)

    def save_progress(self, progress: Sequence[tuple[int, int, int | None]]) -> None:
        """Record (item id, bytes done, bytes total) for running items in one transaction."""
        if not progress:
            return
        now = self._wall_clock()
        with self._transaction() as conn:
            conn.executemany(
                "UPDATE items SET bytes_done = ?, bytes_total = COALESCE(?, bytes_total),"
                " updated_at = ? WHERE id = ?",
                [(done, total, now, item_id) for item_id, done, total in progress],
            )

    def set_notified(self, batch_id: int, notified: bool) -> None:
        """Remember whether the batch's "finished" event was sent."""
        self._writer().execute(
            "UPDATE batches SET notified = ? WHERE id = ?", (int(notified), batch_id)
        )

    def recover(self) -> int:
        """At open: interrupted downloads go back to the queue; return how many."""
        if self._conn is None:
            return 0
        cursor = self._conn.execute("UPDATE items SET state = 'queued' WHERE state = 'downloading'")
        return cursor.rowcount

    def clear_finished(self) -> int:
        """Forget done and cancelled items, and batches left empty; return how many items."""
        if self._conn is None:
            return 0
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM items WHERE state IN ('done', 'cancelled')")
            conn.execute(
                "DELETE FROM batches WHERE planning = 0 AND id NOT IN"
                " (SELECT DISTINCT batch_id FROM items)"
            )
        return cursor.rowcount


__all__ = [
    "TERMINAL",
    "UNFINISHED",
    "Batch",
    "BatchKind",
    "DownloadStore",
    "Item",
    "ItemState",
    "NewItem",
]
