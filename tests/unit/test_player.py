"""The mpv command line: which file, which --vo, a window or the terminal, never a secret."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from e621tui.api.models import FileInfo, Post, Sample
from e621tui.core.player import (
    PlayerUnavailable,
    find_player,
    has_display,
    is_playable,
    play_in_terminal,
    play_url,
    player_command,
    run_in_terminal,
)

URL = "https://static1.e621.net/data/ab/cd/abcd.webm"
NO_DISPLAY: dict[str, str] = {}
X11 = {"DISPLAY": ":0"}


def mpv(name: str) -> str | None:
    return f"/usr/bin/{name}" if name in ("mpv", "vlc") else None


def video(ext: str = "webm", url: str | None = URL, **sample: Any) -> Post:
    return Post(
        id=7,
        file=FileInfo(ext=ext, md5="ab" * 16, url=url),
        sample=Sample(**sample),
        tags={"meta": ["animated"]} if ext not in ("jpg",) else {},
    )


@pytest.mark.parametrize(
    ("graphics", "vo"),
    [("kitty", "kitty"), ("sixel", "sixel"), ("halfcell", "tct"), ("none", "tct"),
     ("auto", "tct")],
)  # fmt: skip
def test_in_terminal_vo_matches_the_graphics_mode(graphics: str, vo: str) -> None:
    command = player_command(video(), graphics=graphics, env=NO_DISPLAY, which=mpv)
    assert command.in_terminal and command.vo == vo
    assert command.argv[0] == "/usr/bin/mpv"
    assert f"--vo={vo}" in command.argv
    assert command.argv[-2:] == ("--", URL)
    assert "--ytdl=no" in command.argv


@pytest.mark.parametrize("env", [X11, {"WAYLAND_DISPLAY": "wayland-0"}])
def test_a_display_gives_a_window(env: dict[str, str]) -> None:
    command = player_command(video(), graphics="kitty", env=env, which=mpv)
    assert not command.in_terminal and command.vo is None
    assert not any(a.startswith("--vo=") for a in command.argv)


def test_window_can_be_forced_either_way() -> None:
    assert player_command(video(), graphics="sixel", env=X11, window=False, which=mpv).in_terminal
    assert not player_command(video(), graphics="sixel", env={}, window=True, which=mpv).in_terminal


def test_has_display() -> None:
    assert has_display(X11, "linux")
    assert not has_display({}, "linux")
    assert has_display({}, "darwin")
    assert not has_display({"SSH_CONNECTION": "1 2 3 4"}, "darwin")


def test_player_and_args_from_config_come_before_the_url() -> None:
    command = player_command(video(), graphics="none", player="vlc", env={},
                             player_args=["--volume=50", "--mute"], which=mpv)  # fmt: skip
    assert command.argv[0] == "/usr/bin/vlc"
    assert command.argv[-4:] == ("--volume=50", "--mute", "--", URL)


def test_missing_player_is_a_clear_message() -> None:
    with pytest.raises(PlayerUnavailable, match="mpv is not installed"):
        player_command(video(), graphics="kitty", which=lambda name: None)
    assert find_player("mpv", lambda name: None) is None


def test_which_posts_play() -> None:
    assert is_playable(video("webm")) and is_playable(video("mp4")) and is_playable(video("gif"))
    apng = Post(id=1, file=FileInfo(ext="png"), tags={"meta": ["animated_png"]})
    assert is_playable(apng)
    assert not is_playable(Post(id=1, file=FileInfo(ext="png"), tags={"meta": ["hi_res"]}))
    assert not is_playable(video("jpg"))
    with pytest.raises(PlayerUnavailable, match="not a video"):
        player_command(video("jpg"), graphics="kitty", which=mpv)


def test_gif_and_apng_loop() -> None:
    assert "--loop-file=inf" in player_command(video("gif"), graphics="none", env={},
                                               which=mpv).argv  # fmt: skip
    assert "--loop-file=inf" not in player_command(video(), graphics="none", env={},
                                                   which=mpv).argv  # fmt: skip


def test_alternates_when_the_original_is_missing() -> None:
    new_shape = {"has": True, "original": {"url": None},
                 "variants": {"mp4": {"url": "https://s/alt.mp4"}},
                 "samples": {"720p": {"url": "https://s/720.mp4"}}}  # fmt: skip
    assert play_url(video(url=None, alternates=new_shape)) == "https://s/alt.mp4"
    old_shape = {"720p": {"type": "video", "urls": [None, "https://s/old720.mp4"]}}
    assert play_url(video(url=None, alternates=old_shape)) == "https://s/old720.mp4"
    assert play_url(video(url=None, alternates={"original": {"url": None}})) is None
    with pytest.raises(PlayerUnavailable, match="no playable file"):
        player_command(video(url=None), graphics="kitty", which=mpv)


def test_relative_urls_are_made_absolute() -> None:
    post = video(url="/data/ab/cd/abcd.webm")
    assert play_url(post, "http://127.0.0.1:5000") == "http://127.0.0.1:5000/data/ab/cd/abcd.webm"
    assert play_url(post) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@static1.e621.net/x.webm",
        "https://static1.e621.net/x.webm?login=demo&api_key=secret",
        "file:///etc/passwd",
        "ytdl://something",
        "--script=/tmp/evil.lua",
        "javascript:alert(1)",
    ],
)
def test_urls_with_credentials_or_odd_schemes_are_never_played(url: str) -> None:
    post = video(url=url)
    assert play_url(post, "https://e621.net") in (None, "https://e621.net/--script=/tmp/evil.lua")
    try:
        command = player_command(post, graphics="kitty", base_url="https://e621.net", which=mpv)
    except PlayerUnavailable:
        return
    joined = " ".join(command.argv)
    assert "secret" not in joined and "api_key" not in joined
    assert command.argv[-2] == "--"  # whatever it is, it cannot be read as an option


def test_no_credentials_on_the_command_line() -> None:
    ua = "e621-tui/0.1.0 (by demo on e621)"
    command = player_command(video(), graphics="kitty", env={}, which=mpv, user_agent=ua)
    assert f"--user-agent={ua}" in command.argv
    assert not any("api_key" in a or "Authorization" in a for a in command.argv)


def test_a_downloaded_copy_is_played_instead(tmp_path: Path) -> None:
    local = tmp_path / "-odd name.webm"
    command = player_command(video(), graphics="none", env={}, which=mpv, local_file=local)
    assert command.argv[-2:] == ("--", str(local)) and command.target == str(local)


def test_a_stand_in_mpv_on_path_gets_the_url_and_the_vo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import os
    import sys

    record = tmp_path / "argv.json"
    stand_in = tmp_path / "bin" / "mpv"
    stand_in.parent.mkdir()
    stand_in.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    stand_in.chmod(0o755)
    monkeypatch.setenv("PATH", f"{stand_in.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    command = player_command(video(), graphics="sixel", env={})
    assert command.argv[0] == str(stand_in)
    assert run_in_terminal(command) == 0
    args = json.loads(record.read_text())
    assert "--vo=sixel" in args and args[-2:] == ["--", URL]
    record.unlink()
    assert asyncio.run(play_in_terminal(command)) == 0
    assert json.loads(record.read_text()) == args
