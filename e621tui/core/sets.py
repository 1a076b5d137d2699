"""Set management for the Session: your sets, the active set and its members, set details."""

from __future__ import annotations

from e621tui.api.limiter import Priority
from e621tui.api.models import SetChoice
from e621tui.core.events import MembershipChanged, NotLoggedIn
from e621tui.core.ops_base import SessionOps


class SetOps(SessionOps):
    """Loads, chooses, creates, edits and deletes the account's sets (mixed into `Session`)."""

    async def load_my_sets(self) -> list[SetChoice]:
        """The sets you own or maintain."""
        if not self.logged_in:
            raise NotLoggedIn()
        self.my_sets = await self.client.sets.for_select()
        return self.my_sets

    async def set_active(self, choice: SetChoice | None) -> None:
        """Make a set the target of ``a``/``x`` and load its members.

        Edits made to it while its members load are kept (they are replayed over the loaded
        list); if the set cannot be read, it does not stay active.
        """
        self.active_set = choice
        self.active_members = set()
        if choice is None:
            self.members_loading = False
            self._emit(MembershipChanged(None))
            return
        self.members_loading = True
        try:
            post_set = await self.client.sets.get(choice.id, priority=Priority.NORMAL)
        except BaseException:
            if self.active_set == choice:
                self.active_set = None
                self.members_loading = False
                self._emit(MembershipChanged(None))
            raise
        if self.active_set != choice:
            return  # another set was chosen meanwhile
        members = set(post_set.post_ids) | self.active_members
        for action in self.outbox.pending() if self.outbox is not None else []:
            if action.set_id == choice.id and action.kind == "set_add":
                members.update(action.post_ids)
            elif action.set_id == choice.id and action.kind == "set_remove":
                members.difference_update(action.post_ids)
        self.active_members = members
        self.members_loading = False
        self._emit(MembershipChanged(choice.id))

    async def create_set(
        self, name: str, shortname: str, description: str = "", is_public: bool = False
    ) -> SetChoice:
        """Create a set (validation errors raise `InvalidQuery` with per-field errors)."""
        if not self.logged_in:
            raise NotLoggedIn()
        created = await self.client.sets.create(
            name, shortname, description=description, is_public=is_public
        )
        choice = SetChoice(id=created.id, name=created.name.replace("_", " "), owned=True)
        self.my_sets = [choice, *[s for s in self.my_sets if s.id != created.id]]
        return choice

    async def update_set(
        self,
        set_id: int,
        *,
        name: str | None = None,
        shortname: str | None = None,
        description: str | None = None,
        is_public: bool | None = None,
    ) -> None:
        """Edit a set's details (only the fields given); a 422 raises `InvalidQuery`."""
        if not self.logged_in:
            raise NotLoggedIn()
        await self.client.sets.update(
            set_id, name=name, shortname=shortname, description=description, is_public=is_public
        )
        if name is not None:
            shown = name.replace("_", " ")
            self.my_sets = [
                SetChoice(id=s.id, name=shown, owned=s.owned) if s.id == set_id else s
                for s in self.my_sets
            ]
            if self.active_set is not None and self.active_set.id == set_id:
                self.active_set = SetChoice(id=set_id, name=shown, owned=self.active_set.owned)
        self._emit(MembershipChanged(set_id))

    async def delete_set(self, set_id: int) -> None:
        """Delete a set; it stops being one of yours and, if it was active, nothing is active."""
        if not self.logged_in:
            raise NotLoggedIn()
        await self.client.sets.delete(set_id)
        self.my_sets = [s for s in self.my_sets if s.id != set_id]
        if self.active_set is not None and self.active_set.id == set_id:
            self.active_set = None
            self.active_members = set()
        self._emit(MembershipChanged(set_id))


__all__ = ["SetOps"]
