"""The command line: option precedence, config problems, credentials and safe sites."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from e621tui.cli import build_parser, plan
from e621tui.settings.config import ConfigError
from e621tui.ui.web_browser import has_graphical_browser, open_in_browser


def _plan(*argv: str):  # type: ignore[no-untyped-def]
    return plan(build_parser().parse_args(list(argv)))


def test_defaults_browse_e621_anonymously() -> None:
    p = _plan()
    assert p.base_url == "https://e621.net"
    assert p.username is None and p.api_key is None
    assert not p.settings.effective_safe_mode


def test_e926_is_safe() -> None:
    p = _plan("--site", "e926")
    assert p.base_url == "https://e926.net"
    assert p.settings.effective_safe_mode
    assert p.site_label == "e926"


def test_base_url_flag_wins_and_plain_http_is_refused_for_remote_hosts() -> None:
    assert _plan("--base-url", "https://example.org/").base_url == "https://example.org"
    assert _plan("--base-url", "http://127.0.0.1:8000").base_url == "http://127.0.0.1:8000"
    with pytest.raises((ValueError, ConfigError), match="http"):
        _plan("--base-url", "http://example.org")


def test_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("E621_API_KEY", "k3y")
    p = _plan("--username", "someone")
    assert (p.username, p.api_key) == ("someone", "k3y")
    anonymous = _plan()
    assert anonymous.api_key is None
    assert any("--username" in notice for notice in anonymous.notices)


def test_there_is_no_api_key_flag() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--api-key", "x"])


def test_config_file_and_flag_precedence(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('username = "from_file"\ngraphics = "none"\npage_size = 30\n')
    p = _plan("--config", str(config))
    assert p.username == "from_file" and p.settings.graphics == "none"
    assert p.settings.page_size == 30
    p = _plan("--config", str(config), "--username", "from_flag", "--graphics", "halfcell")
    assert p.username == "from_flag" and p.settings.graphics == "halfcell"


def test_invalid_config_is_reported_and_defaults_are_used(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('site = "e621"\npage_size = "lots"\n[[[\n')
    before = config.read_text()
    p = _plan("--config", str(config))
    assert p.base_url == "https://e621.net"
    assert p.notices and any("line" in n for n in p.notices)
    assert config.read_text() == before  # never overwritten


def test_no_text_browser_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert not has_graphical_browser()
    assert open_in_browser("https://e621.net/posts/1") is False
    assert open_in_browser("javascript:alert(1)") is False


def test_saving_the_blacklist_writes_only_the_blacklist(tmp_path: Path) -> None:
    from e621tui.cli import _save_config

    config = tmp_path / "config.toml"
    config.write_text('# mine\ngraphics = "sixel"\n')
    p = _plan("--config", str(config), "--graphics", "none", "--username", "someone")
    _save_config(p, blacklist="spiders\n")
    text = config.read_text()
    assert text.startswith('# mine\ngraphics = "sixel"\n')  # the flags of this run stay out
    assert "someone" not in text and "none" not in text
    assert tomllib.loads(text) == {"graphics": "sixel", "blacklist": "spiders\n"}


def test_every_graphics_mode_the_probe_knows_can_be_asked_for() -> None:
    from e621tui.settings.config import GRAPHICS_MODES
    from e621tui.terminal import EXPLICIT_MODES

    assert set(GRAPHICS_MODES) == set(EXPLICIT_MODES)  # one list: the settings' Literal
    for mode in ("auto", "kitty", "kitty-direct", "sixel", "halfcell", "none"):
        assert build_parser().parse_args(["--graphics", mode]).graphics == mode
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--graphics", "ascii"])


def test_name_templates_are_checked_at_load(tmp_path: Path) -> None:
    from e621tui.cli import _apply_download_settings
    from e621tui.core.downloads import DEFAULT_POOL_TEMPLATE
    from e621tui.core.session import SessionOptions
    from e621tui.settings.config import Settings

    settings = Settings(
        download_dir=str(tmp_path / "dl"),
        download_template="{rating}/{id}.{ext}",
        pool_template="../{pool_name}/{index}.{ext}",
    )
    options = SessionOptions(base_url="https://e621.net")
    notices: list[str] = []
    _apply_download_settings(options, settings, demo_dir=None, notices=notices)
    assert options.download_template == "{rating}/{id}.{ext}"
    assert options.pool_template == DEFAULT_POOL_TEMPLATE  # the bad one is not used
    assert options.download_dir == tmp_path / "dl"
    [notice] = notices
    assert notice.startswith("config pool_template:") and "'..'" in notice
    assert DEFAULT_POOL_TEMPLATE in notice
    demo = SessionOptions(base_url="http://127.0.0.1:1")
    _apply_download_settings(demo, settings, demo_dir=tmp_path / "demo", notices=[])
    assert demo.download_dir == tmp_path / "demo" / "downloads"


def test_feed_and_popular_are_start_targets() -> None:
    from e621tui.cli import _start_target
    from e621tui.ui.app import StartTarget

    parser = build_parser()
    assert _start_target(parser.parse_args(["--feed"])) == StartTarget("feed")
    assert _start_target(parser.parse_args(["--popular", "week"])) == StartTarget("popular", "week")
    with pytest.raises(SystemExit):
        parser.parse_args(["--popular", "year"])
    with pytest.raises(SystemExit):
        parser.parse_args(["--feed", "--pool", "3"])  # one start target at a time
