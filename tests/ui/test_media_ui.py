"""Pilot tests of o / enter / z: the player command the UI runs, the fallback without a
player, and the full-screen picture (the real hand-over of the terminal is in tests/e2e)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e621tui.api.models import FileInfo, Post, Sample
from e621tui.devserver import DEMO_API_KEY, DevServer
from e621tui.ui.actions.media import player_graphics
from e621tui.ui.app import E621App, StartTarget
from e621tui.ui.screens.fullscreen import FullScreenView, full_screen_request, terminal_pixels
from e621tui.ui.screens.post import PostScreen
from e621tui.ui.widgets.image import ImageView
from tests.conftest import make_session
from tests.ui.conftest import wait_until


@pytest.fixture
def media() -> Iterator[DevServer]:
    """A devserver with real files, videos and animations."""
    with DevServer(media=True) as srv:
        yield srv


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in ``mpv`` first on PATH that writes its arguments to ``argv.json``."""
    record = tmp_path / "argv.json"
    program = tmp_path / "bin" / "mpv"
    program.parent.mkdir()
    program.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return record


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)


class Opener:
    """A stand-in browser opener: records URLs, says there is no graphical browser."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        return False


def post_app(srv: DevServer, tmp_path: Path, post_id: int, **kw: Any) -> E621App:
    session = make_session(srv, tmp_path, download_dir=tmp_path / "dl")
    return E621App(
        session, graphics=kw.pop("graphics", "none"), start=StartTarget("post", str(post_id)),
        **kw,
    )  # fmt: skip


def messages(app: E621App) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_o_plays_a_video_in_a_window_when_there_is_a_display(
    media: DevServer, tmp_path: Path, stand_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", ":99")
    post_id = media.state.special["media_video"]
    app = post_app(media, tmp_path, post_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        await pilot.press("o")
        deadline = time.monotonic() + 10
        while not stand_in.exists() and time.monotonic() < deadline:
            await pilot.pause(0.05)
        args = json.loads(stand_in.read_text())
        post = media.state.posts[post_id]
        url = f"{media.base_url}/data/{post.md5[:2]}/{post.md5[2:4]}/{post.md5}.webm"
        assert args[-2:] == ["--", url]
        assert not any(a.startswith("--vo") for a in args)  # a window
        assert DEMO_API_KEY not in " ".join(args) and "api_key" not in " ".join(args)
        assert any(f"playing #{post_id}" in m for m in messages(app))


@pytest.mark.parametrize(
    ("mode", "vo"), [("kitty", "kitty"), ("sixel", "sixel"), ("halfcell", "tct"), ("none", "tct")]
)
async def test_in_the_terminal_the_vo_follows_the_graphics_mode(
    media: DevServer,
    tmp_path: Path,
    stand_in: Path,
    no_display: None,
    mode: str,
    vo: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Outside tmux whatever terminal runs the tests (inside tmux kitty graphics become tct).
    for name in ("TMUX", "TMUX_PANE", "TERM_PROGRAM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    post_id = media.state.special["media_gif"]
    app = post_app(media, tmp_path, post_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        app.graphics = mode  # the mode in use (the pictures stay as they are)
        await pilot.press("enter")  # enter on the post screen plays an animation
        command = app.media_actions.last_command
        assert command is not None and command.in_terminal and command.vo == vo
        assert f"--vo={vo}" in command.argv and "--loop-file=inf" in command.argv
        # A headless test app cannot hand its terminal over: it says so and stays usable.
        await wait_until(pilot, lambda: any("cannot be handed" in m for m in messages(app)))
        assert not stand_in.exists()
        assert isinstance(app.screen, PostScreen)


def test_the_player_draws_in_what_the_terminal_can_take() -> None:
    assert player_graphics("kitty", in_tmux=False) == "kitty"
    assert player_graphics("kitty-direct", in_tmux=False) == "kitty"
    assert player_graphics("kitty", in_tmux=True) == "halfcell"  # mpv's kitty vo: no passthrough
    assert player_graphics("sixel", in_tmux=True) == "sixel"
    assert player_graphics("none", in_tmux=False) == "halfcell"  # tct: text cells


async def test_without_the_player_a_clear_message_and_the_page_instead(
    media: DevServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    opener = Opener()
    post_id = media.state.special["media_mp4"]
    app = post_app(media, tmp_path, post_id, url_opener=opener)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        await pilot.press("o")
        await wait_until(pilot, lambda: any("link copied" in m for m in messages(app)))
        assert any("mpv is not installed" in m for m in messages(app))
        assert opener.urls == [f"{media.base_url}/posts/{post_id}"]
        assert app.media_actions.last_command is None


async def test_o_on_a_picture_opens_its_page(
    media: DevServer, tmp_path: Path, stand_in: Path
) -> None:
    opener = Opener()
    post_id = media.state.special["media_1"]
    app = post_app(media, tmp_path, post_id, url_opener=opener)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(opener.urls))
        assert opener.urls == [f"{media.base_url}/posts/{post_id}"]
        assert app.media_actions.last_command is None and not stand_in.exists()


async def test_z_and_enter_show_the_picture_full_screen_escape_returns(
    media: DevServer, tmp_path: Path
) -> None:
    post_id = media.state.special["media_1"]
    app = post_app(media, tmp_path, post_id, graphics="halfcell")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        for key in ("z", "enter"):
            await pilot.press(key)
            await wait_until(pilot, lambda: isinstance(app.screen, FullScreenView))
            view = app.screen.query_one(ImageView)
            assert view.request is not None
            assert view.size.width == 100 and view.size.height == 30  # the whole terminal
            await wait_until(pilot, lambda v=view: v.loaded is not None or v.error is not None)
            assert view.error is None
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))


async def test_z_on_a_post_without_a_picture_says_why(media: DevServer, tmp_path: Path) -> None:
    post_id = media.state.special["media_deleted"]
    app = post_app(media, tmp_path, post_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PostScreen))
        await pilot.press("z")
        await pilot.pause(0.1)
        assert isinstance(app.screen, PostScreen)
        assert any("no picture to show: deleted" in m for m in messages(app))


def _post(ext: str = "jpg", *, sample: tuple[int, int] = (850, 638)) -> Post:
    return Post(
        id=1,
        file=FileInfo(
            width=4000,
            height=3000,
            ext=ext,
            size=2_000_000,
            md5="ab" * 16,
            url="https://static1.e621.net/data/ab/ab/abab.jpg",
        ),
        sample=Sample(
            has=True,
            width=sample[0],
            height=sample[1],
            url="https://static1.e621.net/data/sample/ab/ab/abab.jpg",
        ),
    )


def test_the_original_when_the_terminal_shows_more_than_the_sample() -> None:
    big = terminal_pixels("kitty", 160, 50)
    assert big == (1600, 1000)
    chosen = full_screen_request(_post(), big)
    assert chosen is not None and chosen.kind == "file"
    small = terminal_pixels("halfcell", 160, 50)  # 160×100 half-blocks: the sample is plenty
    chosen = full_screen_request(_post(), small)
    assert chosen is not None and chosen.kind == "sample"
    video = full_screen_request(_post("webm"), big)
    assert video is not None and video.kind == "sample"  # a video's still
    same = full_screen_request(_post(sample=(4000, 3000)), big)
    assert same is not None and same.kind == "sample"  # the sample is the original's size
