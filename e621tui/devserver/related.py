"""Related tags from co-occurrence over the demo posts (e621-api.md §7.2, §16).

The site computes a tag's related list from a sample of its posts and caches it; so does this
module (a stride sample of `SAMPLE` posts, cached until `invalidate`).
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable

from e621tui.devserver.model import DemoState, PostRec

SAMPLE = 300
TOP = 25

_CACHE: weakref.WeakKeyDictionary[DemoState, dict[str, list[tuple[str, int]]]] = (
    weakref.WeakKeyDictionary()
)
_INDEX: weakref.WeakKeyDictionary[DemoState, dict[str, list[int]]] = weakref.WeakKeyDictionary()


def invalidate(state: DemoState) -> None:
    """Forget cached lists (posts or tags changed)."""
    _CACHE.pop(state, None)
    _INDEX.pop(state, None)


def _index(state: DemoState) -> dict[str, list[int]]:
    index = _INDEX.get(state)
    if index is None:
        index = {}
        for pid in state.ids_desc:
            post = state.posts[pid]
            if post.deleted:
                continue
            for tag in post.all_tags:
                index.setdefault(tag, []).append(pid)
        _INDEX[state] = index
    return index


def sample(posts: list[PostRec], size: int = SAMPLE) -> list[PostRec]:
    """A deterministic, evenly spread sample of at most `size` posts."""
    if len(posts) <= size:
        return posts
    step = len(posts) / size
    return [posts[int(i * step)] for i in range(size)]


def co_occurrence(posts: Iterable[PostRec]) -> Counter[str]:
    """How many of `posts` carry each tag."""
    counts: Counter[str] = Counter()
    for post in posts:
        counts.update(post.all_tags)
    return counts


def related(state: DemoState, tag: str) -> list[tuple[str, int]]:
    """The tag's cached related list: (name, count in the sample), itself first, top 25."""
    cache = _CACHE.setdefault(state, {})
    if tag in cache:
        return cache[tag]
    ids = _index(state).get(tag, [])
    posts = sample([state.posts[pid] for pid in ids])
    counts = co_occurrence(posts)
    ranked = sorted(counts.items(), key=lambda item: (item[0] != tag, -item[1], item[0]))
    cache[tag] = ranked[:TOP]
    return cache[tag]


def related_string(state: DemoState, tag: str) -> str | None:
    """`/tags.json`'s `related_tags`: "tag count tag count …" (None for an unused tag)."""
    items = related(state, tag)
    if not items:
        return None
    return " ".join(f"{name} {count}" for name, count in items)


__all__ = ["SAMPLE", "TOP", "co_occurrence", "invalidate", "related", "related_string", "sample"]
