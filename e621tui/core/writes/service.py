"""The write service: favorites, votes, set edits and undo, recorded in the outbox and sent.

Each write is applied optimistically at once (`WriteTracker.apply`) and sent by the outbox,
which the service opens for the logged-in account and runs as a background task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, MutableMapping
from pathlib import Path

from e621tui.api.client import E621Client
from e621tui.api.models import Post
from e621tui.core.events import Event, NothingToDo, NotLoggedIn
from e621tui.core.sets import SetService
from e621tui.core.writes.outbox import Outbox
from e621tui.core.writes.store import Action
from e621tui.core.writes.tracker import WriteTracker, describe

log = logging.getLogger(__name__)


class WriteService:
    """Favorite, vote, add to / remove from a set, undo.

    Args:
        client: The API client (its credentials decide whether there is an outbox).
        posts: The session's one object per post id.
        sets: Set membership, updated optimistically.
        emit: Tells the session's listeners about a change.
        data_dir: Where the outbox file lives (None: in memory).
        account: ``host:user``, what the outbox keys replay on.
    """

    def __init__(
        self,
        client: E621Client,
        posts: MutableMapping[int, Post],
        sets: SetService,
        emit: Callable[[Event], None],
        *,
        data_dir: Path | None,
        account: Callable[[], str],
    ) -> None:
        self._client = client
        self._sets = sets
        self._data_dir = data_dir
        self._account = account
        self.tracker = WriteTracker(client, posts, sets, emit)
        self.outbox: Outbox | None = None
        self._task: asyncio.Task[None] | None = None
        self.open()

    # ---- the outbox's life ---------------------------------------------------------------

    def open(self) -> None:
        """Open the outbox of the account the client is logged in as (none when anonymous)."""
        self.outbox = None
        if self._client.logged_in:
            path: Path | str = ":memory:"
            if self._data_dir is not None:
                path = self._data_dir / "outbox.sqlite3"
            self.outbox = Outbox(
                path, self.tracker.send, account=self._account(), on_change=self.tracker.changed
            )
        self.tracker.outbox = self.outbox

    def start(self) -> None:
        """Start sending queued writes (call from inside the running loop)."""
        if self.outbox is not None and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self.outbox.run())

    def stop_sending(self) -> None:
        """Stop the sender (pending writes stay on disk)."""
        if self._task is not None:
            self._task.cancel()

    async def close(self) -> None:
        """Stop the sender and close the outbox (pending writes stay on disk)."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                log.debug("outbox worker stopped")
        if self.outbox is not None:
            self.outbox.close()

    def has_pending(self, post_id: int) -> bool:
        """True while a favorite/vote for this post is still on its way."""
        return self.tracker.has_pending(post_id)

    def pending_count(self) -> int:
        """Writes waiting to be sent."""
        return self.outbox.pending_count() if self.outbox is not None else 0

    def describe(self, action: Action) -> str:
        """A short human description of a write."""
        return describe(action, self._sets.my_sets)

    # ---- writes --------------------------------------------------------------------------

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
        self.tracker.apply(action)
        return action

    def vote(self, post: Post, score: int) -> Action:
        """Set your vote to ``score`` (+1/-1); voting the same way again clears it."""
        outbox = self._outbox()
        previous = post.vote
        if previous == score:
            action = outbox.enqueue("unvote", [post.id], previous=previous)
        else:
            action = outbox.enqueue("vote", [post.id], score=score, previous=previous)
        self.tracker.apply(action)
        return action

    def add_to_set(self, posts: list[Post], set_id: int | None = None) -> Action:
        """Add posts to a set (the active one by default), in as few requests as possible."""
        return self._set_edit("set_add", posts, set_id)

    def remove_from_set(self, posts: list[Post], set_id: int | None = None) -> Action:
        """Remove posts from a set (the active one by default)."""
        return self._set_edit("set_remove", posts, set_id)

    def _set_edit(self, kind: str, posts: list[Post], set_id: int | None) -> Action:
        outbox = self._outbox()
        active = self._sets.active
        target = set_id if set_id is not None else (active.id if active else None)
        if target is None:
            raise ValueError("choose a set first (press s)")
        ids = list(dict.fromkeys(p.id for p in posts))
        members = self._sets.members(target)
        if members is not None and not self._sets.loading(target):
            # Only real changes are recorded, so that undo (and a rollback) touches exactly
            # the posts this action changed, never ones that were members already.
            if kind == "set_add":
                ids = [i for i in ids if i not in members]
            else:
                ids = [i for i in ids if i in members]
        if not ids:
            raise NothingToDo("already in the set" if kind == "set_add" else "not in the set")
        action = outbox.enqueue(
            "set_add" if kind == "set_add" else "set_remove", ids, set_id=target
        )
        self.tracker.apply(action)
        return action

    def undo(self) -> Action | None:
        """Undo the newest write; returns the inverse action, or None if nothing to undo."""
        action = self._outbox().undo_last()
        if action is not None:
            self.tracker.apply(action)
        return action


__all__ = ["WriteService"]
