"""Tests for e621tui.text.sanitize: terminal-safe text from untrusted server strings."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from e621tui.text.sanitize import clean, dtext_to_plain, one_line, safe_filename, truncate

ESCAPE_CASES = [
    pytest.param("a\x1b[2Jb", "ab", id="csi-clear-screen"),
    pytest.param("\x1b[1;31mred\x1b[0m", "red", id="sgr"),
    pytest.param("\x1b[?1049h\x1b[?25lx", "x", id="csi-private-modes"),
    pytest.param("x\x1b]52;c;SGVsbG8=\x07y", "xy", id="osc52-clipboard-bel"),
    pytest.param("x\x1b]52;c;SGVsbG8=\x1b\\y", "xy", id="osc52-clipboard-st"),
    pytest.param("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click", id="osc8-link"),
    pytest.param("\x1b]0;pwned title\x07rest", "rest", id="osc0-title"),
    pytest.param("\x1b]2;title\x9cafter", "after", id="osc-8bit-st"),
    pytest.param("ding\x07", "ding␇", id="bel-visible"),
    pytest.param("\x9b31mred", "red", id="c1-csi"),
    pytest.param("\x9d0;title\x07t", "t", id="c1-osc"),
    pytest.param("\x1bPq#0;2;0;0;0#0~~\x1b\\after", "after", id="dcs-sixel"),
    pytest.param("\x1b_Gf=100;AAAA\x1b\\img", "img", id="apc-kitty-graphics"),
    pytest.param("\x1b^pm\x1b\\x", "x", id="pm"),
    pytest.param("\x1bXsos\x1b\\x", "x", id="sos"),
    pytest.param("\x1b(Bx\x1b7y\x1b8", "xy", id="short-escapes"),
    pytest.param("\x1bc", "", id="ris-reset"),
    pytest.param("\x1b[31", "␛[31", id="incomplete-csi-visible"),
    pytest.param("\x1b]0;never ends", "␛]0;never ends", id="unterminated-osc-visible"),
    pytest.param("\x1b", "␛", id="lone-esc"),
    pytest.param("a\x00b\x7fc", "a␀b␡c", id="nul-and-del"),
    pytest.param("a\x85b\x9cc", "a\ufffdb\ufffdc", id="stray-c1"),
    pytest.param("\ud800x", "\ufffdx", id="lone-surrogate"),
    # kitty's placeholder and the picture layer's mover: text never draws or hides a picture.
    pytest.param("a\U0010eeee\u0305b", "a\ufffd\u0305b", id="kitty-placeholder"),
    pytest.param("a\U0010fffdb", "a\ufffdb", id="picture-mover"),
]


@pytest.mark.parametrize(("raw", "expected"), ESCAPE_CASES)
def test_clean_removes_escape_sequences(raw: str, expected: str) -> None:
    assert clean(raw) == expected
    assert clean(raw, keep_newlines=True) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("\u202eevil\u202c.jpg", "evil.jpg", id="rlo-override"),
        pytest.param("\u2066a\u2069\u2067b\u2068c", "abc", id="isolates"),
        pytest.param("\u200ex\u200f\u061c", "x", id="marks"),
        pytest.param("z\u200bw\u200c\u200d\u2060\ufeffe", "zwe", id="zero-width"),
        pytest.param("שלום עולם", "שלום עולם", id="hebrew-kept"),
        pytest.param("مرحبا", "مرحبا", id="arabic-kept"),
        pytest.param("cute 😀🦊 ok", "cute 😀🦊 ok", id="emoji-kept"),
        pytest.param("[bold red]x[/] [link=y]", "[bold red]x[/] [link=y]", id="markup-literal"),
        pytest.param(12345, "12345", id="non-string"),
    ],
)
def test_clean_bidi_zero_width_and_literals(raw: object, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_newlines() -> None:
    assert clean("a\r\nb\rc\u2028d", keep_newlines=True) == "a\nb\nc\nd"
    assert clean("a\tb", keep_newlines=True) == "a\tb"
    assert clean("a\r\nb\tc") == "a b c"


FORBIDDEN = {*range(0x00, 0x20), *range(0x7F, 0xA0)}
BIDI_AND_ZERO_WIDTH = set(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
BIDI_AND_ZERO_WIDTH |= set(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"))
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\x1b[]P_^X\\\x07\x9b\x9d\x9c\x90;0123m\r\n\t\u202e\u200b")),
        st.characters(),
    ),
    max_size=80,
)


@given(hostile_text, st.booleans())
def test_clean_output_is_safe_and_idempotent(raw: str, keep_newlines: bool) -> None:
    out = clean(raw, keep_newlines=keep_newlines)
    allowed = {ord("\n"), ord("\t")} if keep_newlines else set()
    bad = {ord(ch) for ch in out} & ((FORBIDDEN - allowed) | BIDI_AND_ZERO_WIDTH)
    assert not bad
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in out)
    assert clean(out, keep_newlines=keep_newlines) == out


@given(hostile_text, st.one_of(st.none(), st.integers(min_value=1, max_value=30)))
def test_one_line_is_single_line(raw: str, max_len: int | None) -> None:
    out = one_line(raw, max_len)
    assert "\n" not in out and "\t" not in out and "  " not in out
    assert out == out.strip()
    if max_len is not None:
        assert len(out) <= max_len


def test_one_line_collapses_and_truncates() -> None:
    assert one_line("  a \n\n b\t\tc  ") == "a b c"
    assert one_line("long_tag_name_here", 8) == "long_ta…"
    assert one_line("short", 8) == "short"


@pytest.mark.parametrize(
    ("text", "max_len", "expected"),
    [("abcdef", 6, "abcdef"), ("abcdef", 5, "abcd…"), ("ab cdef", 4, "ab…"), ("abc", 1, "…")],
)
def test_truncate(text: str, max_len: int, expected: str) -> None:
    assert truncate(text, max_len) == expected
    assert len(truncate(text, max_len)) <= max_len


def test_truncate_zero() -> None:
    assert truncate("abc", 0) == ""


DTEXT_CASES = [
    pytest.param("[b]bold[/b] [i]it[/i] [u]u[/u] [s]s[/s]", "bold it u s", id="inline"),
    pytest.param("x[sup]2[/sup] [sub]y[/sub] [spoiler]hidden[/spoiler]", "x2 y hidden", id="sup"),
    pytest.param("[color=red]red[/color] [COLOR=#fff]w[/COLOR]", "red w", id="color"),
    pytest.param("[quote]\nsaid this\n[/quote]\nreply", "> said this\nreply", id="quote"),
    pytest.param("[quote]a\n[quote]b[/quote]\nc[/quote]", "> a\n> > b\n> c", id="nested-quote"),
    pytest.param("[code]\n[b]x[/b] [[y]]\n[/code]", "[b]x[/b] [[y]]", id="code-literal"),
    pytest.param("[code][b]never closed", "[b]never closed", id="unclosed-code"),
    pytest.param("[nodtext][b][/nodtext] ok", "[b] ok", id="nodtext"),
    pytest.param("h1. Title\nbody", "Title\nbody", id="heading"),
    pytest.param("h4#anchor.Sub", "Sub", id="heading-anchor"),
    pytest.param('"Site":https://a.example/x', "Site <https://a.example/x>", id="link"),
    pytest.param('see "it":https://a.example/x.', "see it <https://a.example/x>.", id="link-dot"),
    pytest.param('"b":[https://a.example/y]', "b <https://a.example/y>", id="link-bracket"),
    pytest.param('"me":/users/1', "me </users/1>", id="relative-link"),
    pytest.param("[[red_panda]] and [[fox|Foxes]]", "red panda and Foxes", id="wiki"),
    pytest.param("{{rating:s fox}}", "rating:s fox", id="search"),
    pytest.param("* one\n** two\n*bold?", "• one\n  • two\n*bold?", id="list"),
    pytest.param("[unknown]kept[/unknown] [bold]", "[unknown]kept[/unknown] [bold]", id="unknown"),
    pytest.param("[section=More]inner[/section]", "More\ninner", id="section"),
    pytest.param("a\r\nb", "a\nb", id="crlf"),
    pytest.param("[b]\x1b]52;c;AAAA\x07x\x1b[2J[/b]", "x", id="escapes-inside"),
    pytest.param("\u202e[i]txt[/i]", "txt", id="bidi-inside"),
    pytest.param('"unclosed quote and [b]tag', '"unclosed quote and tag', id="stray-quote"),
]


@pytest.mark.parametrize(("source", "expected"), DTEXT_CASES)
def test_dtext_to_plain(source: str, expected: str) -> None:
    assert dtext_to_plain(source) == expected


def test_dtext_relative_link_with_base_url() -> None:
    assert dtext_to_plain('"me":/users/1', base_url="https://e621.net/") == (
        "me <https://e621.net/users/1>"
    )


def test_dtext_truncates_long_input_with_note() -> None:
    out = dtext_to_plain("x" * 500, max_len=100)
    assert out.startswith("x" * 100)
    assert "x" * 101 not in out
    assert "truncated" in out and "400" in out


@pytest.mark.parametrize(
    "unit",
    ['"a', '"a":', "[[", "[[a|", "{{", "[b=", "[quote]", "[code]", "* ", "h1.", "\x1b]", "\x1b["],
)
def test_dtext_and_clean_are_linear_on_hostile_input(unit: str) -> None:
    def best_of_three(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            dtext_to_plain(text, max_len=10**7)
            clean(text)
            times.append(time.perf_counter() - start)
        return min(times)

    small_time = best_of_three(unit * 2_000)
    big_time = best_of_three(unit * 20_000)
    # Quadratic behaviour would take ~100x longer for 10x input: allow 40x plus slack for a
    # busy machine (this is a complexity check, not a benchmark).
    assert big_time < small_time * 40 + 0.25
    assert big_time < 5


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("CON.txt", "_CON.txt"),
        ("...", "_"),
        ("", "_"),
        ("\u202egpj.exe", "gpj.exe"),
        ("fox\x1b[2J pic.png", "fox pic.png"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_limits_bytes_and_keeps_extension() -> None:
    out = safe_filename("é" * 300 + ".png")
    assert len(out.encode()) <= 200
    assert out.endswith(".png")


def test_import_is_light() -> None:
    code = "import sys, e621tui.text.sanitize; assert 'textual' not in sys.modules; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
