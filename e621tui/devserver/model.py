"""The dev server's live data: posts, pools, sets, users, tags, favorites and votes."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from e621tui.devserver.model_text import CommentRec, NoteRec, WikiRec

#: Tag categories with the autocomplete's numeric ids (e621-api.md §7.1).
CATEGORY_IDS: dict[str, int] = {
    "general": 0,
    "artist": 1,
    "contributor": 2,
    "copyright": 3,
    "character": 4,
    "species": 5,
    "invalid": 6,
    "meta": 7,
    "lore": 8,
}

#: The order categories appear in a post's `tags` object.
TAG_ORDER: tuple[str, ...] = (
    "general",
    "artist",
    "contributor",
    "copyright",
    "character",
    "species",
    "invalid",
    "meta",
    "lore",
)


@dataclass
class PostRec:
    """One post as the server stores it (rendered to JSON by `render.post_json`)."""

    id: int
    created: float
    updated: float | None
    width: int
    height: int
    ext: str
    size: int
    md5: str
    tags: dict[str, list[str]]
    rating: str
    uploader_id: int
    uploader_name: str
    up: int = 0
    down: int = 0
    #: Legacy-imported posts can have `total != up + down` (e621-api.md §2.4).
    score_offset: int = 0
    fav_count: int = 0
    comment_count: int = 0
    change_seq: int = 0
    locked_tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    description: str = ""
    pools: list[int] = field(default_factory=list)
    parent_id: int | None = None
    children: list[int] = field(default_factory=list)
    approver_id: int | None = None
    pending: bool = False
    flagged: bool = False
    deleted: bool = False
    note_locked: bool = False
    status_locked: bool = False
    rating_locked: bool = False
    has_notes: bool = False
    duration: float | None = None
    #: "normal", "corrupt" (truncated JPEG bytes), "missing" (404) or "placeholder" (flash).
    preview_mode: str = "normal"
    all_tags: frozenset[str] = frozenset()

    @property
    def score(self) -> int:
        """The authoritative total score."""
        return self.up + self.down + self.score_offset

    @property
    def tag_count(self) -> int:
        """How many tags the post has."""
        return len(self.all_tags)

    def refresh_tags(self) -> None:
        """Recompute the flattened tag set after editing `tags`."""
        self.all_tags = frozenset(t for tags in self.tags.values() for t in tags)


@dataclass
class PoolRec:
    """A pool; `post_ids` is the reading order."""

    id: int
    name: str
    created: float
    updated: float
    creator_id: int
    creator_name: str
    description: str
    category: str
    post_ids: list[int]
    is_active: bool = True


@dataclass
class SetRec:
    """A post set; `post_ids` is insertion order."""

    id: int
    name: str
    shortname: str
    description: str
    is_public: bool
    creator_id: int
    post_ids: list[int]
    created: float
    updated: float
    transfer_on_delete: bool = False
    maintainer_ids: list[int] = field(default_factory=list)


@dataclass
class UserRec:
    """A user account (only the demo accounts have API keys)."""

    id: int
    name: str
    created: float
    level: int = 20
    level_string: str = "Member"
    api_key: str | None = None
    blacklisted_tags: str = ""
    per_page: int = 75
    time_zone: str = "Eastern Time (US & Canada)"
    hide_favorites: bool = False
    enable_safe_mode: bool = False
    post_upload_count: int = 0
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class TagRec:
    """A tag row (post counts count non-deleted posts)."""

    id: int
    name: str
    category: str
    post_count: int
    created: float


class DemoState:
    """All the server's data, guarded by `lock` (an RLock: take it for any read or write).

    Attributes:
        special: Ids of notable records, e.g. `special["video"]`, `special["deleted"]`,
            `special["pool_1000"]`, `special["set_demo_private"]`, `special["hostile"]`.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.posts: dict[int, PostRec] = {}
        self.posts_by_md5: dict[str, PostRec] = {}
        #: Post ids, highest first (the default order).
        self.ids_desc: list[int] = []
        self.pools: dict[int, PoolRec] = {}
        self.sets: dict[int, SetRec] = {}
        self.users: dict[int, UserRec] = {}
        self.tags: dict[str, TagRec] = {}
        self.aliases: dict[str, str] = {}
        #: user id -> {post id: favorite row id}; insertion order is favorite time.
        self.favorites: dict[int, dict[int, int]] = {}
        #: (user id, post id) -> -1 or 1.
        self.votes: dict[tuple[int, int], int] = {}
        self.special: dict[str, int] = {}
        #: Comments, wiki pages (by id) and notes (`discovery_data.py`).
        self.comments: dict[int, CommentRec] = {}
        #: (user id, comment id) -> -1 or 1.
        self.comment_votes: dict[tuple[int, int], int] = {}
        self.wiki_pages: dict[int, WikiRec] = {}
        self.notes: dict[int, NoteRec] = {}
        #: Real original files by md5 (`media.py`): served as is, and `md5(bytes) == md5`.
        self.files: dict[str, bytes] = {}
        self.now: float = 0.0
        self._fav_rows = itertools.count(1)
        self._set_ids = itertools.count(1)

    # --- lookups -------------------------------------------------------------------------

    def post(self, post_id: int) -> PostRec:
        """The post with this id (KeyError if none)."""
        with self.lock:
            return self.posts[post_id]

    def pool(self, pool_id: int) -> PoolRec:
        """The pool with this id (KeyError if none)."""
        with self.lock:
            return self.pools[pool_id]

    def post_set(self, set_id: int) -> SetRec:
        """The set with this id (KeyError if none)."""
        with self.lock:
            return self.sets[set_id]

    def user(self, name_or_id: str | int) -> UserRec | None:
        """A user by id or (case-insensitive, spaces as underscores) name."""
        with self.lock:
            if isinstance(name_or_id, int):
                return self.users.get(name_or_id)
            wanted = normalize_name(name_or_id)
            for user in self.users.values():
                if user.name.lower() == wanted:
                    return user
            return None

    def is_favorited(self, user: str | int, post_id: int) -> bool:
        """Whether `user` (name or id) has favorited the post."""
        with self.lock:
            rec = self.user(user)
            return rec is not None and post_id in self.favorites.get(rec.id, {})

    def vote_of(self, user: str | int, post_id: int) -> int:
        """The user's vote on the post: -1, 0 or 1."""
        with self.lock:
            rec = self.user(user)
            return 0 if rec is None else self.votes.get((rec.id, post_id), 0)

    def favorite_ids(self, user: str | int) -> list[int]:
        """The user's favorites, newest first."""
        with self.lock:
            rec = self.user(user)
            return [] if rec is None else list(reversed(self.favorites.get(rec.id, {})))

    # --- mutations -------------------------------------------------------------------------

    def add_favorite(self, user_id: int, post_id: int) -> bool:
        """Favorite a post; False if it already was."""
        with self.lock:
            favs = self.favorites.setdefault(user_id, {})
            if post_id in favs:
                return False
            favs[post_id] = next(self._fav_rows)
            self.posts[post_id].fav_count += 1
            return True

    def remove_favorite(self, user_id: int, post_id: int) -> bool:
        """Unfavorite a post; False if it was not a favorite."""
        with self.lock:
            favs = self.favorites.setdefault(user_id, {})
            if favs.pop(post_id, None) is None:
                return False
            post = self.posts[post_id]
            post.fav_count = max(0, post.fav_count - 1)
            return True

    def set_vote(self, user_id: int, post_id: int, score: int) -> None:
        """Set the user's vote (-1, 0 to clear, 1), keeping the post's up/down counts right."""
        with self.lock:
            post = self.posts[post_id]
            old = self.votes.pop((user_id, post_id), 0)
            if old > 0:
                post.up -= 1
            elif old < 0:
                post.down += 1
            if score > 0:
                post.up += 1
            elif score < 0:
                post.down -= 1
            if score:
                self.votes[(user_id, post_id)] = score

    def new_set_id(self) -> int:
        """Allocate the next set id."""
        with self.lock:
            return next(self._set_ids)

    def reserve_set_ids(self, after: int) -> None:
        """Make `new_set_id` continue after `after`."""
        self._set_ids = itertools.count(after + 1)


def normalize_name(name: str) -> str:
    """A user name as the site compares it: lowercase, spaces as underscores."""
    return name.strip().lower().replace(" ", "_")
