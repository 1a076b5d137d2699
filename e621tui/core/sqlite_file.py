"""A private SQLite file for one of the core's durable queues (the outbox, downloads).

Created with its folder (0700) at the first write, never before, readable only by its owner
(0600): which posts a user favorites, votes on or downloads is private. Autocommit mode with
WAL; each store chooses how hard a commit waits for the disk (``synchronous``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal


class SqliteFile:
    """The connection handling both stores share.

    Args:
        path: The database file, or ":memory:".
        schema: ``CREATE … IF NOT EXISTS`` statements run at each connect.
        version: Stored as ``PRAGMA user_version``.
        synchronous: ``FULL`` (a commit survives a power cut) or ``NORMAL`` (a program crash).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        schema: str,
        version: int,
        synchronous: Literal["FULL", "NORMAL"],
    ) -> None:
        self._memory = str(path) == ":memory:"
        self._path = Path(path)
        self._schema = schema
        self._version = version
        self._synchronous = synchronous
        self._conn: sqlite3.Connection | None = None
        if self._memory or self._path.exists():
            self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self._memory:
            conn = sqlite3.connect(":memory:", isolation_level=None)
        else:
            created = not self._path.exists()
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            conn = sqlite3.connect(self._path, isolation_level=None, timeout=5.0)
            if created:
                os.chmod(self._path, 0o600)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.executescript(self._schema)
        conn.execute(f"PRAGMA user_version={self._version}")
        return conn

    def _writer(self) -> sqlite3.Connection:
        """The connection, created (with the file) if needed."""
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _reader(self) -> sqlite3.Connection | None:
        """The connection, opened now if another instance created the file meanwhile."""
        if self._conn is None and not self._memory and self._path.exists():
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._writer()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


__all__ = ["SqliteFile"]
