"""The queue's records: batches and items as stored, and the items to insert."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

ItemState = Literal["queued", "downloading", "paused", "done", "failed", "cancelled"]
BatchKind = Literal["posts", "pool", "set", "search"]

#: States an item leaves only by a user action.
TERMINAL: frozenset[str] = frozenset({"done", "failed", "cancelled"})
#: States that still need work (or a resume).
UNFINISHED: tuple[ItemState, ...] = ("queued", "downloading", "paused")


@dataclass
class Item:
    """One file to download, as stored.

    Attributes:
        index: 1-based position in its batch (pool order for pools).
        resolved: False until the post's URL, md5 and target path are known.
        path: The absolute target path (None until resolved).
        bytes_total: The size the site announced, then the size the server sent.
        skipped: Done because an identical file (same md5) was already there.
        error: Why it failed (failed items), else None.
    """

    id: int
    batch_id: int
    index: int
    post_id: int
    resolved: bool
    url: str | None
    md5: str | None
    ext: str | None
    path: str | None
    state: ItemState
    bytes_done: int
    bytes_total: int | None
    skipped: bool
    error: str | None
    attempts: int


@dataclass
class Batch:
    """What one command queued: posts, a pool, a set or a search.

    Attributes:
        source: For a search still being queued, where to continue (JSON-able dict).
        planning: True while posts are still being added (a search walking its pages).
        left_out: Posts a search left out (blacklisted).
        notified: The "batch finished" event was sent.
        error: Why queueing stopped early (a search the site refused), else None.
    """

    id: int
    kind: BatchKind
    title: str
    root: str
    template: str
    context: dict[str, Any]
    source: dict[str, Any] | None
    planning: bool
    left_out: int
    notified: bool
    error: str | None = None


@dataclass(frozen=True)
class NewItem:
    """An item to insert."""

    post_id: int
    index: int
    resolved: bool = False
    url: str | None = None
    md5: str | None = None
    ext: str | None = None
    path: str | None = None
    state: ItemState = "queued"
    bytes_total: int | None = None
    error: str | None = None


def item_from_row(row: Sequence[Any]) -> Item:
    return Item(
        id=row[0],
        batch_id=row[1],
        index=row[2],
        post_id=row[3],
        resolved=bool(row[4]),
        url=row[5],
        md5=row[6],
        ext=row[7],
        path=row[8],
        state=cast(ItemState, row[9]),
        bytes_done=row[10],
        bytes_total=row[11],
        skipped=bool(row[12]),
        error=row[13],
        attempts=row[14],
    )


def batch_from_row(row: Sequence[Any]) -> Batch:
    return Batch(
        id=row[0],
        kind=cast(BatchKind, row[1]),
        title=row[2],
        root=row[3],
        template=row[4],
        context=json.loads(row[5]),
        source=json.loads(row[6]) if row[6] else None,
        planning=bool(row[7]),
        left_out=row[8],
        notified=bool(row[9]),
        error=row[10],
    )


__all__ = [
    "TERMINAL",
    "UNFINISHED",
    "Batch",
    "BatchKind",
    "Item",
    "ItemState",
    "NewItem",
    "batch_from_row",
    "item_from_row",
]
