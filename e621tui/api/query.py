"""Tag-query helpers: how a query pages, and small rewrites the app applies."""

from __future__ import annotations

from typing import Literal

#: Most posts per page the site serves.
MAX_LIMIT = 320
#: Highest numbered page the site serves.
MAX_PAGE = 750
#: ids per ``id:`` query: the site silently truncates longer lists (320 now, 100 before 2026-04).
ID_CHUNK = 100

PagingMode = Literal["desc", "asc", "numbered"]

_ASCENDING_ID = {"id", "id_asc"}
_DESCENDING_ID = {"id_desc"}


def split_query(tags: str) -> list[str]:
    """Split a tag query on whitespace."""
    return tags.split()


def paging_mode(tags: str) -> PagingMode:
    """How to page through a query (e621-api.md §0.7).

    ``b<id>`` cursors force id-descending order, so they serve the default order and
    ``order:id_desc``; ``order:id`` (ascending) walks ``a<id>`` cursors; any other ``order:``
    needs numbered pages (at most 750 of them).
    """
    mode: PagingMode = "desc"
    for token in split_query(tags.lower()):
        negated = token.startswith("-")
        if not token.lstrip("-~").startswith("order:"):
            continue
        value = token.lstrip("-~").split(":", 1)[1]
        if value in _ASCENDING_ID:
            mode = "desc" if negated else "asc"
        elif value in _DESCENDING_ID:
            mode = "asc" if negated else "desc"
        else:
            mode = "numbered"
    return mode


def with_safe_rating(tags: str) -> str:
    """Add ``rating:s`` unless the query already pins the rating to safe.

    ``rating:s`` does not count against the site's 40-tag limit.
    """
    tokens = split_query(tags)
    lowered = [t.lower() for t in tokens]
    if any(t in ("rating:s", "rating:safe") for t in lowered):
        return " ".join(tokens)
    kept = [
        t
        for t, low in zip(tokens, lowered, strict=True)
        if not low.lstrip("-~").startswith("rating:")
    ]
    return " ".join([*kept, "rating:s"])


def pool_id_of(tags: str) -> int | None:
    """The pool id when the query is exactly ``pool:<id>``, else None."""
    tokens = split_query(tags.lower())
    if len(tokens) == 1 and tokens[0].startswith("pool:") and tokens[0][5:].isdigit():
        return int(tokens[0][5:])
    return None


def set_id_of(tags: str) -> int | None:
    """The set id when the query is exactly ``set:<id>``, else None."""
    tokens = split_query(tags.lower())
    if len(tokens) == 1 and tokens[0].startswith("set:") and tokens[0][4:].isdigit():
        return int(tokens[0][4:])
    return None


__all__ = [
    "ID_CHUNK",
    "MAX_LIMIT",
    "MAX_PAGE",
    "PagingMode",
    "paging_mode",
    "pool_id_of",
    "set_id_of",
    "split_query",
    "with_safe_rating",
]
