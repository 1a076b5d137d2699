"""Typed, lenient models of what an e621ng site returns.

Decoding is tolerant in the ways the real site requires (e621-api.md §2.4, §11.2): unknown keys
are ignored, missing keys take defaults, JSON `null` takes the field's default, and numbers sent
as strings are coerced. Anything that still does not fit raises `DecodeError`, never another
exception type.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from e621tui.api.errors import DecodeError

T = TypeVar("T")

#: Tag categories in the order the site shows them.
TAG_CATEGORIES: tuple[str, ...] = (
    "artist",
    "contributor",
    "copyright",
    "character",
    "species",
    "general",
    "meta",
    "lore",
    "invalid",
)

#: Autocomplete's numeric category ids (e621-api.md §7.1).
CATEGORY_BY_ID: dict[int, str] = {
    0: "general",
    1: "artist",
    2: "contributor",
    3: "copyright",
    4: "character",
    5: "species",
    6: "invalid",
    7: "meta",
    8: "lore",
}

VIDEO_EXTS = frozenset({"webm", "mp4"})
ANIMATED_EXTS = frozenset({"gif", "swf"})


class FileInfo(msgspec.Struct, kw_only=True):
    """The original file."""

    width: int = 0
    height: int = 0
    ext: str = ""
    size: int = 0
    md5: str = ""
    url: str | None = None


class Preview(msgspec.Struct, kw_only=True):
    """The thumbnail (≤256 px since 2025-06)."""

    width: int = 0
    height: int = 0
    url: str | None = None
    alt: str | None = None


class Sample(msgspec.Struct, kw_only=True):
    """The downsized sample (a JPEG still for videos; null when there is none)."""

    has: bool = False
    width: int = 0
    height: int = 0
    url: str | None = None
    alt: str | None = None
    alternates: dict[str, Any] = msgspec.field(default_factory=dict)


class Score(msgspec.Struct, kw_only=True):
    """Vote counts; `down` is stored negative and `total` is authoritative."""

    up: int = 0
    down: int = 0
    total: int = 0


class Flags(msgspec.Struct, kw_only=True):
    """Moderation flags."""

    pending: bool = False
    flagged: bool = False
    note_locked: bool = False
    status_locked: bool = False
    rating_locked: bool = False
    deleted: bool = False


class Relationships(msgspec.Struct, kw_only=True):
    """Parent and children."""

    parent_id: int | None = None
    has_children: bool = False
    has_active_children: bool = False
    children: list[int] = msgspec.field(default_factory=list)


class Post(msgspec.Struct, kw_only=True, weakref=True):
    """A post in the legacy (default) JSON format."""

    id: int
    created_at: str = ""
    updated_at: str | None = None
    file: FileInfo = msgspec.field(default_factory=FileInfo)
    preview: Preview = msgspec.field(default_factory=Preview)
    sample: Sample = msgspec.field(default_factory=Sample)
    score: Score = msgspec.field(default_factory=Score)
    tags: dict[str, list[str]] = msgspec.field(default_factory=dict)
    locked_tags: list[str] = msgspec.field(default_factory=list)
    change_seq: int = 0
    flags: Flags = msgspec.field(default_factory=Flags)
    rating: str = "q"
    fav_count: int = 0
    sources: list[str] = msgspec.field(default_factory=list)
    pools: list[int] = msgspec.field(default_factory=list)
    relationships: Relationships = msgspec.field(default_factory=Relationships)
    approver_id: int | None = None
    uploader_id: int = 0
    uploader_name: str = ""
    description: str = ""
    comment_count: int = 0
    is_favorited: bool = False
    vote: int = 0
    has_notes: bool = False
    duration: float | None = None

    @property
    def all_tags(self) -> set[str]:
        """Every tag of every category, flattened."""
        return {tag for tags in self.tags.values() for tag in tags}

    @property
    def tag_count(self) -> int:
        """How many tags the post has."""
        return sum(len(tags) for tags in self.tags.values())

    def tags_by_category(self) -> list[tuple[str, list[str]]]:
        """Non-empty tag categories in the site's display order, unknown categories last."""
        known = [(cat, self.tags[cat]) for cat in TAG_CATEGORIES if self.tags.get(cat)]
        extra = [
            (cat, tags) for cat, tags in self.tags.items() if cat not in TAG_CATEGORIES and tags
        ]
        return known + sorted(extra)

    @property
    def is_video(self) -> bool:
        """True for webm/mp4 posts."""
        return self.file.ext.lower() in VIDEO_EXTS

    @property
    def is_flash(self) -> bool:
        """True for swf posts."""
        return self.file.ext.lower() == "swf"

    @property
    def is_animated(self) -> bool:
        """True for videos, gifs, flash and posts tagged `animated`."""
        tags = self.tags.get("meta", [])
        return self.is_video or self.file.ext.lower() in ANIMATED_EXTS or "animated" in tags

    @property
    def is_hidden(self) -> bool:
        """True when the site withheld the file URLs from us (login, safe mode, deleted)."""
        return self.file.url is None and self.preview.url is None and self.sample.url is None

    @property
    def preview_url(self) -> str | None:
        """The thumbnail URL, if the site gave us one."""
        return self.preview.url or self.preview.alt

    @property
    def display_url(self) -> str | None:
        """The best still image for the post screen: the sample, else the file (images only)."""
        if self.sample.url:
            return self.sample.url
        if self.is_video or self.is_flash:
            return self.preview_url
        return self.file.url

    @property
    def is_deleted(self) -> bool:
        """True if the post was deleted."""
        return self.flags.deleted


class Pool(msgspec.Struct, kw_only=True):
    """A pool: an ordered list of posts (`post_ids` is the reading order)."""

    id: int
    name: str = ""
    created_at: str = ""
    updated_at: str = ""
    creator_id: int = 0
    creator_name: str = ""
    description: str = ""
    is_active: bool = True
    category: str = "series"
    post_ids: list[int] = msgspec.field(default_factory=list)
    post_count: int = 0

    @property
    def display_name(self) -> str:
        """The name with underscores shown as spaces."""
        return self.name.replace("_", " ")


class PostSet(msgspec.Struct, kw_only=True):
    """A post set (user-curated collection, insertion order)."""

    id: int
    name: str = ""
    shortname: str = ""
    description: str = ""
    is_public: bool = True
    transfer_on_delete: bool = False
    creator_id: int = 0
    post_ids: list[int] = msgspec.field(default_factory=list)
    post_count: int = 0
    created_at: str = ""
    updated_at: str = ""


class SetChoice(msgspec.Struct, frozen=True):
    """One entry of `/post_sets/for_select.json`."""

    id: int
    name: str
    owned: bool


class TagSuggestion(msgspec.Struct, kw_only=True):
    """One autocomplete result."""

    id: int = 0
    name: str = ""
    post_count: int = 0
    category: int = 0
    antecedent_name: str | None = None

    @property
    def category_name(self) -> str:
        """The category as a word ("artist", "general", …)."""
        return CATEGORY_BY_ID.get(self.category, "general")


class User(msgspec.Struct, kw_only=True):
    """A user; the private fields are only present when you fetch yourself."""

    id: int
    name: str = ""
    level: int = 0
    level_string: str = ""
    created_at: str = ""
    favorite_count: int = 0
    blacklisted_tags: str | None = None
    per_page: int | None = None
    enable_safe_mode: bool | None = None
    api_burst_limit: int | None = None
    remaining_api_limit: int | None = None


class VoteResult(msgspec.Struct, kw_only=True):
    """The body of a vote: new totals and our own vote (-1, 0, 1)."""

    score: int = 0
    up: int = 0
    down: int = 0
    our_score: int = 0


class FavoriteResult(msgspec.Struct, kw_only=True):
    """The outcome of adding or removing a favorite (both the 2025-08+ and the older shapes)."""

    post_id: int
    favorite_count: int | None = None
    post: Post | None = None


def _strip_nulls(value: Any) -> Any:
    """Drop JSON nulls so that every field falls back to its declared default."""
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value if v is not None]
    return value


def convert(obj: Any, cls: type[T]) -> T:
    """Turn decoded JSON into `cls`, leniently; raise `DecodeError` if it cannot fit."""
    try:
        return msgspec.convert(_strip_nulls(obj), cls, strict=False)
    except (msgspec.ValidationError, TypeError, ValueError, RecursionError) as exc:
        raise DecodeError(f"unexpected {cls.__name__} data from the server: {exc}") from None


def convert_many(items: Any, cls: type[T]) -> tuple[list[T], int]:
    """Convert a list leniently: return the items that fit and how many were skipped."""
    if not isinstance(items, list):
        raise DecodeError(f"expected a list of {cls.__name__}, got {type(items).__name__}")
    good: list[T] = []
    skipped = 0
    for item in items:
        try:
            good.append(convert(item, cls))
        except DecodeError:
            skipped += 1
    return good, skipped


def unwrap(body: Any, key: str) -> Any:
    """Unwrap `{"key": value}` envelopes (and the `{"other": []}` quirk, e621ng#359)."""
    if isinstance(body, dict):
        if key in body:
            return body[key]
        if len(body) == 1:
            return next(iter(body.values()))
        if not body:
            return []
    return body


def decode_post(obj: Any) -> Post:
    """Decode one post, wrapped in `{"post": ...}` or bare."""
    return convert(unwrap(obj, "post"), Post)


def decode_posts(obj: Any) -> tuple[list[Post], int]:
    """Decode a post list, wrapped in `{"posts": [...]}` or bare; skip malformed entries."""
    return convert_many(unwrap(obj, "posts"), Post)


def decode_favorite(obj: Any, post_id: int) -> FavoriteResult:
    """Decode a favorite add/remove answer: `{post_id, favorite_count}`, `{post}`, or empty."""
    if isinstance(obj, dict) and "post" in obj and isinstance(obj["post"], dict):
        post = decode_post(obj)
        return FavoriteResult(post_id=post.id, favorite_count=post.fav_count, post=post)
    if isinstance(obj, dict) and obj:
        result = convert({"post_id": post_id, **obj}, FavoriteResult)
        return result
    return FavoriteResult(post_id=post_id)


def decode_set_choices(obj: Any) -> list[SetChoice]:
    """Decode `/post_sets/for_select.json`: `{"Owned": [[name, id]...], "Maintained": [...]}`."""
    if not isinstance(obj, dict):
        raise DecodeError("unexpected for_select data from the server")
    choices: list[SetChoice] = []
    for group, owned in (("Owned", True), ("Maintained", False)):
        entries = obj.get(group) or []
        if not isinstance(entries, list):
            raise DecodeError("unexpected for_select data from the server")
        for entry in entries:
            if (
                isinstance(entry, list)
                and len(entry) == 2
                and isinstance(entry[0], str)
                and isinstance(entry[1], int)
                and not isinstance(entry[1], bool)  # JSON true is not an id
            ):
                choices.append(SetChoice(id=entry[1], name=entry[0], owned=owned))
    return choices


__all__ = [
    "CATEGORY_BY_ID",
    "TAG_CATEGORIES",
    "FavoriteResult",
    "FileInfo",
    "Flags",
    "Pool",
    "Post",
    "PostSet",
    "Preview",
    "Relationships",
    "Sample",
    "Score",
    "SetChoice",
    "TagSuggestion",
    "User",
    "VoteResult",
    "convert",
    "convert_many",
    "decode_favorite",
    "decode_post",
    "decode_posts",
    "decode_set_choices",
    "unwrap",
]
