"""Messages the app sends down to its screens when session state changes."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass(frozen=True)
class StatusPart:
    """One piece of the app-wide part of the status line."""

    text: str
    style: str = ""


AppStatus = tuple[StatusPart, ...]
"""Site, safe mode, login, active set, writes, queue and network state, in display order."""


@dataclass
class PostsUpdated(Message):
    """Favorite/vote/score state of these posts changed (optimistically or from the site)."""

    post_ids: frozenset[int]


@dataclass
class MembershipUpdated(Message):
    """The active set, or the members of a known set, changed."""

    set_id: int | None


@dataclass
class StatusUpdated(Message):
    """Something in the app-wide part of the status line changed; carries the new state."""

    status: AppStatus


__all__ = ["AppStatus", "MembershipUpdated", "PostsUpdated", "StatusPart", "StatusUpdated"]
