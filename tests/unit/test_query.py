"""Tag-query helpers: paging mode, safe-mode rewriting, pool/set shortcuts."""

from __future__ import annotations

import pytest

from e621tui.api.query import paging_mode, pool_id_of, set_id_of, split_query, with_safe_rating


@pytest.mark.parametrize(
    ("tags", "mode"),
    [
        ("", "desc"),
        ("fox", "desc"),
        ("fox  rating:s", "desc"),
        ("order:id_desc", "desc"),
        ("fox order:id_desc", "desc"),
        ("order:id", "asc"),
        ("order:id_asc", "asc"),
        ("fox ORDER:ID", "asc"),
        ("-order:id", "desc"),
        ("-order:id_desc", "asc"),
        ("order:score", "numbered"),
        ("fox order:score", "numbered"),
        ("order:random", "numbered"),
        ("order:favcount wolf", "numbered"),
    ],
)
def test_paging_mode(tags: str, mode: str) -> None:
    assert paging_mode(tags) == mode


def test_paging_mode_last_order_wins() -> None:
    assert paging_mode("order:score order:id") == "asc"
    assert paging_mode("order:id order:score") == "numbered"


def test_order_lookalike_tags_do_not_change_the_mode() -> None:
    assert paging_mode("border:score reorder:id") == "desc"


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("", "rating:s"),
        ("fox", "fox rating:s"),
        ("fox wolf", "fox wolf rating:s"),
        ("fox rating:e", "fox rating:s"),
        ("rating:q fox", "fox rating:s"),
        ("fox -rating:s", "fox rating:s"),
        ("fox ~rating:e ~rating:q", "fox rating:s"),
        ("fox rating:explicit", "fox rating:s"),
        ("  fox   wolf  ", "fox wolf rating:s"),
    ],
)
def test_with_safe_rating_adds_or_replaces(tags: str, expected: str) -> None:
    assert with_safe_rating(tags) == expected


@pytest.mark.parametrize("tags", ["fox rating:s", "rating:s", "rating:safe fox", "fox RATING:S"])
def test_with_safe_rating_keeps_an_existing_safe_rating(tags: str) -> None:
    assert with_safe_rating(tags) == " ".join(tags.split())


def test_with_safe_rating_is_idempotent() -> None:
    once = with_safe_rating("fox -rating:s order:score")
    assert with_safe_rating(once) == once
    assert once.split().count("rating:s") == 1
    assert "-rating:s" not in once.split()


@pytest.mark.parametrize(
    ("tags", "pool", "set_"),
    [
        ("pool:12", 12, None),
        ("POOL:7", 7, None),
        ("  pool:3  ", 3, None),
        ("set:42", None, 42),
        ("Set:5", None, 5),
        ("pool:12 fox", None, None),
        ("fox set:4", None, None),
        ("pool:", None, None),
        ("pool:abc", None, None),
        ("pool:-3", None, None),
        ("set:shortname", None, None),
        ("-pool:12", None, None),
        ("", None, None),
        ("fox", None, None),
    ],
)
def test_pool_and_set_ids(tags: str, pool: int | None, set_: int | None) -> None:
    assert pool_id_of(tags) == pool
    assert set_id_of(tags) == set_


def test_split_query_splits_on_any_whitespace() -> None:
    assert split_query(" fox\twolf\n rating:s ") == ["fox", "wolf", "rating:s"]
    assert split_query("") == []


async def test_a_site_that_ignores_the_cursor_does_not_page_forever() -> None:
    """If page 2 only repeats page 1, the feed ends instead of showing empty pages."""
    import httpx

    from e621tui.api.client import E621Client
    from e621tui.core.feeds import SearchFeed

    def handler(request: httpx.Request) -> httpx.Response:
        posts = [{"id": i} for i in range(100, 90, -1)]
        return httpx.Response(200, json={"posts": posts})

    async with E621Client("https://site.test", transport=httpx.MockTransport(handler)) as client:
        feed = SearchFeed(client=client, page_size=10, query="")
        first = await feed.page(0)
        assert len(first.posts) == 10 and feed.has_next(0)
        second = await feed.page(1)
        assert second.posts == [] and second.is_last
        assert not feed.has_next(1)
