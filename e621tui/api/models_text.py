"""Typed, lenient models of comments, wiki pages, notes, tag rows and related tags.

Same rules as `e621tui.api.models`: unknown keys ignored, missing keys and JSON `null` take
the defaults, numbers sent as strings are coerced, anything else raises `DecodeError`.
All text fields (`body`, `title`, names) are hostile: sanitize before showing them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from e621tui.api.errors import DecodeError
from e621tui.api.models import CATEGORY_BY_ID, convert, convert_many, unwrap

#: What the site shows next to a comment whose author was sanctioned for it (§14.1).
WARNING_TEXT: dict[str, str] = {
    "warning": "User received a warning for the contents of this message.",
    "record": "User received a record for the contents of this message.",
    "ban": "User received a ban for the contents of this message.",
}


class Comment(msgspec.Struct, kw_only=True):
    """A comment on a post (`/comments.json?group_by=comment`); `body` is DText."""

    id: int
    post_id: int = 0
    created_at: str = ""
    updated_at: str = ""
    creator_id: int = 0
    creator_name: str = ""
    body: str = ""
    score: int = 0
    is_hidden: bool = False
    is_sticky: bool = False
    warning_type: str | None = None
    """``"warning"``, ``"record"``, ``"ban"`` or None: the author was sanctioned for this."""
    warning_user_id: int | None = None
    do_not_bump_post: bool = False
    updater_id: int | None = None
    updater_name: str = ""
    vote: int = 0
    """Your vote on the comment (0 when anonymous; the field is new in 2026-05)."""

    @property
    def was_edited(self) -> bool:
        """True when the comment changed after it was posted."""
        return bool(self.updated_at) and self.updated_at != self.created_at

    @property
    def warning_text(self) -> str | None:
        """The site's notice for a sanctioned comment, or None."""
        if not self.warning_type:
            return None
        return WARNING_TEXT.get(self.warning_type, "User received a sanction for this message.")


class WikiPage(msgspec.Struct, kw_only=True):
    """A wiki page; ``parent`` set means a redirect page (fetch ``parent`` yourself)."""

    id: int
    title: str = ""
    body: str = ""
    other_names: list[str] = msgspec.field(default_factory=list)
    parent: str | None = None
    is_locked: bool = False
    is_deleted: bool = False
    created_at: str = ""
    updated_at: str = ""
    creator_id: int = 0
    creator_name: str = ""
    updater_id: int | None = None
    featured_posts: list[int] = msgspec.field(default_factory=list)
    category_id: int | None = None
    """The tag's category (`CATEGORY_BY_ID`), None when no tag has this name."""

    @property
    def display_title(self) -> str:
        """The title with underscores shown as spaces."""
        return self.title.replace("_", " ")

    @property
    def is_redirect(self) -> bool:
        """True for a page that only points to another (``parent``)."""
        return bool(self.parent)


class Note(msgspec.Struct, kw_only=True):
    """A note box on a post, in original-image pixels; ``body`` is DText."""

    id: int
    post_id: int = 0
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0
    body: str = ""
    is_active: bool = True
    version: int = 0
    created_at: str = ""
    updated_at: str = ""
    creator_id: int = 0
    creator_name: str = ""


class RelatedTag(msgspec.Struct, kw_only=True):
    """A tag related to another: from `/related_tag.json` or a tag row's ``related_tags``."""

    name: str
    category_id: int | None = None
    """The category (`CATEGORY_BY_ID`), None when the source did not say."""
    count: int | None = None
    """Posts in the site's sample that carry both tags, when the source gives it."""

    @property
    def category_name(self) -> str | None:
        """The category as a word, or None when unknown."""
        if self.category_id is None:
            return None
        return CATEGORY_BY_ID.get(self.category_id)


class Tag(msgspec.Struct, kw_only=True):
    """A `/tags.json` row."""

    id: int = 0
    name: str = ""
    post_count: int = 0
    category: int = 0
    related_tags: str | None = None
    """The site's cached related list: ``"tag count tag count …"``."""
    related_tags_updated_at: str | None = None
    is_locked: bool = False
    created_at: str = ""
    updated_at: str = ""

    @property
    def category_name(self) -> str:
        """The category as a word ("artist", "general", …)."""
        return CATEGORY_BY_ID.get(self.category, "general")

    def related(self) -> list[RelatedTag]:
        """``related_tags`` parsed (categories unknown), without this tag itself."""
        return [t for t in parse_related_tags(self.related_tags) if t.name != self.name]


class PostCount(msgspec.Struct, kw_only=True):
    """`/posts/count.json`: how many posts match (``capped`` past 240 000)."""

    count: int = 0
    capped: bool = False


def parse_related_tags(text: str | None) -> list[RelatedTag]:
    """Parse ``"tag count tag count …"``; pairs whose count is not a number are skipped."""
    if not text:
        return []
    words = text.split()
    out: list[RelatedTag] = []
    for name, raw in zip(words[::2], words[1::2], strict=False):
        try:
            value = float(raw)
        except ValueError:
            continue
        out.append(RelatedTag(name=name, count=int(value)))
    return out


def decode_related(body: Any) -> list[RelatedTag]:
    """Decode `/related_tag.json`: a list of ``{name, category_id}`` (``-1`` = unknown)."""
    items, _ = convert_many(unwrap(body, "related_tags") if body is not None else [], RelatedTag)
    for item in items:
        if item.category_id is not None and item.category_id < 0:
            item.category_id = None
    return items


def decode_list(body: Any, key: str, cls: type[Any]) -> list[Any]:
    """A bare list (or the pre-2025-11 ``{"key": []}`` envelope) of ``cls``, leniently."""
    if body is None:
        return []
    items, _ = convert_many(unwrap(body, key), cls)
    return items


def decode_one(body: Any, key: str, cls: type[Any]) -> Any:
    """One object, bare or wrapped in ``{"key": …}``."""
    if not isinstance(body, dict):
        raise DecodeError(f"expected a {cls.__name__} object")
    inner = body[key] if isinstance(body.get(key), dict) else body
    return convert(inner, cls)


__all__ = [
    "WARNING_TEXT",
    "Comment",
    "Note",
    "PostCount",
    "RelatedTag",
    "Tag",
    "WikiPage",
    "decode_list",
    "decode_one",
    "decode_related",
    "parse_related_tags",
]
