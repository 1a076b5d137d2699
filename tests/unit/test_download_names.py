"""Name templates and safe names: hostile tags never leave download_dir, bad templates say why."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from e621tui.api.models import FileInfo, Post, Score
from e621tui.core.downloads.paths import (
    MAX_COMPONENT_BYTES,
    MAX_PATH_BYTES,
    PathEscape,
    cap_path,
    inside,
    safe_component,
)
from e621tui.core.downloads.templates import (
    DEFAULT_POOL_TEMPLATE,
    DEFAULT_TEMPLATE,
    BatchContext,
    NameTemplate,
    TemplateError,
    check_template,
    post_fields,
)

HOSTILE = [
    "../../etc/evil",
    "..",
    ".",
    "/abs/olute",
    "C:\\Windows\\system32",
    "CON",
    "con.txt",
    "Nul . jpg",
    "COM1",
    "lpt9.tar.gz",
    "COM¹",
    "CONOUT$",
    "trailing. . ",
    "   ",
    "",
    "esc\x1b]0;owned\x07\x1b[31mred\x00nul",
    "tab\tnew\nline\r",
    "\u202eevil\u202c",
    'a<b>c:d"e|f?g*h',
    "~/.ssh/authorized_keys",
    "x" * 1000,
    "é" * 400,
    "🦊" * 100,
]
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                    *(f"lpt{i}" for i in range(10))}  # fmt: skip


def make_post(**tags: list[str]) -> Post:
    return Post(
        id=123,
        created_at="2026-07-30T12:00:00.000-04:00",
        file=FileInfo(
            ext="jpg", md5="0123456789abcdef0123456789abcdef", size=10, url="http://x/y.jpg"
        ),
        score=Score(total=42),
        rating="s",
        tags={k: v for k, v in tags.items()},
    )


def assert_safe_name(name: str) -> None:
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name)
    assert not any(c in '<>:"|?*' for c in name)
    assert not name.startswith(".") and not name.endswith((".", " "))
    assert name.split(".")[0].strip().lower() not in WINDOWS_RESERVED
    assert len(name.encode()) <= MAX_COMPONENT_BYTES


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_component_is_safe(text: str) -> None:
    assert_safe_name(safe_component(text))


def test_safe_component_keeps_ordinary_names_and_extensions() -> None:
    assert safe_component("amber_quill") == "amber_quill"
    assert safe_component("0001 - 123.jpg") == "0001 - 123.jpg"
    assert safe_component("CON") == "_CON"
    assert safe_component("../../etc/evil") == "_.._etc_evil"
    long = safe_component("y" * 400 + ".webm")
    assert long.endswith(".webm") and len(long.encode()) <= MAX_COMPONENT_BYTES
    assert safe_component("esc\x1b]0;owned\x07x") == "escx"  # the whole OSC sequence goes


def test_default_templates() -> None:
    post = make_post(artist=["conditional_dnp", "amber_quill", "mossbrush"])
    path = NameTemplate.parse(DEFAULT_TEMPLATE).render(post_fields(post))
    assert path == PurePosixPath("amber_quill/123.jpg")
    ctx = BatchContext(index=7, pool_id=9, pool_name="Lantern_Road")
    pool = NameTemplate.parse(DEFAULT_POOL_TEMPLATE).render(post_fields(post, ctx))
    assert pool == PurePosixPath("Lantern_Road/0007 - 123.jpg")


def test_fields_for_posts_without_tags() -> None:
    fields = post_fields(make_post())
    assert fields["artist"] == "unknown_artist"
    assert fields["copyright"] == "unknown_copyright"
    assert fields["character"] == "unknown_character"
    assert fields["species"] == "unknown_species"
    assert fields["rating"] == "safe"
    assert fields["date"] == "2026-07-30"
    assert fields["score"] == 42
    assert (fields["pool_id"], fields["pool_name"], fields["set_shortname"]) == (0, "", "")


def test_every_field_renders() -> None:
    template = NameTemplate.parse(
        "{rating}/{date}/{copyright}-{character}-{species}/{set_shortname}/"
        "{pool_id}_{index:03}_{score:+}_{md5:.8}_{id}.{ext}"
    )
    post = make_post(copyright=["fox_tales"], character=["marlo"], species=["fox"])
    ctx = BatchContext(index=2, pool_id=5, set_shortname="cozy")
    assert template.render(post_fields(post, ctx)) == PurePosixPath(
        "safe/2026-07-30/fox_tales-marlo-fox/cozy/5_002_+42_01234567_123.jpg"
    )


def test_empty_folder_levels_are_left_out() -> None:
    template = NameTemplate.parse("{set_shortname}/{pool_name}/{id}.{ext}")
    assert template.render(post_fields(make_post())) == PurePosixPath("123.jpg")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("", "empty"),
        ("{nope}/{id}.{ext}", "unknown field {nope}"),
        ("{id.__class__}", "unknown field"),
        ("{artist[0]}/{id}", "unknown field"),
        ("{}/{id}", "empty {}"),
        ("{0}", "empty {}"),
        ("{id!r}", "conversions"),
        ("{id:04q}", "not a valid format"),
        ("{artist:04d}/{id}", "not a valid format for text"),
        ("{id:{score}}", "nested"),
        ("{id:99999999}", "width larger"),
        ("{id:.99999999f}", "precision larger"),
        ("{id", "malformed"),
        ("id}", "malformed"),
        ("/abs/{id}", "must be relative"),
        ("~/{id}", "must be relative"),
        ("C:/{id}", "must be relative"),
        ("../{id}.{ext}", "may not contain '..'"),
        ("{artist}/./{id}", "may not contain '.'"),
        ("{artist}.{ext}", "every post would get the same name"),
        ("x" * 2000 + "{id}", "longer than"),
    ],
)
def test_bad_templates_give_clear_errors(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message.replace("{", r"\{").replace("}", r"\}")
                       .replace("(", r"\(").replace("[", r"\[").replace(".", r"\.")):  # fmt: skip
        NameTemplate.parse(template)
    problem = check_template(template)
    assert problem is not None and message.split()[0] in problem


def test_good_templates_pass_the_check() -> None:
    assert check_template(DEFAULT_TEMPLATE) is None
    assert check_template(DEFAULT_POOL_TEMPLATE) is None
    assert check_template("{artist}\\{id}.{ext}") is None  # either separator


def test_hostile_tags_in_every_field_stay_one_level(tmp_path: Path) -> None:
    template = NameTemplate.parse("{artist}/{copyright}/{character}/{species}/{id}.{ext}")
    for text in HOSTILE:
        post = make_post(artist=[text], copyright=[text], character=[text], species=[text])
        relative = template.render(post_fields(post))
        assert len(relative.parts) == 5
        for part in relative.parts:
            assert_safe_name(part)
        target = inside(tmp_path, relative)
        assert tmp_path.resolve() in target.resolve().parents


def test_hostile_pool_name(tmp_path: Path) -> None:
    template = NameTemplate.parse(DEFAULT_POOL_TEMPLATE)
    ctx = BatchContext(index=1, pool_name="../../../outside/\x1b]0;t\x07CON/..\\..\\win")
    relative = template.render(post_fields(make_post(), ctx))
    assert len(relative.parts) == 2
    assert tmp_path.resolve() in inside(tmp_path, relative).resolve().parents


def test_long_paths_are_capped() -> None:
    template = NameTemplate.parse("{artist}/{copyright}/{character}/{species}/{artist}/{id}.{ext}")
    post = make_post(artist=["a" * 300], copyright=["c" * 300], character=["d" * 300],
                     species=["s" * 300])  # fmt: skip
    relative = template.render(post_fields(post))
    assert len(str(relative).encode()) <= MAX_PATH_BYTES
    assert relative.name == "123.jpg"
    assert all(len(p.encode()) <= MAX_COMPONENT_BYTES for p in relative.parts)


def test_cap_path_never_touches_the_file_name() -> None:
    parts = cap_path(["f" * 150] * 6 + ["keep.jpg"])
    assert parts[-1] == "keep.jpg"
    assert sum(len(p) for p in parts) + len(parts) - 1 <= MAX_PATH_BYTES


def test_inside_refuses_escapes(tmp_path: Path) -> None:
    for bad in ("../x", "/etc/passwd", "a/../../x", ".", ""):
        with pytest.raises(PathEscape):
            inside(tmp_path, PurePosixPath(bad))
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    os.symlink(outside, tmp_path / "link")
    with pytest.raises(PathEscape):
        inside(tmp_path, PurePosixPath("link/file.jpg"))
    assert inside(tmp_path, PurePosixPath("ok/file.jpg")) == tmp_path.resolve() / "ok/file.jpg"


hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list('./\\:*?"<>| ~$\x00\x1b\x07\n\r\t\u202e\u200b\u0085')),
        st.characters(codec="utf-8"),
    ),
    max_size=300,
)


@settings(max_examples=400, deadline=None)
@given(artist=hostile_text, pool_name=hostile_text, other=hostile_text)
def test_no_tag_can_write_outside_download_dir(artist: str, pool_name: str, other: str) -> None:
    root = Path("/tmp/e621-tui-hypothesis-root")
    template = NameTemplate.parse("{artist}/{pool_name}/{copyright}/{index:04} {id}.{ext}")
    post = make_post(artist=[artist], copyright=[other], species=[other])
    relative = template.render(post_fields(post, BatchContext(index=3, pool_name=pool_name)))
    assert not relative.is_absolute()
    assert ".." not in relative.parts and "." not in relative.parts
    for part in relative.parts:
        assert_safe_name(part)
    assert len(str(relative).encode()) <= MAX_PATH_BYTES
    target = inside(root, relative)
    assert os.path.commonpath([root, os.path.normpath(target)]) == str(root)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_template_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        template = NameTemplate.parse(text)
    except TemplateError as exc:
        assert str(exc)
        return
    relative = template.render(post_fields(make_post(artist=["x"]), BatchContext(index=1)))
    for part in relative.parts:
        assert_safe_name(part)
