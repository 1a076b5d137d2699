"""The dev server's text records: comments, wiki pages and notes (e621-api.md §14, §15, §17)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CommentRec:
    """A comment on a post; `body` is DText."""

    id: int
    post_id: int
    creator_id: int
    creator_name: str
    body: str
    created: float
    updated: float
    score: int = 0
    is_hidden: bool = False
    is_sticky: bool = False
    #: "warning", "record", "ban" or None: the author was sanctioned for this comment.
    warning_type: str | None = None
    warning_user_id: int | None = None
    do_not_bump_post: bool = False


@dataclass
class WikiRec:
    """A wiki page; `title` is a tag name (lowercase, underscores)."""

    id: int
    title: str
    body: str
    creator_id: int
    creator_name: str
    created: float
    updated: float
    other_names: list[str] = field(default_factory=list)
    #: Non-empty for a redirect page: the title it points to.
    parent: str | None = None
    is_locked: bool = False
    is_deleted: bool = False
    featured_posts: list[int] = field(default_factory=list)


@dataclass
class NoteRec:
    """A translation note: a box on the original image with DText."""

    id: int
    post_id: int
    creator_id: int
    creator_name: str
    x: int
    y: int
    width: int
    height: int
    body: str
    created: float
    updated: float
    is_active: bool = True
    version: int = 1


__all__ = ["CommentRec", "NoteRec", "WikiRec"]
