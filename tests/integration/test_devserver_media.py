"""The devserver's real files: true md5s, byte ranges, the download faults, the static log."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import httpx
import pytest

from e621tui.devserver import DEMO_API_KEY, DEMO_USERNAME, DevServer
from e621tui.devserver.media import HOSTILE_ARTISTS, MEDIA_TAG
from e621tui.devserver.static_serve import byte_range

UA = {"User-Agent": "e621-tui/test (by demo on e621)"}


@pytest.fixture(scope="module")
def srv() -> Iterator[DevServer]:
    with DevServer(media=True, enforce_rate_limit=False) as server:
        yield server


@pytest.fixture
def http(srv: DevServer) -> Iterator[httpx.Client]:
    srv.faults.clear()
    srv.static_ranges = True
    with httpx.Client(headers=UA, timeout=10) as client:
        yield client


def _post(http: httpx.Client, srv: DevServer, key: str, *, auth: bool = True) -> dict:
    kwargs = {"auth": (DEMO_USERNAME, DEMO_API_KEY)} if auth else {}
    body = http.get(srv.url(f"/posts/{srv.state.special[key]}.json"), **kwargs).json()
    return body["post"]


@pytest.mark.parametrize(
    "key", ["media_1", "media_3", "media_video", "media_mp4", "media_gif", "media_apng"]
)
def test_real_files_have_true_md5_and_size(srv: DevServer, http: httpx.Client, key: str) -> None:
    post = _post(http, srv, key)
    response = http.get(post["file"]["url"])
    assert response.status_code == 200
    assert hashlib.md5(response.content).hexdigest() == post["file"]["md5"]
    assert len(response.content) == post["file"]["size"]
    assert response.headers["Accept-Ranges"] == "bytes"


def test_media_posts_are_newest_and_tagged(srv: DevServer, http: httpx.Client) -> None:
    first = http.get(srv.url("/posts.json"), params={"limit": 6}).json()["posts"]
    assert [p["id"] for p in first] == [srv.state.special[f"media_{n}"] for n in range(1, 7)]
    assert all(MEDIA_TAG in p["tags"]["general"] for p in first)
    tagged = http.get(srv.url("/posts.json"), params={"tags": MEDIA_TAG, "limit": 320}).json()
    assert len(tagged["posts"]) >= 15 + 6 + 4  # the deleted one is left out of searches


def test_pool_order_is_not_id_order(srv: DevServer, http: httpx.Client) -> None:
    pool = http.get(srv.url(f"/pools/{srv.state.special['media_pool']}.json")).json()
    assert pool["post_count"] == 15
    assert pool["post_ids"] != sorted(pool["post_ids"])
    assert all(srv.state.posts[i].md5 in srv.state.files for i in pool["post_ids"])


def test_video_and_animation_posts(srv: DevServer, http: httpx.Client) -> None:
    video = _post(http, srv, "media_video")
    assert video["file"]["ext"] == "webm" and video["duration"]
    assert video["sample"]["alternates"]["samples"]["720p"]["url"]
    assert _post(http, srv, "media_mp4")["file"]["ext"] == "mp4"
    apng = _post(http, srv, "media_apng")
    assert apng["file"]["ext"] == "png" and "animated_png" in apng["tags"]["meta"]


def test_hostile_artist_and_pool(srv: DevServer, http: httpx.Client) -> None:
    post = _post(http, srv, "media_hostile_artist")
    assert set(post["tags"]["artist"]) == set(HOSTILE_ARTISTS)
    pool = http.get(srv.url(f"/pools/{srv.state.special['media_hostile_pool']}.json")).json()
    assert "../" in pool["name"]


def test_hidden_and_deleted_have_null_urls(srv: DevServer, http: httpx.Client) -> None:
    assert _post(http, srv, "media_hidden", auth=False)["file"]["url"] is None
    visible = _post(http, srv, "media_hidden")
    assert visible["file"]["url"]
    deleted = _post(http, srv, "media_deleted")
    assert deleted["file"]["url"] is None and deleted["flags"]["deleted"]
    md5 = srv.state.posts[srv.state.special["media_deleted"]].md5
    assert http.get(srv.url(f"/data/{md5[:2]}/{md5[2:4]}/{md5}.jpg")).status_code == 404


def test_range_requests(srv: DevServer, http: httpx.Client) -> None:
    url = _post(http, srv, "media_2")["file"]["url"]
    whole = http.get(url).content
    total = len(whole)
    part = http.get(url, headers={"Range": "bytes=1000-"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 1000-{total - 1}/{total}"
    assert part.content == whole[1000:]
    middle = http.get(url, headers={"Range": "bytes=10-19"})
    assert (middle.status_code, middle.content) == (206, whole[10:20])
    tail = http.get(url, headers={"Range": "bytes=-5"})
    assert (tail.status_code, tail.content) == (206, whole[-5:])
    past = http.get(url, headers={"Range": f"bytes={total}-"})
    assert past.status_code == 416
    assert past.headers["Content-Range"] == f"bytes */{total}"
    several = http.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert (several.status_code, several.content) == (200, whole)


def test_ranges_can_be_switched_off(srv: DevServer, http: httpx.Client) -> None:
    url = _post(http, srv, "media_2")["file"]["url"]
    srv.static_ranges = False
    response = http.get(url, headers={"Range": "bytes=1000-"})
    assert response.status_code == 200
    assert "Accept-Ranges" not in response.headers
    assert len(response.content) == _post(http, srv, "media_2")["file"]["size"]


def test_cut_fault_closes_halfway(srv: DevServer, http: httpx.Client) -> None:
    post = _post(http, srv, "media_4")
    srv.faults.set("cut", count=1)
    with pytest.raises(httpx.RemoteProtocolError, match=f"received {post['file']['size'] // 2}"):
        http.get(post["file"]["url"])
    assert http.get(post["file"]["url"]).status_code == 200  # count=1: only the first


def test_cut_fault_never_touches_the_api(srv: DevServer, http: httpx.Client) -> None:
    srv.faults.set("cut", count=1)
    assert http.get(srv.url("/posts.json"), params={"limit": 1}).status_code == 200
    assert srv.faults.mode == "cut"  # the API request did not use up the count


def test_throttle_fault_trickles(srv: DevServer, http: httpx.Client) -> None:
    post = _post(http, srv, "media_5")
    size = post["file"]["size"]
    srv.faults.set("throttle", rate=size * 2)  # about half a second
    started = time.monotonic()
    body = http.get(post["file"]["url"]).content
    assert time.monotonic() - started > 0.3
    assert hashlib.md5(body).hexdigest() == post["file"]["md5"]


def test_static_request_log(srv: DevServer, http: httpx.Client) -> None:
    post = _post(http, srv, "media_6")
    url = post["file"]["url"]
    path = httpx.URL(url).path
    before = len(srv.static_requests(path))
    http.get(url, headers={"Range": "bytes=5-"})
    records = srv.static_requests(path)[before:]
    assert len(records) == 1
    assert records[0].status == 206 and records[0].headers["range"] == "bytes=5-"
    assert not any(r.is_api for r in srv.static_requests())


def test_byte_range_parser() -> None:
    assert byte_range(None, 10) is None
    assert byte_range("bytes=0-", 10) == (0, 9)
    assert byte_range("bytes=3-100", 10) == (3, 9)
    assert byte_range("bytes=-3", 10) == (7, 9)
    assert byte_range("bytes=-30", 10) == (0, 9)
    assert byte_range("bytes=10-", 10) == "unsatisfiable"
    assert byte_range("bytes=-0", 10) == "unsatisfiable"
    assert byte_range("bytes=5-2", 10) is None
    assert byte_range("items=0-1", 10) is None


def test_default_server_has_no_media() -> None:
    plain = DevServer()
    assert not plain.state.files
    assert "media_1" not in plain.state.special
    assert len(plain.state.posts) == 3000


@pytest.mark.skipif(sys.platform != "linux", reason="the files are made by a forked child")
def test_media_in_background_come_from_a_child_and_requests_wait_for_them() -> None:
    """The demo's server: its real files are made in another process while the rest of the
    data is generated; the first request waits until the media posts are there."""
    script = textwrap.dedent(
        """
        import hashlib, json, urllib.request
        from e621tui.devserver import DevServer
        import e621tui.devserver.media as media

        def made_here(*args):
            raise AssertionError("a file was made in the server's own process")

        srv = DevServer(media=True, media_in_background=True)
        media._picture = media._animation = made_here  # the child has its own copy
        srv.start()
        headers = {"User-Agent": "e621-tui/test (by demo on e621)"}
        def get(url):
            return urllib.request.urlopen(urllib.request.Request(url, headers=headers)).read()
        posts = json.loads(get(srv.url("/posts.json?limit=6")))["posts"]
        ids = [p["id"] for p in posts]
        assert ids == [srv.state.special[f"media_{n}"] for n in range(1, 7)], ids
        for post in posts:
            assert hashlib.md5(get(post["file"]["url"])).hexdigest() == post["file"]["md5"]
        same = DevServer(media=True)  # made the ordinary way: the same demo data
        assert same.state.special == srv.state.special
        assert {i: p.md5 for i, p in same.state.posts.items()} == {
            i: p.md5 for i, p in srv.state.posts.items()
        }
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
