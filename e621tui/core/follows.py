"""The followed-tags feed: new posts of many tags at the cost of a few OR queries.

e621ng has no server-side follows (e621-api.md §19), so the feed combines followed tags into
``~a ~b …`` queries of at most 40 counted tags (less the room the blacklist exclusions take;
``rating:s`` is free), catches each query up from the oldest mark of its tags with
``page=a<id>&limit=320`` and attributes posts to tags on our side. N plain follows cost about
⌈N / room⌉ requests (+1 when some tags were never marked, as those queries ask for the newest
page instead; +1 per wildcard follow, which runs alone because ``~fox*`` matches nothing;
+1 per 320 new posts of one query beyond the first). Everything runs at prefetch priority.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from e621tui.api.limiter import Priority
from e621tui.api.models import Post
from e621tui.core.blacklist.tokens import glob_matcher
from e621tui.core.feeds import Feed
from e621tui.core.follow_seen import SeenStore

TAG_LIMIT = 40
CATCH_UP_LIMIT = 320
MAX_CATCH_UP_PAGES = 10
#: Metatags (e621-api.md §0.9): a follow is one plain tag or a wildcard.
METATAGS = frozenset({
    "rating", "fav", "pool", "set", "user", "uploader", "approver", "commenter", "noter",
    "score", "favcount", "date", "type", "filetype", "parent", "ischild", "isparent", "inpool",
    "upvote", "downvote", "voted", "votedup", "voteddown", "md5", "limit", "randseed", "order",
    "id", "status", "width", "height", "tagcount", "comment_count", "comm_count", "filesize",
    "change", "source", "description", "note", "delreason", "deletedby", "duration",
    "mpixels", "ratio", "ratinglocked", "notelocked", "statuslocked", "hassource",
    "hasdescription", "artverified", "gentags", "arttags", "chartags", "copytags", "spectags",
    "invtags", "lortags", "metatags", "contags",
})  # fmt: skip


def normalize_follow(tag: str) -> str:
    """A followed tag as the site spells tags: lowercase, spaces as underscores."""
    return "_".join(tag.strip().lower().split())


def follow_problem(tag: str) -> str | None:
    """Why ``tag`` cannot be followed, or None when it can."""
    name = normalize_follow(tag)
    if not name:
        return "an empty tag cannot be followed"
    if name[0] in "-~":
        return f"{name}: follow a tag, not a search term (no leading - or ~)"
    if name.strip("*") == "":
        return f"{name}: a wildcard needs some letters"
    prefix, sep, _ = name.partition(":")
    if sep and prefix in METATAGS:
        return f"{name}: metatags like {prefix}: cannot be followed, only tags"
    if len(name) > 170:
        return f"{name[:40]}…: longer than any tag"
    return None


def is_wildcard(tag: str) -> bool:
    """True for ``fox*``-style follows (they are searched one at a time)."""
    return "*" in tag


def counted_terms(terms: Iterable[str]) -> int:
    """How many of ``terms`` count against the site's 40-tag limit (§0.9)."""
    free = 0
    listed = [t.lower() for t in terms if t.strip()]
    for term in listed:
        if term.startswith(("rating:s", "limit:")) or term in ("status:deleted", "-status:deleted"):
            free += 1
    return len(listed) - free


@dataclass(frozen=True)
class FollowQuery:
    """One query's worth of follows; ``cursor`` None means "newest page" (never marked)."""

    tags: tuple[str, ...]
    cursor: int | None
    wildcard: bool = False

    def tags_param(self, extra: Sequence[str] = ()) -> str:
        """The ``tags`` parameter: ``~a ~b …`` (or the lone wildcard) plus ``extra``."""
        terms = list(self.tags) if self.wildcard else [f"~{t}" for t in self.tags]
        return " ".join([*terms, *extra])


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def plan_queries(
    follows: Iterable[str], seen: Callable[[str], int | None], *, room: int = TAG_LIMIT
) -> list[FollowQuery]:
    """Group follows into queries of at most ``room`` OR terms.

    Never-marked tags share queries of their own; marked ones are sorted by their mark so that
    a query's cursor (its oldest mark) is close to every mark in it; wildcards go alone.
    """
    if room < 1:
        raise ValueError("no room left for followed tags in a query")
    names = list(dict.fromkeys(follows))
    plain = [t for t in names if not is_wildcard(t)]
    unseen = sorted(t for t in plain if seen(t) is None)
    marked = sorted((t for t in plain if seen(t) is not None), key=lambda t: (seen(t), t))
    queries = [FollowQuery(tuple(chunk), None) for chunk in _chunks(unseen, room)]
    for chunk in _chunks(marked, room):
        queries.append(FollowQuery(tuple(chunk), min(seen(t) or 0 for t in chunk)))
    queries += [FollowQuery((t,), seen(t), wildcard=True) for t in names if is_wildcard(t)]
    return queries


class _Followed:
    """Which followed tags (and wildcards) a post carries."""

    def __init__(self, follows: list[str]) -> None:
        self.plain = frozenset(t for t in follows if not is_wildcard(t))
        self.wildcards = [(t, glob_matcher(t)) for t in follows if is_wildcard(t)]

    def carried_by(self, post: Post) -> list[str]:
        have = post.all_tags
        carried = list(self.plain & have)
        carried += [w for w, matches in self.wildcards if any(map(matches, have))]
        return carried


@dataclass(frozen=True)
class FollowResult:
    """What one refresh found.

    Attributes:
        posts: New posts of any followed tag, newest first.
        tags_of: Post id -> the followed tags it is new for (empty when the site matched it
            through an alias we cannot see).
        counts: Followed tag -> new posts that pass the blacklist (tags with none are absent).
        hidden: New posts the blacklist or safe mode hides.
        more: Tags whose catch-up stopped at the page cap (older new posts shown; mark seen
            and refresh to continue).
        refused: Follows that were left out, with the reason to show.
        requests: API requests the refresh made.
        seconds: How long it took.
    """

    posts: list[Post]
    tags_of: dict[int, tuple[str, ...]]
    counts: dict[str, int]
    hidden: int
    more: tuple[str, ...]
    refused: dict[str, str]
    requests: int
    seconds: float
    high_water: dict[str, int] = field(default_factory=dict)
    """Tag -> the id up to which this refresh saw everything (what "mark all seen" stores)."""

    def tag_summary(self) -> list[tuple[str, int]]:
        """(tag, new posts) for tags with new posts, the one with the newest post first."""
        newest: dict[str, int] = {}
        for post in self.posts:
            for tag in self.tags_of.get(post.id, ()):
                newest.setdefault(tag, post.id)
        return [(t, self.counts[t]) for t in sorted(newest, key=lambda t: -newest[t])
                if t in self.counts]  # fmt: skip


@dataclass
class FollowFeed(Feed):
    """New posts of the followed tags as a `Feed` the grid pages like any other.

    The first page runs `refresh` (all the requests); later pages are slices of its result.
    """

    follows: tuple[str, ...] = ()
    store: SeenStore | None = None
    extra_terms: tuple[str, ...] = ()
    """Terms added to every query: ``-tag`` exclusions (they take room), ``rating:s`` (free)."""
    counts_filter: Callable[[Post], bool] | None = None
    """True for posts that count as new (not blacklisted); None counts every post."""
    on_progress: Callable[[int, int], None] | None = None
    """Called with (queries done, queries planned) while refreshing; `found_so_far` then
    has the posts found until now (a view may show them before the refresh ends)."""
    tag_limit: int = TAG_LIMIT
    max_catch_up_pages: int = MAX_CATCH_UP_PAGES
    result: FollowResult | None = None
    _refreshing: asyncio.Lock = field(default_factory=asyncio.Lock)
    _found: dict[int, Post] = field(default_factory=dict)

    def found_so_far(self) -> list[Post]:
        """New posts found by the queries done so far, newest first (all of them once done)."""
        if self.result is not None:
            return list(self.result.posts)
        return sorted(self._found.values(), key=lambda p: p.id, reverse=True)

    @property
    def title(self) -> str:
        """``followed tags`` and how many new posts."""
        if self.result is None:
            return f"followed tags ({len(self.follows)})"
        return f"followed tags: {len(self.result.posts)} new"

    @property
    def room(self) -> int:
        """OR terms per query after the extra terms."""
        return self.tag_limit - counted_terms(self.extra_terms)

    def fresh_copy(self) -> FollowFeed:
        """The same feed, to refresh again (e.g. after "mark all seen")."""
        clone = super().fresh_copy()
        assert isinstance(clone, FollowFeed)
        clone.result = None
        clone._refreshing = asyncio.Lock()
        clone._found = {}
        return clone

    def planned_queries(self) -> list[FollowQuery]:
        """The queries a refresh would send now (before catch-up pages)."""
        accepted, _ = split_follows(self.follows)
        return plan_queries(accepted, self._mark_of, room=self.room)

    def _mark_of(self, tag: str) -> int | None:
        return self.store.get(tag) if self.store is not None else None

    async def refresh(self) -> FollowResult:
        """Ask the site for new posts of every followed tag (once per feed)."""
        async with self._refreshing:
            if self.result is None:
                self.result = await self._refresh()
            return self.result

    async def _refresh(self) -> FollowResult:
        started = time.monotonic()
        if self.store is not None:
            self.store.reload()
        accepted, refused = split_follows(self.follows)
        queries = plan_queries(accepted, self._mark_of, room=self.room)
        followed = _Followed(accepted)
        found = self._found = {}
        tags_of: dict[int, set[str]] = {}
        high_water: dict[str, int] = {}
        more: list[str] = []
        requests = 0
        known_max = 0
        for done, query in enumerate(queries):
            posts, pages, capped = await self._run(query)
            requests += pages
            top = max((p.id for p in posts), default=0)
            # Everything with these tags up to what the site already had is now seen.
            reach = top if capped else max(top, known_max, query.cursor or 0)
            for tag in query.tags:
                high_water[tag] = reach
            if capped:
                more.extend(query.tags)
            self._attribute(query, posts, followed, found, tags_of)
            known_max = max(known_max, top)
            if self.on_progress is not None:
                self.on_progress(done + 1, len(queries))
        ordered = sorted(found.values(), key=lambda p: p.id, reverse=True)
        counts: dict[str, int] = {}
        hidden = 0
        for post in ordered:
            if self.counts_filter is not None and not self.counts_filter(post):
                hidden += 1
                continue
            for tag in tags_of.get(post.id, ()):
                counts[tag] = counts.get(tag, 0) + 1
        return FollowResult(
            posts=ordered,
            tags_of={pid: tuple(sorted(tags)) for pid, tags in tags_of.items()},
            counts=counts,
            hidden=hidden,
            more=tuple(more),
            refused=refused,
            requests=requests,
            seconds=time.monotonic() - started,
            high_water=high_water,
        )

    async def _run(self, query: FollowQuery) -> tuple[list[Post], int, bool]:
        """One query's posts above its cursor: (posts, requests, stopped at the page cap)."""
        tags = query.tags_param(self.extra_terms)
        search = self.client.posts.search
        if query.cursor is None:
            page = await search(
                tags, limit=CATCH_UP_LIMIT, priority=Priority.PREFETCH, group=self.group
            )
            return page, 1, False
        cursor, posts = query.cursor, []
        for pages in range(1, self.max_catch_up_pages + 1):
            page = await search(
                tags, limit=CATCH_UP_LIMIT, page=f"a{cursor}", priority=Priority.PREFETCH,
                group=self.group,
            )  # fmt: skip
            posts.extend(page)
            # An `a` page holds the closest ids above the cursor: a short page is the end.
            if len(page) < CATCH_UP_LIMIT:
                return posts, pages, False
            cursor = max(p.id for p in page)
        return posts, self.max_catch_up_pages, True

    def _attribute(
        self,
        query: FollowQuery,
        posts: list[Post],
        followed: _Followed,
        found: dict[int, Post],
        tags_of: dict[int, set[str]],
    ) -> None:
        """Keep the posts that are new for some followed tag they carry (any query's tag)."""
        for post in posts:
            carried = followed.carried_by(post)
            new = [t for t in carried if self._is_new(t, post.id)]
            if carried and not new:
                continue  # already seen for every followed tag it carries
            if not carried and query.cursor is not None and post.id <= query.cursor:
                continue
            found.setdefault(post.id, post)
            tags_of.setdefault(post.id, set()).update(new)

    def _is_new(self, tag: str, post_id: int) -> bool:
        mark = self._mark_of(tag)
        return mark is None or post_id > mark

    def mark_all_seen(self) -> int:
        """Remember the last refresh as seen; return how many tags moved forward.

        Reload the feed afterwards (``fresh_copy``): it stays empty until new posts appear.
        """
        if self.result is None or self.store is None:
            return 0
        before = self.store.marks()
        self.store.mark(self.result.high_water)
        after = self.store.marks()
        return sum(1 for tag, value in after.items() if value != before.get(tag))

    async def _fetch(self, index: int, priority: Priority) -> tuple[list[Post], bool]:
        result = await self.refresh()
        start = index * self.page_size
        posts = result.posts[start : start + self.page_size]
        return posts, start + self.page_size >= len(result.posts)


def split_follows(follows: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """Normalized follows that can be searched, and the refused ones with reasons."""
    accepted: list[str] = []
    refused: dict[str, str] = {}
    for raw in follows:
        problem = follow_problem(raw)
        if problem is not None:
            refused[raw] = problem
        else:
            accepted.append(normalize_follow(raw))
    return list(dict.fromkeys(accepted)), refused


def exclusions(rule_keys: Iterable[str], limit: int) -> tuple[str, ...]:
    """``-tag`` terms for blacklist lines that are one plain tag (at most ``limit``).

    Sent with every feed query so such posts do not take the 320 slots; the blacklist is
    still applied to what comes back (lines with several tags or metatags only there).
    """
    out: list[str] = []
    for key in rule_keys:
        if len(out) >= limit:
            break
        if " " in key or ":" in key or "*" in key or key[:1] in "-~" or not key:
            continue
        out.append(f"-{key}")
    return tuple(out)


def marks_for(follows: Iterable[str], marks: Mapping[str, int]) -> dict[str, int]:
    """The marks of the given follows (for showing "last seen" next to each tag)."""
    return {t: marks[t] for t in map(normalize_follow, follows) if t in marks}


__all__ = [
    "CATCH_UP_LIMIT",
    "MAX_CATCH_UP_PAGES",
    "TAG_LIMIT",
    "FollowFeed",
    "FollowQuery",
    "FollowResult",
    "counted_terms",
    "exclusions",
    "follow_problem",
    "is_wildcard",
    "marks_for",
    "normalize_follow",
    "plan_queries",
    "split_follows",
]
