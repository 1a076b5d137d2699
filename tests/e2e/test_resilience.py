"""End-to-end: the real program through a dead server, a kill -9 and a storm of faults."""

from __future__ import annotations

import os
import signal
import time

import pytest

from e621tui.devserver import DevServer

from .harness import EXITED, ScreenError, Tui, require_tmux, toasts, wait_until

require_tmux()
pytestmark = pytest.mark.e2e

NETWORK_WORDS = ("network", "retrying")


def _ready(tui: Tui, srv: DevServer, args: tuple[str, ...] = ()) -> int:
    """Start the program, wait for page 1 and for the background requests to finish."""
    tui.start(list(args), base_url=srv.base_url)
    first = tui.wait_status_id()
    tui.wait_for(lambda text: "⋯" not in tui.status_line(text), 10, "an empty request queue")
    return first


def _press_and_see_id_change(tui: Tui, key: str, within: float = 1.5) -> int:
    before = tui.status_id()
    assert before is not None, tui.screen()
    tui.send(key)
    return tui.wait_status_id(
        lambda i: i != before, timeout=within, message=f"the #id to change after {key}"
    )


class KeysShowedNothing(AssertionError):
    """An arrow press did not show on screen because the whole screen was covered (no status
    bar), as when GridScreen.loading once shadowed Textual's Widget.loading."""


def _arrow(tui: Tui, key: str, within: float) -> int:
    """Press an arrow and return the new #id; `KeysShowedNothing` if the screen was covered,
    a plain AssertionError if the status bar was there but did not change."""
    try:
        return _press_and_see_id_change(tui, key, within)
    except ScreenError:
        raise
    except AssertionError as exc:
        if tui.status_id() is None:
            raise KeysShowedNothing(f"{key}: no status bar on screen\n{tui.screen()}") from exc
        raise


def test_server_stopped_mid_session(tui: Tui, srv: DevServer) -> None:
    """The server goes away: keys still work, one clear network status, the favorite waits and
    is sent once the server is back, and browsing works again."""
    _ready(tui, srv)
    srv.stop()

    tui.send("n")  # page 2 was prefetched: no network needed
    tui.wait_for(lambda text: "page 2" in tui.status_line(text), 2, "page 2 from the prefetch")
    tui.send("n")  # page 3 needs the server
    tui.wait_for("could not load page 3", 20)
    text = tui.screen()
    status = tui.status_line(text)
    assert "page 2" in status
    assert any(word in status for word in NETWORK_WORDS), status
    # One clear statement, not a pile of error pop-ups.
    network_toasts = [t for t in toasts(text) if "network" in t]
    assert len(network_toasts) <= 1, network_toasts

    _press_and_see_id_change(tui, "Right")
    _press_and_see_id_change(tui, "Left")
    post_id = _press_and_see_id_change(tui, "Right")
    tui.send("f")
    tui.wait_for(lambda t: "1 pending" in tui.status_line(t), 2, "the favorite to be pending")
    tui.send("p")
    tui.wait_for(lambda t: "page 1" in tui.status_line(t), 2, "page 1 from the cache")
    _press_and_see_id_change(tui, "Right")
    assert not srv.state.is_favorited("demo", post_id)

    restarted = time.monotonic()
    srv.start()
    wait_until(lambda: srv.state.is_favorited("demo", post_id), 20, "the favorite to be resent")
    resent_after = time.monotonic() - restarted
    sent = [r.form.get("post_id") for r in srv.api_requests("/favorites.json", "POST")]
    assert sent == [[str(post_id)]]
    tui.wait_for(lambda t: "pending" not in tui.status_line(t), 5, "no pending writes")
    print(f"server stopped: favorite resent {resent_after:.1f}s after the server came back")

    tui.send("n")
    tui.wait_for(lambda t: "page 2" in tui.status_line(t), 3, "page 2 again")
    tui.send("n")
    tui.wait_for(lambda t: "page 3" in tui.status_line(t), 10, "page 3 from the server")
    fetched = [r for r in srv.api_requests("/posts.json") if r.time > restarted]
    assert [r.status for r in fetched] == [200] * len(fetched) and fetched
    tui.wait_for(lambda t: not any(w in tui.status_line(t) for w in NETWORK_WORDS), 3, "calm")


def test_page_load_keeps_grid_usable(tui: Tui, srv: DevServer) -> None:
    """While a page that is not cached loads (here: the server is down), the grid, the status
    bar and the "loading…" line stay on screen and the arrows keep moving the cursor."""
    _ready(tui, srv)
    srv.stop()
    tui.send("n")
    tui.wait_for(lambda text: "page 2" in tui.status_line(text), 2, "page 2 from the prefetch")
    tui.send("n")  # page 3: the client retries for several seconds
    _arrow(tui, "Right", within=1.0)
    _arrow(tui, "Left", within=1.0)
    text = tui.screen()
    assert "loading…" in text
    assert "page 2" in tui.status_line(text)


def test_kill_with_pending_writes_replays(tui: Tui, srv: DevServer) -> None:
    """Three marked posts added to a set while writes fail, kill -9, restart: the add is
    replayed once with all three ids."""
    target = srv.state.post_set(srv.state.special["set_demo_small"])  # "Night_Skies"
    srv.faults.set("fail_writes")
    _ready(tui, srv)
    marked: list[int] = []
    while len(marked) < 3:
        post_id = tui.status_id()
        assert post_id is not None
        if post_id in target.post_ids:
            _press_and_see_id_change(tui, "Right")
            continue
        marked.append(post_id)
        tui.send("Space")  # marks and moves on
        count = f"{len(marked)} marked"
        tui.wait_for(lambda t, c=count: c in tui.status_line(t), 2, "the mark")
    tui.send("s")
    tui.wait_for("filter your sets", 5)
    tui.type("night")
    tui.wait_for(lambda text: "Night Skies" in text and "Cozy Autumn" not in text, 3, "filter")
    tui.send("Enter")
    path = f"/post_sets/{target.id}/add_posts.json"
    refused = wait_until(lambda: srv.api_requests(path, "POST"), 5, "a refused add_posts")
    assert refused[0].status == 503
    assert sorted(refused[0].form["post_ids[]"]) == sorted(str(i) for i in marked)
    tui.wait_for(lambda t: "1 pending" in tui.status_line(t), 3, "the write to be pending")
    assert not set(marked) & set(target.post_ids)

    pid = tui.app_pid()
    os.kill(pid, signal.SIGKILL)
    tui.wait_for(f"{EXITED} 137", 5)
    srv.faults.clear()
    first_run = len(srv.api_requests(path, "POST"))
    # The edge counts every request from this machine: a new process that starts within a
    # second of the old one's last request may be refused (rate limit) and then rightly
    # holds its set edits for a while. A user does not restart that fast; neither do we.
    last = srv.api_requests()[-1].time
    wait_until(lambda: time.monotonic() - last > 1.0, 2, "a quiet second")

    tui.start([], base_url=srv.base_url)  # a new window, same HOME (and outbox)
    tui.wait_for("resending 1 write", 10)
    wait_until(lambda: set(marked) <= set(srv.state.post_set(target.id).post_ids), 10, "the replay")
    replayed = srv.api_requests(path, "POST")[first_run:]
    assert [r.status // 100 for r in replayed] == [2]
    assert sorted(replayed[0].form["post_ids[]"]) == sorted(str(i) for i in marked)
    tui.wait_for(lambda t: "pending" not in tui.status_line(t), 5, "no pending writes")
    assert set(srv.state.post_set(target.id).post_ids[-3:]) == set(marked)


FAULTS: list[tuple[str, dict[str, object]]] = [
    ("rate_storm", {}),
    ("html_5xx", {}),
    ("malformed_json", {}),
    ("truncated_json", {}),
    ("wrong_content_type", {}),
    ("slow", {"delay": 1.5}),
    ("reset", {}),
]
#: Keys pressed every 0.5 s while the faults cycle: forward through new pages, arrows between.
KEYS = ("n", "Right", "Left", "Right", "Left", "p", "Right", "n", "Left", "n")


def test_faults_cycle(tui: Tui, srv: DevServer) -> None:
    """Browse through every fault mode: keys keep working, nothing crashes, and the app shows
    results again once the faults stop. Prints the figures."""
    _ready(tui, srv)
    presses = misses = 0
    slowest = 0.0
    missed_while: list[str] = []
    windows: list[tuple[str, float, float]] = []
    tick = 0
    began = time.monotonic()
    for mode, opts in FAULTS:
        srv.faults.set(mode, **opts)
        opened = time.monotonic()
        while time.monotonic() < opened + 2.0:
            key = KEYS[tick % len(KEYS)]
            tick += 1
            pressed = time.monotonic()
            if key in ("Right", "Left"):
                presses += 1
                try:
                    _arrow(tui, key, within=1.5)
                except KeysShowedNothing:
                    misses += 1
                    missed_while.append(mode)
                slowest = max(slowest, time.monotonic() - pressed)
            else:
                tui.send(key)
            time.sleep(max(0.0, 0.5 - (time.monotonic() - pressed)))
        windows.append((mode, opened, time.monotonic()))
    srv.faults.clear()
    cleared = time.monotonic()
    tui.search("wolf")
    wolf = tui.wait_status_id(lambda i: "wolf" in tui.status_line(), timeout=20)
    recovered = time.monotonic() - cleared
    assert "wolf" in srv.state.posts[wolf].all_tags

    api = [r for r in srv.api_requests() if r.time >= began]
    faulted = {mode: sum(1 for r in api if start <= r.time < end) for mode, start, end in windows}
    errors = sum(1 for r in api if r.time < cleared and (r.status >= 500 or r.status == 0))
    seen: set[tuple[str, str]] = set()
    repeats = 0
    for r in api:
        key_ = (r.path, repr(sorted(r.query.items())))
        repeats += key_ in seen
        seen.add(key_)
    print(
        f"\nfaults cycle: {len(FAULTS)} modes in {cleared - began:.1f}s; faulted API requests "
        f"per mode: {faulted} (total {sum(faulted.values())}); 5xx or dropped responses: "
        f"{errors}; repeated requests (client retries): {repeats}; arrow presses: {presses}, "
        f"slowest {slowest:.2f}s, showed nothing: {misses} (during {missed_while}); first good "
        f"page {recovered:.2f}s after clear()"
    )
    assert recovered < 15
    if misses:
        raise KeysShowedNothing(f"{misses} of {presses} arrow presses showed nothing (covered)")
