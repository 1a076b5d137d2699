"""The blacklist grammar, case by case, against the site's documented behaviour (e621-api.md §9)."""

from __future__ import annotations

from typing import Any

import pytest

from e621tui.api.models import FileInfo, Flags, Post, Score
from e621tui.core.blacklist.rules import Blacklist, BlacklistRule, MatchContext, explain

MB = 1024 * 1024


def make_post(
    tags: str = "",
    *,
    species: str = "",
    id: int = 1,
    rating: str = "s",
    score: int = 0,
    fav_count: int = 0,
    width: int = 800,
    height: int = 600,
    size: int = 100_000,
    ext: str = "jpg",
    pending: bool = False,
    flagged: bool = False,
    deleted: bool = False,
    favorited: bool = False,
    pools: tuple[int, ...] = (),
    uploader_id: int = 7,
    uploader: str = "uploader",
) -> Post:
    """A post from a few flat fields; `tags` go to `general`, `species` to its own category."""
    return Post(
        id=id,
        tags={"general": tags.split(), "species": species.split(), "artist": []},
        rating=rating,
        score=Score(up=max(score, 0), down=min(score, 0), total=score),
        fav_count=fav_count,
        file=FileInfo(width=width, height=height, size=size, ext=ext),
        flags=Flags(pending=pending, flagged=flagged, deleted=deleted),
        is_favorited=favorited,
        pools=list(pools),
        uploader_id=uploader_id,
        uploader_name=uploader,
    )


def case(rule: str, expected: bool, **fields: Any) -> Any:
    return pytest.param(rule, fields, expected, id=f"{rule!r}-{fields}-{expected}")


CASES = [
    # --- plain tags: exact membership in all tags flattened
    case("gore", True, tags="gore solo"),
    case("gore", False, tags="gore_warning"),  # no partial match without `*`
    case("gore", False, tags="blood"),
    case("canine", True, tags="solo", species="canine"),  # every category counts
    case("foo bar", True, tags="foo bar baz"),  # tokens are ANDed
    case("foo bar", False, tags="foo baz"),
    # --- negation
    case("young -rating:s", True, tags="young", rating="e"),
    case("young -rating:s", False, tags="young", rating="s"),
    case("-solo", True, tags="duo"),  # a line of only a negated token
    case("-solo", False, tags="solo"),
    # --- `~` optional tokens: at least one must hold, on top of every required token
    case("~cat ~dog", True, tags="dog"),  # a line of only optional tokens
    case("~cat ~dog", False, tags="bird"),
    case("solo ~cat ~dog", True, tags="solo cat"),
    case("solo ~cat ~dog", False, tags="cat dog"),  # the required token still applies
    case("solo ~cat ~dog", False, tags="solo"),  # no optional token holds
    case("-~cat ~dog", True, tags="bird"),  # `-~`: optional and negated
    case("~-cat ~dog", False, tags="cat"),  # prefixes in any order
    case("--~~cat", True, tags="bird"),  # repeated prefixes are still one flag each
    # --- wildcards: anchored, `*` is any run, everything else literal
    case("cat*", True, tags="catgirl"),
    case("*girl", True, tags="catgirl"),
    case("c*l", True, tags="catgirl"),
    case("cat*", False, tags="bobcat"),  # anchored at the start
    case("*cat", False, tags="cats"),  # anchored at the end
    case("*cat*", True, tags="bobcats"),
    case("a*b*c", False, tags="acb"),  # pieces must appear in order
    case("cat.*", False, tags="catx"),  # `.` is literal, not a regex
    case("cat.*", True, tags="cat.girl"),
    case("*", True, tags="anything"),
    case("*", False, tags=""),
    case("-cat*", True, tags="dog"),
    # --- rating: letters and words; there is no `rating:` tag in the tag list
    case("rating:e", True, rating="e"),
    case("rating:explicit", True, rating="e"),
    case("rating:questionable", True, rating="q"),
    case("rating:safe", False, rating="e"),
    case("rating:s", False, tags="rating:s", rating="e"),
    case("rating:x", False, rating="e"),  # anything else never matches...
    case("-rating:x", True, rating="e"),  # ...so its negation always does
    case("rating:explicitly", False, rating="e"),
    # --- numeric comparisons and ranges
    case("score:<0", True, score=-1),
    case("score:<0", False, score=0),
    case("score:<=0", True, score=0),
    case("score:>10", True, score=11),
    case("score:>10", False, score=10),
    case("score:>=10", True, score=10),
    case("score:=<0", True, score=0),  # reversed `=<` means `<=`
    case("score:=>5", True, score=5),  # reversed `=>` means `>=`
    case("score:=>5", False, score=4),
    case("score:=5", True, score=5),  # `=` spelled out is plain equality
    case("score:-5", True, score=-5),  # plain equality with a negative number
    case("score:5", False, score=6),
    case("score:<-5", True, score=-6),
    case("id:100..200", True, id=100),  # ranges are inclusive
    case("id:100..200", True, id=200),
    case("id:100..200", False, id=201),
    case("id:..10", True, id=10),
    case("id:..10", False, id=11),
    case("id:10..", True, id=10),
    case("id:10..", False, id=9),
    case("favcount:>100", True, fav_count=101),
    case("width:>=1920", True, width=1920),
    case("width:>=1920", False, width=1919),
    case("height:<100", True, height=99),
    case("tagcount:<3", True, tags="a b"),
    case("tagcount:<3", False, tags="a b c"),
    case("userid:42", True, uploader_id=42),
    case("userid:42", False, uploader_id=43),
    case("score:abc", False, score=0),  # a bad number gives a token that never matches
    case("-score:abc", True, score=0),
    case("id:1..2..3", False, id=2),  # a malformed range never matches
    # --- filesize: b/kb/mb units; plain equality is fuzzed to ±5 %
    case("filesize:1mb", True, size=int(MB * 1.04)),
    case("filesize:1mb", True, size=int(MB * 0.96)),
    case("filesize:1mb", False, size=int(MB * 1.06)),
    case("filesize:1mb", False, size=int(MB * 0.94)),
    case("filesize:100", True, size=104),
    case("filesize:100b", False, size=106),
    case("filesize:>2mb", True, size=3 * MB),
    case("filesize:<500kb", True, size=400 * 1024),
    case("filesize:<500kb", False, size=500 * 1024),  # strict comparisons are not fuzzed
    case("filesize:1mb..2mb", True, size=MB),
    case("filesize:1mb..2mb", False, size=2 * MB + 1),  # nor are ranges
    case("filesize:>=1MB", True, size=MB),
    case("filesize:1gb", False, size=1024 * MB),  # no gb unit: never matches
    # --- type, status, fav, pool
    case("type:webm", True, ext="webm"),
    case("type:webm", False, ext="mp4"),
    case("status:pending", True, pending=True),
    case("status:pending", False, flagged=True),
    case("status:flagged", True, flagged=True),
    case("status:deleted", True, deleted=True),
    case("status:active", True),
    case("status:active", False, deleted=True),
    case("status:bogus", False, pending=True),
    case("fav:me", True, favorited=True),
    case("fav:anyone_at_all", True, favorited=True),  # any value: "favorited by you"
    case("fav:me", False, favorited=False),
    case("pool:123", True, pools=(5, 123)),
    case("pool:123", False, pools=(5, 1234)),
    # --- uploader by name (lowercase) or by `!id`
    case("user:someartist", True, uploader="SomeArtist"),
    case("uploader:someartist", True, uploader="someartist"),
    case("username:someartist", True, uploader="someartist"),
    case("user:bob", False, uploader="bobby"),
    case("user:!42", True, uploader_id=42),
    case("user:!42", False, uploader_id=43),
    case("uploader:!42", True, uploader_id=42),
    # --- unknown metatags are plain tags
    case("artist:foo", True, tags="artist:foo"),
    case("artist:foo", False, tags="foo"),
    case("order:score", False, score=100),
    case("foo:bar*", True, tags="foo:barbaz"),
    # --- comments, blank lines, whitespace, case, duplicates, several lines
    case("# gore", False, tags="gore"),  # full-line comment
    case("   # gore", False, tags="gore"),  # trimmed first, then a comment
    case("gore #because reasons", True, tags="gore"),  # inline comment stripped
    case("solo #gore", False, tags="gore"),
    case("gore#x", False, tags="gore"),  # `#` without a space before it is part of the tag
    case("", False, tags="gore"),
    case("   \t  ", False, tags="gore"),
    case("  gore   ", True, tags="gore"),
    case("\tgore\t", True, tags="gore"),
    case("foo\tbar", True, tags="foo bar"),
    case("foo     bar", True, tags="foo bar"),
    case("GORE", True, tags="gore"),  # everything is lowercased
    case("Rating:E -Score:>10", True, rating="e", score=3),
    case("gore gore", True, tags="gore"),
    case("~gore ~gore", True, tags="gore"),
    case("solo\ngore", True, tags="gore"),  # hidden if any line matches
    case("solo\r\ngore", True, tags="gore"),
    case("solo\n# gore\n\ngore -rating:s", False, tags="gore", rating="s"),
]


@pytest.mark.parametrize(("rules", "fields", "expected"), CASES)
def test_rule_table(rules: str, fields: dict[str, Any], expected: bool) -> None:
    blacklist = Blacklist.parse(rules)
    assert blacklist.is_hidden(make_post(**fields)) is expected


def test_match_returns_first_matching_rule_with_its_text() -> None:
    blacklist = Blacklist.parse("solo\nGore  -Rating:s # mine\ngore")
    rule = blacklist.match(make_post("gore", rating="e"))
    assert rule is blacklist.rules[1]
    assert rule.text == "Gore  -Rating:s # mine"
    assert rule.key == "gore -rating:s"
    assert str(rule) == rule.text
    assert "Gore  -Rating:s" in explain(rule)
    assert blacklist.match(make_post("duo")) is None


def test_rule_matches_directly() -> None:
    rule = BlacklistRule.parse("~a ~b c")
    assert rule is not None
    assert rule.matches(make_post("c b"), MatchContext(username="me"))
    assert not rule.matches(make_post("a b"), MatchContext())


def test_blank_and_comment_lines_make_no_rules() -> None:
    assert BlacklistRule.parse("  # x") is None
    assert BlacklistRule.parse(" \t ") is None
    blacklist = Blacklist.parse("\n\n# a\n   \n")
    assert not blacklist
    assert len(blacklist) == 0
    assert not Blacklist.parse(None)
    assert not blacklist.is_hidden(make_post("a"))


def test_duplicate_tokens_and_lines_are_dropped() -> None:
    blacklist = Blacklist.parse("a a b\nA B\nb  a\nc")
    assert [rule.key for rule in blacklist.rules] == ["a b", "b a", "c"]
    assert len(blacklist) == 3
    assert bool(blacklist)


def test_combine_keeps_order_and_drops_repeats() -> None:
    account = Blacklist.parse("gore\nyoung -rating:s")
    local = Blacklist.parse("GORE\nscat")
    combined = Blacklist.combine(account, local)
    assert [rule.key for rule in combined.rules] == ["gore", "young -rating:s", "scat"]
    assert combined.rules[0] is account.rules[0]
    assert combined.is_hidden(make_post("scat"))
    assert not Blacklist.combine()
