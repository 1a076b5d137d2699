"""Your sets: the list you own or maintain, the active set, and what each known set contains.

The members of every set the app has read live here, in one place: screens read them from
`SetService.members` and wait for a load with `SetService.wait_members`, and the write service
updates them optimistically as edits are made, undone or refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from e621tui.api.client import E621Client
from e621tui.api.limiter import Priority
from e621tui.api.models import PostSet, SetChoice
from e621tui.core.events import Event, MembershipChanged, NotLoggedIn

if TYPE_CHECKING:
    from e621tui.core.writes.store import Action

PendingEdits = Callable[[], Iterable["Action"]]
"""The writes still on their way (their set edits are replayed over a freshly loaded set)."""


class SetService:
    """Loads, chooses, creates, edits and deletes the account's sets.

    Args:
        client: The API client.
        emit: Tells the session's listeners about a change.
        pending_edits: The outbox's pending actions (none when logged out).
    """

    def __init__(
        self, client: E621Client, emit: Callable[[Event], None], pending_edits: PendingEdits
    ) -> None:
        self._client = client
        self._emit = emit
        self._pending_edits = pending_edits
        self.my_sets: list[SetChoice] = []
        self.active: SetChoice | None = None
        self._members: dict[int, set[int]] = {}
        self._loads: dict[int, asyncio.Event] = {}
        # Edits made while a set is being read, replayed over what the read brings back.
        self._journal: dict[int, list[tuple[frozenset[int], bool]]] = {}

    # ---- what is known -------------------------------------------------------------------

    def members(self, set_id: int) -> set[int] | None:
        """The posts of a set as far as we know (our own edits included), or None if unread."""
        return self._members.get(set_id)

    @property
    def active_members(self) -> set[int]:
        """The active set's posts (empty while they load or with no active set)."""
        if self.active is None:
            return set()
        return self._members.get(self.active.id, set())

    @property
    def members_loading(self) -> bool:
        """True while the active set's members are being read."""
        return self.active is not None and self.loading(self.active.id)

    def loading(self, set_id: int) -> bool:
        """True while a read of this set's members is under way."""
        event = self._loads.get(set_id)
        return event is not None and not event.is_set()

    async def wait_members(self, set_id: int) -> set[int] | None:
        """Wait for a read of this set under way (if any), then return its members."""
        event = self._loads.get(set_id)
        if event is not None:
            await event.wait()
        return self.members(set_id)

    def mine(self, set_id: int) -> SetChoice | None:
        """This set as one of yours (owned or maintained), or None."""
        return next((choice for choice in self.my_sets if choice.id == set_id), None)

    def is_active(self, set_id: int) -> bool:
        """True when ``set_id`` is the active set."""
        return self.active is not None and self.active.id == set_id

    def remember(self, post_set: PostSet) -> set[int]:
        """Record a set read from the site; edits made meanwhile or still pending are replayed."""
        members = set(post_set.post_ids)
        for ids, adding in self._journal.pop(post_set.id, []):
            if adding:
                members.update(ids)
            else:
                members.difference_update(ids)
        for action in self._pending_edits():
            if action.set_id != post_set.id:
                continue
            if action.kind == "set_add":
                members.update(action.post_ids)
            elif action.kind == "set_remove":
                members.difference_update(action.post_ids)
        self._members[post_set.id] = members
        return members

    def apply_edit(self, set_id: int, post_ids: Iterable[int], *, adding: bool) -> None:
        """Show an edit of a known set at once (called by the write service)."""
        ids = frozenset(post_ids)
        if self.loading(set_id):
            self._journal.setdefault(set_id, []).append((ids, adding))
        members = self._members.get(set_id)
        if members is not None:
            if adding:
                members.update(ids)
            else:
                members.difference_update(ids)
        self._emit(MembershipChanged(set_id))

    def forget(self) -> None:
        """Logged out: none of this is yours any more."""
        self.my_sets = []
        self.active = None
        self._members.clear()
        self._journal.clear()

    # ---- loading and choosing ------------------------------------------------------------

    def _require_login(self) -> None:
        if not self._client.logged_in:
            raise NotLoggedIn()

    async def load_my_sets(self, priority: Priority = Priority.USER) -> list[SetChoice]:
        """The sets you own or maintain."""
        self._require_login()
        self.my_sets = await self._client.sets.for_select(priority=priority)
        return self.my_sets

    async def read(self, set_id: int, priority: Priority = Priority.NORMAL) -> PostSet:
        """Read a set from the site and remember its members (waiters are woken either way)."""
        event = self._loads.get(set_id)
        if event is None or event.is_set():
            event = self._loads[set_id] = asyncio.Event()
            self._journal[set_id] = []
        try:
            post_set = await self._client.sets.get(set_id, priority=priority)
            self.remember(post_set)
        finally:
            self._journal.pop(set_id, None)
            event.set()
        return post_set

    async def set_active(self, choice: SetChoice | None) -> None:
        """Make a set the target of ``a``/``x`` and load its members.

        Edits made to it while its members load are kept (they are replayed over the loaded
        list); if the set cannot be read, it does not stay active.
        """
        self.active = choice
        if choice is None:
            self._emit(MembershipChanged(None))
            return
        try:
            await self.read(choice.id)
        except BaseException:
            if self.active == choice:
                self.active = None
                self._emit(MembershipChanged(None))
            raise
        if self.active != choice:
            return  # another set was chosen meanwhile
        self._emit(MembershipChanged(choice.id))

    # ---- managing ------------------------------------------------------------------------

    async def create(
        self, name: str, shortname: str, description: str = "", is_public: bool = False
    ) -> SetChoice:
        """Create a set (validation errors raise `InvalidQuery` with per-field errors)."""
        self._require_login()
        created = await self._client.sets.create(
            name, shortname, description=description, is_public=is_public
        )
        choice = SetChoice(id=created.id, name=created.name.replace("_", " "), owned=True)
        self.my_sets = [choice, *[s for s in self.my_sets if s.id != created.id]]
        self._members[created.id] = set(created.post_ids)
        return choice

    async def update(
        self,
        set_id: int,
        *,
        name: str | None = None,
        shortname: str | None = None,
        description: str | None = None,
        is_public: bool | None = None,
    ) -> None:
        """Edit a set's details (only the fields given); a 422 raises `InvalidQuery`."""
        self._require_login()
        await self._client.sets.update(
            set_id, name=name, shortname=shortname, description=description, is_public=is_public
        )
        if name is not None:
            shown = name.replace("_", " ")
            self.my_sets = [
                SetChoice(id=s.id, name=shown, owned=s.owned) if s.id == set_id else s
                for s in self.my_sets
            ]
            if self.active is not None and self.active.id == set_id:
                self.active = SetChoice(id=set_id, name=shown, owned=self.active.owned)
        self._emit(MembershipChanged(set_id))

    async def delete(self, set_id: int) -> None:
        """Delete a set; it stops being one of yours and, if it was active, nothing is active."""
        self._require_login()
        await self._client.sets.delete(set_id)
        self.my_sets = [s for s in self.my_sets if s.id != set_id]
        if self.active is not None and self.active.id == set_id:
            self.active = None
        self._members.pop(set_id, None)
        self._emit(MembershipChanged(set_id))


__all__ = ["PendingEdits", "SetService"]
