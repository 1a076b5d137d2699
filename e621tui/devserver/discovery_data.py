"""Demo comments, wiki pages and notes, generated from the posts and tags (deterministic).

`prepare_discovery` runs at the end of `generate()` (cheap: it only marks the post with many
comments); the records themselves are made by `ensure_discovery` the first time a comment,
wiki or note route (or a test) needs them, with their own random stream, so the posts, pools
and sets the other tests rely on never change. Notable records go into `state.special`:
`many_comments` (a post with thousands of comments), `wiki_showcase` (a page using every DText
feature), `wiki_redirect` (an alias's redirect page), `wiki_numeric` (a page titled "2020"),
`wiki_deleted`, and `comment_sticky`, `comment_hidden`, `comment_warned`, `comment_low_score`.
"""

from __future__ import annotations

import random
import weakref
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from e621tui.devserver.model import DemoState, PostRec, UserRec
from e621tui.devserver.model_text import CommentRec, NoteRec, WikiRec

MANY_COMMENTS = 3000
COMMENT_ID_START = 700_000
WIKI_ID_START = 40_000
NOTE_ID_START = 90_000

_PRAISE = (
    "Love the colors here!",
    "The lighting on the water is [i]great[/i].",
    "This made my day.",
    "[b]Adorable[/b]!",
    "Is there a higher resolution version anywhere?",
    "That tail is so fluffy.",
    "The background alone is worth a favorite.",
    "Reminds me of [[fox_tales]]. In a good way.",
    "More of this artist please: {{mossbrush rating:s}}",
    "Called it: [spoiler]the lantern was the map all along[/spoiler].",
    "Someone typed [bold red]literal brackets[/] here; they should stay brackets.",
    'Source is on "the artist\'s gallery":https://example.com/gallery (sign-in needed).',
    "Tagged [[snow]] and [[winter|winter]], should it be [[autumn]] instead?",
    "`[b]` makes text bold, by the way.",
    "h4. Quick review\n* composition: great\n* colors: [i]warm[/i]\n** especially the sky",
    "[color=artist]The artist[/color] outdid themselves.",
    "Wow.",
    "10/10 would hug.",
    "The expression on the left one, [u]perfect[/u].",
    "[s]First[/s] Second!",
)
_REPLIES = ("Agreed!", "Same here.", "Hard disagree, but fair.", "Thanks for the source!",
            "[i]This.[/i]", "Couldn't have said it better.")  # fmt: skip
_STAFF_NOTES = (
    "[b]Reminder:[/b] keep comments on topic. See [[help:comments]].",
    'Thread locked for a day. Please read the "rules":/wiki_pages/help:rules before posting.',
)
_NOTE_BODIES = (
    "[b]Sign:[/b] Lantern Road",
    '"Wait for me!"',
    "[i]whisper[/i]: it's behind you",
    "Translation: [u]Welcome home[/u]",
    "Artist's note: drawn in one evening.",
)
_OTHER_NAMES = {
    "fox": ["vulpine", "vulpes_vulpes", "renard"],
    "wolf": ["canis_lupus"],
    "cat": ["kitty", "kitten", "felis_catus"],
    "dragon": ["wyrm", "drake"],
    "red_panda": ["ailurus_fulgens", "firefox_(animal)"],
    "otter": ["lutrinae"],
}


def _users(state: DemoState) -> list[UserRec]:
    return sorted(
        (u for u in state.users.values() if u.api_key is None or u.name in ("demo", "Other_User")),
        key=lambda u: u.id,
    )


@dataclass
class _Plan:
    seed: int
    post_ids: list[int]
    done: bool = False


_PLANS: weakref.WeakKeyDictionary[DemoState, _Plan] = weakref.WeakKeyDictionary()


def prepare_discovery(state: DemoState, seed: int) -> None:
    """Mark the post with thousands of comments; the records are made on first use."""
    busy = state.posts[state.ids_desc[21]]
    busy.comment_count = MANY_COMMENTS
    state.special["many_comments"] = busy.id
    _PLANS[state] = _Plan(seed, list(state.ids_desc))


def ensure_discovery(state: DemoState) -> None:
    """Generate the comments, wiki pages and notes once (call with or without the lock)."""
    with state.lock:
        plan = _PLANS.get(state)
        if plan is None:
            plan = _PLANS[state] = _Plan(0, list(state.ids_desc))
        if plan.done:
            return
        plan.done = True
        rng = random.Random(f"discovery:{plan.seed}")
        ids = [pid for pid in plan.post_ids if pid in state.posts]
        _add_comments(state, rng, ids)
        _add_wiki(state, rng)
        _add_notes(state, rng, ids)


def _comment_body(rng: random.Random, post: PostRec, earlier: list[CommentRec]) -> str:
    roll = rng.random()
    if earlier and roll < 0.15:
        quoted = rng.choice(earlier)
        first = quoted.body.split("\n", 1)[0][:80]
        return (
            f'[quote]"{quoted.creator_name}":/users/{quoted.creator_id} said:\n{first}[/quote]\n'
            + rng.choice(_REPLIES)
        )
    if roll < 0.22:
        tag = rng.choice(sorted(post.all_tags)) if post.all_tags else "solo"
        return f"Anyone else following [[{tag}]]? post #{post.id - rng.randint(1, 400)} is similar."
    return rng.choice(_PRAISE)


def _add_comments(state: DemoState, rng: random.Random, ids: list[int]) -> None:
    users = _users(state)
    staff = [u for u in users if u.level >= 50] or users
    busy_id = state.special.get("many_comments")
    drafts: list[CommentRec] = []
    for pid in ids:
        post = state.posts[pid]
        per_post: list[CommentRec] = []
        extras = 1 if rng.random() < 0.07 else 0
        for n in range(post.comment_count + extras):
            author = rng.choice(users)
            span = max(60.0, state.now - post.created)
            created = post.created + min(span, rng.expovariate(1 / min(span, 86400 * 7)))
            score = max(-2, int(rng.gauss(2, 3)))
            comment = CommentRec(
                id=0, post_id=pid, creator_id=author.id, creator_name=author.name,
                body=_comment_body(rng, post, per_post), created=created,
                updated=created, score=score,
            )  # fmt: skip
            if n >= post.comment_count:  # not counted by the post: hidden or buried
                if rng.random() < 0.5:
                    comment.is_hidden = True
                else:
                    comment.score = -rng.randint(3, 30)
            elif rng.random() < 0.02:
                comment.warning_type = rng.choice(("warning", "record", "ban"))
                comment.warning_user_id = staff[0].id
            if rng.random() < 0.2:
                comment.updated = min(state.now, created + rng.uniform(60, 86400))
            per_post.append(comment)
        if per_post and pid == busy_id:
            sticky = per_post[0]
            sticky.is_sticky, sticky.score = True, -12
            sticky.creator_id, sticky.creator_name = staff[0].id, staff[0].name
            sticky.body = _STAFF_NOTES[0]
            sticky.created = sticky.updated = post.created  # the thread's first comment
        drafts.extend(per_post)
    drafts.sort(key=lambda c: (c.created, c.post_id))
    next_id = COMMENT_ID_START
    for comment in drafts:
        next_id += rng.choice((1, 1, 1, 2, 5))
        comment.id = next_id
        state.comments[comment.id] = comment
    demo = state.special.get("user_demo")
    visible = [c for c in drafts if not c.is_hidden]
    for comment in rng.sample(visible, min(30, len(visible))):
        if demo is not None:
            state.comment_votes[(demo, comment.id)] = 1 if rng.random() < 0.8 else -1
    _pick_specials(state, drafts)


def _pick_specials(state: DemoState, comments: list[CommentRec]) -> None:
    tests: tuple[tuple[str, Callable[[CommentRec], bool]], ...] = (
        ("comment_sticky", lambda c: c.is_sticky),
        ("comment_hidden", lambda c: c.is_hidden),
        ("comment_warned", lambda c: c.warning_type is not None),
        ("comment_low_score", lambda c: c.score < -10 and not c.is_sticky and not c.is_hidden),
    )
    for key, test in tests:
        found = next((c for c in comments if test(c)), None)
        if found is not None:
            state.special[key] = found.id


def _wiki_body(name: str, category: str, count: int, related: list[str]) -> str:
    shown = name.replace("_", " ")
    links = ", ".join(f"[[{t}]]" for t in related[:4]) or "[[solo]]"
    if category == "artist":
        return (
            f"h4. {shown}\n\nAn artist on the demo site ({count} posts).\n\n"
            f'h5. Links\n* "Gallery":https://example.com/{name}\n* {{{{{name} order:score}}}}\n\n'
            f"Often drawn with {links}."
        )
    if category in ("species", "character", "copyright"):
        return (
            f"A [b]{category}[/b] tag. Use it for posts showing {shown}.\n\n"
            f"See also: {links}.\n\n[section=Tagging notes]\n* Tag what is visible.\n"
            f"* Do not tag [i]implied[/i] {category} tags.[/section]"
        )
    return f"Posts with {shown}.\n\nRelated: {links}. Search: {{{{{name}}}}}"


_SHOWCASE = """h1. Fox

A [b]fox[/b] is a small [i]canine[/i] ([[canine]]). See [u]underlined[/u] and [s]struck[/s] text,
x[sup]2[/sup] and H[sub]2[/sub]O, and `inline code`.

h2. Tagging

* Tag [[fox]] for any fox.
** Use [[red_fox|red foxes]] when it's clear.
*** Third level.
* Searches: {{fox rating:s}} or {{fox order:score|the best foxes}}.

[quote]"mossbrush":/users/100 said:
Foxes are the best.
[quote]Nested quote.[/quote]
[/quote]

[spoiler]Foxes can purr.[/spoiler]

[section=Notes on color]
Most foxes are [color=#d2691e]orange[/color], some [color=species]species-colored[/color].
[/section]

[section,expanded=Always open]
This section starts expanded.
[/section]

[code]
[b]not bold[/b] and {{not a search}}
[/code]

[table]
[thead][tr][th]Kind[/th][th]Posts[/th][/tr][/thead]
[tbody][tr][td]red fox[/td][td]many[/td][/tr][tr][td]arctic fox[/td][td]some[/td][/tr][/tbody]
[/table]

[ltable]
Name | Color
red | orange
arctic | white
[/ltable]

Links: https://example.com/foxes, "the gallery":https://example.com/gallery,
"relative":/posts?tags=fox, <https://example.org/angle>, post #5120001, thumb #5120002,
pool #2000, set #300, wiki #40001 and [#anchor] an invisible anchor.
"""


def _add_wiki(state: DemoState, rng: random.Random) -> None:
    tagged: dict[str, list[PostRec]] = defaultdict(list)
    for post in state.posts.values():
        if not post.deleted:
            for name in post.all_tags:
                tagged[name].append(post)
    users = _users(state)
    next_id = WIKI_ID_START

    def add(title: str, body: str, **extra: object) -> WikiRec:
        nonlocal next_id
        next_id += 1
        author = users[zlib.crc32(title.encode()) % len(users)]
        created = state.now - rng.uniform(30, 900) * 86400
        page = WikiRec(
            id=next_id, title=title, body=body, creator_id=author.id,
            creator_name=author.name, created=created,
            updated=min(state.now, created + rng.uniform(0, 200) * 86400),
        )  # fmt: skip
        for key, value in extra.items():
            setattr(page, key, value)
        state.wiki_pages[page.id] = page
        return page

    for name in sorted(state.tags):
        tag = state.tags[name]
        if zlib.crc32(name.encode()) % 6 == 0 and tag.post_count < 300 and name != "fox":
            continue  # some tags have no wiki page
        posts = sorted(tagged.get(name, []), key=lambda p: (-p.score, -p.id))
        co: Counter[str] = Counter()
        for post in posts[:40]:
            co.update(post.all_tags)
        co.pop(name, None)
        related = [t for t, _ in co.most_common(4)]
        body = _SHOWCASE if name == "fox" else _wiki_body(name, tag.category, tag.post_count,
                                                          related)  # fmt: skip
        page = add(
            name, body, other_names=list(_OTHER_NAMES.get(name, [])),
            featured_posts=[p.id for p in posts[:6]], is_locked=name in ("hi_res", "solo"),
        )  # fmt: skip
        if name == "fox":
            state.special["wiki_showcase"] = page.id
        if name == "needs_source":
            page.is_deleted = True
            state.special["wiki_deleted"] = page.id
    for antecedent, consequent in sorted(state.aliases.items()):
        page = add(antecedent, f"This tag has been aliased to [[{consequent}]].", parent=consequent)
        state.special.setdefault("wiki_redirect", page.id)
    numeric = add("2020", "Posts made in [b]2020[/b]. A title that is all digits.")
    state.special["wiki_numeric"] = numeric.id


def _add_notes(state: DemoState, rng: random.Random, ids: list[int]) -> None:
    users = _users(state)
    next_id = NOTE_ID_START
    for pid in sorted(ids):
        post = state.posts[pid]
        if not post.has_notes:
            continue
        for n in range(rng.randint(1, 4)):
            next_id += 1
            width = rng.randint(40, max(41, post.width // 4))
            height = rng.randint(30, max(31, post.height // 6))
            author = rng.choice(users)
            created = min(state.now, post.created + rng.uniform(600, 86400 * 20))
            state.notes[next_id] = NoteRec(
                id=next_id, post_id=pid, creator_id=author.id, creator_name=author.name,
                x=rng.randint(0, max(0, post.width - width)),
                y=rng.randint(0, max(0, post.height - height)),
                width=width, height=height, body=rng.choice(_NOTE_BODIES), created=created,
                updated=created, is_active=n < 3 or rng.random() < 0.5,
                version=rng.randint(1, 5),
            )  # fmt: skip
    state.special["notes_post"] = min(
        (n.post_id for n in state.notes.values()), default=state.ids_desc[-1]
    )


__all__ = ["MANY_COMMENTS", "ensure_discovery", "prepare_discovery"]
