"""The dev server's comments, notes, wiki, related tags, popular and OR-query rules, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from e621tui.devserver.discovery_data import MANY_COMMENTS, ensure_discovery
from e621tui.devserver.generate import generate

UA = "e621-tui-test/1.0 (by demo on e621)"


@pytest.fixture(scope="module")
def srv() -> Iterator[DevServer]:
    with DevServer(enforce_rate_limit=False, hostile=True) as s:
        ensure_discovery(s.state)
        yield s


@pytest.fixture
def fresh() -> Iterator[DevServer]:
    with DevServer(enforce_rate_limit=False) as s:
        yield s


def _client(server: DevServer, login: bool = False) -> httpx.Client:
    auth = (DEMO_USERNAME, DEMO_API_KEY) if login else None
    return httpx.Client(base_url=server.base_url, headers={"User-Agent": UA}, auth=auth)


@pytest.fixture
def anon(srv: DevServer) -> Iterator[httpx.Client]:
    with _client(srv) as c:
        yield c


@pytest.fixture
def demo(srv: DevServer) -> Iterator[httpx.Client]:
    with _client(srv, login=True) as c:
        yield c


def comments(c: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    r = c.get("/comments.json", params={"group_by": "comment", **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert isinstance(body, list)
    return body


def count(c: httpx.Client, tags: str) -> int:
    r = c.get("/posts/count.json", params={"tags": tags})
    assert r.status_code == 200, r.text
    return int(r.json()["count"])


# --- data ------------------------------------------------------------------------------------


def test_discovery_data_is_deterministic_and_leaves_posts_alone() -> None:
    one, two = generate(), generate()
    before = [(p.id, p.comment_count, p.tags) for p in one.posts.values()]
    ensure_discovery(one)
    ensure_discovery(two)
    assert [(p.id, p.comment_count, p.tags) for p in one.posts.values()] == before
    assert [(c.id, c.body, c.score) for c in one.comments.values()] == [
        (c.id, c.body, c.score) for c in two.comments.values()
    ]
    assert len(one.wiki_pages) > 200 and len(one.notes) > 50
    assert one.special["many_comments"] == one.ids_desc[21]


# --- comments --------------------------------------------------------------------------------


def test_comment_objects_and_site_rules(srv: DevServer, anon: httpx.Client) -> None:
    post_id = srv.state.special["many_comments"]
    page = comments(anon, **{"search[post_id]": post_id, "limit": 20})
    assert len(page) == 20
    assert [c["id"] for c in page] == sorted((c["id"] for c in page), reverse=True)
    assert set(page[0]) == {
        "id", "created_at", "updated_at", "post_id", "creator_id", "body", "score",
        "updater_id", "do_not_bump_post", "is_hidden", "is_sticky", "warning_type",
        "warning_user_id", "creator_name", "updater_name", "vote",
    }  # fmt: skip
    assert {c["post_id"] for c in page} == {post_id} and page[0]["vote"] is None
    oldest = comments(anon, **{"search[post_id]": post_id, "limit": 20, "search[order]": "id_asc"})
    assert [c["id"] for c in oldest] == sorted(c["id"] for c in oldest)
    assert oldest[0]["id"] < page[-1]["id"]
    # The sticky staff comment is shown although its score is below the threshold.
    sticky = srv.state.special["comment_sticky"]
    assert sticky in [c["id"] for c in oldest]
    assert next(c for c in oldest if c["id"] == sticky)["score"] < -2


def test_thousands_of_comments_page_with_cursors(srv: DevServer, anon: httpx.Client) -> None:
    post_id = srv.state.special["many_comments"]
    seen: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"search[post_id]": post_id, "limit": 320}
        if cursor:
            params["page"] = cursor
        page = comments(anon, **params)
        if not page:
            break
        seen += [c["id"] for c in page]
        cursor = f"b{page[-1]['id']}"
    assert len(seen) == len(set(seen)) >= MANY_COMMENTS
    assert seen == sorted(seen, reverse=True)
    above = comments(anon, **{"search[post_id]": post_id, "limit": 5, "page": f"a{seen[-1]}"})
    assert [c["id"] for c in above] == seen[-6:-1]
    numbered = comments(anon, **{"search[post_id]": post_id, "limit": 50, "page": 3})
    assert [c["id"] for c in numbered] == seen[100:150]


def test_hidden_and_buried_comments(srv: DevServer, anon: httpx.Client, demo: httpx.Client) -> None:
    special = srv.state.special
    hidden = srv.state.comments[special["comment_hidden"]]
    listed = [c["id"] for c in comments(anon, **{"search[post_id]": hidden.post_id})]
    assert hidden.id not in listed
    assert anon.get(f"/comments/{hidden.id}.json").status_code == 403
    by_id = comments(anon, **{"search[id]": hidden.id})
    assert [c["id"] for c in by_id] == [hidden.id] and by_id[0]["is_hidden"] is True
    low = srv.state.comments[special["comment_low_score"]]
    assert low.id not in [c["id"] for c in comments(anon, **{"search[post_id]": low.post_id})]
    r = anon.get("/comments.json", params={"group_by": "comment", "search[is_hidden]": "true"})
    assert r.status_code == 403
    assert r.json()["reason"] == "Access Denied: found unpermitted parameter: :is_hidden"
    warned = srv.state.comments[special["comment_warned"]]
    shown = anon.get(f"/comments/{warned.id}.json").json()
    assert shown["warning_type"] in ("warning", "record", "ban")
    assert anon.get("/comments/1.json").status_code == 404
    votes = [c["vote"] for c in comments(demo, limit=320)]
    assert set(votes) <= {-1, 0, 1} and None not in votes


def test_comments_of_a_post_without_any_and_grouped_by_post(
    srv: DevServer, anon: httpx.Client
) -> None:
    commented = {c.post_id for c in srv.state.comments.values()}
    quiet = next(pid for pid in srv.state.ids_desc if pid not in commented)
    assert comments(anon, **{"search[post_id]": quiet}) == []
    r = anon.get("/comments.json", params={"limit": 5})
    assert r.status_code == 200 and len(r.json()["posts"]) == 5


def test_hostile_comment_bodies_are_served_verbatim(srv: DevServer, anon: httpx.Client) -> None:
    bodies = [
        c["body"] for c in comments(anon, **{"search[post_id]": srv.state.special["hostile"]})
    ]
    assert any("\x1b]52;c;" in b for b in bodies)
    assert any("[bold red]x[/]" in b for b in bodies)
    assert max(len(b) for b in bodies) > 50_000


def test_notes(srv: DevServer, anon: httpx.Client) -> None:
    post_id = srv.state.special["notes_post"]
    everything = anon.get("/notes.json", params={"search[post_id]": post_id}).json()
    active = anon.get(
        "/notes.json", params={"search[post_id]": post_id, "search[is_active]": "true"}
    ).json()
    assert everything and {n["post_id"] for n in everything} == {post_id}
    assert all(n["is_active"] for n in active) and len(active) <= len(everything)
    assert {"x", "y", "width", "height", "body", "version"} <= set(everything[0])


# --- wiki ------------------------------------------------------------------------------------


def test_wiki_pages_by_title_id_and_search(srv: DevServer, anon: httpx.Client) -> None:
    fox = anon.get("/wiki_pages/fox.json").json()
    assert fox["title"] == "fox" and "vulpes_vulpes" in fox["other_names"]
    assert fox["category_id"] == 5 and fox["parent"] is None and len(fox["featured_posts"]) <= 6
    assert anon.get(f"/wiki_pages/{fox['id']}.json").json()["title"] == "fox"
    found = anon.get("/wiki_pages.json", params={"search[title]": " Fox "}).json()
    assert [p["id"] for p in found] == [fox["id"]]
    numeric = srv.state.wiki_pages[srv.state.special["wiki_numeric"]]
    # An all-digit path segment is an id: the year page needs the search form.
    assert anon.get("/wiki_pages/2020.json").status_code == 404
    by_title = anon.get("/wiki_pages.json", params={"search[title]": "2020"}).json()
    assert [p["id"] for p in by_title] == [numeric.id] and by_title[0]["category_id"] is None
    missing = anon.get("/wiki_pages/no_such_page.json")
    assert missing.status_code == 404 and missing.json() == {
        "success": False,
        "reason": "not found",
    }
    assert anon.get("/wiki_pages.json", params={"search[title]": "no_such"}).json() == []
    redirect = anon.get("/wiki_pages/kitty.json").json()
    assert redirect["parent"] == "cat"
    wild = anon.get("/wiki_pages.json", params={"search[title]": "ember*", "limit": 50}).json()
    assert wild and all(p["title"].startswith("ember") for p in wild)
    deleted = srv.state.wiki_pages[srv.state.special["wiki_deleted"]]
    assert anon.get(f"/wiki_pages/{deleted.id}.json").json()["is_deleted"] is True
    hidden = anon.get(
        "/wiki_pages.json", params={"search[title]": deleted.title, "search[hide_deleted]": "true"}
    ).json()
    assert hidden == []


def test_some_tags_have_no_wiki_page(srv: DevServer) -> None:
    titles = {p.title for p in srv.state.wiki_pages.values()}
    assert any(name not in titles for name in srv.state.tags)


def test_showcase_page_uses_every_dtext_feature(srv: DevServer) -> None:
    body = srv.state.wiki_pages[srv.state.special["wiki_showcase"]].body
    for feature in ("h1.", "** ", "[quote]", "[spoiler]", "[section=", "[section,expanded=",
                    "[code]", "[table]", "[ltable]", "[[", "{{", '"the gallery":', "post #",
                    "[color="):  # fmt: skip
        assert feature in body, feature


# --- related tags ----------------------------------------------------------------------------


def test_related_tag_needs_login_and_follows_the_site(
    anon: httpx.Client, demo: httpx.Client
) -> None:
    r = anon.get("/related_tag.json", params={"search[query]": "fox"})
    assert r.status_code == 403 and r.json()["reason"] == "Access Denied"
    one = demo.get("/related_tag.json", params={"search[query]": "fox"}).json()
    assert one[0] == {"name": "fox", "category_id": 5} and 1 < len(one) <= 25
    assert demo.get("/related_tag.json", params={"search[query]": "vulpine"}).json() == one
    assert demo.get("/related_tag.json", params={"search[query]": "fox wolf"}).json() == []
    species = demo.get(
        "/related_tag.json", params={"search[query]": "fox wolf", "search[category_id]": 5}
    ).json()
    assert species and {t["category_id"] for t in species} == {5}
    wild = demo.get("/related_tag.json", params={"search[query]": "ember*"}).json()
    assert wild and all(t["name"].startswith("ember") for t in wild)
    many = " ".join(f"t{i}" for i in range(41))
    assert demo.get("/related_tag.json", params={"search[query]": many}).status_code == 422
    bulk = demo.get("/related_tag/bulk.json", params={"query": "fox wolf"}).json()
    assert set(bulk) == {"fox", "wolf"} and all("count" in t for t in bulk["fox"])


def test_tags_index_related_tags_string_and_name_list(anon: httpx.Client) -> None:
    rows = anon.get("/tags.json", params={"search[name]": "fox,wolf"}).json()
    assert sorted(t["name"] for t in rows) == ["fox", "wolf"]
    for row in rows:
        words = row["related_tags"].split()
        assert words[0] == row["name"] and len(words) % 2 == 0
        assert all(w.isdigit() for w in words[1::2])


# --- popular ---------------------------------------------------------------------------------


def _created(post: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(post["created_at"]).astimezone(UTC)


@pytest.mark.parametrize(("scale", "days"), [("day", 1), ("week", 7), ("month", 31)])
def test_popular_windows(srv: DevServer, anon: httpx.Client, scale: str, days: int) -> None:
    r = anon.get("/popular.json", params={"date": "2026-07-15", "scale": scale, "time_zone": "UTC"})
    posts = r.json()["posts"]
    assert posts and len(posts) <= 75
    scores = [p["score"]["total"] for p in posts]
    assert scores == sorted(scores, reverse=True)
    first = {"day": datetime(2026, 7, 15, tzinfo=UTC), "week": datetime(2026, 7, 13, tzinfo=UTC),
             "month": datetime(2026, 7, 1, tzinfo=UTC)}[scale]  # fmt: skip
    assert all(first <= _created(p) < first + timedelta(days=days) for p in posts)
    expected = [
        p for p in srv.state.posts.values()
        if first.timestamp() <= p.created < (first + timedelta(days=days)).timestamp()
    ]  # fmt: skip
    assert len(posts) == min(75, len(expected))


def test_popular_errors_and_defaults(anon: httpx.Client, demo: httpx.Client) -> None:
    r = anon.get("/popular.json", params={"date": "not a date"})
    assert r.status_code == 422 and r.json()["message"] == "Invalid date: not a date"
    assert anon.get("/popular.json").json()["posts"]  # today (the demo's "now")
    assert anon.get("/popular.json", params={"date": "2001-01-01"}).json() == {"posts": []}
    safe = anon.get("/popular.json", params={"scale": "month", "safe_mode": "1"}).json()["posts"]
    assert {p["rating"] for p in safe} == {"s"}


# --- search rules the feeds rely on -----------------------------------------------------------


def test_or_queries_and_wildcards(anon: httpx.Client) -> None:
    assert count(anon, "~fox* ~wolf") == count(anon, "~wolf")
    assert count(anon, "~fox*") == 0
    assert count(anon, "~wolf fox*") == count(anon, "~wolf ~fox ~fox_tales")
    assert count(anon, "~wolf ~fox") > max(count(anon, "wolf"), count(anon, "fox"))


def test_tag_limit_counts_or_terms_but_not_free_tags(anon: httpx.Client) -> None:
    forty = " ".join(f"~tag{i}" for i in range(40))
    for extra, status in (("", 200), ("rating:s", 200), ("limit:5", 200), ("status:deleted", 200),
                          ("-status:deleted", 200), ("~tag40", 422), ("rating:q", 422),
                          ("-rating:s", 422), ("fox", 422)):  # fmt: skip
        r = anon.get("/posts.json", params={"tags": f"{forty} {extra}"})
        assert r.status_code == status, extra


def test_random_and_count(anon: httpx.Client) -> None:
    post = anon.get("/posts/random.json", params={"tags": "~wolf ~dragon"}).json()["post"]
    flat = {t for group in post["tags"].values() for t in group}
    assert flat & {"wolf", "dragon"}
    assert anon.get("/posts/random.json", params={"tags": "~nothing ~matches"}).status_code == 404
    assert count(anon, "~nothing ~matches") == 0


def test_new_posts_at_runtime_and_a_cursor_catch_up(fresh: DevServer) -> None:
    with _client(fresh) as c:
        newest = c.get("/posts.json", params={"limit": 1}).json()["posts"][0]["id"]
        added = fresh.add_posts(5, tags=["fox", "brand_new_tag"])
        assert added == sorted(added) and added[0] > newest
        page = c.get("/posts.json", params={"tags": "~brand_new_tag ~zzz", "page": f"a{newest}"})
        assert [p["id"] for p in page.json()["posts"]] == sorted(added, reverse=True)
        tag = c.get("/tags.json", params={"search[name]": "brand_new_tag"}).json()[0]
        assert tag["post_count"] == 5 and tag["related_tags"].startswith("brand_new_tag 5")


def test_edge_rules_apply_to_the_new_routes(srv: DevServer) -> None:
    with httpx.Client(base_url=srv.base_url, headers={"User-Agent": "python-httpx/0.28"}) as c:
        for path in ("/comments.json", "/wiki_pages/fox.json", "/popular.json", "/notes.json"):
            r = c.get(path)
            assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
