"""The API client against the project's devserver over real HTTP on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest

from e621tui import __version__
from e621tui.api.client import E621Client
from e621tui.api.errors import (
    AuthError,
    DecodeError,
    InvalidQuery,
    NetworkError,
    NotFound,
    ServerError,
    Throttled,
)
from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer


def _visible_ids_desc(server: DevServer) -> list[int]:
    state = server.state
    return [pid for pid in state.ids_desc if not state.posts[pid].deleted]


async def test_user_agent_names_the_app_and_user(server: DevServer, client: E621Client) -> None:
    await client.posts.search(limit=1)
    (record,) = server.api_requests("/posts.json")
    assert record.headers["user-agent"] == f"e621-tui/{__version__} (by demo on e621)"
    assert record.headers["authorization"].startswith("Basic ")
    assert "api_key" not in record.query and "login" not in record.query


async def test_anonymous_user_agent(server: DevServer, anon_client: E621Client) -> None:
    await anon_client.posts.search(limit=1)
    (record,) = server.api_requests("/posts.json")
    assert record.headers["user-agent"].startswith(f"e621-tui/{__version__} (anonymous; ")
    assert "authorization" not in record.headers


async def test_listing_1000_posts_takes_4_requests_without_gaps(
    server: DevServer, client: E621Client
) -> None:
    got = []
    async for post in client.posts.iterate(""):
        got.append(post.id)
        if len(got) == 1000:
            break
    assert got == _visible_ids_desc(server)[:1000]
    assert len(server.api_requests("/posts.json")) <= 4
    pages = [r.query.get("page", [""])[0] for r in server.api_requests("/posts.json")]
    assert pages[0] == "" and all(p.startswith("b") for p in pages[1:])


async def test_paging_to_the_end_has_no_gaps_or_duplicates(
    server: DevServer, client: E621Client
) -> None:
    want = [pid for pid in _visible_ids_desc(server) if "fox" in server.state.posts[pid].all_tags]
    got = [post.id async for post in client.posts.iterate("fox", limit=50)]
    assert got == want
    assert len(set(got)) == len(got)


async def test_order_query_uses_numbered_pages(server: DevServer, client: E621Client) -> None:
    got = []
    async for post in client.posts.iterate("order:score", limit=100):
        got.append(post)
        if len(got) >= 250:
            break
    pages = [r.query["page"][0] for r in server.api_requests("/posts.json")]
    assert pages == ["1", "2", "3"]
    scores = [p.score.total for p in got]
    assert scores == sorted(scores, reverse=True)


async def test_order_id_ascending_walks_a_cursors(server: DevServer, client: E621Client) -> None:
    got = []
    async for post in client.posts.iterate("order:id", limit=100):
        got.append(post.id)
        if len(got) >= 150:
            break
    assert got == sorted(_visible_ids_desc(server))[:150]
    pages = [r.query["page"][0] for r in server.api_requests("/posts.json")]
    assert pages[0] == "a0" and pages[1].startswith("a")


async def test_limit_over_320_is_refused(server: DevServer, client: E621Client) -> None:
    with pytest.raises(ValueError):
        await client.posts.search(limit=321)
    with pytest.raises(InvalidQuery) as info:
        await client.request("GET", "/posts.json", params={"limit": 321})
    assert info.value.status == 410
    posts = await client.posts.search(limit=320)
    assert len(posts) == 320


async def test_page_beyond_750_is_refused_by_the_server(
    server: DevServer, client: E621Client
) -> None:
    with pytest.raises(InvalidQuery) as info:
        await client.request("GET", "/posts.json", params={"page": 751})
    assert "750" in info.value.message


async def test_posts_by_ids_keeps_the_requested_order(
    server: DevServer, client: E621Client
) -> None:
    ids = _visible_ids_desc(server)[100:350]
    wanted = ids[::-1][:125] + ids[:125]  # not id order
    posts = await client.posts.by_ids(wanted)
    assert [p.id for p in posts] == list(dict.fromkeys(wanted))
    assert len(server.api_requests("/posts.json")) == 3


async def test_pool_of_250_posts_in_pool_order_within_4_requests(
    server: DevServer, client: E621Client
) -> None:
    pool_id = server.state.special["pool_250"]
    pool, posts = await client.pools.with_posts(pool_id)
    assert len(pool.post_ids) == 250
    assert [p.id for p in posts] == [i for i in pool.post_ids if i in {p.id for p in posts}]
    assert len(posts) >= 249
    assert pool.post_ids != sorted(pool.post_ids)
    assert len(server.api_requests()) <= 4


async def test_pool_search(server: DevServer, client: E621Client) -> None:
    pools = await client.pools.search(limit=5)
    assert pools and all(p.id and p.name for p in pools)
    with pytest.raises(NotFound):
        await client.pools.get(999_999)


async def test_favorite_add_remove_and_already(server: DevServer, client: E621Client) -> None:
    post_id = next(
        pid
        for pid in _visible_ids_desc(server)
        if not server.state.is_favorited(DEMO_USERNAME, pid)
    )
    result = await client.account.add_favorite(post_id)
    assert result.post_id == post_id and result.favorite_count is not None
    assert server.state.is_favorited(DEMO_USERNAME, post_id)
    again = await client.account.add_favorite(post_id)  # 422 "already favorited" counts as success
    assert again.post_id == post_id
    await client.account.remove_favorite(post_id)
    assert not server.state.is_favorited(DEMO_USERNAME, post_id)


async def test_vote_sends_no_unvote_and_unvote_clears(
    server: DevServer, client: E621Client
) -> None:
    post_id = _visible_ids_desc(server)[31]
    result = await client.account.vote(post_id, 1)
    assert result.our_score == 1
    again = await client.account.vote(post_id, 1)  # no_unvote: stays +1
    assert again.our_score == 1
    assert server.state.vote_of(DEMO_USERNAME, post_id) == 1
    record = server.api_requests(f"/posts/{post_id}/votes.json", "POST")[-1]
    assert record.form["no_unvote"] == ["true"] and record.form["score"] == ["1"]
    await client.account.unvote(post_id)
    assert server.state.vote_of(DEMO_USERNAME, post_id) == 0


async def test_sets_for_select_add_and_remove(server: DevServer, client: E621Client) -> None:
    choices = await client.sets.for_select()
    owned = [c for c in choices if c.owned]
    assert owned and any(not c.owned for c in choices)
    set_id = owned[0].id
    ids = _visible_ids_desc(server)[40:43]
    await client.sets.add_posts(set_id, ids)
    (record,) = server.api_requests(f"/post_sets/{set_id}/add_posts.json", "POST")
    assert record.form["post_ids[]"] == [str(i) for i in ids]
    assert set(ids) <= set(server.state.post_set(set_id).post_ids)
    await client.sets.remove_posts(set_id, ids)
    assert not set(ids) & set(server.state.post_set(set_id).post_ids)
    with pytest.raises(ValueError):
        await client.sets.add_posts(set_id, list(range(1, 400)))


async def test_create_set_validation_errors_are_per_field(
    server: DevServer, client: E621Client
) -> None:
    with pytest.raises(InvalidQuery) as info:
        await client.sets.create("ok name", "12345")
    assert "shortname" in info.value.errors
    created = await client.sets.create("My new set", "my_new_set_1")
    assert created.id and created.shortname == "my_new_set_1"


async def test_autocomplete_needs_three_characters(server: DevServer, client: E621Client) -> None:
    assert await client.tags.autocomplete("fo") == []
    assert await client.tags.autocomplete("rating:s") == []
    assert server.api_requests("/tags/autocomplete.json") == []
    items = await client.tags.autocomplete("fox")
    assert items and all(i.name.startswith("fox") or i.antecedent_name for i in items)


async def test_me_includes_the_blacklist(server: DevServer, client: E621Client) -> None:
    me = await client.account.me()
    assert me.name.lower() == DEMO_USERNAME
    assert me.blacklisted_tags and "rating:e" in me.blacklisted_tags


async def test_wrong_key_is_an_auth_error_without_the_key(server: DevServer) -> None:
    secret = "not-the-right-key-123456"
    async with E621Client(server.base_url, DEMO_USERNAME, secret) as c:
        with pytest.raises(AuthError) as info:
            await c.account.me()
    assert secret not in str(info.value) and secret not in repr(info.value)


async def test_throttling_is_answered_by_backing_off(server: DevServer, client: E621Client) -> None:
    server.faults.set("rate_storm", count=2)
    posts = await client.posts.search(limit=5)
    assert len(posts) == 5
    assert client.status.retries >= 2
    statuses = [r.status for r in server.api_requests("/posts.json")]
    assert statuses[:2] == [503, 503] and statuses[-1] == 200


async def test_persistent_storm_gives_up_with_throttled(
    server: DevServer, client: E621Client
) -> None:
    server.faults.set("rate_storm")
    with pytest.raises(Throttled):
        await client.posts.search(limit=5)
    assert len(server.api_requests("/posts.json")) == client.max_attempts


async def test_writes_are_not_retried_by_the_client(server: DevServer, client: E621Client) -> None:
    server.faults.set("fail_writes")
    with pytest.raises(ServerError):
        await client.account.add_favorite(_visible_ids_desc(server)[5])
    assert len(server.api_requests("/favorites.json", "POST")) == 1


async def test_malformed_json_is_a_decode_error(server: DevServer, client: E621Client) -> None:
    server.faults.set("malformed_json")
    with pytest.raises(DecodeError):
        await client.posts.search(limit=5)


async def test_connection_reset_is_retried_then_network_error(server: DevServer) -> None:
    server.faults.set("reset")
    async with E621Client(server.base_url, max_attempts=2, backoff_base=0.1) as c:
        with pytest.raises(NetworkError):
            await c.posts.search(limit=5)
        assert c.status.trouble is not None


async def test_server_returning_recovers(server: DevServer) -> None:
    server.faults.set("html_5xx", count=2)
    async with E621Client(server.base_url, backoff_base=0.2) as c:
        posts = await c.posts.search(limit=3)
        assert len(posts) == 3
        assert c.status.trouble is None


async def test_stopped_server_is_a_network_error_then_recovers(server: DevServer) -> None:
    async with E621Client(server.base_url, max_attempts=2, backoff_base=0.1) as c:
        await c.posts.search(limit=1)
        server.stop()
        with pytest.raises(NetworkError):
            await c.posts.search(limit=1)
        restart = threading.Timer(0.0, server.start)
        restart.start()
        restart.join()
        assert len(await c.posts.search(limit=2)) == 2


def test_plain_http_is_refused_for_remote_hosts() -> None:
    with pytest.raises(ValueError):
        E621Client("http://e621.net")
    E621Client("http://127.0.0.1:9")  # loopback is fine
    with pytest.raises(ValueError):
        E621Client("https://user:pw@e621.net")


async def test_key_never_in_urls(server: DevServer, client: E621Client) -> None:
    await client.posts.search(limit=1)
    await client.account.me()
    for record in server.api_requests():
        flat = record.path + str(record.query)
        assert DEMO_API_KEY not in flat


async def test_a_request_after_close_is_dropped_not_a_runtime_error(server: DevServer) -> None:
    from e621tui.api.errors import Dropped

    client = E621Client(server.base_url)
    await client.aclose()
    with pytest.raises(Dropped, match="closed"):
        await client.posts.search("", limit=1)
