"""Hostile content for robustness tests: markup, terminal escapes, huge and bidirectional text.

Everything here is harmless to a program that treats site text as data and dangerous to one
that feeds it to Rich markup or writes it raw to a terminal. The posts are the newest ones, so
they show on the first page of the default search.
"""

from __future__ import annotations

import hashlib

from e621tui.devserver.generate import DEMO_USER_ID, rebuild_tags
from e621tui.devserver.hostile_text import add_hostile_texts
from e621tui.devserver.model import DemoState, PoolRec, PostRec, SetRec, UserRec

MARKUP = (
    "[bold red]x[/]",
    "[link=https://x]y[/link]",
    "unbalanced [/] close",
    "[@click=app.quit]q[/]",
)
ESCAPES = (
    "\x1b[2J",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1b]8;;https://evil.example/\x1b\\osc8 link\x1b]8;;\x1b\\",
    "\x1b]0;pwned title\x07",
    "bell\x07bell",
    "c1\x9bcsi",
)
BIDI = (
    "مرحبا بالعالم",
    "שלום עולם",
    "🦊🐉✨ emoji",
    "zero\u200bwidth\u200djoin\ufeffbom\u2066isolate\u2069",
    "\u202eRTL override\u202c",
    "e\u0301\u0301\u0301 combining",
)
ALL_NASTY = MARKUP + ESCAPES + BIDI
HOSTILE_USER_ID = 666
HOSTILE_USER_NAME = "[bold red]Evil[/]\x1b[31m_uploader\x1b]0;owned\x07"
LONG_TAG = "long_" + "abcdefghij" * 49 + "xxxxx"  # exactly 500 characters
MANY_TAGS = 3000


def _tagify(text: str) -> str:
    return text.replace(" ", "_").lower() if "\x1b" not in text else text.replace(" ", "_")


def _post(state: DemoState, post_id: int, created: float, n: int) -> PostRec:
    md5 = hashlib.md5(f"hostile:{post_id}".encode()).hexdigest()
    post = PostRec(
        id=post_id,
        created=created,
        updated=created,
        width=1200,
        height=900,
        ext="jpg",
        size=345_678,
        md5=md5,
        tags={"general": ["hostile_content", "solo"], "meta": ["hi_res"]},
        rating="s",
        uploader_id=HOSTILE_USER_ID,
        uploader_name=HOSTILE_USER_NAME,
        up=3 + n,
        down=-1,
        fav_count=2,
        change_seq=50_000_000 + n,
    )
    state.posts[post_id] = post
    state.posts_by_md5[md5] = post
    return post


def add_hostile(state: DemoState) -> None:
    """Add hostile posts, a pool, a set and an uploader; ids go into `state.special`."""
    state.users[HOSTILE_USER_ID] = UserRec(
        id=HOSTILE_USER_ID, name=HOSTILE_USER_NAME, created=state.now - 50 * 86400
    )
    newest = state.ids_desc[0]
    created = state.posts[newest].created
    keys = ("hostile", "hostile_rtl", "hostile_long_description", "hostile_many_tags",
            "hostile_long_tag")  # fmt: skip
    posts: list[PostRec] = []
    for n, key in enumerate(keys):
        post = _post(state, newest + 50 + 10 * n, created + 60 * (n + 1), n)
        state.special[key] = post.id
        posts.append(post)
    nasty_text = "\n".join(f"[b]{s}[/b] \"link\":https://x.example/{i}" for i, s in
                           enumerate(ALL_NASTY))  # fmt: skip

    main = posts[0]
    main.tags["general"] += [_tagify(s) for s in MARKUP + ESCAPES]
    main.tags["artist"] = ["[bold_red]artist[/]", "\x1b[31martist"]
    main.tags["character"] = ["[@click=app.quit]char[/]"]
    main.description = "[quote]" + nasty_text + "[/quote]\n" + "\n".join(ALL_NASTY)
    main.sources = [*ALL_NASTY[:6], "https://example.com/\x1b]8;;https://evil.example/\x07x"]

    rtl = posts[1]
    rtl.tags["general"] += [_tagify(s) for s in BIDI]
    rtl.tags["copyright"] = ["مرحبا", "שלום"]
    rtl.description = "\n".join(BIDI * 3)
    rtl.sources = ["https://example.com/" + BIDI[0], "https://example.com/🦊"]

    long_desc = posts[2]
    paragraph = "[b]Long[/b] text " + " ".join(ALL_NASTY) + " lorem ipsum dolor sit amet.\n"
    long_desc.description = (paragraph * (50_000 // len(paragraph) + 1))[:50_000]

    many = posts[3]
    many.tags["general"] = sorted(f"hostile_tag_{i:04d}" for i in range(MANY_TAGS))
    many.tags["general"].append("hostile_content")

    long_tag = posts[4]
    long_tag.tags["general"].append(LONG_TAG)
    long_tag.tags["meta"].append(LONG_TAG[:200] + "_meta")

    for post in posts:
        for category in post.tags:
            post.tags[category] = sorted(set(post.tags[category]))
        post.refresh_tags()
    state.ids_desc[:0] = sorted((p.id for p in posts), reverse=True)

    pool_id = max(state.pools) + 37
    state.pools[pool_id] = PoolRec(
        id=pool_id,
        name="[bold_red]Pool[/]_\x1b]0;title\x07_[link=https://x]y[/link]_🦊",
        created=created,
        updated=created,
        creator_id=HOSTILE_USER_ID,
        creator_name=HOSTILE_USER_NAME,
        description=nasty_text,
        category="series",
        post_ids=[p.id for p in reversed(posts)],
    )
    for post in posts:
        post.pools.append(pool_id)
    state.special["hostile_pool"] = pool_id

    set_id = state.new_set_id()
    state.sets[set_id] = SetRec(
        id=set_id,
        name="[@click=app.quit]Quit[/] \x1b[2J set 🦊 \u202eevil",
        shortname="hostile_set",
        description=nasty_text,
        is_public=True,
        creator_id=DEMO_USER_ID,
        post_ids=[p.id for p in posts],
        created=created,
        updated=created,
    )
    state.special["hostile_set"] = set_id
    state.special["hostile_user"] = HOSTILE_USER_ID
    rebuild_tags(state)
    add_hostile_texts(state, main.id, HOSTILE_USER_ID, HOSTILE_USER_NAME, ALL_NASTY)
