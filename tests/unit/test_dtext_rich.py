"""DText rendered to styled rich Text: element by element, links, hostile input, properties."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.style import Style
from rich.text import Text

from e621tui.devserver.hostile import ALL_NASTY
from e621tui.devserver.hostile_text import hostile_bodies
from e621tui.text.dtext_rich import LINK_META, DTextStyles, render_dtext


def plain(source: str, **options: object) -> str:
    return render_dtext(source, **options).plain  # type: ignore[arg-type]


def styles_at(text: Text, offset: int) -> Style:
    """The combined style of the character at ``offset``."""
    return text.get_style_at_offset(_console(), offset)


def _console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(width=200, color_system="truecolor")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain text", "plain text"),
        ("[b]bold[/b] and [i]italic[/i]", "bold and italic"),
        ("[u]u[/u][s]s[/s][sup]2[/sup][sub]x[/sub][tn]small[/tn]", "us2xsmall"),
        ("one\ntwo", "one\ntwo"),
        ("para\n\n\n\nnext", "para\n\nnext"),
        ("carriage\rreturn", "carriage return"),
        ("h1. Title\nbody", "Title\nbody"),
        ("h4#anchor. Anchored", "Anchored"),
        ("* a\n** b\n*** c\n* d", "• a\n  ◦ b\n    ▪ c\n• d"),
        ("*not a list", "*not a list"),
        ("[quote]quoted[/quote]\nafter", "│ quoted\nafter"),
        ("[quote]a[quote]b[/quote][/quote]", "│ a\n│ │ b"),
        ("[quote=red]colored quote[/quote]", "│ colored quote"),
        ("[code]\n[b]x[/b] {{y}}\n[/code]", "[b]x[/b] {{y}}"),
        ("a `[b]code[/b]` b \\` tick", "a [b]code[/b] b ` tick"),
        ("[nodtext][b]raw[/b][/nodtext]", "[b]raw[/b]"),
        ("[spoiler]secret[/spoiler]", " spoiler (hidden) "),
        ("see [spoiler]secret[/spoiler] here", "see  spoiler  here"),
        ("[section=Title]inside[/section]after", "▸ Title\nafter"),
        ("[section,expanded=Open]inside[/section]", "▾ Open\ninside"),
        ("[section]untitled[/section]", "▸ section"),
        ("[[fox]] [[Red Fox]] [[red_fox|label]] [[#anchor|jump]]", "fox Red Fox label jump"),
        ("{{fox rating:s}} {{Fox|the foxes}}", "fox rating:s the foxes"),
        ('"label":https://example.com/x', "label <https://example.com/x>"),
        ('"label":[https://example.com/y]', "label <https://example.com/y>"),
        ('"rel":/posts/1 "anchor":#top', "rel <https://e621.net/posts/1> anchor"),
        ('"[b]bold label[/b]":https://e.example', "bold label <https://e.example>"),
        ("see https://example.com/a. Done", "see https://example.com/a. Done"),
        ("<https://example.com/angle>", "https://example.com/angle"),
        ("post #12 thumb #13 bur #4 Post #6", "post #12 post #13 BUR #4 post #6"),
        ("mod action #5 post changes #7", "mod action #5 post changes #7"),
        ("xpost #12", "xpost #12"),
        ("[color=artist]c[/color] [color=#f00]h[/color] [color=nope]n[/color]", "c h n"),
        ("[#anchor]visible", "visible"),
        ("[b]unclosed\n\nnext [/b]", "unclosed\n\nnext [/b]"),
        ("[/i] stray [/quote] [/section]", "[/i] stray [/quote] [/section]"),
        ("[unknown]tag[/unknown]", "[unknown]tag[/unknown]"),
        ("[bold red]x[/] [@click=app.quit]q[/]", "[bold red]x[/] [@click=app.quit]q[/]"),
        ("line[br]break", "line\nbreak"),
    ],
)  # fmt: skip
def test_render_table(source: str, expected: str) -> None:
    assert plain(source) == expected


def test_styles_are_attached_not_parsed() -> None:
    out = render_dtext("[b]bold[/b] [i]it[/i] [u]u[/u] [s]s[/s]")
    text = out.text
    assert styles_at(text, 0).bold and not styles_at(text, 5).bold
    assert styles_at(text, 5).italic and styles_at(text, 8).underline and styles_at(text, 10).strike
    header = render_dtext("h2. Head\nbody").text
    assert styles_at(header, 0).bold and styles_at(header, 0).underline
    assert not styles_at(header, 5).bold
    literal = render_dtext("[bold red]x[/]").text
    assert literal.plain == "[bold red]x[/]" and not literal.spans


def test_colors_map_categories_css_and_hex_or_are_dropped() -> None:
    text = render_dtext("[color=art]a[/color][color=red]b[/color][color=#0f0]c[/color]").text
    colors = [styles_at(text, i).color for i in range(3)]
    assert [c.triplet.hex if c and c.triplet else None for c in colors] == [
        "#f2ac08", "#ff0000", "#00ff00",
    ]  # fmt: skip
    for bad in ("javascript:alert(1)", "#zzz", "#12345", "rgb(1,2,3)", "red;x"):
        rendered = render_dtext(f"[color={bad}]x[/color]")
        assert rendered.plain in ("x", f"[color={bad}]x[/color]")
        assert all(styles_at(rendered.text, i).color is None for i in range(len(rendered.plain)))
    no_colors = render_dtext("[color=red]x[/color]", styles=DTextStyles(colors=False)).text
    assert styles_at(no_colors, 0).color is None


def test_quotes_code_and_tables_are_laid_out() -> None:
    out = render_dtext("[quote]a\n[code]x  y[/code]\nb[/quote]")
    assert out.plain == "│ a\n│ x  y\n│ b"
    table = plain("[table][thead][tr][th]Kind[/th][th]N[/th][/tr][/thead]"
                  "[tbody][tr][td]red fox[/td][td]9[/td][/tr][/tbody][/table]")  # fmt: skip
    assert table.split("\n") == ["Kind    │ N", "────────┼──", "red fox │ 9"]
    ltable = plain("[ltable]\nName | [b]Color[/b]\nfox | orange\n[/ltable]")
    assert ltable.split("\n") == ["Name │ Color ", "─────┼───────", "fox  │ orange"]
    wide = plain("[table][tr]" + "".join(f"[td]c{i}[/td]" for i in range(40)) + "[/tr][/table]")
    assert wide.endswith("│ …") and "c15" in wide and "c16" not in wide
    long_cell = plain("[table][tr][td]" + "x" * 100 + "[/td][/tr][/table]")
    assert len(long_cell) == 40 and long_cell.endswith("…")


def test_links_are_reported_with_offsets() -> None:
    out = render_dtext(
        '[[Red Fox|foxes]] {{wolf order:score|best wolves}} "site":/posts/9 post #42 '
        "https://example.com/a."
    )
    kinds = [(link.kind, link.target, link.label) for link in out.links]
    assert kinds == [
        ("wiki", "red_fox", "foxes"),
        ("search", "wolf order:score", "best wolves"),
        ("url", "https://e621.net/posts/9", "site"),
        ("reference", "42", "post #42"),
        ("url", "https://example.com/a", "https://example.com/a"),
    ]
    for index, link in enumerate(out.links):
        assert out.plain[link.start : link.end].startswith(link.label)
        assert out.link_at(link.start) == link and out.link_at(link.end - 1) == link
        assert styles_at(out.text, link.start).meta == {LINK_META: index}
    assert out.link_at(len(out.plain)) is None and out.link_at(out.links[0].end) is None
    assert out.links[3].post_id == 42 and out.links[0].post_id is None
    assert out.links[0].url() == "https://e621.net/wiki_pages/show_or_new?title=red_fox"
    assert (
        out.links[1].url("http://127.0.0.1:1")
        == "http://127.0.0.1:1/posts?tags=wolf%20order%3Ascore"
    )
    assert out.links[3].url() == "https://e621.net/posts/42"
    base = render_dtext('"x":/wiki_pages/fox', base_url="http://127.0.0.1:5000/")
    assert base.links[0].target == "http://127.0.0.1:5000/wiki_pages/fox"


def test_spoilers_hidden_until_revealed() -> None:
    source = "Before [spoiler]the twist[/spoiler] after\n\n[spoiler]block secret[/spoiler]"
    hidden = render_dtext(source)
    assert "twist" not in hidden.plain and "block secret" not in hidden.plain
    assert hidden.spoilers == 2
    shown = render_dtext(source, reveal_spoilers=True)
    assert "the twist" in shown.plain and "block secret" in shown.plain
    offset = shown.plain.index("the twist")
    assert styles_at(shown.text, offset).italic
    inside = render_dtext("[spoiler]{{secret query}} [[secret]][/spoiler]")
    assert inside.links == ()
    unclosed = render_dtext("a [spoiler]rest of\nparagraph\n\nnext paragraph")
    assert "next paragraph" in unclosed.plain and "rest" not in unclosed.plain
    assert "paragraph\n" not in unclosed.plain


def test_sections_collapse_and_expand_by_index() -> None:
    source = (
        "[section=One]first[/section]\n[section=Two]second [section=In]nested[/section][/section]"
    )
    collapsed = render_dtext(source)
    assert "first" not in collapsed.plain and "second" not in collapsed.plain
    assert [(s.index, s.title, s.expanded) for s in collapsed.sections] == [
        (0, "One", False), (1, "Two", False),
    ]  # fmt: skip
    two = render_dtext(source, expand_sections={1})
    assert "first" not in two.plain and "second" in two.plain and "▸ In" in two.plain
    everything = render_dtext(source, expand_sections=True)
    assert "nested" in everything.plain and "first" in everything.plain


@pytest.mark.parametrize("body", hostile_bodies(ALL_NASTY))
def test_hostile_bodies_render_safely(body: str) -> None:
    start = time.perf_counter()
    out = render_dtext(body)
    assert time.perf_counter() - start < 1.0
    _assert_terminal_safe(out.plain)
    for link in out.links:
        _assert_terminal_safe(link.target + link.label)


def test_escape_sequences_never_survive() -> None:
    out = render_dtext("\x1b]52;c;SGVsbG8=\x07[b]\x1b[31mred\x1b[0m[/b] \x1b]0;title\x07ok")
    assert out.plain == "red ok"
    assert styles_at(out.text, 0).bold
    osc8 = render_dtext('"x":https://a.example/\x1b]8;;https://evil/\x07 tail')
    assert "\x1b" not in osc8.plain and all("\x1b" not in link.target for link in osc8.links)


def test_huge_bodies_are_cut_with_a_note() -> None:
    out = render_dtext("word " * 10_000, max_len=1000)
    assert out.truncated and out.plain.endswith("(49000 more characters not shown)")
    assert len(out.plain) < 1100
    assert not render_dtext("short").truncated


def _assert_terminal_safe(text: str) -> None:
    for char in text:
        code = ord(char)
        assert char == "\n" or (code >= 0x20 and not 0x7F <= code <= 0x9F), repr(char)
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b"


_FRAGMENTS = st.sampled_from([
    "[b]", "[/b]", "[i]", "[/i]", "[quote]", "[/quote]", "[spoiler]", "[/spoiler]",
    "[section=T]", "[section,expanded]", "[/section]", "[code]", "[/code]", "[table]",
    "[tr]", "[td]", "[th]", "[/td]", "[/tr]", "[/table]", "[ltable]", "[/ltable]", "[[",
    "]]", "{{", "}}", "|", '"', '":', "https://x.example/", "\n", "\n\n", "* ", "** ",
    "h1. ", "`", "\\`", "post #1", "[color=red]", "[color=#zz]", "[/color]", "[nodtext]",
    "[#a]", "\x1b[", "\x1b]52;c;", "\x07", "\x9b", "\x00", "\r", "\t", "\u202e", "🦊", "é",
    "[bold red]", "[/]", "<", ">", "[br]", "[sup]", "[/sub]", "x", " ", "word",
])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=60))
def test_no_input_crashes_or_leaks_control_characters(parts: list[str]) -> None:
    source = "".join(parts)
    for reveal in (False, True):
        out = render_dtext(source, reveal_spoilers=reveal, expand_sections=reveal)
        _assert_terminal_safe(out.plain)
        for link in out.links:
            assert 0 <= link.start <= link.end <= len(out.plain)
            _assert_terminal_safe(link.target + link.label)
        for span in out.text.spans:
            assert 0 <= span.start <= span.end <= len(out.plain)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=3000))
def test_arbitrary_text_is_safe(source: str) -> None:
    _assert_terminal_safe(render_dtext(source).plain)


@pytest.mark.parametrize(
    "source",
    ["[b]" * 7000, "[quote]" * 5000 + "x", "[[" * 7000, '"a' * 7000, "[spoiler]" * 5000,
     "[section]" * 5000, "[table][tr][td]" * 1500, "* " * 8000, "https://" * 2500,
     "`" * 20_000, "post #1 " * 2500, "[/b]" * 5000],
)  # fmt: skip
def test_pathological_inputs_stay_fast(source: str) -> None:
    start = time.perf_counter()
    out = render_dtext(source)
    assert time.perf_counter() - start < 2.0
    _assert_terminal_safe(out.plain)
