"""Tests for e621tui.settings.config: typed settings, TOML loading/saving and CLI overrides."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from e621tui.settings import config
from e621tui.settings.config import (
    CONFIG_ENV,
    ConfigError,
    Settings,
    apply_overrides,
    check_base_url,
    default_config_path,
    load_settings,
    resolve_config_path,
)
from e621tui.settings.config_file import save_settings, settings_to_toml, update_config


@pytest.fixture(autouse=True)
def _isolated_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never let a test see the user's real config, data or cache dirs."""
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    s = Settings()
    assert (s.site, s.base_url, s.username, s.graphics) == ("e621", None, None, "auto")
    assert (s.page_size, s.request_rate, s.thumb_cache_mb) == (60, 1.0, 200)
    assert s.safe_mode is False and s.blacklist == "" and s.keymap == {}
    assert s.effective_base_url == "https://e621.net"
    assert s.effective_safe_mode is False


def test_every_field_is_typed_and_documented() -> None:
    source = Path(config.__file__).read_text(encoding="utf-8")
    for name, field in config.FIELDS.items():
        assert field.type is not object, name
        # The docstring under each field is the settings reference (README, help).
        assert f"    {name}: " in source and '"""' in source.split(f"    {name}: ", 1)[1][:400], (
            name
        )


def test_effective_base_url_and_safe_mode() -> None:
    assert Settings(site="e926").effective_base_url == "https://e926.net"
    assert Settings(site="e926").effective_safe_mode is True
    custom = Settings(site="e926", base_url="http://127.0.0.1:8080/")
    assert custom.effective_base_url == "http://127.0.0.1:8080"
    assert custom.effective_safe_mode is False


def test_paths_use_platform_dirs_and_are_not_created(tmp_path: Path) -> None:
    assert default_config_path() == tmp_path / "xdg-config" / "e621-tui" / "config.toml"
    assert config.data_dir() == tmp_path / "xdg-data" / "e621-tui"
    assert config.cache_dir() == tmp_path / "xdg-cache" / "e621-tui"
    load_settings()
    assert not (tmp_path / "xdg-config").exists()


def test_missing_file_gives_defaults_without_warnings(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.toml") == (Settings(), [])


def test_loads_all_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        """
site = "e926"
base_url = "https://example.org/"
username = "fox_fan"
graphics = "halfcell"
page_size = 100
request_rate = 0.5
thumb_cache_mb = 0
safe_mode = true
blacklist = \"\"\"
gore
young -rating:s
\"\"\"
player = "mpv"
player_args = ["--loop"]
download_dir = "~/Pictures"
download_template = "{artist}/{id}.{ext}"
follows = ["Fox", "wolf", "fox"]

[saved_searches]
"my foxes" = "fox order:score"

[keymap]
favorite = "F"
vote_up = ["u", "+"]
""",
    )
    s, warnings = load_settings(path)
    assert warnings == []
    assert s == Settings(
        site="e926",
        base_url="https://example.org",
        username="fox_fan",
        graphics="halfcell",
        page_size=100,
        request_rate=0.5,
        thumb_cache_mb=0,
        safe_mode=True,
        blacklist="gore\nyoung -rating:s\n",
        keymap={"favorite": "F", "vote_up": "u,+"},
        player="mpv",
        player_args=["--loop"],
        download_dir="~/Pictures",
        download_template="{artist}/{id}.{ext}",
        follows=["fox", "wolf"],
        saved_searches={"my foxes": "fox order:score"},
    )


def test_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = default_config_path()
    default.parent.mkdir(parents=True)
    write(default, 'graphics = "kitty"')
    env_file = write(tmp_path / "env.toml", 'graphics = "sixel"')
    explicit = write(tmp_path / "explicit.toml", 'graphics = "none"')

    assert load_settings()[0].graphics == "kitty"
    monkeypatch.setenv(CONFIG_ENV, str(env_file))
    assert resolve_config_path() == env_file
    assert load_settings()[0].graphics == "sixel"
    assert load_settings(explicit)[0].graphics == "none"
    monkeypatch.setenv(CONFIG_ENV, "")
    assert load_settings()[0].graphics == "kitty"


def test_invalid_toml_warns_with_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", 'site = "e621"\npage_size = = 3\n')
    s, warnings = load_settings(path)
    assert s == Settings()
    assert len(warnings) == 1
    assert str(path) in warnings[0]
    assert "line 2" in warnings[0] and "column" in warnings[0]


def test_unknown_keys_warn_with_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'site = "e926"\n\ncolour = "red"\n[extra]\nx = 1\n')
    s, warnings = load_settings(path)
    assert s.site == "e926"
    assert len(warnings) == 2
    assert "'colour'" in warnings[0] and "line 3" in warnings[0]
    assert "'extra'" in warnings[1] and "line 4" in warnings[1]


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('site = "e999"', "site"),
        ("site = 3", "site"),
        ('graphics = "ascii"', "graphics"),
        ('page_size = "60"', "page_size"),
        ("page_size = 0", "page_size"),
        ("page_size = 321", "page_size"),
        ("page_size = true", "page_size"),
        ("request_rate = 0", "request_rate"),
        ("request_rate = -1.5", "request_rate"),
        ("request_rate = nan", "request_rate"),
        ('request_rate = "fast"', "request_rate"),
        ("thumb_cache_mb = -1", "thumb_cache_mb"),
        ('safe_mode = "yes"', "safe_mode"),
        ("blacklist = 5", "blacklist"),
        ('base_url = "http://e621.net"', "base_url"),
        ('base_url = "ftp://e621.net"', "base_url"),
        ('base_url = "https://user:pw@e621.net"', "base_url"),
        ('username = "two words"', "username"),
        ('keymap = "F"', "keymap"),
    ],
)
def test_wrong_type_or_range_falls_back_to_default(tmp_path: Path, line: str, key: str) -> None:
    path = write(tmp_path / "c.toml", f"# my settings\n{line}\n")
    s, warnings = load_settings(path)
    assert s == Settings()
    assert len(warnings) == 1
    assert key in warnings[0] and "line 2" in warnings[0] and str(path) in warnings[0]


def test_request_rate_is_clamped_with_a_warning(tmp_path: Path) -> None:
    s, warnings = load_settings(write(tmp_path / "c.toml", "request_rate = 5"))
    assert s.request_rate == 1.0
    assert len(warnings) == 1 and "request_rate" in warnings[0]
    s, warnings = load_settings(write(tmp_path / "c.toml", "request_rate = 1"))
    assert (s.request_rate, warnings) == (1.0, [])
    assert isinstance(s.request_rate, float)


def test_bad_keymap_entries_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[keymap]\nfavorite = "F"\nvote_up = 3\nquit = ""\n')
    s, warnings = load_settings(path)
    assert s.keymap == {"favorite": "F"}
    assert len(warnings) == 1 and "vote_up" in warnings[0] and "quit" in warnings[0]


@pytest.mark.parametrize(
    "content",
    [b"\x00\xff\xfe garbage \x80\x81", b"\xef\xbb\xbf" + b"[[[", b"= = =", b"a = 1\na = 2"],
)
def test_load_never_raises_on_garbage(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(content)
    s, warnings = load_settings(path)
    assert s == Settings()
    assert len(warnings) == 1 and str(path) in warnings[0]
    assert path.read_bytes() == content


def test_load_never_raises_on_directory(tmp_path: Path) -> None:
    s, warnings = load_settings(tmp_path)
    assert s == Settings()
    assert len(warnings) == 1 and str(tmp_path) in warnings[0]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_load_never_raises_on_random_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "c.toml"
    path.write_bytes(data)
    s, warnings = load_settings(path)
    assert isinstance(s, Settings)
    assert all(isinstance(w, str) for w in warnings)


def test_apply_overrides() -> None:
    base = Settings(site="e926", graphics="kitty", username="a")
    out = apply_overrides(base, graphics="none", username=None, base_url="http://localhost:9000")
    assert out.graphics == "none"
    assert out.username == "a"
    assert out.site == "e926"
    assert out.effective_base_url == "http://localhost:9000"
    assert base.graphics == "kitty"


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [({"graphics": "ascii"}, "--graphics"), ({"base_url": "http://example.com"}, "--base-url")],
)
def test_apply_overrides_rejects_invalid_values(kwargs: dict[str, str], option: str) -> None:
    with pytest.raises(ConfigError, match=option):
        apply_overrides(Settings(), **kwargs)


def test_apply_overrides_rejects_unknown_names() -> None:
    with pytest.raises(TypeError):
        apply_overrides(Settings(), colour="red")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://e621.net/", True),
        ("http://127.0.0.1:3000", True),
        ("http://[::1]:3000", True),
        ("http://localhost", True),
        ("http://e621.net", False),
        ("http://10.0.0.1", False),
        ("https://e621.net/?x=1", False),
        ("e621.net", False),
        ("https://[bad", False),
    ],
)
def test_check_base_url(url: str, ok: bool) -> None:
    if ok:
        assert check_base_url(url) == url.rstrip("/")
    else:
        with pytest.raises(ConfigError):
            check_base_url(url)


def test_round_trip_save_and_load(tmp_path: Path) -> None:
    tricky = 'say "hi"\\no\nback\\slash \\"\n"""triple"""\ttab\nünïcödé 🦊 שלום\n\x01ctrl\n'
    original = Settings(
        site="e926",
        username="fox",
        graphics="sixel",
        page_size=320,
        request_rate=0.25,
        thumb_cache_mb=1,
        safe_mode=True,
        blacklist=tricky,
        keymap={"favorite": "F", "vote up": "u,+", 'q"uote': "\\"},
        player="mpv",
        follows=["fox", "wolf_(character)"],
        saved_searches={"night": "sky -day", 'odd "name"': tricky},
    )
    path = tmp_path / "deep" / "dir" / "config.toml"
    save_settings(original, path)
    loaded, warnings = load_settings(path)
    assert warnings == []
    assert loaded == original
    assert not list(path.parent.glob("*.tmp"))


def test_single_line_string_escapes_round_trip() -> None:
    value = 'a"b\\c\td\x7f\x1b'
    text = settings_to_toml(Settings(player=value))
    assert tomllib.loads(text)["player"] == value


def test_save_keeps_existing_file_mode(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'site = "e621"\n')
    os.chmod(path, 0o640)
    save_settings(Settings(site="e926"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load_settings(path)[0].site == "e926"


def test_refuses_to_save_over_invalid_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "site = = broken\n# my notes\n")
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="line 1"):
        save_settings(Settings(), path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, e621tui.settings.config; assert 'textual' not in sys.modules; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_update_keeps_the_users_comments_layout_and_other_keys(tmp_path: Path) -> None:
    original = (
        "# my e621-tui settings\n"
        'site = "e926"   # the safe one\n'
        "\n"
        "# things I never want to see\n"
        'blacklist = """\nspiders\n"""\n'
        'colour = "red"  # not a setting: kept anyway\n'
        "\n"
        "[keymap]\n"
        'favorite = "F"  # capital F\n'
    )
    path = write(tmp_path / "c.toml", original)
    update_config(path, blacklist="spiders\nclowns\n", follows=["fox", "wolf"])
    text = path.read_text(encoding="utf-8")
    for kept in (
        "# my e621-tui settings",
        'site = "e926"   # the safe one',
        "# things I never want to see",
        'colour = "red"  # not a setting: kept anyway',
        'favorite = "F"  # capital F',
    ):
        assert kept in text
    loaded, warnings = load_settings(path)
    assert loaded.blacklist == "spiders\nclowns\n"
    assert loaded.follows == ["fox", "wolf"]
    assert loaded.site == "e926" and loaded.keymap == {"favorite": "F"}
    assert [w for w in warnings if "colour" not in w] == []
    # The new key is a top-level key, not swallowed by the [keymap] table.
    assert tomllib.loads(text)["keymap"] == {"favorite": "F"}


def test_update_removes_a_key_and_checks_values(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'username = "fox"\npage_size = 30\n')
    update_config(path, username=None)
    assert "username" not in path.read_text(encoding="utf-8")
    with pytest.raises(ConfigError):
        update_config(path, page_size=1000)
    with pytest.raises(TypeError):
        update_config(path, colour="red")
    assert load_settings(path)[0].page_size == 30


def test_update_creates_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    update_config(path, saved_searches={"night": "sky order:score"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path) == (Settings(saved_searches={"night": "sky order:score"}), [])
    assert path.read_text(encoding="utf-8").startswith("# e621-tui settings.")
