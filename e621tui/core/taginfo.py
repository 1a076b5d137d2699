"""Everything about one tag for a tag screen: wiki page, other names, post count, related tags.

Related tags come from `/related_tag.json` when logged in (the site requires it) and from the
tag row's cached ``related_tags`` otherwise (e621-api.md §16, §7.2); their categories are
filled in with one more `/tags.json?search[name]=…` request when the source lacks them.
Cost: 2–4 requests (tag row, wiki page, +1 for a redirect page, +1 for related tags).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from e621tui.api.client import E621Client
from e621tui.api.endpoints.tags import NAMES_PER_REQUEST
from e621tui.api.endpoints.wiki import normalize_title
from e621tui.api.errors import AuthError, Forbidden
from e621tui.api.limiter import Priority
from e621tui.api.models import CATEGORY_BY_ID
from e621tui.api.models_text import RelatedTag, Tag, WikiPage

RelatedSource = Literal["related_tag", "tags.json", "none"]
MAX_REDIRECTS = 3
MAX_RELATED = 25


@dataclass(frozen=True)
class TagInfo:
    """What the site knows about a tag.

    Attributes:
        name: The tag asked for (normalized).
        tag: Its row, or None when no such tag exists.
        wiki: Its wiki page (after redirects), or None when there is none.
        redirected_from: The redirect page's title when the wiki came through one.
        related: Related tags, without the tag itself, most related first.
        related_source: Where they came from.
    """

    name: str
    tag: Tag | None
    wiki: WikiPage | None
    redirected_from: str | None
    related: tuple[RelatedTag, ...]
    related_source: RelatedSource

    @property
    def exists(self) -> bool:
        """True when the site has the tag."""
        return self.tag is not None

    @property
    def post_count(self) -> int:
        """Posts with the tag (0 when it does not exist)."""
        return self.tag.post_count if self.tag else 0

    @property
    def category(self) -> str | None:
        """The tag's category as a word, if known."""
        if self.tag is not None:
            return self.tag.category_name
        if self.wiki is not None and self.wiki.category_id is not None:
            return CATEGORY_BY_ID.get(self.wiki.category_id)
        return None

    @property
    def other_names(self) -> tuple[str, ...]:
        """The wiki page's other names (empty without a page)."""
        return tuple(self.wiki.other_names) if self.wiki else ()

    @property
    def missing_wiki_text(self) -> str | None:
        """What to say instead of the wiki text, or None when there is a page."""
        if self.wiki is not None and not self.wiki.is_deleted:
            return None
        shown = self.name.replace("_", " ")
        if self.wiki is not None:
            return f"The wiki page for {shown} was deleted."
        return f"There is no wiki page for {shown}."


class TagInfoService:
    """Builds `TagInfo` values through the client (``logged_in`` decides the related source)."""

    def __init__(self, client: E621Client, logged_in: Callable[[], bool]) -> None:
        self.client = client
        self.logged_in = logged_in

    async def info(
        self, name: str, *, categories: bool = True, priority: Priority = Priority.USER
    ) -> TagInfo:
        """Tag row, wiki page and related tags of ``name``."""
        wanted = normalize_title(name)
        tag = await self.client.tags.get(wanted, priority=priority)
        wiki, redirected = await self.wiki(wanted, priority=priority)
        related, source = await self.related(wanted, tag, categories=categories, priority=priority)
        return TagInfo(wanted, tag, wiki, redirected, tuple(related), source)

    async def wiki(
        self, name: str, *, priority: Priority = Priority.USER
    ) -> tuple[WikiPage | None, str | None]:
        """The wiki page of ``name`` after redirects, and the redirect's title if any."""
        page = await self.client.wiki.by_title(name, priority=priority)
        redirected: str | None = None
        hops = 0
        while page is not None and page.parent and hops < MAX_REDIRECTS:
            redirected = redirected or page.title
            target = await self.client.wiki.by_title(page.parent, priority=priority)
            if target is None:
                break  # a redirect to nothing: show the redirect page itself
            page, hops = target, hops + 1
        return page, redirected

    async def related(
        self,
        name: str,
        tag: Tag | None,
        *,
        categories: bool = True,
        priority: Priority = Priority.USER,
    ) -> tuple[list[RelatedTag], RelatedSource]:
        """Related tags: the site's live list when logged in, else the tag row's cached one."""
        counts = {t.name: t.count for t in (tag.related() if tag else [])}
        if self.logged_in():
            try:
                found = await self.client.tags.related(name, priority=priority)
            except (Forbidden, AuthError):
                found = None  # the key stopped working: fall back to the cached list
            if found is not None:
                items = [
                    RelatedTag(name=t.name, category_id=t.category_id, count=counts.get(t.name))
                    for t in found
                    if t.name != name
                ][:MAX_RELATED]
                return items, "related_tag"
        if tag is None or not counts:
            return [], "none"
        items = [t for t in tag.related() if t.name != name][:MAX_RELATED]
        if categories and items:
            items = await self._with_categories(items, priority)
        return items, "tags.json"

    async def _with_categories(
        self, items: list[RelatedTag], priority: Priority
    ) -> list[RelatedTag]:
        names = [t.name for t in items][:NAMES_PER_REQUEST]
        rows = await self.client.tags.search(names=names, hide_empty=False, priority=priority)
        category = {row.name: row.category for row in rows}
        return [
            RelatedTag(name=t.name, category_id=category.get(t.name), count=t.count) for t in items
        ]


__all__ = ["RelatedSource", "TagInfo", "TagInfoService"]
