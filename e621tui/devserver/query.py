"""The post search language (e621-api.md §0.9): tags, `-`/`~` prefixes, wildcards, metatags.

Supported metatags: `rating:`, `id:`, `score:`, `favcount:`, `width:`, `height:`, `tagcount:`,
`comment_count:`, `md5:`, `type:`/`filetype:`, `status:`, `fav:`, `pool:`, `set:`,
`user:`/`uploader:`, `parent:`, `ischild:`, `isparent:`, `inpool:`, `votedup:`/`upvote:`,
`voteddown:`/`downvote:`, `voted:`, `order:`, `randseed:`, `limit:`. Grouping with parentheses
is not supported (a lone `(` is an ordinary tag that matches nothing).

OR terms (`~tag`) follow the site (e621-api.md §19): at least one must match; every `~tag`
counts toward the 40-tag limit; `~fox*` is not expanded (it matches nothing) and a plain
`fox*` joins the same OR list as the `~` terms. Free tags: `rating:s…`, `status:deleted`,
`-status:deleted` and `limit:` (§0.9).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from e621tui.devserver.common import Ctx, access_denied, expected_error, wildcard_regex
from e621tui.devserver.model import PostRec

Predicate = Callable[[PostRec], bool]

MAX_TAGS = 40
ID_LIST_CAP = 320

_NUMERIC: dict[str, Callable[[PostRec], float]] = {
    "id": lambda p: p.id,
    "score": lambda p: p.score,
    "favcount": lambda p: p.fav_count,
    "width": lambda p: p.width,
    "height": lambda p: p.height,
    "tagcount": lambda p: p.tag_count,
    "comment_count": lambda p: p.comment_count,
    "comm_count": lambda p: p.comment_count,
    "filesize": lambda p: p.size,
}
_OTHER_META = {
    "rating", "md5", "type", "filetype", "status", "fav", "pool", "set", "user", "uploader",
    "parent", "ischild", "isparent", "inpool", "votedup", "upvote", "voteddown", "downvote",
    "voted", "order", "randseed", "limit",
}  # fmt: skip
METATAGS = frozenset(_NUMERIC) | frozenset(_OTHER_META)

_ORDERS: dict[str, tuple[Callable[[PostRec], float], bool]] = {
    "id": (lambda p: p.id, False),
    "id_asc": (lambda p: p.id, False),
    "id_desc": (lambda p: p.id, True),
    "score": (lambda p: p.score, True),
    "favcount": (lambda p: p.fav_count, True),
    "created": (lambda p: p.created, True),
    "created_at": (lambda p: p.created, True),
    "updated": (lambda p: p.updated or p.created, True),
    "updated_at": (lambda p: p.updated or p.created, True),
    "change": (lambda p: p.change_seq, True),
    "comment_count": (lambda p: p.comment_count, True),
    "comm_count": (lambda p: p.comment_count, True),
    "tagcount": (lambda p: p.tag_count, True),
    "mpixels": (lambda p: p.width * p.height, True),
    "filesize": (lambda p: p.size, True),
    "size": (lambda p: p.size, True),
}


@dataclass
class Term:
    """One search token."""

    name: str
    value: str | None
    negated: bool
    optional: bool
    raw: str


@dataclass
class Query:
    """A parsed search: filters plus order and limit."""

    terms: list[Term] = field(default_factory=list)
    order: str = "id_desc"
    order_inverted: bool = False
    randseed: int | None = None
    limit: int | None = None
    show_deleted: bool = False


def parse(tags: str) -> Query:
    """Parse a `tags` string; raises 422 past 40 counted tags."""
    query = Query()
    counted = 0
    for raw in tags.lower().split():
        token, negated, optional = raw, False, False
        while token[:1] in ("-", "~") and len(token) > 1:
            negated, optional = negated or token[0] == "-", optional or token[0] == "~"
            token = token[1:]
        name, sep, value = token.partition(":")
        term = Term(name, value, negated, optional, raw) if sep and name in METATAGS else None
        if term is None:
            term = Term(token, None, negated, optional, raw)
        if not _is_free(term):
            counted += 1
        if term.name == "order":
            query.order, query.order_inverted = term.value or "id_desc", negated
        elif term.name == "randseed":
            query.randseed = int(term.value) if term.value and term.value.isdigit() else None
        elif term.name == "limit":
            query.limit = int(term.value) if term.value and term.value.isdigit() else None
        else:
            if term.name == "status" and term.value in ("deleted", "active", "any", "all"):
                query.show_deleted = True
            query.terms.append(term)
    if counted > MAX_TAGS:
        raise expected_error(422, "You cannot search for more than 40 tags at a time")
    return query


def _is_free(term: Term) -> bool:
    """Tags that do not count against the 40-tag limit (`is_unlimited_tag?`)."""
    if term.value is None or term.optional:
        return False
    if term.name == "limit":
        return True
    if term.name == "rating":
        return not term.negated and term.value.startswith("s")
    return term.name == "status" and term.value == "deleted"


def number_matcher(value: str, cap: int | None = None) -> Callable[[float], bool]:
    """Match numbers against `N`, `a,b,c`, `a..b`, `..b`, `a..`, `>N`, `>=N`, `<N`, `<=N`."""

    def num(text: str) -> float:
        return float(text)

    try:
        if ".." in value:
            lo, _, hi = value.partition("..")
            low = num(lo) if lo else float("-inf")
            high = num(hi) if hi else float("inf")
            return lambda x: low <= x <= high
        for op, test in (
            (">=", lambda x, n: x >= n),
            ("=>", lambda x, n: x >= n),
            ("<=", lambda x, n: x <= n),
            ("=<", lambda x, n: x <= n),
            (">", lambda x, n: x > n),
            ("<", lambda x, n: x < n),
            ("=", lambda x, n: x == n),
        ):
            if value.startswith(op):
                bound = num(value[len(op) :])
                return lambda x, t=test, b=bound: t(x, b)  # type: ignore[misc]
        if "," in value:
            wanted = {num(v) for v in value.split(",")[: cap or None] if v}
            return lambda x: x in wanted
        exact = num(value)
        return lambda x: x == exact
    except ValueError:
        return lambda x: False


class Matcher:
    """Compiles a `Query` into predicates against one request's state and user."""

    def __init__(self, ctx: Ctx, query: Query) -> None:
        self.ctx = ctx
        self.query = query
        self.required: list[tuple[Predicate, bool]] = []
        self.optional: list[tuple[Predicate, bool]] = []
        for term in query.terms:
            wildcard = term.value is None and "*" in term.name
            if wildcard and term.optional and not term.negated:
                # `~fox*` is not expanded by the site: an OR term that never matches.
                self.optional.append((_never, False))
                continue
            pred = self._compile(term)
            # A plain (non-negated) wildcard joins the OR list of the `~` terms.
            optional = term.optional or (wildcard and not term.negated)
            (self.optional if optional else self.required).append((pred, term.negated))

    def __call__(self, post: PostRec) -> bool:
        if post.deleted and not self.query.show_deleted:
            return False
        for pred, negated in self.required:
            if pred(post) == negated:
                return False
        if self.optional:
            return any(pred(post) != negated for pred, negated in self.optional)
        return True

    def _compile(self, term: Term) -> Predicate:
        if term.value is None:
            return self._tag(term.name)
        name, value = term.name, term.value
        if name in _NUMERIC:
            getter = _NUMERIC[name]
            test = number_matcher(value, ID_LIST_CAP if name == "id" else None)
            return lambda p: test(getter(p))
        handler = getattr(self, f"_meta_{name}", None)
        if handler is None:
            return lambda p: False
        pred: Predicate = handler(value)
        return pred

    def _tag(self, name: str) -> Predicate:
        if "*" in name:
            regex = wildcard_regex(name)
            names = frozenset(t for t in self.ctx.state.tags if regex.match(t))
            return lambda p: not p.all_tags.isdisjoint(names)
        name = self.ctx.state.aliases.get(name, name)
        return lambda p: name in p.all_tags

    def _meta_rating(self, value: str) -> Predicate:
        letter = value[:1]
        return lambda p: p.rating == letter

    def _meta_md5(self, value: str) -> Predicate:
        wanted = set(value.split(",")[:ID_LIST_CAP])
        return lambda p: p.md5 in wanted

    def _meta_type(self, value: str) -> Predicate:
        return lambda p: p.ext == value

    _meta_filetype = _meta_type

    def _meta_status(self, value: str) -> Predicate:
        tests: dict[str, Predicate] = {
            "pending": lambda p: p.pending,
            "flagged": lambda p: p.flagged,
            "modqueue": lambda p: p.pending or p.flagged,
            "deleted": lambda p: p.deleted,
            "active": lambda p: not (p.pending or p.flagged or p.deleted),
            "any": lambda p: True,
            "all": lambda p: True,
        }
        return tests.get(value, lambda p: False)

    def _user_ids(self, value: str) -> set[int]:
        state = self.ctx.state
        if value == "me" or value == "":
            return {self.ctx.user.id} if self.ctx.user else set()
        if value.startswith("!") and value[1:].isdigit():
            return {int(value[1:])}
        user = state.user(value)
        return {user.id} if user else set()

    def _meta_fav(self, value: str) -> Predicate:
        state = self.ctx.state
        ids = self._user_ids(value)
        for uid in ids:
            user = state.users.get(uid)
            me = self.ctx.user
            if user and user.hide_favorites and (me is None or me.id != uid):
                raise access_denied("This user's favorites are hidden")
        favs = {pid for uid in ids for pid in state.favorites.get(uid, {})}
        return lambda p: p.id in favs

    def _meta_pool(self, value: str) -> Predicate:
        pools = self.ctx.state.pools
        if value.isdigit():
            pool = pools.get(int(value))
        else:
            pool = next((p for p in pools.values() if p.name.lower() == value), None)
        members = set(pool.post_ids) if pool else set()
        return lambda p: p.id in members

    def _meta_set(self, value: str) -> Predicate:
        sets = self.ctx.state.sets
        if value.isdigit():
            found = sets.get(int(value))
        else:
            found = next((s for s in sets.values() if s.shortname == value), None)
        if found and not found.is_public:
            me = self.ctx.user
            if me is None or me.id != found.creator_id:
                raise access_denied()
        members = set(found.post_ids) if found else set()
        return lambda p: p.id in members

    def _meta_user(self, value: str) -> Predicate:
        ids = self._user_ids(value)
        return lambda p: p.uploader_id in ids

    _meta_uploader = _meta_user

    def _meta_parent(self, value: str) -> Predicate:
        if value == "none":
            return lambda p: p.parent_id is None
        if value == "any":
            return lambda p: p.parent_id is not None
        target = int(value) if value.isdigit() else -1
        return lambda p: p.parent_id == target or p.id == target

    def _meta_ischild(self, value: str) -> Predicate:
        want = value in ("true", "yes")
        return lambda p: (p.parent_id is not None) == want

    def _meta_isparent(self, value: str) -> Predicate:
        want = value in ("true", "yes")
        return lambda p: bool(p.children) == want

    def _meta_inpool(self, value: str) -> Predicate:
        want = value in ("true", "yes")
        return lambda p: bool(p.pools) == want

    def _voted(self, sign: int) -> Predicate:
        me = self.ctx.user
        if me is None:
            return lambda p: False
        votes = self.ctx.state.votes
        return lambda p: (
            votes.get((me.id, p.id), 0) != 0 if sign == 0 else votes.get((me.id, p.id), 0) == sign
        )

    def _meta_votedup(self, value: str) -> Predicate:
        return self._voted(1)

    def _meta_voteddown(self, value: str) -> Predicate:
        return self._voted(-1)

    def _meta_voted(self, value: str) -> Predicate:
        return self._voted(0)

    _meta_upvote = _meta_votedup
    _meta_downvote = _meta_voteddown


def _never(post: PostRec) -> bool:
    return False


def search(ctx: Ctx, query: Query) -> list[PostRec]:
    """Every post matching `query`, in id-descending order."""
    matcher = Matcher(ctx, query)
    posts = ctx.state.posts
    return [posts[pid] for pid in ctx.state.ids_desc if matcher(posts[pid])]


def sort_posts(posts: list[PostRec], query: Query) -> list[PostRec]:
    """Apply `order:` (used for numbered pages only; cursors force id order)."""
    name = query.order
    if name == "random":
        rng = random.Random(query.randseed) if query.randseed is not None else random.Random()
        shuffled = list(posts)
        rng.shuffle(shuffled)
        return shuffled
    ascending = name.endswith("_asc") and name != "id_asc"
    if name.endswith("_desc") and name != "id_desc":
        name = name[: -len("_desc")]
    elif ascending:
        name = name[: -len("_asc")]
    key, descending = _ORDERS.get(name, _ORDERS["id_desc"])
    if ascending:
        descending = False
    if query.order_inverted:
        descending = not descending
    # Ties keep id-descending order: the input is id-descending and sorts are stable.
    return sorted(posts, key=key, reverse=descending)
