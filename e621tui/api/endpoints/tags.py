"""Tag endpoints: autocomplete, tag rows, related tags (e621-api.md §7, §16)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from e621tui.api.endpoints.base import EndpointGroup
from e621tui.api.limiter import Priority
from e621tui.api.models import TagSuggestion, convert_many, unwrap
from e621tui.api.models_text import RelatedTag, Tag, decode_list, decode_related
from e621tui.api.query import MAX_LIMIT

#: Tag names per ``search[name]=a,b,c`` request (the list is an IN-list capped like ids).
NAMES_PER_REQUEST = 100


class TagEndpoints(EndpointGroup):
    """``/tags`` and ``/related_tag`` (``client.tags``)."""

    async def autocomplete(
        self, text: str, *, priority: Priority = Priority.USER
    ) -> list[TagSuggestion]:
        """Tag suggestions for a prefix; short input and metatags return nothing without a request.

        A newer autocomplete request replaces an older one still waiting for a slot.
        """
        prefix = text.strip().lstrip("-~").lower()
        if len(prefix) < 3 or ":" in prefix:
            return []
        body = await self._api.request(
            "GET",
            "/tags/autocomplete.json",
            params={"search[name_matches]": prefix},
            priority=priority,
            key="autocomplete",
        )
        items, _ = convert_many(unwrap(body, "tags") if body is not None else [], TagSuggestion)
        return items

    async def search(
        self,
        *,
        names: Sequence[str] | None = None,
        name_matches: str | None = None,
        category: int | None = None,
        order: str | None = None,
        hide_empty: bool = True,
        limit: int | None = None,
        page: int | str | None = None,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[Tag]:
        """Search ``/tags.json``; ``names`` looks up many exact names in one request (≤100)."""
        params: dict[str, Any] = {}
        if names is not None:
            wanted = list(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
            if not wanted:
                return []
            if len(wanted) > NAMES_PER_REQUEST:
                raise ValueError(f"at most {NAMES_PER_REQUEST} names per request")
            params["search[name]"] = ",".join(wanted)
            params["limit"] = len(wanted)
        if name_matches and name_matches.strip():
            params["search[name_matches]"] = name_matches.strip().lower()
        if category is not None:
            params["search[category]"] = int(category)
        if order:
            params["search[order]"] = order
        if not hide_empty:
            params["search[hide_empty]"] = "false"
        if limit is not None:
            params["limit"] = max(0, min(int(limit), MAX_LIMIT))
        if page is not None:
            params["page"] = page
        body = await self._api.request(
            "GET", "/tags.json", params=params, priority=priority, group=group
        )
        tags: list[Tag] = decode_list(body, "tags", Tag)
        return tags

    async def get(
        self, name: str, *, priority: Priority = Priority.USER, group: str | None = None
    ) -> Tag | None:
        """The tag row named ``name`` (even an empty one), or None when there is none."""
        wanted = name.strip().lower()
        if not wanted:
            return None
        rows = await self.search(names=[wanted], hide_empty=False, priority=priority, group=group)
        return next((t for t in rows if t.name == wanted), None)

    async def related(
        self,
        query: str,
        *,
        category: int | None = None,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[RelatedTag]:
        """``/related_tag.json`` (login required: 403 `Forbidden` when anonymous).

        One tag without a category gives its cached list (the tag itself included); several
        tags need a ``category`` or the site answers with nothing.
        """
        params: dict[str, Any] = {"search[query]": query.strip().lower()}
        if not params["search[query]"]:
            return []
        if category is not None:
            params["search[category_id]"] = int(category)
        body = await self._api.request(
            "GET", "/related_tag.json", params=params, priority=priority, group=group
        )
        return decode_related(body)


__all__ = ["NAMES_PER_REQUEST", "TagEndpoints"]
