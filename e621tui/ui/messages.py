"""Messages the app sends down to its screens when session state changes."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class PostsUpdated(Message):
    """Favorite/vote/score state of these posts changed (optimistically or from the site)."""

    post_ids: frozenset[int]


@dataclass
class MembershipUpdated(Message):
    """The active set or its members changed."""

    set_id: int | None


class StatusUpdated(Message):
    """Something shown in the status line changed (writes, network, login)."""
