"""Deterministic demo data: posts, pools, sets, users, favorites and votes from a seed.

(Over 400 lines on purpose: every generated record uses one seeded random stream, so the
order of generation — and with it every test's data — stays in one file.)
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Sequence
from datetime import UTC, datetime

from e621tui.devserver import vocab
from e621tui.devserver.discovery_data import prepare_discovery
from e621tui.devserver.model import DemoState, PoolRec, PostRec, SetRec, TagRec, UserRec

DEMO_USERNAME = "demo"
DEMO_API_KEY = "demo1key2for3local4tests"
OTHER_USERNAME = "Other_User"
OTHER_API_KEY = "other5key6for7local8test"
DEMO_USER_ID = 1001
OTHER_USER_ID = 1002

#: The demo site's "now": the newest post is a little older than this.
BASE_TIME = datetime(2026, 8, 1, 16, 0, tzinfo=UTC).timestamp()
#: Fewer posts than this would not leave room for every special post and pool.
MIN_POSTS = 60

DEMO_BLACKLIST = (
    "# hidden on the demo account\nrating:e tagme\nsnow -winter # an inline comment\nspiders"
)

#: (special key, nominal size, category) of the pools tests rely on.
POOL_PLAN: tuple[tuple[str, int, str], ...] = (
    ("pool_3", 3, "series"),
    ("pool_12", 12, "series"),
    ("pool_40", 40, "collection"),
    ("pool_250", 250, "series"),
    ("pool_1000", 1000, "collection"),
)


def _cum_weights(n: int, exponent: float = 1.1) -> list[float]:
    """Zipf-like cumulative weights for a list of `n` items ordered by popularity."""
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


class _Picker:
    """Draws distinct tags from a vocabulary list with Zipf-like frequencies."""

    def __init__(self, rng: random.Random, words: Sequence[str], exponent: float = 1.1) -> None:
        self.rng = rng
        self.words = list(words)
        self.cum = _cum_weights(len(words), exponent)

    def pick(self, k: int) -> list[str]:
        if k <= 0:
            return []
        return sorted(set(self.rng.choices(self.words, cum_weights=self.cum, k=k)))


def generate(seed: int = 621, post_count: int = 3000) -> DemoState:
    """Build the demo site's data; the same arguments always give the same data."""
    rng = random.Random(seed)
    state = DemoState()
    state.now = BASE_TIME
    _make_users(state, rng)
    _make_posts(state, rng, seed, max(post_count, MIN_POSTS))
    _make_specials(state)
    _make_pools(state, rng)
    _make_sets(state, rng)
    _make_favorites_and_votes(state, rng)
    _make_bench_pool(state, seed)
    rebuild_tags(state)
    prepare_discovery(state, seed)  # comments, wiki pages, notes: made on first use
    return state


def _make_users(state: DemoState, rng: random.Random) -> None:
    for i, name in enumerate(vocab.UPLOADERS):
        level, level_string = (60, "Janitor") if i % 7 == 3 else (30, "Privileged")
        if i % 3 == 1:
            level, level_string = 20, "Member"
        state.users[100 + i] = UserRec(
            id=100 + i,
            name=name,
            created=BASE_TIME - rng.uniform(300, 3000) * 86400,
            level=level,
            level_string=level_string,
        )
    fan_id = 100 + len(vocab.UPLOADERS)
    state.users[fan_id] = UserRec(
        id=fan_id, name=vocab.PRIVATE_FAN, created=BASE_TIME - 900 * 86400, hide_favorites=True
    )
    state.special["user_hidden_favorites"] = fan_id
    state.users[DEMO_USER_ID] = UserRec(
        id=DEMO_USER_ID,
        name=DEMO_USERNAME,
        created=BASE_TIME - 400 * 86400,
        api_key=DEMO_API_KEY,
        blacklisted_tags=DEMO_BLACKLIST,
    )
    state.users[OTHER_USER_ID] = UserRec(
        id=OTHER_USER_ID,
        name=OTHER_USERNAME,
        created=BASE_TIME - 800 * 86400,
        level=30,
        level_string="Privileged",
        api_key=OTHER_API_KEY,
        blacklisted_tags="tagme",
    )
    state.special["user_demo"] = DEMO_USER_ID
    state.special["user_other"] = OTHER_USER_ID


_DIMENSIONS = (
    (640, 480), (800, 600), (700, 1000), (1000, 700), (1280, 720), (1200, 1600), (1920, 1080),
    (2000, 1500), (1600, 2400), (2400, 1800), (3000, 2000), (4000, 3000), (450, 450), (512, 512),
)  # fmt: skip


def _make_posts(state: DemoState, rng: random.Random, seed: int, count: int) -> None:
    pickers = {
        "artist": _Picker(rng, vocab.ARTISTS),
        "contributor": _Picker(rng, vocab.CONTRIBUTORS),
        "copyright": _Picker(rng, vocab.COPYRIGHTS),
        "character": _Picker(rng, vocab.CHARACTERS),
        "species": _Picker(rng, vocab.SPECIES),
        "general": _Picker(rng, vocab.GENERAL, 0.6),
        "meta": _Picker(rng, [m for m in vocab.META if m != "animated"]),
        "lore": _Picker(rng, vocab.LORE),
        "invalid": _Picker(rng, vocab.INVALID),
    }
    uploaders = [u for u in state.users.values() if u.id < 100 + len(vocab.UPLOADERS)]
    approvers = [u.id for u in uploaders if u.level >= 60]
    post_id = 5_120_000 + rng.randrange(1000)
    created = BASE_TIME - rng.uniform(600, 3600)
    for n in range(count):
        ext = rng.choices(("jpg", "png", "gif", "webm", "swf"), (72, 22, 2, 3, 1))[0]
        width, height = rng.choice(_DIMENSIONS)
        r = rng.random()
        tags = {
            "general": pickers["general"].pick(rng.randint(6, 28)),
            "artist": pickers["artist"].pick(2 if r < 0.08 else (0 if r > 0.95 else 1)),
            "contributor": pickers["contributor"].pick(1 if r < 0.03 else 0),
            "copyright": pickers["copyright"].pick(rng.randint(0, 2)),
            "character": pickers["character"].pick(rng.randint(0, 3)),
            "species": pickers["species"].pick(rng.randint(1, 3)),
            "invalid": pickers["invalid"].pick(1 if rng.random() < 0.01 else 0),
            "meta": pickers["meta"].pick(rng.randint(1, 3)),
            "lore": pickers["lore"].pick(1 if rng.random() < 0.02 else 0),
        }
        if ext in ("gif", "webm", "swf"):
            tags["meta"] = sorted({*tags["meta"], "animated"})
        up = int(rng.paretovariate(1.3) * 4) - 2
        up = max(up, 0)
        uploader = rng.choice(uploaders)
        post = PostRec(
            id=post_id,
            created=created,
            updated=created + rng.uniform(0, 86400 * 30) if rng.random() > 0.01 else None,
            width=width,
            height=height,
            ext=ext,
            size=int(width * height * (0.9 if ext == "png" else 0.25) * rng.uniform(0.6, 1.4)),
            md5=hashlib.md5(f"{seed}:{post_id}".encode()).hexdigest(),
            tags=tags,
            rating=rng.choices("sqe", (72, 20, 8))[0],
            uploader_id=uploader.id,
            uploader_name=uploader.name,
            up=up,
            down=-int(up * rng.random() * 0.15),
            fav_count=int(up * rng.uniform(0.5, 1.6)),
            comment_count=rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 13)),
            change_seq=40_000_000 + count - n,
            sources=[
                rng.choice(vocab.SOURCE_SITES).format(n=post_id % 100_000 + k)
                for k in range(rng.choice((0, 0, 1, 1, 2)))
            ],
            description=rng.choice(vocab.DESCRIPTION_SNIPPETS) if rng.random() < 0.2 else "",
            approver_id=rng.choice(approvers) if approvers and rng.random() < 0.6 else None,
            pending=n < 40 and rng.random() < 0.15,
            has_notes=rng.random() < 0.03,
            locked_tags=["hi_res"] if rng.random() < 0.01 else [],
        )
        if ext == "webm":
            post.duration = round(rng.uniform(3, 90), 3)
        if ext == "swf":
            post.preview_mode = "placeholder"
        post.refresh_tags()
        uploader.post_upload_count += 1
        state.posts[post_id] = post
        state.posts_by_md5[post.md5] = post
        state.ids_desc.append(post_id)
        post_id -= rng.choice((1, 1, 1, 2, 3, 5, 11))
        created -= rng.uniform(300, 7200)


def _make_specials(state: DemoState) -> None:
    """Give a few fixed positions on the first pages the properties tests look for."""
    ids = state.ids_desc
    post = state.posts
    special = state.special
    special["newest"] = ids[0]
    special["oldest"] = ids[-1]
    for pid in ids[:25]:
        if post[pid].ext in ("gif", "webm", "swf"):
            post[pid].ext, post[pid].duration, post[pid].preview_mode = "jpg", None, "normal"
            post[pid].tags["meta"] = [t for t in post[pid].tags["meta"] if t != "animated"]

    big = post[ids[0]]
    big.ext, big.width, big.height, big.rating = "jpg", 3000, 2000, "s"
    special["large"] = ids[0]

    desc = post[ids[1]]
    desc.ext, desc.width, desc.height = "png", 1600, 1200
    desc.description = (
        "[b]The Lantern Road[/b], page one.\n\n"
        'Inspired by an old story. Full set on "my gallery":https://example.com/gallery.\n'
        "[quote]Every road starts with a single lantern.[/quote]\n"
        "Thanks for looking!"
    )
    desc.sources = ["https://example.com/art/1", "https://gallery.example.org/view/2"]
    special["described"] = ids[1]

    blocked = post[ids[2]]
    blocked.rating = "q"
    blocked.tags["general"] = sorted({*blocked.tags["general"], "young"})
    special["login_blocked"] = ids[2]

    deleted = post[ids[3]]
    deleted.deleted = True
    special["deleted"] = ids[3]

    post[ids[4]].preview_mode = "corrupt"
    special["corrupt_preview"] = ids[4]

    video = post[ids[5]]
    video.ext, video.width, video.height, video.duration = "webm", 1280, 720, 12.5
    video.tags["meta"] = sorted({*video.tags["meta"], "animated", "webm"})
    special["video"] = ids[5]

    post[ids[6]].preview_mode = "missing"
    special["missing_preview"] = ids[6]

    gif = post[ids[7]]
    gif.ext, gif.width, gif.height = "gif", 480, 360
    gif.tags["meta"] = sorted({*gif.tags["meta"], "animated"})
    special["gif"] = ids[7]

    legacy = post[ids[8]]
    legacy.up, legacy.down, legacy.score_offset = 82, 0, 6
    special["legacy_score"] = ids[8]

    swf = post[ids[9]]
    swf.ext, swf.width, swf.height, swf.preview_mode = "swf", 800, 600, "placeholder"
    special["swf"] = ids[9]

    small = post[ids[10]]
    small.ext, small.width, small.height = "jpg", 500, 400
    special["small"] = ids[10]

    png = post[ids[11]]
    png.ext, png.width, png.height = "png", 900, 900
    special["png"] = ids[11]

    parent, children = post[ids[20]], [ids[12], ids[15], ids[17]]
    parent.children = sorted(children)
    for child in children:
        post[child].parent_id = parent.id
    post[ids[17]].deleted = True
    special["parent"] = parent.id
    special["child"] = ids[12]
    special["deleted_child"] = ids[17]

    post[ids[13]].pending, post[ids[14]].flagged = True, True
    special["pending"], special["flagged"] = ids[13], ids[14]
    for pid in ids[:25]:
        post[pid].refresh_tags()


def _reading_order(rng: random.Random, members: list[int]) -> list[int]:
    """Mostly ascending ids with some pages out of place: never plain id order."""
    order = sorted(members)
    for _ in range(len(order) // 6):
        i = rng.randrange(len(order) - 1)
        order[i], order[i + 1] = order[i + 1], order[i]
    if len(order) >= 3 and (order in (sorted(order), sorted(order, reverse=True))):
        order[0], order[1] = order[1], order[0]
    return order


def _make_pools(state: DemoState, rng: random.Random) -> None:
    ids = state.ids_desc
    candidates = ids[25:]
    plan = [*POOL_PLAN, ("", 5, "series"), ("", 8, "collection"), ("", 20, "series")]
    for n, (key, size, category) in enumerate(plan):
        size = min(size, max(3, len(candidates) // 2))
        members = rng.sample(candidates, size)
        if key == "pool_12":
            members[0] = state.special["deleted"]
        creator = state.users[100 + n % len(vocab.UPLOADERS)]
        pool_id = 2000 + n * 37
        name = vocab.POOL_NAMES[n % len(vocab.POOL_NAMES)]
        pool = PoolRec(
            id=pool_id,
            name=name,
            created=BASE_TIME - (200 - n) * 86400,
            updated=BASE_TIME - n * 3600,
            creator_id=creator.id,
            creator_name=creator.name,
            description=f"[b]{name.replace('_', ' ')}[/b]\nA {category} of {size} posts.",
            category=category,
            post_ids=_reading_order(rng, members),
            is_active=n != 6,
        )
        state.pools[pool_id] = pool
        for pid in pool.post_ids:
            state.posts[pid].pools.append(pool_id)
        if key:
            state.special[key] = pool_id


def _make_bench_pool(state: DemoState, seed: int) -> None:
    """A 600-post pool for the benchmarks (``pool_600``).

    Made last, from its own random stream, so that everything generated before it (and the
    specials the tests rely on) is exactly what it was without it; it is the oldest pool, so
    pool listings start as before.
    """
    rng = random.Random(seed * 7919 + 600)
    candidates = state.ids_desc[25:]
    size = min(600, max(3, len(candidates) // 2))
    creator = state.users[100]
    pool_id = 2000 + len(POOL_PLAN) * 37 + 3 * 37
    pool = PoolRec(
        id=pool_id,
        name="long_read_for_the_benchmarks",
        created=BASE_TIME - 400 * 86400,
        updated=BASE_TIME - 400 * 86400,
        creator_id=creator.id,
        creator_name=creator.name,
        description=f"[b]A long read[/b]\nA series of {size} posts.",
        category="series",
        post_ids=_reading_order(rng, rng.sample(candidates, size)),
        is_active=True,
    )
    state.pools[pool_id] = pool
    for pid in pool.post_ids:
        state.posts[pid].pools.append(pool_id)
    state.special["pool_600"] = pool_id


def _make_sets(state: DemoState, rng: random.Random) -> None:
    ids = state.ids_desc
    visible = [pid for pid in ids if not state.posts[pid].deleted]
    plan = [
        ("set_demo_public", "Cozy Autumn", "cozy_autumn", DEMO_USER_ID, True, 40, []),
        ("set_demo_small", "Night_Skies", "night_skies", DEMO_USER_ID, True, 15, []),
        ("set_demo_private", "To Sort Later", "to_sort_later", DEMO_USER_ID, False, 25, []),
        ("set_demo_empty", "Empty Shelf", "empty_shelf", DEMO_USER_ID, True, 0, []),
        (
            "set_demo_long_name",
            "A_very_long_set_name_that_the_picker_has_to_truncate",
            "long_name_set",
            DEMO_USER_ID,
            True,
            5,
            [],
        ),
        ("set_other_maintained", "Dragon Hoard", "dragon_hoard", OTHER_USER_ID, True, 30,
         [DEMO_USER_ID]),
        ("set_other_private", "Other's Private Stash", "other_stash", OTHER_USER_ID, False, 10,
         []),
        ("set_other_public", "Tea Time", "tea_time", OTHER_USER_ID, True, 20, []),
    ]  # fmt: skip
    taken = {entry[2] for entry in plan}
    for n, theme in enumerate(t for t in vocab.SET_THEMES if t not in taken):
        owner = 100 + (n * 5) % len(vocab.UPLOADERS)
        plan.append(("", theme.replace("_", " ").title(), theme, owner, True, 10 + n * 7, []))
    for n, (key, name, short, owner, public, size, maintainers) in enumerate(plan):
        set_id = 300 + n * 11
        state.sets[set_id] = SetRec(
            id=set_id,
            name=name,
            shortname=short,
            description=f"Curated by hand. [i]{size}[/i] favourites so far.",
            is_public=public,
            creator_id=owner,
            post_ids=rng.sample(visible[:600], min(size, len(visible[:600]))),
            created=BASE_TIME - (100 - n) * 86400,
            updated=BASE_TIME - n * 7200,
            maintainer_ids=list(maintainers),
        )
        if key:
            state.special[key] = set_id
    state.reserve_set_ids(max(state.sets))


def _make_favorites_and_votes(state: DemoState, rng: random.Random) -> None:
    ids = [pid for pid in state.ids_desc if not state.posts[pid].deleted]
    fan = state.special["user_hidden_favorites"]
    for user_id, count in ((DEMO_USER_ID, 120), (OTHER_USER_ID, 60), (fan, 30)):
        picks = rng.sample(ids[:400], min(count // 2, len(ids) // 4))
        picks += rng.sample(ids, min(count - len(picks), len(ids) // 4))
        for pid in dict.fromkeys(picks):
            state.add_favorite(user_id, pid)
    for user_id, count in ((DEMO_USER_ID, 40), (OTHER_USER_ID, 20)):
        for pid in rng.sample(ids[:300], min(count, len(ids) // 4)):
            state.set_vote(user_id, pid, 1 if rng.random() < 0.8 else -1)


def rebuild_tags(state: DemoState) -> None:
    """Recompute the tag table (names, categories, post counts) from the posts."""
    categories: dict[str, str] = {}
    counts: dict[str, int] = {}
    for post in state.posts.values():
        for category, names in post.tags.items():
            for name in names:
                categories.setdefault(name, category)
                if not post.deleted:
                    counts[name] = counts.get(name, 0) + 1
    old = state.tags
    next_id = max((t.id for t in old.values()), default=10_000) + 1
    state.tags = {}
    for name in sorted(categories):
        tag_id = old[name].id if name in old else next_id
        if name not in old:
            next_id += 1
        state.tags[name] = TagRec(
            id=tag_id,
            name=name,
            category=categories[name],
            post_count=counts.get(name, 0),
            created=BASE_TIME - 500 * 86400,
        )
    state.aliases = {a: c for a, c in vocab.ALIASES.items() if c in state.tags}
