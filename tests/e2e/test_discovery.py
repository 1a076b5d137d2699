"""End-to-end: the followed-tags feed, history after a restart, popular, random, comments and
tag information in the real program in tmux, against the devserver."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from e621tui.devserver import DevServer
from e621tui.devserver.discovery_data import ensure_discovery

from .harness import EXITED, Tui, require_tmux, visible_ids, wait_until
from .test_hostile import ALLOWED_OSC, FORBIDDEN_RAW

require_tmux()
pytestmark = pytest.mark.e2e

#: Terms per feed query: the site's 40-tag limit.
TAG_LIMIT = 40


@pytest.fixture
def hostile_srv() -> Iterator[DevServer]:
    """A devserver with the hostile content set."""
    server = DevServer(hostile=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def follow_list(srv: DevServer, count: int) -> list[str]:
    """``count`` follows: the demo's tags, most used first, then tags with no posts yet."""
    tags = sorted(srv.state.tags.values(), key=lambda t: (-t.post_count, t.name))
    names = [t.name for t in tags if t.post_count > 0][:count]
    return names + [f"zz_follow_{i:03d}" for i in range(count - len(names))]


def write_follows(tui: Tui, follows: list[str]) -> None:
    """The config file the program reads (``E621_TUI_CONFIG``), with ``follows = [...]``."""
    (tui.tmp / "config.toml").write_text(f"follows = {json.dumps(follows)}\n", encoding="utf-8")


def header(text: str) -> str:
    """The first two lines of the screen (the feed's or popular's header)."""
    return "\n".join(text.split("\n")[:2])


def newest_followed(srv: DevServer, follows: list[str]) -> int:
    """The newest post the demo user sees that carries a followed tag."""
    wanted = set(follows)
    ids = [i for i in srv.state.ids_desc if srv.state.posts[i].all_tags & wanted]
    return visible_ids(srv, ids[:50])[0]


def test_feed_of_500_follows_is_cheap(tui: Tui, srv: DevServer) -> None:
    """500 follows in the config: --feed shows their new posts newest first with per-tag counts,
    after at most ⌈500/40⌉+1 API requests for posts, never over the rate rule (the fixture)."""
    follows = follow_list(srv, 500)
    write_follows(tui, follows)
    started = time.monotonic()
    tui.start(["--feed"], base_url=srv.base_url)
    first = tui.wait_status_id(timeout=10, message="the first posts of the feed")
    shown_at = time.monotonic() - started
    done = tui.wait_for(re.compile(r"(\d+) new from 500 followed tags: (\S+) (\d+)"), 30)
    checked_at = time.monotonic() - started
    sent = srv.api_requests("/posts.json")
    assert len(sent) <= math.ceil(500 / TAG_LIMIT) + 1, [r.query for r in sent]
    assert all(r.query["tags"][0].startswith("~") for r in sent)
    match = re.search(r"checked in (\d+) requests", tui.screen())
    assert match is not None and int(match.group(1)) == len(sent)
    # Newest first: the cursor is on the newest post of any followed tag.
    newest = newest_followed(srv, follows)
    assert tui.wait_status_id(lambda i: i == newest, timeout=5) == newest
    assert first <= newest
    assert int(done.group(1)) > 0 and int(done.group(3)) > 0
    others = sorted({r.path for r in srv.api_requests() if r.path != "/posts.json"})
    print(
        f"feed, 500 follows: {len(sent)} post requests (other API requests: {others}); first "
        f"posts after {shown_at:.1f}s, all checked after {checked_at:.1f}s"
    )


def test_feed_mark_all_seen_then_new_posts(tui: Tui, srv: DevServer) -> None:
    """C empties the feed (no request), r finds only what was uploaded since."""
    follows = follow_list(srv, 20)
    write_follows(tui, follows)
    tui.start(["--feed"], base_url=srv.base_url)
    tui.wait_for("new from 20 followed tags", 10)
    tui.wait_status_id()
    before = len(srv.api_requests("/posts.json"))
    tui.send("C")
    tui.wait_for("nothing new from your 20 followed tags: r checks again", 5)
    assert len(srv.api_requests("/posts.json")) == before
    added = srv.add_posts(3, tags=[follows[0], "zz_brand_new"])
    tui.send("r")
    text = tui.wait_for(f"3 new from 20 followed tags: {follows[0]} 3", 10)
    assert tui.status_id(text) == max(added)
    catch_up = srv.api_requests("/posts.json")[before:]
    assert catch_up and all(r.query["page"][0].startswith("a") for r in catch_up)
    marks = tui.home / ".local/share/e621-tui/follows_seen.json"
    assert follows[0] in marks.read_text(encoding="utf-8")


def test_search_history_survives_a_restart(tui: Tui, srv: DevServer) -> None:
    """A search typed, the program quit and started again: / then Up shows that search."""
    tui.start([], base_url=srv.base_url)
    tui.wait_status_id()
    tui.search("wolf snow")
    tui.wait_for(lambda text: "wolf snow" in tui.status_line(text), 10, "the search")
    tui.send("q")
    tui.wait_for(EXITED, 5)
    srv.clear_requests()  # the rate rule counts per run of the program
    tui.start([], base_url=srv.base_url)
    tui.wait_status_id()
    tui.focus_search()
    tui.send("Up")
    tui.wait_for(lambda text: text.split("\n", 1)[0].strip() == "wolf snow", 5, "the last search")
    tui.send("Down")
    tui.wait_for(lambda text: "wolf snow" not in text.split("\n", 1)[0], 5, "what was typed")


def test_popular_week_by_score(tui: Tui, srv: DevServer) -> None:
    """--popular week shows the posts uploaded this week (UTC), the highest score first."""
    tui.start(["--popular", "week"], base_url=srv.base_url)
    first = tui.wait_status_id()
    assert "Popular this week · by score" in header(tui.screen())
    today = datetime.fromtimestamp(srv.state.now, UTC).date()
    monday = today - timedelta(days=today.weekday())
    lo = datetime(monday.year, monday.month, monday.day, tzinfo=UTC).timestamp()
    week = [p for p in srv.state.posts.values() if lo <= p.created < lo + 7 * 86400]
    by_score = [p.id for p in sorted(week, key=lambda p: (p.score, p.id), reverse=True)]
    assert first == visible_ids(srv, by_score)[0]
    tui.send("[")
    tui.wait_for(f"week of {(monday - timedelta(weeks=1)).isoformat()}", 10)


def test_random_post_matches_the_query(tui: Tui, srv: DevServer) -> None:
    """R on a search opens a random post that carries the searched tag."""
    tui.start(["wolf"], base_url=srv.base_url)
    tui.wait_status_id()
    tui.send("R")
    tui.wait_for(lambda text: "post 1/1" in tui.status_line(text), 10, "the random post")
    post_id = tui.status_id()
    assert post_id is not None and "wolf" in srv.state.posts[post_id].all_tags
    asked = srv.api_requests("/posts/random.json")
    assert asked and all(r.query["tags"] == ["wolf"] for r in asked)


def test_comments_are_paged(tui: Tui, srv: DevServer) -> None:
    """c on a post with 3000 comments shows the newest 25; n turns to the next page."""
    ensure_discovery(srv.state)
    post_id = srv.state.special["many_comments"]
    tui.start(["--post", str(post_id)], base_url=srv.base_url)
    tui.wait_for(lambda text: "post 1/1" in tui.status_line(text), 10, "the post")
    tui.send("c")
    tui.wait_for("3000 comments · newest first · page 1 of about 120", 10)
    tui.send("n")
    tui.wait_for("page 2 of about 120", 10)
    tui.send("O")
    tui.wait_for("oldest first (the site's order)", 10)
    assert len(srv.api_requests("/comments.json")) <= 5  # pages and prefetches, not 120


def test_tag_info_shows_wiki_and_related_tags(tui: Tui, srv: DevServer) -> None:
    """i on a post, pick fox: its wiki page (spoiler hidden until v) and related tags."""
    fox = next(i for i in srv.state.ids_desc if "fox" in srv.state.posts[i].all_tags)
    tui.start(["--post", str(fox)], base_url=srv.base_url)
    tui.wait_for(lambda text: "post 1/1" in tui.status_line(text), 10, "the post")
    tui.send("i")
    tui.wait_for("Tag information", 5)
    tui.type("fox")
    tui.send("Enter")
    text = tui.wait_for("A fox is a small canine", 10)
    tui.wait_for(re.compile(r"Related tags \(\d+\)"), 10)
    assert "other names: vulpine" in text and "Foxes can purr" not in text
    tui.send("v")
    tui.wait_for("Foxes can purr", 5)


def test_hostile_dtext_stays_literal(tui: Tui, hostile_srv: DevServer) -> None:
    """Comments and a wiki page full of markup and escapes: shown literally, nothing reaches
    the terminal raw, nothing is "clicked"."""
    srv = hostile_srv
    tui.start(["--post", str(srv.state.special["hostile"])], base_url=srv.base_url)
    tui.wait_for(lambda text: "post 1/1" in tui.status_line(text), 10, "the post")
    tui.send("c")
    tui.wait_for("Comments on", 10)
    tui.send("O")  # oldest first: the markup samples come first
    text = tui.wait_for("[link=https://x]y[/link]", 10)
    assert "[bold red]x[/]" in text and "[@click=app.quit]q[/]" in text
    tui.send("Escape")
    # Wait for the post screen: escape and i sent together read as alt+i.
    tui.wait_for(lambda text: "post 1/1" in tui.status_line(text), 5, "the post again")
    tui.send("i")
    tui.wait_for("Tag information", 5)
    tui.type("hostile_c")
    tui.send("Enter")
    text = tui.wait_for("other names: [bold]x[/]", 10)
    assert EXITED not in text
    raw = tui.raw_output()
    for sequence in FORBIDDEN_RAW:
        assert sequence not in raw, f"{sequence!r} reached the terminal"
    osc = re.findall(rb"\x1b\][^\x07\x1b]{0,40}", raw)
    assert all(ALLOWED_OSC.match(seq + b"\x07") for seq in osc), set(osc)


def test_follows_file_is_edited_in_place(tui: Tui, srv: DevServer, tmp_path: Path) -> None:
    """b on a one-tag search adds it to ``follows`` in the user's config, comments kept."""
    config = tui.tmp / "config.toml"
    config.write_text("# my settings\npage_size = 40\n", encoding="utf-8")
    tui.start(["wolf"], base_url=srv.base_url)
    tui.wait_status_id()
    tui.send("b")
    wait_until(lambda: "follows" in config.read_text(encoding="utf-8"), 5, "the config edit")
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my settings\npage_size = 40\n") and 'follows = ["wolf"]' in text
