"""Property tests: any JSON the site (or a broken proxy) sends decodes or raises DecodeError."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e621tui.api.errors import DecodeError
from e621tui.api.http import decode_json
from e621tui.api.models import (
    FavoriteResult,
    Pool,
    Post,
    PostSet,
    SetChoice,
    convert,
    decode_favorite,
    decode_post,
    decode_posts,
    decode_set_choices,
)

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
FUZZ_BYTES = settings(FUZZ, max_examples=100)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "1", "-1", "1.5", "true", "null", "nan", "1e400", "s", "webm"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.text(max_size=8), inner, max_size=5),
    ),
    max_leaves=30,
)


def _shaped(keys: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts with (a random subset of) the given keys, each holding a random value."""
    return st.fixed_dictionaries({}, optional={key: values for key in keys})


NESTED = {
    "file": ["width", "height", "ext", "size", "md5", "url"],
    "preview": ["width", "height", "url", "alt"],
    "sample": ["has", "width", "height", "url", "alt", "alternates"],
    "score": ["up", "down", "total"],
    "flags": ["pending", "flagged", "note_locked", "status_locked", "rating_locked", "deleted"],
    "relationships": ["parent_id", "has_children", "has_active_children", "children"],
}
PLAIN = [
    "created_at",
    "updated_at",
    "locked_tags",
    "change_seq",
    "rating",
    "fav_count",
    "sources",
    "pools",
    "approver_id",
    "uploader_id",
    "uploader_name",
    "description",
    "comment_count",
    "is_favorited",
    "vote",
    "has_notes",
    "duration",
]
tag_dicts = st.one_of(
    st.dictionaries(st.text(max_size=8), st.lists(st.text(max_size=8), max_size=4), max_size=4),
    json_values,
)
ids = st.one_of(st.integers(min_value=0, max_value=2**31), json_values)
post_like = st.fixed_dictionaries(
    {"id": ids},
    optional={
        **{key: json_values for key in PLAIN},
        **{
            key: st.one_of(_shaped(fields, json_values), json_values)
            for key, fields in NESTED.items()
        },
        "tags": tag_dicts,
    },
)
pool_like = st.fixed_dictionaries(
    {"id": ids},
    optional={
        key: json_values
        for key in ("name", "creator_id", "is_active", "category", "post_ids", "post_count")
    },
)
set_like = st.fixed_dictionaries(
    {"id": ids},
    optional={
        key: json_values
        for key in ("name", "shortname", "is_public", "creator_id", "post_ids", "post_count")
    },
)
anything = st.one_of(
    json_values,
    post_like,
    st.builds(lambda p: {"post": p}, post_like),
    st.builds(lambda ps: {"posts": ps}, st.lists(st.one_of(post_like, json_values), max_size=4)),
    st.lists(post_like, max_size=3),
)


def _either(fn: Callable[[], Any], check: Callable[[Any], bool]) -> None:
    """Call fn: it must return a value passing `check` or raise DecodeError (nothing else)."""
    try:
        result = fn()
    except DecodeError:
        return
    assert check(result), result


def _is_post(post: Any) -> bool:
    return (
        isinstance(post, Post)
        and type(post.id) is int
        and isinstance(post.tags, dict)
        and all(isinstance(v, list) for v in post.tags.values())
        and isinstance(post.score.down, int)
    )


@FUZZ
@given(anything)
def test_decode_post_returns_a_post_or_decode_error(value: Any) -> None:
    def check(post: Any) -> bool:
        if not _is_post(post):
            return False
        # The derived properties must not blow up on whatever got through.
        post.tags_by_category()
        _ = (post.display_url, post.is_hidden, post.is_animated, post.tag_count, post.all_tags)
        return True

    _either(lambda: decode_post(value), check)


@FUZZ
@given(anything)
def test_decode_posts_returns_posts_and_a_count_or_decode_error(value: Any) -> None:
    def check(result: Any) -> bool:
        posts, skipped = result
        return (
            isinstance(posts, list)
            and all(_is_post(p) for p in posts)
            and type(skipped) is int
            and skipped >= 0
        )

    _either(lambda: decode_posts(value), check)


@FUZZ
@given(st.one_of(pool_like, json_values))
def test_convert_pool(value: Any) -> None:
    def check(pool: Any) -> bool:
        ok = isinstance(pool, Pool) and all(type(i) is int for i in pool.post_ids)
        return ok and isinstance(pool.display_name, str)

    _either(lambda: convert(value, Pool), check)


@FUZZ
@given(st.one_of(set_like, json_values))
def test_convert_post_set(value: Any) -> None:
    _either(
        lambda: convert(value, PostSet),
        lambda s: isinstance(s, PostSet) and all(type(i) is int for i in s.post_ids),
    )


favorite_like = st.one_of(
    _shaped(["post_id", "favorite_count"], json_values),
    st.builds(lambda p: {"post": p}, post_like),
    anything,
)


@FUZZ
@given(favorite_like, st.integers(min_value=1, max_value=2**31))
def test_decode_favorite(value: Any, post_id: int) -> None:
    def check(result: Any) -> bool:
        return (
            isinstance(result, FavoriteResult)
            and type(result.post_id) is int
            and (result.favorite_count is None or type(result.favorite_count) is int)
            and (result.post is None or _is_post(result.post))
        )

    _either(lambda: decode_favorite(value, post_id), check)


entries = st.one_of(st.tuples(st.text(max_size=8), st.integers()).map(list), json_values)
for_select = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "Owned": st.one_of(st.lists(entries, max_size=5), json_values),
            "Maintained": st.one_of(st.lists(entries, max_size=5), json_values),
        },
    ),
    json_values,
)


@FUZZ
@given(for_select)
def test_decode_set_choices(value: Any) -> None:
    def check(choices: Any) -> bool:
        return isinstance(choices, list) and all(
            isinstance(c, SetChoice)
            and type(c.id) is int
            and isinstance(c.name, str)
            and isinstance(c.owned, bool)
            for c in choices
        )

    _either(lambda: decode_set_choices(value), check)


def _fake_response(content: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status, content=content, headers={"content-type": "application/json; charset=utf-8"}
    )


@FUZZ
@given(st.binary(max_size=200))
def test_decode_json_of_arbitrary_bytes(content: bytes) -> None:
    _either(lambda: decode_json(_fake_response(content)), lambda _: True)


def _mutate(text: str, cut: int, junk: bytes) -> bytes:
    raw = text.encode()
    cut = cut % (len(raw) + 1)
    return raw[:cut] + junk + raw[cut:]


@FUZZ_BYTES
@given(anything, st.integers(min_value=0), st.binary(max_size=4))
def test_decode_json_of_damaged_json(value: Any, cut: int, junk: bytes) -> None:
    text = json.dumps(value)
    content = _mutate(text, cut, junk)
    _either(lambda: decode_json(_fake_response(content)), lambda _: True)


@FUZZ_BYTES
@given(anything)
def test_intact_json_round_trips_through_decode_json(value: Any) -> None:
    text = json.dumps(value, allow_nan=True)
    try:
        expected = msgspec.json.decode(text.encode())
    except msgspec.DecodeError:
        return  # NaN/Infinity literals are not JSON; covered by the damaged-bytes test
    assert decode_json(_fake_response(text.encode())) == expected


def test_deeply_nested_json_is_a_decode_error_or_value() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    _either(lambda: decode_json(_fake_response(deep)), lambda _: True)
    nested: Any = ["leaf"]
    for _ in range(5000):
        nested = {"general": nested}
    _either(lambda: decode_post({"id": 1, "tags": nested}), _is_post)
    _either(lambda: decode_posts([{"id": 1, "sample": {"alternates": nested}}]), lambda _: True)
