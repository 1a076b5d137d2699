"""The client's comment, wiki, note, tag, popular, random and count endpoints, over HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from e621tui.api.client import E621Client
from e621tui.api.errors import DecodeError, Forbidden, InvalidQuery, NotFound
from e621tui.devserver import DevServer
from e621tui.devserver.discovery_data import MANY_COMMENTS, ensure_discovery


async def test_comments_newest_first_and_site_order(server: DevServer, client: E621Client) -> None:
    post_id = server.state.special["many_comments"]
    newest = await client.comments.for_post(post_id, limit=50)
    assert len(newest) == 50 and [c.id for c in newest] == sorted(
        (c.id for c in newest), reverse=True
    )
    older = await client.comments.for_post(post_id, limit=50, page=f"b{newest[-1].id}")
    assert older[0].id < newest[-1].id
    oldest = await client.comments.for_post(post_id, order="id_asc", limit=10)
    assert [c.id for c in oldest] == sorted(c.id for c in oldest)
    assert oldest[0].is_sticky  # the staff note opens the thread
    assert all(c.post_id == post_id and c.creator_name for c in newest)
    assert {c.vote for c in newest} <= {-1, 0, 1}
    (record, *_) = server.api_requests("/comments.json")
    assert record.query["group_by"] == ["comment"] and record.query["limit"] == ["50"]
    assert server.state.posts[post_id].comment_count == MANY_COMMENTS


async def test_one_comment_and_a_hidden_one(server: DevServer, anon_client: E621Client) -> None:
    ensure_discovery(server.state)
    warned = server.state.special["comment_warned"]
    comment = await anon_client.comments.get(warned)
    assert comment.id == warned and comment.warning_text and comment.vote == 0
    with pytest.raises(Forbidden):
        await anon_client.comments.get(server.state.special["comment_hidden"])


async def test_wiki_by_title_redirects_digits_and_missing(
    server: DevServer, anon_client: E621Client
) -> None:
    fox = await anon_client.wiki.by_title("Fox")
    assert fox is not None and fox.title == "fox" and "vulpes_vulpes" in fox.other_names
    assert fox.category_id == 5 and not fox.is_redirect
    year = await anon_client.wiki.by_title("2020")
    assert year is not None and year.title == "2020" and year.category_id is None
    kitty = await anon_client.wiki.by_title("kitty")
    assert kitty is not None and kitty.is_redirect and kitty.parent == "cat"
    assert await anon_client.wiki.by_title("no such page") is None
    with pytest.raises(NotFound):
        await anon_client.wiki.get(1)


async def test_notes_of_a_post(server: DevServer, anon_client: E621Client) -> None:
    ensure_discovery(server.state)
    post_id = server.state.special["notes_post"]
    notes = await anon_client.notes.for_post(post_id)
    assert notes and all(n.post_id == post_id and n.is_active for n in notes)
    assert [n.id for n in notes] == sorted(n.id for n in notes)


async def test_tag_rows(server: DevServer, anon_client: E621Client) -> None:
    fox = await anon_client.tags.get("fox")
    assert fox is not None and fox.post_count == server.state.tags["fox"].post_count
    assert fox.category_name == "species"
    related = fox.related()
    assert related and related[0].count and "fox" not in [t.name for t in related]
    rows = await anon_client.tags.search(names=["fox", "wolf", "no_such_tag"])
    assert sorted(t.name for t in rows) == ["fox", "wolf"]
    assert await anon_client.tags.get("no_such_tag") is None
    with pytest.raises(Forbidden):
        await anon_client.tags.related("fox")


async def test_related_tags_when_logged_in(client: E621Client) -> None:
    # (one client per test: two clients would be two schedulers against one site)
    logged = await client.tags.related("fox")
    assert logged[0].name == "fox" and logged[0].category_name == "species"
    species = await client.tags.related("fox wolf", category=5)
    assert species and {t.category_id for t in species} == {5}


async def test_popular_random_and_count(server: DevServer, anon_client: E621Client) -> None:
    week = await anon_client.posts.popular(date(2026, 7, 15), "week")
    assert week
    scores = [p.score.total for p in week]
    assert scores == sorted(scores, reverse=True)
    monday = datetime(2026, 7, 13, tzinfo=UTC)
    for post in week:
        created = datetime.fromisoformat(post.created_at)
        assert 0 <= (created - monday).total_seconds() < 7 * 86400
    (record,) = server.api_requests("/popular.json")
    assert record.query == {"scale": ["week"], "time_zone": ["UTC"], "date": ["2026-07-15"]}
    post = await anon_client.posts.random("~wolf ~dragon")
    assert post is not None and post.all_tags & {"wolf", "dragon"}
    assert await anon_client.posts.random("no_such_tag") is None
    count = await anon_client.posts.count("fox")
    assert count is not None and count.count == server.state.tags["fox"].post_count
    with pytest.raises(InvalidQuery):
        await anon_client.posts.count(" ".join(f"~t{i}" for i in range(41)))


async def test_faults_on_the_new_routes(server: DevServer, anon_client: E621Client) -> None:
    post_id = server.state.special["many_comments"]
    server.faults.set("html_5xx", count=1, path_prefix="/comments")
    comments = await anon_client.comments.for_post(post_id, limit=5)
    assert len(comments) == 5
    assert server.api_requests("/comments.json")[0].status >= 500
    server.faults.set("malformed_json", count=1, path_prefix="/wiki_pages")
    with pytest.raises(DecodeError):
        await anon_client.wiki.by_title("fox")
    server.faults.set("rate_storm", count=1, path_prefix="/popular")
    assert await anon_client.posts.popular(date(2026, 7, 15))
