"""What the session tells its listeners (events), and the errors its write methods raise."""

from __future__ import annotations

from dataclasses import dataclass

from e621tui.core.downloads.events import BatchFinished, DownloadsChanged


class NotLoggedIn(Exception):
    """A write was attempted without an account."""

    def __init__(self) -> None:
        super().__init__("log in first: press L (or run with --username NAME and E621_API_KEY set)")


class NothingToDo(ValueError):
    """A set edit that would change nothing (every post already in / not in the set)."""


@dataclass(frozen=True)
class PostsChanged:
    """Event: these posts' favorite/vote/score state changed."""

    post_ids: frozenset[int]


@dataclass(frozen=True)
class MembershipChanged:
    """Event: the active set or its members changed."""

    set_id: int | None


@dataclass(frozen=True)
class WritesChanged:
    """Event: pending/failed write counts changed."""

    pending: int
    failed: int


@dataclass(frozen=True)
class WriteFailed:
    """Event: the site refused a write; the optimistic change was rolled back."""

    text: str


@dataclass(frozen=True)
class LoginChanged:
    """Event: the account changed (e.g. the site refused the key and we browse anonymously)."""

    message: str | None


@dataclass(frozen=True)
class NetworkTrouble:
    """Event: the client is retrying through trouble (text) or recovered (None)."""

    text: str | None


@dataclass(frozen=True)
class QueueChanged:
    """Event: the number of API requests waiting for a slot changed."""

    queued: int


Event = (
    PostsChanged
    | MembershipChanged
    | WritesChanged
    | WriteFailed
    | NetworkTrouble
    | LoginChanged
    | QueueChanged
    | DownloadsChanged
    | BatchFinished
)


__all__ = [
    "BatchFinished",
    "DownloadsChanged",
    "Event",
    "LoginChanged",
    "MembershipChanged",
    "NetworkTrouble",
    "NotLoggedIn",
    "NothingToDo",
    "PostsChanged",
    "QueueChanged",
    "WriteFailed",
    "WritesChanged",
]
