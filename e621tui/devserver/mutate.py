"""Changing the demo data at runtime: new uploads for tests of feeds that catch up."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from e621tui.devserver import related
from e621tui.devserver.generate import rebuild_tags
from e621tui.devserver.model import TAG_ORDER, DemoState, PostRec


def add_posts(
    state: DemoState,
    count: int = 1,
    *,
    tags: Sequence[str] | dict[str, list[str]] = (),
    rating: str = "s",
    score: int = 0,
    uploader_id: int | None = None,
) -> list[int]:
    """Upload `count` new posts (newer ids and times than any other); return their ids.

    Args:
        tags: Tag names (each goes to its existing category, new ones to `general`) or a
            category -> names mapping.
        rating: "s", "q" or "e".
        score: Up votes of each new post.
        uploader_id: The uploader (default: the first ordinary user).
    """
    with state.lock:
        if isinstance(tags, dict):
            by_category = {cat: sorted(set(names)) for cat, names in tags.items()}
        else:
            by_category = {}
            for name in tags:
                known = state.tags.get(name)
                category = known.category if known else "general"
                by_category.setdefault(category, []).append(name)
        uploader = state.users.get(uploader_id or 0) or state.users[min(state.users)]
        newest_time = max(p.created for p in state.posts.values())
        next_id = max(state.posts) + 1
        added: list[int] = []
        for n in range(count):
            post_id = next_id + n
            md5 = hashlib.md5(f"added:{post_id}".encode()).hexdigest()
            created = newest_time + 60.0 * (n + 1)
            post = PostRec(
                id=post_id, created=created, updated=created, width=1000, height=750,
                ext="jpg", size=250_000, md5=md5,
                tags={cat: sorted(set(by_category.get(cat, []))) for cat in TAG_ORDER},
                rating=rating, uploader_id=uploader.id, uploader_name=uploader.name, up=score,
                change_seq=60_000_000 + post_id,
            )  # fmt: skip
            post.refresh_tags()
            state.posts[post_id] = post
            state.posts_by_md5[md5] = post
            added.append(post_id)
        state.ids_desc[:0] = sorted(added, reverse=True)
        uploader.post_upload_count += count
        state.now = max(state.now, newest_time + 60.0 * (count + 1))
        rebuild_tags(state)
        related.invalidate(state)
        return added


__all__ = ["add_posts"]
