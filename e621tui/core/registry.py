"""One object per post id, for as long as anything still shows the post (and not longer).

The session registers every post it receives here, so that all views share one object and a
favorite shows everywhere at once. Entries are held weakly: a post no page, screen or pending
write refers to any more leaves, so reading page after page does not grow memory. The most
recently registered posts are also held strongly (a bounded LRU), so that a post a view let go
of a moment ago is still the same object when it comes back; and a view can `pin` posts it
refers to by id only (marked posts on pages it no longer shows).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator, MutableMapping

from e621tui.api.models import Post

#: Recently registered posts held strongly, whatever holds them otherwise (~3 pages).
RECENT = 200


class PostRegistry(MutableMapping[int, Post]):
    """A mapping of post id to the one shared `Post`, bounded by what is still in use.

    Args:
        recent: How many of the latest registered posts are kept even if nothing else holds
            them.
    """

    def __init__(self, recent: int = RECENT) -> None:
        self._weak: weakref.WeakValueDictionary[int, Post] = weakref.WeakValueDictionary()
        self._recent: OrderedDict[int, Post] = OrderedDict()
        self._pinned: dict[int, Post] = {}
        self._limit = max(0, recent)

    def pin(self, posts: Iterable[Post]) -> None:
        """Keep these posts (and their shared state) until `unpin`, whatever else holds them."""
        for post in posts:
            self._pinned[post.id] = post

    def unpin(self, post_ids: Iterable[int] | None = None) -> None:
        """Stop keeping these posts (all pinned ones when None)."""
        if post_ids is None:
            self._pinned.clear()
            return
        for post_id in post_ids:
            self._pinned.pop(post_id, None)

    def __getitem__(self, post_id: int) -> Post:
        return self._weak[post_id]

    def __setitem__(self, post_id: int, post: Post) -> None:
        self._weak[post_id] = post
        if post_id in self._pinned:
            self._pinned[post_id] = post
        if self._limit:
            self._recent[post_id] = post
            self._recent.move_to_end(post_id)
            while len(self._recent) > self._limit:
                self._recent.popitem(last=False)

    def __delitem__(self, post_id: int) -> None:
        self._recent.pop(post_id, None)
        self._pinned.pop(post_id, None)
        del self._weak[post_id]

    def __iter__(self) -> Iterator[int]:
        return iter(list(self._weak.keys()))

    def __len__(self) -> int:
        return len(self._weak)

    def __contains__(self, post_id: object) -> bool:
        return post_id in self._weak


__all__ = ["RECENT", "PostRegistry"]
