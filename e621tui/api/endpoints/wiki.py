"""Wiki page and note endpoints (e621-api.md §15, §17)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from e621tui.api.endpoints.base import EndpointGroup
from e621tui.api.errors import NotFound
from e621tui.api.limiter import Priority
from e621tui.api.models_text import Note, WikiPage, decode_list, decode_one
from e621tui.api.query import MAX_LIMIT


def normalize_title(title: str) -> str:
    """A wiki title as the site stores it: trimmed, lowercase, spaces as underscores."""
    return "_".join(title.strip().lower().split())


class WikiEndpoints(EndpointGroup):
    """``/wiki_pages`` (``client.wiki``)."""

    async def by_title(self, title: str, *, priority: Priority = Priority.USER) -> WikiPage | None:
        """The page titled ``title`` (a tag name), or None when there is none.

        Uses the search form, which works for every title (all-digit ones such as ``2020``
        and ones with ``/ . ?``); the path form would read digits as an id.
        """
        wanted = normalize_title(title)
        if not wanted:
            return None
        if "*" in wanted:  # the search form would treat it as a wildcard
            return await self._by_path(wanted, priority)
        pages = await self.search(title=wanted, limit=1, priority=priority)
        return next((p for p in pages if p.title == wanted), pages[0] if pages else None)

    async def _by_path(self, title: str, priority: Priority) -> WikiPage | None:
        try:
            body = await self._api.request(
                "GET", f"/wiki_pages/{quote(title, safe='')}.json", priority=priority
            )
        except NotFound:
            return None
        page: WikiPage = decode_one(body, "wiki_page", WikiPage)
        return page

    async def get(self, page_id: int, *, priority: Priority = Priority.USER) -> WikiPage:
        """One page by id (`NotFound` when missing)."""
        body = await self._api.request("GET", f"/wiki_pages/{int(page_id)}.json", priority=priority)
        page: WikiPage = decode_one(body, "wiki_page", WikiPage)
        return page

    async def search(
        self,
        *,
        title: str | None = None,
        body_matches: str | None = None,
        other_names_match: str | None = None,
        hide_deleted: bool = False,
        order: str | None = None,
        limit: int | None = None,
        page: int | str | None = None,
        priority: Priority = Priority.USER,
    ) -> list[WikiPage]:
        """Search ``/wiki_pages.json`` (``title`` exact, ``*`` wildcards; blanks not sent)."""
        params: dict[str, Any] = {}
        for key, value in (
            ("search[title]", title),
            ("search[body_matches]", body_matches),
            ("search[other_names_match]", other_names_match),
            ("search[order]", order),
        ):
            if value is not None and value.strip():
                params[key] = value.strip()
        if hide_deleted:
            params["search[hide_deleted]"] = "true"
        if limit is not None:
            params["limit"] = max(0, min(int(limit), MAX_LIMIT))
        if page is not None:
            params["page"] = page
        body = await self._api.request("GET", "/wiki_pages.json", params=params, priority=priority)
        pages: list[WikiPage] = decode_list(body, "wiki_pages", WikiPage)
        return pages


class NoteEndpoints(EndpointGroup):
    """``/notes`` (``client.notes``)."""

    async def for_post(
        self, post_id: int, *, active_only: bool = True, priority: Priority = Priority.USER
    ) -> list[Note]:
        """A post's notes (only fetch when the post ``has_notes``), oldest first."""
        params: dict[str, Any] = {"search[post_id]": int(post_id), "limit": MAX_LIMIT}
        if active_only:
            params["search[is_active]"] = "true"
        body = await self._api.request("GET", "/notes.json", params=params, priority=priority)
        notes: list[Note] = decode_list(body, "notes", Note)
        return sorted(notes, key=lambda n: n.id)


__all__ = ["NoteEndpoints", "WikiEndpoints", "normalize_title"]
