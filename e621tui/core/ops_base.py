"""What the Session's operation mixins (`SetOps`, `WriteOps`) may use of the Session."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from e621tui.api.client import E621Client
    from e621tui.api.models import SetChoice
    from e621tui.core.events import Event
    from e621tui.core.writes.outbox import Outbox
    from e621tui.core.writes.tracker import WriteTracker


class SessionOps:
    """Base of the Session's mixins; `Session` defines every name declared here."""

    if TYPE_CHECKING:
        client: E621Client
        outbox: Outbox | None
        my_sets: list[SetChoice]
        active_set: SetChoice | None
        active_members: set[int]
        members_loading: bool
        _writes: WriteTracker

        @property
        def logged_in(self) -> bool:
            """True when writes can be made."""

        def _emit(self, event: Event) -> None:
            """Tell every listener about `event`."""


__all__ = ["SessionOps"]
