"""Messages the app sends down to its screens when session state changes."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from e621tui.core.downloads.events import DownloadSummary, ItemView


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


@dataclass
class DownloadsUpdated(Message):
    """The download queue changed (coalesced: at most a few times a second)."""

    summary: DownloadSummary
    items: tuple[ItemView, ...]
    """The items that changed since the last message (others may have been added)."""


__all__ = [
    "AppStatus",
    "DownloadsUpdated",
    "MembershipUpdated",
    "PostsUpdated",
    "StatusPart",
    "StatusUpdated",
]
