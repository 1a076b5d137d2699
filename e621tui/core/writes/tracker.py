"""Optimistic state for writes: apply at once, send through the outbox, roll back if refused."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from e621tui.api.client import E621Client
from e621tui.api.models import Post, SetChoice
from e621tui.core.events import Event, PostsChanged, WriteFailed, WritesChanged
from e621tui.core.sets import SetService
from e621tui.core.writes.outbox import Outbox
from e621tui.core.writes.store import Action


def _adjust_vote(post: Post, old: int, new: int) -> None:
    """Move the visible score from vote ``old`` to vote ``new``."""
    if old == new:
        return
    if old == 1:
        post.score.up -= 1
    elif old == -1:
        post.score.down += 1
    if new == 1:
        post.score.up += 1
    elif new == -1:
        post.score.down -= 1
    post.score.total += new - old
    post.vote = new


def describe(action: Action, my_sets: list[SetChoice] | None = None) -> str:
    """A short human description of a write, e.g. "add 3 posts to set #12"."""
    ids = action.post_ids
    what = f"#{ids[0]}" if len(ids) == 1 else f"{len(ids)} posts"
    if action.kind == "favorite":
        return f"favorite {what}"
    if action.kind == "unfavorite":
        return f"unfavorite {what}"
    if action.kind == "vote":
        return f"vote {'up' if (action.score or 0) > 0 else 'down'} {what}"
    if action.kind == "unvote":
        return f"clear vote on {what}"
    name = f"set #{action.set_id}"
    for choice in my_sets or []:
        if choice.id == action.set_id:
            name = f"set “{choice.name}”"
    if action.kind == "set_add":
        return f"add {what} to {name}"
    return f"remove {what} from {name}"


class WriteTracker:
    """Applies writes to the shown state and keeps it honest with the outbox.

    Args:
        client: Sends each write (one request per action).
        posts: The session's one object per post id.
        sets: Where set members live.
        emit: Tells the session's listeners about a change.
    """

    def __init__(
        self,
        client: E621Client,
        posts: MutableMapping[int, Post],
        sets: SetService,
        emit: Callable[[Event], None],
    ) -> None:
        self._client = client
        self._posts = posts
        self._sets = sets
        self._emit = emit
        self._failed_seen: set[int] = set()
        # Posts with a write on its way are held here, so that the session's registry (which
        # holds posts only while something shows them) keeps their optimistic state.
        self._pinned: dict[int, Post] = {}
        self.outbox: Outbox | None = None

    def has_pending(self, post_id: int) -> bool:
        """True while a favorite/vote for this post is still on its way."""
        if self.outbox is None:
            return False
        return any(
            post_id in a.post_ids and a.kind not in ("set_add", "set_remove")
            for a in self.outbox.pending()
        )

    def apply(self, action: Action, *, reverse: bool = False) -> None:
        """Show the effect of ``action`` (or undo that effect when ``reverse``)."""
        changed: set[int] = set()
        for post_id in action.post_ids:
            post = self._posts.get(post_id)
            if post is not None and action.kind not in ("set_add", "set_remove") and not reverse:
                self._pinned[post_id] = post
            if action.kind in ("favorite", "unfavorite") and post is not None:
                want = action.kind == "favorite"
                if reverse:
                    want = bool(action.previous) if action.previous is not None else not want
                if post.is_favorited != want:
                    post.is_favorited = want
                    post.fav_count = max(0, post.fav_count + (1 if want else -1))
                changed.add(post_id)
            elif action.kind in ("vote", "unvote") and post is not None:
                new = (action.score or 0) if action.kind == "vote" else 0
                if reverse:
                    new = action.previous or 0
                _adjust_vote(post, post.vote, new)
                changed.add(post_id)
        if action.kind in ("set_add", "set_remove") and action.set_id is not None:
            adding = (action.kind == "set_add") != reverse
            self._sets.apply_edit(action.set_id, action.post_ids, adding=adding)
        if changed:
            self._emit(PostsChanged(frozenset(changed)))

    async def send(self, action: Action) -> None:
        """The outbox's sender: one request for one action; update state from the answer."""
        client = self._client
        post_id = action.post_ids[0]
        post = self._posts.get(post_id)
        if action.kind == "favorite":
            fav = await client.account.add_favorite(post_id)
            if post is not None and fav.favorite_count is not None:
                post.fav_count = fav.favorite_count
        elif action.kind == "unfavorite":
            fav = await client.account.remove_favorite(post_id)
            if post is not None and fav.favorite_count is not None:
                post.fav_count = fav.favorite_count
        elif action.kind == "vote":
            result = await client.account.vote(post_id, action.score or 1)
            if post is not None:
                post.score.total, post.score.up, post.score.down = (
                    result.score,
                    result.up,
                    result.down,
                )
                post.vote = result.our_score
        elif action.kind == "unvote":
            await client.account.unvote(post_id)
        elif action.kind == "set_add":
            assert action.set_id is not None
            await client.sets.add_posts(action.set_id, action.post_ids)
        elif action.kind == "set_remove":
            assert action.set_id is not None
            await client.sets.remove_posts(action.set_id, action.post_ids)
        if post is not None and action.kind not in ("set_add", "set_remove"):
            self._emit(PostsChanged(frozenset({post_id})))

    def changed(self) -> None:
        """The outbox's on_change: roll back newly failed writes and report counts."""
        outbox = self.outbox
        if outbox is None:
            return
        failed = outbox.failed()
        for action in failed:
            if action.id in self._failed_seen:
                continue
            self._failed_seen.add(action.id)
            self.apply(action, reverse=True)
            reason = action.error or "refused by the site"
            text = f"could not {describe(action, self._sets.my_sets)}: {reason}"
            self._emit(WriteFailed(text))
        if self._pinned:
            waiting = {i for a in outbox.pending() for i in a.post_ids}
            for post_id in [i for i in self._pinned if i not in waiting]:
                del self._pinned[post_id]
        self._emit(WritesChanged(outbox.pending_count(), len(failed)))


__all__ = ["WriteTracker", "describe"]
