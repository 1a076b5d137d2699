"""End-to-end: the real program in tmux browses, opens, favorites, votes and edits sets."""

from __future__ import annotations

import time

import pytest

from e621tui.devserver import DevServer

from .harness import EXITED, Tui, require_tmux, visible_ids, wait_until

require_tmux()
pytestmark = pytest.mark.e2e


def test_demo_smoke(tui: Tui) -> None:
    """``--demo`` at 80×24: the grid with a post id and "demo", n turns instantly, q quits."""
    tui.width, tui.height = 80, 24
    started = time.monotonic()
    tui.start(["--demo"])
    first = tui.wait_status_id(timeout=5)
    assert "demo" in tui.status_line(), tui.screen()
    assert "page 1" in tui.status_line()
    print(f"demo: first page on screen after {time.monotonic() - started:.2f}s")
    # The next page is fetched in the background as soon as page 1 shows; once the request
    # queue is empty (no ⋯ in the status bar), turning the page needs no network.
    tui.wait_for(lambda text: "⋯" not in tui.status_line(text), 10, "the prefetch to finish")
    pressed = time.monotonic()
    tui.send("n")
    second = tui.wait_status_id(lambda post_id: post_id != first, timeout=1.0)
    took = time.monotonic() - pressed
    assert "page 2" in tui.status_line()
    assert second < first  # the default order is newest first
    print(f"demo: page 2 on screen {took:.2f}s after n")
    tui.send("q")
    tui.wait_for(EXITED, 5)
    assert f"{EXITED} 0" in tui.screen()


def test_search_open_favorite(tui: Tui, srv: DevServer) -> None:
    """Search, open a post (id and tags shown), favorite it (reaches the server), go back."""
    tui.start([], base_url=srv.base_url)
    first = tui.wait_status_id()
    tui.search("fox")
    post_id = tui.wait_status_id(lambda i: i != first and "fox" in tui.status_line())
    assert "fox" in srv.state.posts[post_id].all_tags
    assert "page 1" in tui.status_line()

    tui.send("Enter")
    tui.wait_for(lambda text: "post 1/" in tui.status_line(text), 5, "the post screen")
    assert tui.status_id() == post_id
    post = srv.state.posts[post_id]
    text = tui.screen()
    assert f"#{post_id}" in text.split("\n", 1)[0]  # the details pane's title line
    shown = [tag for tags in post.tags.values() for tag in tags if tag in text]
    assert "fox" in shown and len(shown) >= 3, text
    assert "favorited" not in text

    before = len(srv.api_requests("/favorites.json", "POST"))
    tui.send("f")
    wait_until(lambda: srv.state.is_favorited("demo", post_id), 5, "the favorite on the server")
    sent = srv.api_requests("/favorites.json", "POST")[before:]
    assert [r.form.get("post_id") for r in sent] == [[str(post_id)]]
    assert sent[0].status == 200
    tui.wait_for("♥ favorited", 3)
    tui.wait_for(lambda text: "pending" not in tui.status_line(text), 5, "no pending writes")

    tui.send("Escape")
    tui.wait_for(lambda text: "page 1" in tui.status_line(text), 5, "the grid")
    assert tui.status_id() == post_id
    assert "♥" in tui.screen()


def test_vote_and_set(tui: Tui, srv: DevServer) -> None:
    """+ votes (no_unvote); s picks a set and adds; a adds the next post without a picker."""
    target_set = srv.state.post_set(srv.state.special["set_demo_public"])  # "Cozy Autumn"
    tui.start(["fox"], base_url=srv.base_url)
    first = tui.wait_status_id(lambda i: "fox" in tui.status_line())
    assert first not in target_set.post_ids

    tui.send("+")
    vote = wait_until(lambda: srv.api_requests(f"/posts/{first}/votes.json", "POST"), 5, "a vote")
    assert len(vote) == 1
    assert vote[0].form == {"score": ["1"], "no_unvote": ["true"]}
    wait_until(lambda: srv.state.vote_of("demo", first) == 1, 3, "the vote to count")

    tui.send("s")
    tui.wait_for("filter your sets", 5)
    tui.type("cozy")
    tui.wait_for(lambda text: "Cozy Autumn" in text and "Night Skies" not in text, 3, "filter")
    tui.send("Enter")
    path = f"/post_sets/{target_set.id}/add_posts.json"
    added = wait_until(lambda: srv.api_requests(path, "POST"), 5, "add_posts")
    assert [r.form["post_ids[]"] for r in added] == [[str(first)]]
    wait_until(lambda: first in srv.state.post_set(target_set.id).post_ids, 3, "membership")
    tui.wait_for(lambda text: "set: Cozy Autumn" in tui.status_line(text), 3, "the active set")

    members = set(srv.state.post_set(target_set.id).post_ids)
    second = first
    while second in members:  # the next post that is not in the set yet
        tui.send("Right")
        second = tui.wait_status_id(lambda i, previous=second: i != previous)
    tui.send("a")
    wait_until(lambda: len(srv.api_requests(path, "POST")) == 2, 5, "the second add_posts")
    time.sleep(0.3)  # a moment in which a duplicate or a picker would show up
    added = srv.api_requests(path, "POST")
    assert [r.form["post_ids[]"] for r in added] == [[str(first)], [str(second)]]
    assert "filter your sets" not in tui.screen()
    assert srv.state.post_set(target_set.id).post_ids[-2:] == [first, second]


def test_pool_reads_in_order(tui: Tui, srv: DevServer) -> None:
    """``--pool``: the header names the pool; Enter then Right walks the pool's order."""
    pool = srv.state.pool(srv.state.special["pool_40"])
    tui.start(["--pool", str(pool.id)], base_url=srv.base_url)
    order = visible_ids(srv, pool.post_ids)
    first = tui.wait_status_id()
    text = tui.screen()
    assert f"Pool #{pool.id}" in text
    assert f"pool #{pool.id}" in tui.status_line(text)
    assert first == order[0]

    tui.send("Enter")
    tui.wait_for(lambda t: "post 1/" in tui.status_line(t), 5, "the post screen")
    walked = [first]
    for expected in order[1:6]:
        tui.send("Right")
        walked.append(tui.wait_status_id(lambda i: i != walked[-1], timeout=5))
        assert walked[-1] == expected, f"walked {walked}, pool order {order[:6]}"
    assert walked == order[:6]


def test_set_shows_its_posts(tui: Tui, srv: DevServer) -> None:
    """``--set``: the set's header and its posts in the set's order."""
    post_set = srv.state.post_set(srv.state.special["set_demo_small"])
    order = visible_ids(srv, post_set.post_ids)
    tui.start(["--set", str(post_set.id)], base_url=srv.base_url)
    first = tui.wait_status_id()
    text = tui.screen()
    assert f"Set #{post_set.id}" in text
    assert f"{len(post_set.post_ids)} posts" in text
    assert first == order[0]
    tui.send("Right")
    assert tui.wait_status_id(lambda i: i != first) == order[1]


def test_startup_leaves_pane_title_alone(tui: Tui, srv: DevServer) -> None:
    """Starting the program in tmux does not change the pane title."""
    tui.ensure_server()
    tui.tmux("new-session", "-d", "-s", "probe", "sleep 30")
    hostname = tui.tmux("display", "-p", "-t", "probe", "#{pane_title}").strip()
    tui.start([], base_url=srv.base_url)
    tui.wait_status_id()
    title = tui.tmux("display", "-p", "-t", tui.target, "#{pane_title}").strip()
    # textual-image's terminal probe (an APC sequence) once became tmux's pane title.
    assert title == hostname, f"pane title {title!r}, was {hostname!r}"


def test_typeahead_after_slash(tui: Tui, srv: DevServer) -> None:
    """``/fox⏎`` arriving in one burst (a fast typist, a paste, keys batched by a slow SSH
    link) searches for fox; none of f, o, x reaches the grid as a command."""
    tui.start([], base_url=srv.base_url)
    first = tui.wait_status_id()
    tui.wait_for(lambda text: "⋯" not in tui.status_line(text), 10, "an empty request queue")
    tui.type("/fox")
    tui.send("Enter")
    tui.wait_status_id(lambda i: i != first and "fox" in tui.status_line(), timeout=5)
    assert any("fox" in line for line in tui.screen().split("\n")[:3])
    time.sleep(0.5)  # a moment in which a stray f (favorite) would reach the server
    assert srv.api_requests("/favorites.json") == []
    assert "pending" not in tui.status_line()
