"""Property tests for the blacklist: it never raises, stays consistent, and stays fast."""

from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from e621tui.api.models import FileInfo, Flags, Post, Score
from e621tui.core.blacklist.rules import Blacklist, _glob, _glob_regex

METATAGS = [
    "id",
    "score",
    "favcount",
    "width",
    "height",
    "tagcount",
    "userid",
    "filesize",
    "rating",
    "type",
    "status",
    "fav",
    "pool",
    "user",
    "uploader",
    "username",
    "order",
    "artist",
    "tag",
    "wildcard",
]
TAG_ALPHABET = "abc_:*.<>=!-~0123456789"
VALUE_WORDS = ["s", "safe", "e", "explicit", "q", "pending", "deleted", "active", "webm", "me"]

values = st.one_of(
    st.text(alphabet="0123456789.<>=!-+xkmbsqe*", max_size=10),
    st.sampled_from(VALUE_WORDS),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
)
words = st.builds(
    lambda marks, name, value: marks + (f"{name}:" if name else "") + value,
    st.text(alphabet="-~", max_size=3),
    st.none() | st.sampled_from(METATAGS),
    values,
)
lines = st.one_of(
    st.lists(words, min_size=1, max_size=5).map(" ".join),
    st.text(max_size=30),
    st.just("# comment"),
)
blacklist_texts = st.lists(lines, max_size=8).map("\n".join)
tag_lists = st.lists(st.text(alphabet=TAG_ALPHABET, max_size=8), max_size=12)


@st.composite
def posts(draw: st.DrawFn) -> Post:
    """Posts with arbitrary tags and metatag-relevant fields."""
    ints = st.integers(min_value=-(2**40), max_value=2**40)
    return Post(
        id=draw(st.integers(min_value=0, max_value=2**31)),
        tags={"general": draw(tag_lists), "species": draw(tag_lists)},
        rating=draw(st.sampled_from(["s", "q", "e", "", "x"])),
        score=Score(total=draw(ints)),
        fav_count=draw(ints),
        file=FileInfo(
            width=draw(ints),
            height=draw(ints),
            size=draw(ints),
            ext=draw(st.sampled_from(["jpg", "webm", "swf", ""])),
        ),
        flags=Flags(pending=draw(st.booleans()), deleted=draw(st.booleans())),
        is_favorited=draw(st.booleans()),
        pools=draw(st.lists(ints, max_size=3)),
        uploader_id=draw(ints),
        uploader_name=draw(st.sampled_from(["", "Bob", "me"])),
    )


def keys(blacklist: Blacklist) -> list[str]:
    return [rule.key for rule in blacklist.rules]


@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    blacklist = Blacklist.parse(text)
    assert len(blacklist) <= text.count("\n") + 1


@given(blacklist_texts)
def test_parse_never_raises_on_grammar_like_text(text: str) -> None:
    blacklist = Blacklist.parse(text)
    assert all(rule.key and rule.text for rule in blacklist.rules)


@given(blacklist_texts, posts())
def test_match_returns_one_of_the_rules_or_none(text: str, post: Post) -> None:
    blacklist = Blacklist.parse(text)
    rule = blacklist.match(post)
    matching = [candidate for candidate in blacklist.rules if candidate.matches(post)]
    if rule is None:
        assert matching == []
        assert not blacklist.is_hidden(post)
    else:
        assert rule is matching[0]
        assert blacklist.is_hidden(post)


ascii_lines = st.one_of(
    st.lists(words, min_size=1, max_size=5).map(" ".join),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=30),
)


@given(
    st.lists(ascii_lines, max_size=6),
    st.lists(st.sampled_from([" ", "\t", "  \t "]), min_size=2, max_size=2),
)
def test_parse_ignores_case_and_surrounding_whitespace(parts: list[str], pads: list[str]) -> None:
    # Limited to ASCII: Unicode case mapping is not reversible ("ß".upper() == "SS").
    plain = Blacklist.parse("\n".join(parts))
    shouted = Blacklist.parse("\n".join(pads[0] + part.upper() + pads[1] for part in parts))
    assert keys(plain) == keys(shouted)


@given(words.filter(lambda w: w != "" and not w.startswith(("-", "~"))), posts())
def test_negating_a_single_token_line_flips_it(word: str, post: Post) -> None:
    # §9: `-` negates a token; a one-token line matches iff that token holds.
    assert Blacklist.parse(word).is_hidden(post) != Blacklist.parse(f"-{word}").is_hidden(post)


@given(st.lists(words, min_size=2, max_size=4), posts())
def test_required_tokens_are_anded(line_words: list[str], post: Post) -> None:
    # Words carry no "~" outside their prefix marks, and no spaces.
    required = [w for w in line_words if w and "~" not in w.partition(":")[0]]
    assume(required)
    line = " ".join(required)
    expected = all(Blacklist.parse(word).is_hidden(post) for word in required)
    assert Blacklist.parse(line).is_hidden(post) == expected


@settings(deadline=timedelta(milliseconds=500), max_examples=25)
@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=1, max_value=300))
def test_pathological_wildcards_finish_fast(stars: int, length: int) -> None:
    # A backtracking regex needs exponential time for `*a*a*…*b` against "aaaa…".
    line = "*a" * stars + "*b"
    post = Post(id=1, tags={"general": ["a" * k for k in range(1, length + 1)]})
    assert not Blacklist.parse(line).is_hidden(post)


@settings(deadline=timedelta(milliseconds=500), max_examples=10)
@given(st.integers(min_value=1, max_value=40))
def test_many_stars_on_long_tags_finish_fast(stars: int) -> None:
    line = "*a" * stars + "*c\n" + "a*" * stars + "a"
    post = Post(id=1, tags={"general": ["a" * 1000 + "b", "x" * 5000]})
    blacklist = Blacklist.parse(line)
    assert blacklist.match(post) is None
    post.tags["general"].append("a" * (stars + 1))
    assert blacklist.match(post) is blacklist.rules[1]


@settings(deadline=timedelta(seconds=2), max_examples=5)
@given(st.sampled_from(["a", "*", "-a", "~a", "score:<5", "a*b"]))
def test_a_maximal_blacklist_line_is_fine(word: str) -> None:
    # The site caps the blacklist at 150 000 characters; one line may take all of it.
    line = " ".join(f"{word}{i}" for i in range(20_000))[:150_000]
    blacklist = Blacklist.parse(line)
    assert len(blacklist) == 1
    blacklist.is_hidden(Post(id=1, tags={"general": ["a1", "b"]}))


def reference_glob(pattern: str, tag: str) -> bool:
    """The site's translation: anchored regex, `*` -> `.*`, everything else literal."""
    return (
        re.fullmatch(".*".join(re.escape(piece) for piece in pattern.split("*")), tag) is not None
    )


@given(
    st.text(alphabet="ab*", min_size=1, max_size=10).filter(lambda p: "*" in p),
    st.lists(st.text(alphabet="ab", max_size=10), max_size=5),
)
def test_both_wildcard_matchers_agree_with_the_sites_regex(pattern: str, tags: list[str]) -> None:
    expected = any(reference_glob(pattern, tag) for tag in tags)
    assert any(_glob(pattern)(tag) for tag in tags) == expected
    assert (bool(tags) and _glob_regex(pattern).search("\n".join(tags)) is not None) == expected
    # Through the public API: a run of stars is one star, and many take the non-regex path.
    padded = pattern.replace("*", "*" * 40, 1)
    post = Post(id=1, tags={"general": tags})
    assert Blacklist.parse(padded).is_hidden(post) == expected
