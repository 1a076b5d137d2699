"""End-to-end: downloads and the player from the real program in tmux.

Marked posts and a pool land under the name templates with progress on screen; a kill -9 in
the middle and a restart finish the queue without fetching finished files again; a stand-in
``mpv`` gets the terminal (with the ``--vo`` of the graphics mode) and hands it back.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from e621tui.core.downloads import partial_path
from e621tui.devserver import DEMO_API_KEY, DevServer
from e621tui.devserver.render import data_path

from .harness import EXITED, Tui, require_tmux, toasts, wait_until

require_tmux()
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(sys.platform == "win32", reason="tmux, SIGKILL, a shell stand-in"),
]

#: A running file in the downloads view: its bar, its percentage, its speed.
RUNNING_ROW = re.compile(r"[━╸╺]{4,}\s+\d+%\s.*KB/s")


@pytest.fixture
def msrv() -> Iterator[DevServer]:
    """A devserver with real files; afterwards: never more than 2 API requests in 1 s."""
    server = DevServer(port=0, media=True)
    server.start()
    try:
        yield server
        worst = server.max_requests_in_window(1.0)
        assert worst <= 2, f"{worst} API requests arrived within one second"
    finally:
        server.stop()


def configure(tui: Tui, root: Path) -> None:
    """Downloads go to ``root``, default name templates."""
    (tui.tmp / "config.toml").write_text(f'download_dir = "{root}"\n', encoding="utf-8")


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def palette(tui: Tui, command: str) -> None:
    """Run a command-palette command by its title."""
    tui.send("C-p")
    tui.wait_for("🔎", 3, "the command palette")
    tui.type(command)
    tui.wait_for(lambda text: command in text.split("🔎", 1)[-1], 3, f"{command!r} offered")
    tui.send("Enter")


def wait_toast(tui: Tui, text: str, timeout: float = 5.0) -> None:
    """Wait for a notification containing ``text`` (its lines joined)."""
    tui.wait_for(lambda t: any(text in m for m in toasts(t)), timeout, f"a toast with {text!r}")


def open_pool(tui: Tui, pool_id: int) -> None:
    tui.send("P")
    tui.wait_for("Open pool by id", 3)
    tui.type(str(pool_id))
    tui.send("Enter")
    tui.wait_for(lambda text: f"pool #{pool_id}" in tui.status_line(text), 10, "the pool")


def test_marked_posts_and_a_pool_land_under_the_templates(
    tui: Tui, msrv: DevServer, tmp_path: Path
) -> None:
    """Mark 3 posts and press d, queue a 15-post pool from the palette: progress shows in the
    status line and the downloads view; files are named by the templates, pool pages
    numbered in pool order, every md5 right."""
    state = msrv.state
    pool = state.pools[state.special["media_pool"]]
    root = tmp_path / "dl"
    configure(tui, root)
    msrv.faults.set("throttle", rate=48_000)  # ~3.5 s per file: slow enough to watch
    tui.start(["real_file"], base_url=msrv.base_url)
    marked: list[int] = []
    tui.wait_status_id()
    while len(marked) < 3:
        post_id = tui.status_id()
        assert post_id is not None
        marked.append(post_id)
        tui.send("Space")  # marks and moves on
        count = f"{len(marked)} marked"
        tui.wait_for(lambda t, c=count: c in tui.status_line(t), 3, "the mark")
    tui.send("d")
    wait_toast(tui, "queued 3 posts: 3 files")
    tui.wait_for(lambda t: "marked" not in tui.status_line(t), 3, "the marks to clear")

    open_pool(tui, pool.id)
    palette(tui, "download: Pool in order")
    wait_toast(tui, "queued pool Lantern Road Comic: 15 files", 10)
    line = tui.wait_for(
        lambda t: re.search(r"⇣\d+/1[58] · [\d.]+ KB/s", tui.status_line(t)), 10, "the summary"
    )
    print(f"status line while downloading: {line.group(0)!r}")

    tui.send("C-d")
    tui.wait_for(lambda t: t.lstrip().startswith("Downloads"), 5, "the downloads view")
    row = tui.wait_for(RUNNING_ROW, 10, "a running file with its bar and speed")
    print(f"a running file: {row.group(0)!r}")
    tui.wait_for(re.compile(r"\d+/1[58] files · .* running · .*KB/s · \d+:\d\d left"), 5)
    msrv.faults.clear()  # the rest at full speed

    tui.wait_for("pool Lantern Road Comic: 15 files, 15 saved", 20)
    for post_id in marked:
        post = state.posts[post_id]
        path = root / post.tags["artist"][0] / f"{post_id}.{post.ext}"
        assert md5_of(path) == post.md5, path
    folder = root / "Lantern_Road_Comic"
    expected = [f"{n:04} - {pid}.jpg" for n, pid in enumerate(pool.post_ids, start=1)]
    assert sorted(p.name for p in folder.iterdir()) == expected
    for name, pid in zip(expected, pool.post_ids, strict=True):
        assert md5_of(folder / name) == state.posts[pid].md5
    assert len([p for p in root.rglob("*") if p.is_file()]) == 18  # no partial files left
    wait_toast(tui, "downloads finished")
    tui.send("Escape")
    tui.wait_for(lambda t: f"pool #{pool.id}" in tui.status_line(t), 5, "back to the pool")
    tui.wait_for(lambda t: "⇣" not in tui.status_line(t), 5, "no summary once all is done")


def test_killed_mid_download_the_next_run_finishes_the_queue(
    tui: Tui, msrv: DevServer, tmp_path: Path
) -> None:
    """kill -9 while the pool downloads; the next start resumes on its own: finished files
    are not fetched again, the partial one resumes with a Range request."""
    state = msrv.state
    pool = state.pools[state.special["media_pool"]]
    root = tmp_path / "dl"
    configure(tui, root)
    targets = [root / "Lantern_Road_Comic" / f"{n:04} - {pid}.jpg"
               for n, pid in enumerate(pool.post_ids, start=1)]  # fmt: skip
    paths = [data_path(state.posts[pid].md5, "original", "jpg") for pid in pool.post_ids]
    msrv.faults.set("throttle", rate=12_000, path_prefix=paths[4])  # the fifth page trickles
    tui.start(["--pool", str(pool.id)], base_url=msrv.base_url)
    tui.wait_for(lambda t: f"pool #{pool.id}" in tui.status_line(t), 10, "the pool")
    palette(tui, "download: Pool in order")
    slow = partial_path(targets[4])
    wait_until(lambda: slow.exists() and slow.stat().st_size >= 24_000, 20, "page 5 under way")
    os.kill(tui.app_pid(), signal.SIGKILL)
    tui.wait_for(f"{EXITED} 137", 5)
    done_before = [n for n, t in enumerate(targets) if t.exists()]
    kept = slow.stat().st_size
    assert 4 not in done_before and 0 < kept < state.posts[pool.post_ids[4]].size
    assert len(done_before) >= 4, done_before
    msrv.faults.clear()
    seen = len(msrv.static_requests())
    last = msrv.api_requests()[-1].time
    wait_until(lambda: time.monotonic() - last > 1.0, 2, "a quiet second")  # see resilience

    tui.start([], base_url=msrv.base_url)  # a new window, same HOME: the queue resumes
    wait_until(lambda: all(t.exists() for t in targets), 20, "every page")
    wait_toast(tui, "downloads finished", 10)
    again = msrv.static_requests()[seen:]
    for n in done_before:
        assert [r for r in again if r.path == paths[n]] == [], f"page {n + 1} fetched again"
    [resumed] = [r for r in again if r.path == paths[4]]
    assert resumed.headers["range"] == f"bytes={kept}-" and resumed.status == 206
    for target, pid in zip(targets, pool.post_ids, strict=True):
        assert md5_of(target) == state.posts[pid].md5
        assert not partial_path(target).exists()


def stand_in_mpv(tmp_path: Path) -> tuple[Path, Path]:
    """A shell ``mpv`` that records its arguments and says whether it got a terminal."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    record = tmp_path / "mpv-args.txt"
    program = folder / "mpv"
    program.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$@\" >> '{record}'\n"
        "printf '%s\\n' ---- >> " + f"'{record}'\n"
        "if [ -t 0 ] && [ -t 1 ]; then echo 'STAND-IN MPV: the terminal is mine'; fi\n"
        "sleep 1\n"
    )
    program.chmod(0o755)
    return folder, record


@pytest.mark.parametrize(("mode", "vo"), [("halfcell", "tct"), ("sixel", "sixel")])
def test_a_video_plays_in_the_terminal_and_the_app_comes_back(
    tui: Tui, msrv: DevServer, tmp_path: Path, mode: str, vo: str
) -> None:
    """o on the video post runs the (stand-in) player with the file URL and the mode's --vo,
    inside the terminal; after it exits the app repaints and keys work."""
    post = msrv.state.posts[msrv.state.special["media_video"]]
    folder, record = stand_in_mpv(tmp_path)
    env = {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', os.defpath)}"}
    tui.start(["--graphics", mode, "--post", str(post.id)], base_url=msrv.base_url, env=env)
    tui.wait_for(lambda t: "post 1/1" in tui.status_line(t), 10, "the post screen")
    tui.wait_for("o or enter plays it", 5)
    tui.send("o")
    tui.wait_for("STAND-IN MPV: the terminal is mine", 5)
    args = wait_until(lambda: record.exists() and record.read_text().split("\n----\n")[0], 5, "")
    argv = args.split("\n")
    url = f"{msrv.base_url}{data_path(post.md5, 'original', 'webm')}"
    assert argv[-2:] == ["--", url]
    assert f"--vo={vo}" in argv and "--ytdl=no" in argv
    assert DEMO_API_KEY not in args and "api_key" not in args and "login=" not in args
    # Back in the app: the whole screen is drawn again and keys work.
    tui.wait_for(lambda t: "post 1/1" in tui.status_line(t) and "STAND-IN" not in t, 5)
    assert f"#{post.id}" in tui.screen().split("\n", 1)[0]  # the details pane's title
    tui.type("?")
    tui.wait_for("The picture using the whole", 5, "the help screen")
    tui.send("Escape")
    tui.wait_for(
        lambda t: "The picture using the whole" not in t and "post 1/1" in tui.status_line(t), 5
    )
    tui.send("Enter")  # enter plays it too
    wait_until(lambda: record.read_text().count("----") == 2, 5, "the second run")
    tui.wait_for(lambda t: "post 1/1" in tui.status_line(t) and "STAND-IN" not in t, 5)
    tui.send("q")
    tui.wait_for(f"{EXITED} 0", 5)


def test_without_mpv_a_clear_message_and_the_link(
    tui: Tui, msrv: DevServer, tmp_path: Path
) -> None:
    """No player installed: o says so, and the post's page is offered (copied: no browser)."""
    post_id = msrv.state.special["media_mp4"]
    empty = tmp_path / "no-mpv"
    empty.mkdir()
    python_dir = str(Path(sys.executable).parent)
    tui.start(["--post", str(post_id)], base_url=msrv.base_url,
              env={"PATH": f"{empty}{os.pathsep}{python_dir}"})  # fmt: skip
    tui.wait_for(lambda t: "post 1/1" in tui.status_line(t), 10, "the post screen")
    tui.send("o")
    wait_toast(tui, "mpv is not installed")
    wait_toast(tui, f"link copied: {msrv.base_url}/posts/{post_id}")


def test_ctrl_c_stops_the_player_not_the_app(tui: Tui, msrv: DevServer, tmp_path: Path) -> None:
    """ctrl+c while the player owns the terminal ends the player; the app comes back."""
    post_id = msrv.state.special["media_gif"]
    folder, record = stand_in_mpv(tmp_path)
    program = folder / "mpv"
    assert not record.exists()
    program.write_text(program.read_text().replace("sleep 1", "sleep 30"))
    env = {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', os.defpath)}"}
    tui.start(["--post", str(post_id)], base_url=msrv.base_url, env=env)
    tui.wait_for(lambda t: "post 1/1" in tui.status_line(t), 10, "the post screen")
    tui.send("o")
    tui.wait_for("STAND-IN MPV: the terminal is mine", 5)
    assert "--loop-file=inf" in record.read_text()  # an animation loops
    tui.send("C-c")
    tui.wait_for(lambda t: "post 1/1" in tui.status_line(t) and "STAND-IN" not in t, 5)
    wait_toast(tui, "mpv stopped (signal 2)")  # ended by the signal, and it says so
    assert not tui.exited()
    tui.send("q")
    tui.wait_for(f"{EXITED} 0", 5)
