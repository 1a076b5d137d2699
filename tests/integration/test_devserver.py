"""The local e621ng-compatible dev server, exercised over real HTTP on 127.0.0.1."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from e621tui.devserver import (
    DEMO_API_KEY,
    DEMO_USERNAME,
    OTHER_API_KEY,
    OTHER_USERNAME,
    DevServer,
)
from e621tui.devserver.generate import generate
from e621tui.devserver.hostile import LONG_TAG, MANY_TAGS

UA = "e621-tui-test/1.0 (by demo on e621)"
DEMO = (DEMO_USERNAME, DEMO_API_KEY)
OTHER = (OTHER_USERNAME, OTHER_API_KEY)
POST_FIELDS = [
    "id", "created_at", "updated_at", "file", "preview", "sample", "score", "tags",
    "locked_tags", "change_seq", "flags", "rating", "fav_count", "sources", "pools",
    "relationships", "approver_id", "uploader_id", "uploader_name", "description",
    "comment_count", "is_favorited", "vote", "has_notes", "duration",
]  # fmt: skip


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def srv() -> Iterator[DevServer]:
    """A shared server for read-only tests (no rate or set-edit limits)."""
    with DevServer(enforce_rate_limit=False, enforce_set_edit_limit=False, hostile=True) as s:
        yield s


@pytest.fixture
def fresh() -> Iterator[DevServer]:
    """A server of its own for tests that change data or faults."""
    with DevServer(enforce_rate_limit=False, enforce_set_edit_limit=False) as s:
        yield s


def client(server: DevServer, auth: tuple[str, str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"User-Agent": UA}, auth=auth)


@pytest.fixture
def anon(srv: DevServer) -> Iterator[httpx.Client]:
    with client(srv) as c:
        yield c


@pytest.fixture
def demo(srv: DevServer) -> Iterator[httpx.Client]:
    with client(srv, DEMO) as c:
        yield c


def posts(c: httpx.Client, tags: str = "", **params: Any) -> list[dict[str, Any]]:
    r = c.get("/posts.json", params={"tags": tags, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"posts"}
    return list(body["posts"])


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [p["id"] for p in items]


# --- data -----------------------------------------------------------------------------------


def test_generation_is_fast_and_deterministic() -> None:
    start = time.perf_counter()
    state = generate(seed=621, post_count=3000)
    assert time.perf_counter() - start < 1.0
    assert len(state.posts) == 3000
    again = generate(seed=621, post_count=3000)
    assert [(p.id, p.md5, p.tags) for p in state.posts.values()] == [
        (p.id, p.md5, p.tags) for p in again.posts.values()
    ]
    assert state.special == again.special
    assert generate(seed=7).ids_desc != state.ids_desc
    ids_desc = state.ids_desc
    assert ids_desc == sorted(ids_desc, reverse=True)
    created = [state.posts[i].created for i in ids_desc]
    assert created == sorted(created, reverse=True)
    assert any(a - b > 1 for a, b in itertools.pairwise(ids_desc)), "ids have gaps"
    ratings = {r: sum(p.rating == r for p in state.posts.values()) for r in "sqe"}
    assert ratings["s"] > ratings["q"] > ratings["e"] > 0


def test_devserver_never_imports_textual() -> None:
    code = "import sys, e621tui.devserver; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_tag_frequencies_are_skewed_and_cover_categories(srv: DevServer) -> None:
    tags = srv.state.tags.values()
    assert {t.category for t in tags} >= {
        "artist", "contributor", "copyright", "character", "species", "general", "meta",
        "lore",
    }  # fmt: skip
    counts = sorted((t.post_count for t in tags if t.category == "general"), reverse=True)
    assert counts[0] > 10 * counts[len(counts) // 2]


# --- edge rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "agent",
    [None, "", "python-httpx/0.28.1", "python-requests/2.32", "curl/8.5.0", "Wget/1.21",
     "Go-http-client/1.1", "okhttp/4.12", "aiohttp/3.9", "Mozilla/5.0 (X11; Linux x86_64)"],
)  # fmt: skip
def test_user_agent_rule(srv: DevServer, agent: str | None) -> None:
    headers = {"User-Agent": agent} if agent is not None else {}
    with httpx.Client(base_url=srv.base_url) as c:
        if agent is None:
            c.headers.pop("User-Agent")
        r = c.get("/posts.json", params={"limit": 1}, headers=headers)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/html")
    assert "API misuse" in r.text


def test_good_user_agent_passes_and_static_files_skip_the_rule(srv: DevServer) -> None:
    with client(srv) as c:
        post = c.get(f"/posts/{srv.state.special['newest']}.json").json()["post"]
    with httpx.Client() as bare:
        bare.headers.pop("User-Agent")
        assert bare.get(post["preview"]["url"]).status_code == 200


def test_rate_rule_blocks_the_third_request_in_a_second_then_recovers() -> None:
    with DevServer(post_count=100) as server, client(server) as c:
        statuses = [c.get("/posts.json", params={"limit": 1}).status_code for _ in range(3)]
        assert statuses == [200, 200, 503]
        assert server.max_requests_in_window(1.0) == 3
        blocked = server.api_requests()[-1]
        assert blocked.status == 503
        r = c.get("/posts.json", params={"limit": 1})  # still inside the window
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("text/html")
        # Rejected requests count, so wait a full window after the last one.
        time.sleep(1.05)
        assert c.get("/posts.json", params={"limit": 1}).status_code == 200
        server.clear_requests()
        assert server.api_requests() == []


def test_max_requests_in_window_ignores_static_files(srv: DevServer, anon: httpx.Client) -> None:
    url = anon.get(f"/posts/{srv.state.special['newest']}.json").json()["post"]["preview"]["url"]
    srv.clear_requests()
    anon.get("/posts.json", params={"limit": 1})
    for _ in range(3):
        anon.get(url)
    assert srv.max_requests_in_window() == 1
    assert [r.is_api for r in srv.requests] == [True, False, False, False]


# --- auth and errors ------------------------------------------------------------------------


def test_wrong_key_is_401_even_on_get(srv: DevServer) -> None:
    for auth in [(DEMO_USERNAME, "nope"), ("nobody", "x")]:
        with client(srv, auth) as c:
            r = c.get("/posts.json", params={"limit": 1})
        assert r.status_code == 401
        assert r.json() == {
            "success": False,
            "message": "SessionLoader::AuthenticationFailure",
            "code": None,
        }
    with client(srv) as c:
        r = c.get("/posts.json", headers={"Authorization": "Basic !!!notbase64"})
    assert r.status_code == 401


def test_names_are_case_insensitive_with_spaces_as_underscores(srv: DevServer) -> None:
    for auth in [("DEMO", DEMO_API_KEY), ("other user", OTHER_API_KEY)]:
        with client(srv, auth) as c:
            me = c.get("/users/me.json")
        assert me.status_code == 200
        assert me.json()["name"].lower() == auth[0].lower().replace(" ", "_")


def test_unauthenticated_write_is_a_csrf_403(anon: httpx.Client, srv: DevServer) -> None:
    r = anon.post("/favorites.json", data={"post_id": srv.state.special["newest"]})
    assert r.status_code == 403
    assert r.json()["message"].startswith("ActionController::InvalidAuthenticityToken")
    assert r.json()["code"] is None


def test_missing_record_and_unknown_route(anon: httpx.Client) -> None:
    r = anon.get("/posts/1.json")
    assert (r.status_code, r.json()) == (404, {"success": False, "reason": "not found"})
    assert anon.get("/pools/1.json").json() == {"success": False, "reason": "not found"}
    r = anon.get("/no/such/route.json")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")


# --- posts: fields, visibility --------------------------------------------------------------


def test_post_objects_have_every_legacy_field(srv: DevServer, demo: httpx.Client) -> None:
    for post in posts(demo, limit=20):
        assert list(post) == POST_FIELDS
        assert post["score"]["down"] <= 0
        assert set(post["tags"]) >= {"general", "artist", "contributor", "meta", "lore"}
        assert post["file"]["url"].startswith(srv.base_url + "/data/")
        assert max(post["preview"]["width"], post["preview"]["height"]) <= 256
        assert post["created_at"][-6] in "+-" and "." in post["created_at"]


def test_special_posts(srv: DevServer, anon: httpx.Client) -> None:
    special = srv.state.special

    def show(key: str) -> dict[str, Any]:
        r = anon.get(f"/posts/{special[key]}.json")
        assert r.status_code == 200
        return dict(r.json()["post"])

    video = show("video")
    assert video["file"]["ext"] == "webm" and video["duration"] == 12.5
    assert video["sample"]["has"] and video["sample"]["url"].endswith(".jpg")
    assert video["sample"]["alternates"]["samples"]["480p"]["url"].endswith("_480p.mp4")
    gif = show("gif")
    assert gif["sample"] == {**gif["sample"], "has": False, "url": None}
    assert show("swf")["preview"]["url"] == srv.base_url + "/images/download-preview.png"
    small = show("small")
    assert small["sample"]["has"] is False and small["sample"]["url"] is None
    assert small["sample"]["width"] == small["file"]["width"]
    large = show("large")
    assert (
        large["sample"]["has"] and max(large["sample"]["width"], large["sample"]["height"]) == 850
    )
    parent = show("parent")
    assert special["child"] in parent["relationships"]["children"]
    assert special["deleted_child"] in parent["relationships"]["children"]
    assert parent["relationships"]["has_active_children"] is True
    assert show("child")["relationships"]["parent_id"] == special["parent"]
    legacy = show("legacy_score")["score"]
    assert legacy["total"] != legacy["up"] + legacy["down"]
    described = show("described")
    assert "[quote]" in described["description"] and "\n" in described["description"]
    assert described["sources"]
    assert show("pending")["flags"]["pending"] and show("flagged")["flags"]["flagged"]
    deleted = show("deleted")
    assert deleted["flags"]["deleted"] is True
    assert deleted["file"]["url"] is None and deleted["preview"]["url"] is None
    assert deleted["file"]["md5"]


def test_login_blocked_post_hides_urls_from_anonymous_only(
    srv: DevServer, anon: httpx.Client, demo: httpx.Client
) -> None:
    pid = srv.state.special["login_blocked"]
    hidden = anon.get(f"/posts/{pid}.json").json()["post"]
    assert hidden["file"]["url"] is None and hidden["preview"]["url"] is None
    assert hidden["sample"]["url"] is None and hidden["file"]["md5"]
    shown = demo.get(f"/posts/{pid}.json").json()["post"]
    assert shown["file"]["url"] and shown["preview"]["url"]
    md5 = hidden["file"]["md5"]
    rebuilt = f"{srv.base_url}/data/{md5[:2]}/{md5[2:4]}/{md5}.{hidden['file']['ext']}"
    assert anon.get(rebuilt).status_code == 200


def test_md5_lookup_random_and_count(srv: DevServer, anon: httpx.Client) -> None:
    post = srv.state.post(srv.state.special["newest"])
    r = anon.get("/posts.json", params={"md5": post.md5})
    assert list(r.json()) == ["post"] and r.json()["post"]["id"] == post.id
    assert anon.get("/posts.json", params={"md5": "0" * 32}).status_code == 404
    random_post = anon.get("/posts/random.json", params={"tags": "fox"}).json()["post"]
    assert "fox" in random_post["tags"]["species"]
    assert anon.get("/posts/random.json", params={"tags": "no_such_tag"}).status_code == 404
    count = anon.get("/posts/count.json", params={"tags": "fox"}).json()
    assert count == {"count": srv.state.tags["fox"].post_count, "capped": False}


def test_time_zone_param(anon: httpx.Client) -> None:
    post = posts(anon, limit=1, time_zone="UTC")[0]
    assert post["created_at"].endswith("+00:00")


# --- pagination -----------------------------------------------------------------------------


def test_numbered_pages_and_b_cursor_agree(srv: DevServer, anon: httpx.Client) -> None:
    page1 = ids(posts(anon, limit=20))
    page2 = ids(posts(anon, limit=20, page=2))
    assert page1 == sorted(page1, reverse=True)
    assert ids(posts(anon, limit=20, page=f"b{page1[-1]}")) == page2
    expected = [i for i in srv.state.ids_desc if not srv.state.post(i).deleted]
    assert page1 + page2 == expected[:40]


def test_a_cursor_returns_the_closest_ids_above_in_descending_order(anon: httpx.Client) -> None:
    page = ids(posts(anon, limit=40))
    above = ids(posts(anon, limit=10, page=f"a{page[-1]}"))
    assert above == page[-11:-1]
    assert above == sorted(above, reverse=True)


def test_cursor_forces_id_order(anon: httpx.Client) -> None:
    page = ids(posts(anon, "order:score", limit=30, page="b999999999"))
    assert page == sorted(page, reverse=True)


def test_limit_and_page_errors(anon: httpx.Client) -> None:
    cases = [
        ({"limit": "321"}, "Limit must be between 0 and 320."),
        ({"limit": "-1"}, "Limit must be between 0 and 320."),
        ({"limit": "abc"}, "Invalid limit."),
        ({"page": "751"}, "You cannot go beyond page 750. Please narrow your search terms."),
        ({"page": "0"}, "Invalid page number."),
        ({"page": "x"}, "Invalid page number."),
        ({"page": "b9999999999"}, "Page parameter is out of valid range."),
    ]
    for params, message in cases:
        r = anon.get("/posts.json", params=params)
        assert r.status_code == 410, params
        assert r.json() == {"success": False, "message": message, "code": None}
    assert len(posts(anon, limit=320)) == 320
    assert posts(anon, limit=10, page=750) == []


# --- search ---------------------------------------------------------------------------------


def test_plain_tags_negation_or_groups_and_wildcards(anon: httpx.Client) -> None:
    for post in posts(anon, "fox outside -wolf", limit=100):
        flat = {t for group in post["tags"].values() for t in group}
        assert {"fox", "outside"} <= flat and "wolf" not in flat
    for post in posts(anon, "~wolf ~dragon", limit=100):
        flat = {t for group in post["tags"].values() for t in group}
        assert flat & {"wolf", "dragon"}
    for post in posts(anon, "ember_*", limit=50):
        assert any(t.startswith("ember_") for t in post["tags"]["character"])
    assert ids(posts(anon, "kitty", limit=30)) == ids(posts(anon, "cat", limit=30))


def test_metatags(srv: DevServer, anon: httpx.Client, demo: httpx.Client) -> None:
    assert {p["rating"] for p in posts(anon, "rating:s", limit=100)} == {"s"}
    assert "s" not in {p["rating"] for p in posts(anon, "-rating:s", limit=100)}
    some = srv.state.ids_desc[30:35]
    listed = posts(anon, "id:" + ",".join(map(str, some)))
    assert ids(listed) == some
    many = [i for i in srv.state.ids_desc if not srv.state.post(i).deleted][:330]
    # The list is cut to its first 320 entries, here the lowest ids (not the page limit).
    truncated = ids(posts(anon, "id:" + ",".join(map(str, reversed(many))), limit=320))
    assert truncated == many[10:]
    lo, hi = some[-1], some[0]
    assert ids(posts(anon, f"id:{lo}..{hi}")) == some
    assert all(p["score"]["total"] > 20 for p in posts(anon, "score:>20", limit=50))
    assert all(p["fav_count"] >= 10 for p in posts(anon, "favcount:>=10", limit=50))
    assert ids(posts(anon, "type:webm", limit=320)).count(srv.state.special["video"]) == 1
    favs = set(srv.state.favorite_ids(DEMO_USERNAME))
    assert set(ids(posts(demo, "fav:me", limit=320))) == favs
    assert set(ids(posts(anon, "fav:demo", limit=320))) == favs
    assert posts(anon, "fav:me") == []
    r = anon.get("/posts.json", params={"tags": "fav:quiet_collector"})
    assert r.status_code == 403
    pool = srv.state.pool(srv.state.special["pool_40"])
    assert set(ids(posts(anon, f"pool:{pool.id}", limit=100))) == set(pool.post_ids)
    public = srv.state.post_set(srv.state.special["set_demo_public"])
    assert set(ids(posts(anon, f"set:{public.id}", limit=100))) == set(public.post_ids)
    private = srv.state.special["set_demo_private"]
    assert anon.get("/posts.json", params={"tags": f"set:{private}"}).status_code == 403
    assert len(posts(demo, f"set:{private}", limit=100)) == len(
        srv.state.post_set(private).post_ids
    )
    uploader = srv.state.post(srv.state.special["newest"]).uploader_name
    assert {p["uploader_name"] for p in posts(anon, f"user:{uploader}", limit=50)} == {uploader}
    assert len(posts(anon, "limit:7")) == 7


def test_deleted_posts_need_a_status_override(srv: DevServer, anon: httpx.Client) -> None:
    deleted = srv.state.special["deleted"]
    assert deleted not in ids(posts(anon, f"id:{deleted}"))
    assert ids(posts(anon, f"id:{deleted} status:deleted")) == [deleted]
    assert deleted in ids(posts(anon, "status:any", limit=30))


def test_orders(anon: httpx.Client) -> None:
    ascending = ids(posts(anon, "order:id", limit=50))
    assert ascending == sorted(ascending)
    scores = [p["score"]["total"] for p in posts(anon, "order:score", limit=100)]
    assert scores == sorted(scores, reverse=True)
    favs = [p["fav_count"] for p in posts(anon, "order:favcount_asc", limit=100)]
    assert favs == sorted(favs)
    one = ids(posts(anon, "order:random randseed:5", limit=30, page=2))
    assert one == ids(posts(anon, "order:random randseed:5", limit=30, page=2))
    assert one != sorted(one, reverse=True)


def test_query_errors(anon: httpx.Client) -> None:
    too_many = " ".join(f"tag{i}" for i in range(41))
    r = anon.get("/posts.json", params={"tags": too_many})
    assert r.status_code == 422
    assert r.json()["message"] == "You cannot search for more than 40 tags at a time"
    free = " ".join(f"tag{i}" for i in range(40)) + " rating:s limit:5 status:deleted"
    assert anon.get("/posts.json", params={"tags": free}).status_code == 200
    r = anon.get("/posts.json", params={"tags[]": "fox"})
    assert r.status_code == 400 and r.json()["message"] == "Invalid tags parameter"


# --- favorites and votes --------------------------------------------------------------------


def test_favorite_add_list_and_remove(fresh: DevServer) -> None:
    pid = fresh.state.ids_desc[40]
    before = fresh.state.post(pid).fav_count
    assert not fresh.state.is_favorited(DEMO_USERNAME, pid)
    with client(fresh, DEMO) as c:
        r = c.post("/favorites.json", data={"post_id": pid})
        assert (r.status_code, r.json()) == (200, {"post_id": pid, "favorite_count": before + 1})
        assert fresh.state.is_favorited("Demo", pid)
        again = c.post("/favorites.json", data={"post_id": pid})
        assert again.status_code == 422
        assert again.json()["message"] == "You have already favorited this post"
        listed = c.get("/favorites.json", params={"user_id": fresh.state.special["user_demo"]})
        assert listed.json()["posts"][0]["id"] == pid
        assert listed.json()["posts"][0]["is_favorited"] is True
        mine = c.get("/favorites.json", params={"limit": 5, "page": 2}).json()["posts"]
        assert ids(mine) == fresh.state.favorite_ids(DEMO_USERNAME)[5:10]
        r = c.delete(f"/favorites/{pid}.json")
        assert (r.status_code, r.json()) == (200, {"post_id": pid, "favorite_count": before})
        assert c.delete(f"/favorites/{pid}.json").status_code == 200  # no-op
        r = c.post("/favorites.json", data={"post_id": pid})
        assert r.status_code == 200
        r = c.post(f"/favorites/{pid}.json", data={"_method": "delete"})
        assert r.status_code == 200 and not fresh.state.is_favorited(DEMO_USERNAME, pid)
        assert c.post("/favorites.json", data={"post_id": 1}).status_code == 404
    with client(fresh) as c:
        assert c.get("/favorites.json").status_code == 404
        hidden = fresh.state.special["user_hidden_favorites"]
        assert c.get("/favorites.json", params={"user_id": hidden}).json() == {"posts": []}


def test_vote_semantics(fresh: DevServer) -> None:
    pid = fresh.state.ids_desc[300]
    post = fresh.state.post(pid)
    up, down = post.up, post.down
    path = f"/posts/{pid}/votes.json"
    with client(fresh, OTHER) as c:
        r = c.post(path, data={"score": "1"})
        assert r.json() == {"score": post.score, "up": up + 1, "down": down, "our_score": 1}
        assert fresh.state.vote_of(OTHER_USERNAME, pid) == 1
        r = c.post(path, data={"score": "1"})  # same vote again toggles it off
        assert r.json()["our_score"] == 0 and r.json()["up"] == up
        assert fresh.state.vote_of(OTHER_USERNAME, pid) == 0
        c.post(path, params={"score": "1", "no_unvote": "true"})
        r = c.post(path, params={"score": "1", "no_unvote": "true"})
        assert r.json()["our_score"] == 0 and r.json()["up"] == up + 1  # the quirk
        assert fresh.state.vote_of(OTHER_USERNAME, pid) == 1
        r = c.post(path, data={"score": "-1", "no_unvote": "true"})
        assert r.json() == {"score": post.score, "up": up, "down": down - 1, "our_score": -1}
        assert c.get(f"/posts/{pid}.json").json()["post"]["vote"] == -1
        r = c.delete(path)
        assert r.status_code == 204 and r.content == b""
        assert fresh.state.vote_of(OTHER_USERNAME, pid) == 0
        assert (post.up, post.down) == (up, down)
        assert c.delete(path).status_code == 204
        c.post(path, data={"score": "1"})
        assert c.post(path, data={"_method": "delete"}).status_code == 204
        assert fresh.state.vote_of(OTHER_USERNAME, pid) == 0
        bad = c.post(path, data={"score": "2"})
        assert bad.status_code == 422 and bad.json()["message"] == "Invalid vote"


# --- sets -----------------------------------------------------------------------------------


def test_set_create_and_validation(fresh: DevServer) -> None:
    with client(fresh, DEMO) as c:
        r = c.post(
            "/post_sets.json",
            data={"post_set[name]": "My New Set", "post_set[shortname]": "my_new_set",
                  "post_set[is_public]": "true"},
        )  # fmt: skip
        assert r.status_code == 201
        created = r.json()
        assert created["name"] == "My New Set" and created["is_public"] is True
        assert created["creator_id"] == fresh.state.special["user_demo"]
        assert created["post_ids"] == [] and created["post_count"] == 0
        bad = [
            ({"name": "ab", "shortname": "fine_name"}, "name", "too short"),
            ({"name": "Fine name", "shortname": "Bad Name"}, "shortname", "lowercase"),
            ({"name": "Fine name", "shortname": "12345"}, "shortname", "at least one"),
            ({"name": "My New Set", "shortname": "other_short"}, "name", "already been taken"),
            ({"name": "Other name", "shortname": "my_new_set"}, "shortname", "already been taken"),
        ]
        for fields, field, text in bad:
            form = {f"post_set[{k}]": v for k, v in fields.items()}
            r = c.post("/post_sets.json", data=form)
            assert r.status_code == 422, fields
            assert any(text in m for m in r.json()["errors"][field]), r.json()
        r = c.patch(f"/post_sets/{created['id']}.json", data={"post_set[name]": "Renamed"})
        assert r.status_code == 204
        assert fresh.state.post_set(created["id"]).name == "Renamed"
        assert c.delete(f"/post_sets/{created['id']}.json").status_code == 204
        assert c.get(f"/post_sets/{created['id']}.json").status_code == 404
    other_set = fresh.state.special["set_other_public"]
    with client(fresh, DEMO) as c:
        assert c.delete(f"/post_sets/{other_set}.json").status_code == 403


def test_set_add_and_remove_posts(fresh: DevServer) -> None:
    set_id = fresh.state.special["set_demo_empty"]
    new = fresh.state.ids_desc[50:53]
    with client(fresh, DEMO) as c:
        path = f"/post_sets/{set_id}"
        r = c.post(f"{path}/add_posts.json", data={"post_ids[]": [*new, new[0], 1]})
        assert r.status_code == 201
        assert r.json()["post_ids"] == new and r.json()["post_count"] == 3
        more = fresh.state.ids_desc[60:62]
        r = c.post(f"{path}/add_posts.json", json={"post_ids": more})
        assert r.json()["post_ids"] == new + more
        r = c.post(f"{path}/remove_posts.json", data={"post_ids[]": [new[1]]})
        assert r.status_code == 201
        assert fresh.state.post_set(set_id).post_ids == [new[0], new[2], *more]
        for form in [{"post_ids": str(new[0])}, {}]:
            r = c.post(f"{path}/add_posts.json", data=form)
            assert r.status_code == 400
            assert r.json()["message"] == "param is missing or the value is empty: post_ids"
        r = c.post(f"{path}/add_posts.json", data={"post_ids[]": list(range(1, 322))})
        assert (r.status_code, r.json()["message"]) == (
            400,
            "You can only add up to 320 posts at a time.",
        )
        maintained = fresh.state.special["set_other_maintained"]
        r = c.post(f"/post_sets/{maintained}/add_posts.json", data={"post_ids[]": [new[0]]})
        assert r.status_code == 201
        not_mine = fresh.state.special["set_other_public"]
        r = c.post(f"/post_sets/{not_mine}/add_posts.json", data={"post_ids[]": [new[0]]})
        assert r.status_code == 403
    with client(fresh) as c:
        r = c.post(f"/post_sets/{set_id}/add_posts.json", data={"post_ids[]": [new[0]]})
        assert r.status_code == 403


def test_set_edit_rate_limit_is_per_user() -> None:
    with DevServer(post_count=100, enforce_rate_limit=False) as server:
        demo_path = f"/post_sets/{server.state.special['set_demo_public']}/add_posts.json"
        other_path = f"/post_sets/{server.state.special['set_other_public']}/remove_posts.json"
        pid = server.state.ids_desc[30]
        with client(server, DEMO) as demo_c, client(server, OTHER) as other_c:
            statuses = [demo_c.post(demo_path, data={"post_ids[]": [pid]}).status_code
                        for _ in range(31)]  # fmt: skip
            assert statuses == [201] * 30 + [429]
            assert demo_c.post(demo_path, data={"post_ids[]": [pid]}).json() == {
                "success": False,
                "message": "You are modifying sets too quickly. Wait a bit and try again.",
                "code": None,
            }
            assert other_c.post(other_path, data={"post_ids[]": [pid]}).status_code == 201


def test_set_visibility_and_listing(srv: DevServer, anon: httpx.Client, demo: httpx.Client) -> None:
    private = srv.state.special["set_demo_private"]
    r = anon.get(f"/post_sets/{private}.json")
    assert (r.status_code, r.json()) == (403, {"success": False, "reason": "Access Denied"})
    with client(srv, OTHER) as other:
        assert other.get(f"/post_sets/{private}.json").status_code == 403
    assert demo.get(f"/post_sets/{private}.json").json()["id"] == private
    listed = anon.get("/post_sets.json", params={"limit": 100}).json()
    assert private not in ids(listed) and all(s["is_public"] for s in listed)
    assert private in ids(demo.get("/post_sets.json", params={"limit": 100}).json())
    mine = anon.get("/post_sets.json", params={"search[creator_name]": DEMO_USERNAME}).json()
    assert {s["creator_id"] for s in mine} == {srv.state.special["user_demo"]}
    named = anon.get("/post_sets.json", params={"search[name]": "Tea*"}).json()
    assert ids(named) == [srv.state.special["set_other_public"]]
    member = srv.state.post_set(srv.state.special["set_other_public"]).post_ids[0]
    containing = anon.get("/post_sets.json", params={"post_id": member}).json()
    assert all(member in s["post_ids"] for s in containing) and containing
    demo_id = srv.state.special["user_demo"]
    maintained = anon.get("/post_sets.json", params={"maintainer_id": demo_id}).json()
    assert ids(maintained) == [srv.state.special["set_other_maintained"]]


def test_for_select(srv: DevServer, demo: httpx.Client, anon: httpx.Client) -> None:
    body = demo.get("/post_sets/for_select.json").json()
    assert set(body) == {"Owned", "Maintained"}
    owned = dict((set_id, name) for name, set_id in body["Owned"])
    assert owned[srv.state.special["set_demo_private"]] == "To Sort Later"
    long_name = owned[srv.state.special["set_demo_long_name"]]
    assert len(long_name) == 35 and long_name.endswith("...") and "_" not in long_name
    names = [name for name, _ in body["Owned"]]
    assert names == sorted(names, key=str.lower)
    assert body["Maintained"] == [["Dragon Hoard", srv.state.special["set_other_maintained"]]]
    assert anon.get("/post_sets/for_select.json").status_code == 403


# --- pools, tags, users ---------------------------------------------------------------------


def test_pools(srv: DevServer, anon: httpx.Client) -> None:
    for key, size in [("pool_3", 3), ("pool_12", 12), ("pool_250", 250), ("pool_1000", 1000)]:
        pool = anon.get(f"/pools/{srv.state.special[key]}.json").json()
        assert pool["post_count"] == len(pool["post_ids"]) == size
        order = pool["post_ids"]
        assert order not in (sorted(order), sorted(order, reverse=True))
        for pid in order[:20]:
            assert pool["id"] in srv.state.post(pid).pools
    pool_12 = srv.state.pool(srv.state.special["pool_12"])
    assert srv.state.special["deleted"] in pool_12.post_ids
    wanted = [srv.state.special["pool_3"], srv.state.special["pool_40"]]
    listed = anon.get("/pools.json", params={"search[id]": ",".join(map(str, wanted))}).json()
    assert sorted(ids(listed)) == sorted(wanted)
    named = anon.get("/pools.json", params={"search[name_matches]": "moonpath*"}).json()
    assert named and all(p["name"].lower().startswith("moonpath") for p in named)
    series = anon.get("/pools.json", params={"search[category]": "collection"}).json()
    assert series and {p["category"] for p in series} == {"collection"}
    for post in posts(anon, f"pool:{pool_12.id}"):
        assert pool_12.id in post["pools"]


def test_autocomplete(srv: DevServer, anon: httpx.Client) -> None:
    for short in ["fo", "", "  f o ", "**x"]:
        r = anon.get("/tags/autocomplete.json", params={"search[name_matches]": short})
        assert (r.status_code, r.json()) == (400, {"error": "bad request"})
    assert anon.get("/tags/autocomplete.json").status_code == 400
    body = anon.get("/tags/autocomplete.json", params={"search[name_matches]": "Sun*"}).json()
    assert 0 < len(body) <= 10
    assert all(t["name"].startswith("sun") and t["post_count"] > 0 for t in body)
    counts = [t["post_count"] for t in body]
    assert counts == sorted(counts, reverse=True)
    alias = anon.get("/tags/autocomplete.json", params={"search[name_matches]": "kitt"}).json()
    assert alias == [
        {"id": srv.state.tags["cat"].id, "name": "cat", "post_count": alias[0]["post_count"],
         "category": 5, "antecedent_name": alias[0]["antecedent_name"]}
    ]  # fmt: skip
    assert alias[0]["antecedent_name"] in ("kitty", "kitten")
    many = anon.get("/tags/autocomplete.json", params={"search[name_matches]": "hostile_tag"})
    assert len(many.json()) == 10


def test_tags_index(srv: DevServer, anon: httpx.Client) -> None:
    rows = anon.get("/tags.json", params={"search[name]": "fox,wolf,outside"}).json()
    assert {t["name"]: t["category"] for t in rows} == {"fox": 5, "wolf": 5, "outside": 0}
    wild = anon.get("/tags.json", params={"search[name_matches]": "blue*"}).json()
    assert wild and all(t["name"].startswith("blue") for t in wild)
    artists = anon.get("/tags.json", params={"search[category]": "1", "limit": 5}).json()
    assert len(artists) == 5 and {t["category"] for t in artists} == {1}
    assert anon.get("/tags/fox.json").json()["name"] == "fox"


def test_users_private_fields(srv: DevServer, anon: httpx.Client, demo: httpx.Client) -> None:
    public = anon.get(f"/users/{DEMO_USERNAME}.json").json()
    assert public["name"] == DEMO_USERNAME and "blacklisted_tags" not in public
    by_id = anon.get(f"/users/{srv.state.special['user_demo']}.json").json()
    assert by_id == public
    mine = demo.get("/users/demo.json").json()
    assert "# " in mine["blacklisted_tags"] and "\n" in mine["blacklisted_tags"]
    assert mine["per_page"] == 75
    with client(srv, OTHER) as other:
        assert "blacklisted_tags" not in other.get("/users/demo.json").json()
    assert anon.get("/users/me.json").status_code == 403
    assert anon.get("/users/nobody_here.json").status_code == 404


def test_user_update(fresh: DevServer) -> None:
    with client(fresh, DEMO) as c:
        other_id = fresh.state.special["user_other"]
        r = c.patch(f"/users/{other_id}.json", data={"user[blacklisted_tags]": "a\nb -c"})
        assert r.status_code == 204
        assert fresh.state.user(DEMO_USERNAME).blacklisted_tags == "a\nb -c"  # type: ignore[union-attr]
        assert fresh.state.user(OTHER_USERNAME).blacklisted_tags == "tagme"  # type: ignore[union-attr]
        assert c.get("/users/me.json").json()["blacklisted_tags"] == "a\nb -c"
        r = c.put("/users/me.json", data={"user[is_admin]": "true"})
        assert r.status_code == 403 and "unpermitted" in r.json()["reason"]


# --- static files ---------------------------------------------------------------------------


def _image(c: httpx.Client, url: str) -> Image.Image:
    r = c.get(url)
    assert r.status_code == 200, url
    image = Image.open(io.BytesIO(r.content))
    image.load()
    return image


def test_static_images(srv: DevServer, demo: httpx.Client) -> None:
    special = srv.state.special
    large = demo.get(f"/posts/{special['large']}.json").json()["post"]
    preview = _image(demo, large["preview"]["url"])
    assert preview.format == "JPEG"
    assert preview.size == (large["preview"]["width"], large["preview"]["height"])
    sample = _image(demo, large["sample"]["url"])
    assert sample.size == (large["sample"]["width"], large["sample"]["height"])
    original = _image(demo, large["file"]["url"])
    assert original.size == (large["file"]["width"], large["file"]["height"])
    assert _image(demo, large["preview"]["alt"]).format == "WEBP"
    assert _image(demo, large["preview"]["url"]).tobytes() == preview.tobytes()  # deterministic
    other = demo.get(f"/posts/{special['small']}.json").json()["post"]
    assert _image(demo, other["preview"]["url"]).tobytes() != preview.tobytes()
    gif = demo.get(f"/posts/{special['gif']}.json").json()["post"]
    animated = _image(demo, gif["file"]["url"])
    assert animated.format == "GIF" and getattr(animated, "n_frames", 1) > 1
    png = demo.get(f"/posts/{special['png']}.json").json()["post"]
    assert _image(demo, png["file"]["url"]).format == "PNG"
    video = demo.get(f"/posts/{special['video']}.json").json()["post"]
    r = demo.get(video["file"]["url"])
    assert r.headers["content-type"] == "video/webm" and r.content.startswith(b"\x1a\x45\xdf\xa3")
    assert _image(demo, video["sample"]["url"]).format == "JPEG"
    swf = demo.get(f"/posts/{special['swf']}.json").json()["post"]
    assert _image(demo, swf["preview"]["url"]).format == "PNG"


def test_broken_static_files(srv: DevServer, demo: httpx.Client) -> None:
    special = srv.state.special
    corrupt = demo.get(f"/posts/{special['corrupt_preview']}.json").json()["post"]
    r = demo.get(corrupt["preview"]["url"])
    assert r.status_code == 200 and r.content.startswith(b"\xff\xd8")
    with pytest.raises(OSError):
        Image.open(io.BytesIO(r.content)).load()
    missing = demo.get(f"/posts/{special['missing_preview']}.json").json()["post"]
    assert missing["preview"]["url"] is not None
    assert demo.get(missing["preview"]["url"]).status_code == 404
    deleted = srv.state.post(special["deleted"])
    path = f"/data/{deleted.md5[:2]}/{deleted.md5[2:4]}/{deleted.md5}.{deleted.ext}"
    assert demo.get(path).status_code == 404


def test_static_requests_ignore_credentials(srv: DevServer, demo: httpx.Client) -> None:
    url = demo.get(f"/posts/{srv.state.special['newest']}.json").json()["post"]["preview"]["url"]
    with client(srv, (DEMO_USERNAME, "wrong key")) as c:
        assert c.get(url).status_code == 200


# --- request log ----------------------------------------------------------------------------


def test_request_records(fresh: DevServer) -> None:
    pid = fresh.state.ids_desc[45]
    set_id = fresh.state.special["set_demo_public"]
    with client(fresh, DEMO) as c:
        fresh.clear_requests()
        c.get("/posts.json", params={"tags": "fox", "limit": 2})
        c.post("/favorites.json", data={"post_id": pid})
        c.post(f"/post_sets/{set_id}/add_posts.json", json={"post_ids": [pid]})
        c.post(f"/favorites/{pid}.json", data={"_method": "delete"})
    with client(fresh) as c:
        c.get("/posts.json", params={"limit": 1})
    get, fav, add, unfav, anon_get = fresh.requests
    assert (get.method, get.path, get.query["tags"], get.status) == ("GET", "/posts.json",
                                                                     ["fox"], 200)  # fmt: skip
    assert get.headers["user-agent"] == UA and get.user == DEMO_USERNAME and get.is_api
    assert "authorization" in get.headers
    assert fav.form == {"post_id": [str(pid)]}
    assert add.form == {"post_ids[]": [str(pid)]} and add.status == 201
    assert (unfav.method, unfav.effective_method) == ("POST", "DELETE")
    assert anon_get.user is None
    assert fresh.api_requests("/favorites") == [fav, unfav]
    assert fresh.api_requests(method="post") == [fav, add, unfav]
    assert get.time <= fav.time <= add.time


# --- faults ---------------------------------------------------------------------------------


def test_fault_rate_storm_and_html_5xx(fresh: DevServer) -> None:
    with client(fresh) as c:
        fresh.faults.set("rate_storm")
        r = c.get("/posts.json", params={"limit": 1})
        assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
        fresh.faults.set("html_5xx")
        statuses = [c.get("/posts.json", params={"limit": 1}).status_code for _ in range(8)]
        assert statuses == [502, 520, 521, 522, 523, 524, 504, 502]
        r = c.get("/posts.json")
        assert "cloudflare" in r.text.lower() and r.headers["content-type"].startswith("text/html")
        newest = fresh.state.post(fresh.state.special["newest"])
        url = fresh.url(f"/data/preview/{newest.md5[:2]}/{newest.md5[2:4]}/{newest.md5}.jpg")
        assert c.get(url).status_code == 200
        fresh.faults.clear()
        assert c.get("/posts.json", params={"limit": 1}).status_code == 200


def test_fault_bodies(fresh: DevServer) -> None:
    with client(fresh) as c:
        fresh.faults.set("malformed_json")
        r = c.get("/posts.json", params={"limit": 1})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.content)
        fresh.faults.set("truncated_json")
        r = c.get("/posts.json", params={"limit": 5})
        assert r.status_code == 200 and r.content.startswith(b'{"posts":[')
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.content)
        fresh.faults.set("wrong_content_type")
        r = c.get("/posts.json", params={"limit": 1})
        assert r.headers["content-type"].startswith("text/html") and len(r.json()["posts"]) == 1
        r = c.get("/no/such/page.json")
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
        assert r.text.lstrip().startswith("<!DOCTYPE html>")


def test_fault_fail_writes_and_count(fresh: DevServer) -> None:
    with client(fresh, DEMO) as c:
        fresh.faults.set("fail_writes")
        pid = fresh.state.ids_desc[70]
        r = c.post("/favorites.json", data={"post_id": pid})
        assert r.status_code == 503 and not fresh.state.is_favorited(DEMO_USERNAME, pid)
        assert c.get("/posts.json", params={"limit": 1}).status_code == 200
        fresh.faults.set("rate_storm", count=2)
        statuses = [c.get("/posts.json", params={"limit": 1}).status_code for _ in range(3)]
        assert statuses == [503, 503, 200] and fresh.faults.mode is None
        fresh.faults.set("rate_storm", path_prefix="/pools")
        assert c.get("/posts.json", params={"limit": 1}).status_code == 200
        assert c.get("/pools.json").status_code == 503
    with pytest.raises(ValueError):
        fresh.faults.set("no_such_mode")


def test_fault_slow_and_reset(fresh: DevServer) -> None:
    newest = fresh.state.post(fresh.state.special["newest"])
    image = fresh.url(f"/data/{newest.md5[:2]}/{newest.md5[2:4]}/{newest.md5}.{newest.ext}")
    with client(fresh) as c:
        fresh.faults.set("slow", delay=0.3)
        start = time.monotonic()
        assert c.get("/posts.json", params={"limit": 1}).status_code == 200
        assert c.get(image).status_code == 200
        assert time.monotonic() - start >= 0.6
        fresh.faults.set("slow")  # 15 s by default: the client gives up first
        with pytest.raises(httpx.ReadTimeout):
            c.get("/posts.json", params={"limit": 1}, timeout=0.3)
        fresh.faults.set("reset")
        with pytest.raises(httpx.TransportError):
            c.get("/posts.json", params={"limit": 1})
        with pytest.raises(httpx.TransportError):
            c.get(image)
        assert fresh.requests[-1].status == 0
        fresh.faults.clear()
        assert c.get("/posts.json", params={"limit": 1}).status_code == 200


# --- lifecycle ------------------------------------------------------------------------------


def test_restart_on_the_same_port_with_a_keep_alive_client() -> None:
    server = DevServer(post_count=100, enforce_rate_limit=False).start()
    try:
        port = server.port
        with client(server) as c:
            assert c.get("/posts.json", params={"limit": 1}).status_code == 200
            server.stop()
            assert not server.running
            with pytest.raises(httpx.TransportError):
                c.get("/posts.json", params={"limit": 1})
            server.start()
            assert server.port == port and server.base_url.endswith(f":{port}")
            assert c.get("/posts.json", params={"limit": 1}).status_code == 200
            server.stop()
            server.start()
            assert c.get("/posts.json", params={"limit": 1}).status_code == 200
    finally:
        server.stop()


def test_stop_does_not_wait_for_slow_requests(fresh: DevServer) -> None:
    fresh.faults.set("slow", delay=30)
    with client(fresh) as c, pytest.raises(httpx.TimeoutException):
        c.get("/posts.json", timeout=0.2)
    start = time.monotonic()
    fresh.stop()
    assert time.monotonic() - start < 3


def test_command_line_entry_point() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "e621tui.devserver", "--port", "0", "--posts", "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("e621 dev server: http://127.0.0.1:")
        base = first.split(": ", 1)[1].strip()
        assert DEMO_API_KEY in proc.stdout.readline()
        r = httpx.get(base + "/posts.json?limit=1", headers={"User-Agent": UA})
        assert r.status_code == 200 and len(r.json()["posts"]) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- hostile content ------------------------------------------------------------------------


def test_hostile_content(srv: DevServer, demo: httpx.Client) -> None:
    special = srv.state.special
    first_page = ids(posts(demo, limit=10))
    assert special["hostile"] in first_page
    hostile = demo.get(f"/posts/{special['hostile']}.json").json()["post"]
    text = json.dumps(hostile, ensure_ascii=False)
    for needle in ["[bold red]x[/]", "\x1b[2J", "\x1b]52;c;", "\x9b", "[@click=app.quit]"]:
        assert needle in text or needle in hostile["description"], needle
    assert "\x1b" in hostile["uploader_name"]
    many = demo.get(f"/posts/{special['hostile_many_tags']}.json").json()["post"]
    assert len(many["tags"]["general"]) > MANY_TAGS
    longd = demo.get(f"/posts/{special['hostile_long_description']}.json").json()["post"]
    assert len(longd["description"]) == 50_000
    long_tag = demo.get(f"/posts/{special['hostile_long_tag']}.json").json()["post"]
    assert LONG_TAG in long_tag["tags"]["general"] and len(LONG_TAG) == 500
    rtl = demo.get(f"/posts/{special['hostile_rtl']}.json").json()["post"]
    assert "\u200b" in rtl["description"] and "🦊" in rtl["description"]
    pool = demo.get(f"/pools/{special['hostile_pool']}.json").json()
    assert "\x1b" in pool["name"] and set(pool["post_ids"]) >= {special["hostile"]}
    choices = demo.get("/post_sets/for_select.json").json()["Owned"]
    assert special["hostile_set"] in [set_id for _, set_id in choices]
    user = demo.get(f"/users/{special['hostile_user']}.json").json()
    assert user["name"] == hostile["uploader_name"]
