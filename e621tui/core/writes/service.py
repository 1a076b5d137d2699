"""The Session's writes: favorites, votes, set edits and undo, all through the outbox.

Each write is applied optimistically at once (`WriteTracker.apply`) and sent by the outbox.
"""

from __future__ import annotations

from e621tui.api.models import Post
from e621tui.core.events import NothingToDo, NotLoggedIn
from e621tui.core.ops_base import SessionOps
from e621tui.core.writes.outbox import Action, Outbox


class WriteOps(SessionOps):
    """Favorite, vote, add to / remove from a set, undo (mixed into `Session`)."""

    def _outbox(self) -> Outbox:
        if self.outbox is None:
            raise NotLoggedIn()
        return self.outbox

    def toggle_favorite(self, post: Post) -> Action:
        """Favorite or unfavorite, optimistically."""
        outbox = self._outbox()
        action = outbox.enqueue(
            "unfavorite" if post.is_favorited else "favorite",
            [post.id],
            previous=int(post.is_favorited),
        )
        self._writes.apply(action)
        return action

    def vote(self, post: Post, score: int) -> Action:
        """Set your vote to ``score`` (+1/-1); voting the same way again clears it."""
        outbox = self._outbox()
        previous = post.vote
        if previous == score:
            action = outbox.enqueue("unvote", [post.id], previous=previous)
        else:
            action = outbox.enqueue("vote", [post.id], score=score, previous=previous)
        self._writes.apply(action)
        return action

    def add_to_set(self, posts: list[Post], set_id: int | None = None) -> Action:
        """Add posts to a set (the active one by default), in as few requests as possible."""
        return self._set_edit("set_add", posts, set_id)

    def remove_from_set(self, posts: list[Post], set_id: int | None = None) -> Action:
        """Remove posts from a set (the active one by default)."""
        return self._set_edit("set_remove", posts, set_id)

    def _set_edit(self, kind: str, posts: list[Post], set_id: int | None) -> Action:
        outbox = self._outbox()
        target = set_id if set_id is not None else (self.active_set.id if self.active_set else None)
        if target is None:
            raise ValueError("choose a set first (press s)")
        ids = list(dict.fromkeys(p.id for p in posts))
        if (
            self.active_set is not None
            and target == self.active_set.id
            and not self.members_loading
        ):
            # Only real changes are recorded, so that undo (and a rollback) touches exactly
            # the posts this action changed, never ones that were members already.
            if kind == "set_add":
                ids = [i for i in ids if i not in self.active_members]
            else:
                ids = [i for i in ids if i in self.active_members]
        if not ids:
            raise NothingToDo("already in the set" if kind == "set_add" else "not in the set")
        action = outbox.enqueue(
            "set_add" if kind == "set_add" else "set_remove", ids, set_id=target
        )
        self._writes.apply(action)
        return action

    def undo(self) -> Action | None:
        """Undo the newest write; returns the inverse action, or None if nothing to undo."""
        action = self._outbox().undo_last()
        if action is not None:
            self._writes.apply(action)
        return action


__all__ = ["WriteOps"]
