"""Post set endpoints: search, read, create, edit, delete, and add/remove posts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from e621tui.api.endpoints.base import EndpointGroup
from e621tui.api.limiter import Priority
from e621tui.api.models import PostSet, SetChoice, convert, convert_many, decode_set_choices, unwrap

#: Most ids one add_posts/remove_posts call accepts.
MAX_SET_IDS = 320


class SetEndpoints(EndpointGroup):
    """``/post_sets`` (``client.sets``)."""

    async def search(
        self,
        *,
        name: str | None = None,
        shortname: str | None = None,
        creator_id: int | None = None,
        creator_name: str | None = None,
        post_id: int | None = None,
        order: str | None = None,
        limit: int | None = None,
        page: int | None = None,
        priority: Priority = Priority.USER,
    ) -> list[PostSet]:
        """Search ``/post_sets.json`` (``post_id`` finds the sets containing a post)."""
        params: dict[str, Any] = {}
        for key, value in (
            ("search[name]", name),
            ("search[shortname]", shortname),
            ("search[creator_id]", creator_id),
            ("search[creator_name]", creator_name),
            ("search[order]", order),
            ("post_id", post_id),
            ("limit", limit),
            ("page", page),
        ):
            if value is not None and value != "":
                params[key] = value
        body = await self._api.request("GET", "/post_sets.json", params=params, priority=priority)
        sets, _ = convert_many(unwrap(body, "post_sets"), PostSet)
        return sets

    async def get(self, set_id: int, *, priority: Priority = Priority.USER) -> PostSet:
        """One set, with ``post_ids``."""
        body = await self._api.request("GET", f"/post_sets/{int(set_id)}.json", priority=priority)
        return convert(body, PostSet)

    async def for_select(self, *, priority: Priority = Priority.USER) -> list[SetChoice]:
        """The sets you own or maintain (needs login)."""
        body = await self._api.request("GET", "/post_sets/for_select.json", priority=priority)
        return decode_set_choices(body)

    async def create(
        self,
        name: str,
        shortname: str,
        *,
        description: str = "",
        is_public: bool = False,
        transfer_on_delete: bool = False,
    ) -> PostSet:
        """Create a set; a 422 raises `InvalidQuery` with per-field ``errors``."""
        data = {
            "post_set[name]": name,
            "post_set[shortname]": shortname,
            "post_set[description]": description,
            "post_set[is_public]": "true" if is_public else "false",
            "post_set[transfer_on_delete]": "true" if transfer_on_delete else "false",
        }
        body = await self._api.request("POST", "/post_sets.json", data=data)
        return convert(body, PostSet)

    async def update(
        self,
        set_id: int,
        *,
        name: str | None = None,
        shortname: str | None = None,
        description: str | None = None,
        is_public: bool | None = None,
    ) -> None:
        """Edit a set's details."""
        data: dict[str, str] = {}
        if name is not None:
            data["post_set[name]"] = name
        if shortname is not None:
            data["post_set[shortname]"] = shortname
        if description is not None:
            data["post_set[description]"] = description
        if is_public is not None:
            data["post_set[is_public]"] = "true" if is_public else "false"
        await self._api.request("PATCH", f"/post_sets/{int(set_id)}.json", data=data)

    async def delete(self, set_id: int) -> None:
        """Delete a set."""
        await self._api.request("DELETE", f"/post_sets/{int(set_id)}.json")

    async def _edit_set(self, set_id: int, action: str, post_ids: Sequence[int]) -> PostSet | None:
        ids = list(dict.fromkeys(int(i) for i in post_ids))
        if not ids:
            raise ValueError("no posts given")
        if len(ids) > MAX_SET_IDS:
            raise ValueError(f"at most {MAX_SET_IDS} posts per request")
        data = {"post_ids[]": ids}
        body = await self._api.request("POST", f"/post_sets/{int(set_id)}/{action}.json", data=data)
        if isinstance(body, dict) and "id" in body:
            return convert(body, PostSet)
        return None

    async def add_posts(self, set_id: int, post_ids: Sequence[int]) -> PostSet | None:
        """Add up to 320 posts to a set (idempotent: present ids are ignored by the site)."""
        return await self._edit_set(set_id, "add_posts", post_ids)

    async def remove_posts(self, set_id: int, post_ids: Sequence[int]) -> PostSet | None:
        """Remove up to 320 posts from a set (idempotent)."""
        return await self._edit_set(set_id, "remove_posts", post_ids)


__all__ = ["MAX_SET_IDS", "SetEndpoints"]
