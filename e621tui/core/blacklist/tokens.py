"""The words of a blacklist rule: post facts, metatag and tag tests, `*` globs (e621-api.md §9).

`Token` turns one word (``-score:<0``, ``~cat``, ``wolf*``) into a test over `Facts`, the
fields of a post a rule can look at. How words combine into rules is `blacklist`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from e621tui.api.models import Post

_Num = int | float
_Test = Callable[["Facts"], bool]

_FLAG_STATUSES = frozenset({"pending", "flagged", "deleted"})
_RATINGS = {"s": "s", "safe": "s", "q": "q", "questionable": "q", "e": "e", "explicit": "e"}
_COMPARISONS = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "=<": "<=", "=>": ">="}
_COMPARISON_PREFIX = re.compile(r"[<>=]{1,2}")
_PREFIXES = re.compile(r"[~-]+")
_INT_PREFIX = re.compile(r"([+-]?)(0x[0-9a-f]*|[0-9]+)")
_FILESIZE = re.compile(r"([0-9]+)(b|kb|mb)?")
_FILESIZE_UNITS = {None: 1, "b": 1, "kb": 1024, "mb": 1024 * 1024}
#: Longer digit runs overflow JavaScript's numbers to Infinity; Python's int() refuses them.
_MAX_DIGITS = 300


class Facts:
    """What the tokens look at, extracted from a post once per match."""

    def __init__(self, post: Post) -> None:
        self.tags = frozenset(tag for tags in post.tags.values() for tag in tags)
        self.joined: str | None = None
        self.nums: dict[str, int] = {
            "id": post.id,
            "score": post.score.total,
            "favcount": post.fav_count,
            "width": post.file.width,
            "height": post.file.height,
            "tagcount": post.tag_count,
            "userid": post.uploader_id,
            "filesize": post.file.size,
        }
        self.rating = post.rating.lower()
        self.ext = post.file.ext.lower()
        flags = post.flags
        present = {"pending": flags.pending, "flagged": flags.flagged, "deleted": flags.deleted}
        self.flags = frozenset(name for name, on in present.items() if on)
        self.fav = post.is_favorited
        self.uploader = post.uploader_name.lower()
        self.uploader_id = post.uploader_id
        self.pools = frozenset(post.pools)

    def joined_tags(self) -> str:
        """All tags on separate lines, for wildcard regexes (built on first use)."""
        if self.joined is None:
            self.joined = "\n".join(self.tags)
        return self.joined


def _never(_facts: Facts) -> bool:
    return False


def _parse_int(text: str) -> _Num | None:
    """Read a number the way JavaScript's `parseInt` does: a leading integer, junk ignored."""
    match = _INT_PREFIX.match(text)
    if match is None:
        return None
    sign = -1 if match.group(1) == "-" else 1
    digits = match.group(2)
    if len(digits) > _MAX_DIGITS:
        return sign * math.inf
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16) if len(digits) > 2 else None
    return sign * int(digits)


def _parse_filesize(text: str) -> _Num | None:
    """Read `123`, `123b`, `45kb` or `6mb` as bytes."""
    match = _FILESIZE.fullmatch(text)
    if match is None:
        return None
    digits, unit = match.groups()
    if len(digits) > _MAX_DIGITS:
        return math.inf
    return int(digits) * _FILESIZE_UNITS[unit]


def _truncate(value: float) -> _Num:
    return math.trunc(value) if math.isfinite(value) else value


def _compare(field: str, op: str, value: _Num | None) -> _Test:
    if value is None:
        return _never
    if op == "<":
        return lambda f: f.nums[field] < value
    if op == "<=":
        return lambda f: f.nums[field] <= value
    if op == ">":
        return lambda f: f.nums[field] > value
    if op == ">=":
        return lambda f: f.nums[field] >= value
    return lambda f: f.nums[field] == value


def _between(field: str, low: _Num | None, high: _Num | None) -> _Test:
    if low is None or high is None:
        return _never
    return lambda f: low <= f.nums[field] <= high


def _numeric(field: str, value: str, parse: Callable[[str], _Num | None]) -> _Test:
    """Build a comparison token: `5`, `<5`, `>=5`, `=>5`, `1..5`, `..5`, `5..`."""
    if ".." in value:
        if value.startswith(".."):
            return _compare(field, "<=", parse(value[2:]))
        if value.endswith(".."):
            return _compare(field, ">=", parse(value[:-2]))
        parts = value.split("..")
        if len(parts) != 2:
            return _never
        return _between(field, parse(parts[0]), parse(parts[1]))
    op = "="
    prefix = _COMPARISON_PREFIX.match(value)
    if prefix is not None:
        symbol = prefix.group()
        if symbol in _COMPARISONS:
            op = _COMPARISONS[symbol]
            value = value[len(symbol) :]
        elif symbol == "=":
            value = value[1:]
        # Anything else ("==", "<>") stays in place so the number fails to parse, as on the site.
    number = parse(value)
    if op == "=" and field == "filesize" and number is not None:
        # The site fuzzes filesize equality to ±5 %, like the search metatag.
        return _between(field, _truncate(number * 0.95), _truncate(number * 1.05))
    return _compare(field, op, number)


def _rating(value: str) -> _Test:
    letter = _RATINGS.get(value)
    if letter is None:
        return _never
    return lambda f: f.rating == letter


def _status(value: str) -> _Test:
    if value == "active":
        return lambda f: not f.flags
    if value in _FLAG_STATUSES:
        return lambda f: value in f.flags
    return _never


def _file_type(value: str) -> _Test:
    if not value:
        return _never
    return lambda f: f.ext == value


def _pool(value: str) -> _Test:
    pool_id = _parse_int(value)
    if not pool_id:
        return _never
    return lambda f: pool_id in f.pools


def _username(value: str) -> _Test:
    if not value:
        return _never
    return lambda f: f.uploader == value


def _user(value: str) -> _Test:
    """`user:name`, or `user:!123` for the uploader's id."""
    if value.startswith("!"):
        user_id = _parse_int(value[1:])
        if user_id is None:
            return _never
        return lambda f: f.uploader_id == user_id
    return _username(value)


def _numeric_metatag(field: str) -> Callable[[str], _Test]:
    return lambda value: _numeric(field, value, _parse_int)


_METATAGS: dict[str, Callable[[str], _Test]] = {
    **{
        name: _numeric_metatag(name)
        for name in ("id", "score", "favcount", "width", "height", "tagcount", "userid")
    },
    "filesize": lambda value: _numeric("filesize", value, _parse_filesize),
    "rating": _rating,
    "type": _file_type,
    "status": _status,
    "fav": lambda _value: lambda f: f.fav,
    "pool": _pool,
    "user": _user,
    "uploader": _user,
    "username": _username,
}


def _glob_segments(pattern: str) -> tuple[str, list[str], str]:
    head, *middle, tail = pattern.split("*")
    return head, [segment for segment in middle if segment], tail


def glob_matcher(pattern: str) -> Callable[[str], bool]:
    """A `*` glob matcher for one tag: each piece at its earliest place, no backtracking."""
    head, segments, tail = _glob_segments(pattern)
    min_length = len(head) + len(tail) + sum(len(segment) for segment in segments)

    def matches(text: str) -> bool:
        if len(text) < min_length or not text.startswith(head) or not text.endswith(tail):
            return False
        pos, end = len(head), len(text) - len(tail)
        for segment in segments:
            found = text.find(segment, pos, end)
            if found < 0:
                return False
            pos = found + len(segment)
        return True

    return matches


def glob_regex(pattern: str) -> re.Pattern[str]:
    """The same matcher as one regex over newline-joined tags.

    A plain `.*` translation backtracks exponentially on `*a*a*a…b`; atomic groups pin each
    piece at its earliest place, which is all a `*`-only glob needs, so matching stays linear.
    """
    head, segments, tail = _glob_segments(pattern)
    pieces = "".join(f"(?>[^\\n]*?{re.escape(segment)})" for segment in segments)
    return re.compile(f"^{re.escape(head)}{pieces}[^\\n]*{re.escape(tail)}$", re.MULTILINE)


#: Above this many pieces, compiling a regex costs more than looping over the tags.
_MAX_REGEX_SEGMENTS = 32


def _tag(name: str) -> _Test:
    if "*" not in name:
        return lambda f: name in f.tags
    if name.count("*") <= _MAX_REGEX_SEGMENTS:
        search = glob_regex(name).search
        return lambda f: bool(f.tags) and search(f.joined_tags()) is not None
    matches = glob_matcher(name)
    return lambda f: any(matches(tag) for tag in f.tags)


class Token:
    """One word of a rule: a test plus its `-` (negated) and `~` (optional) flags."""

    __slots__ = ("negated", "optional", "test")

    def __init__(self, word: str) -> None:
        prefix = _PREFIXES.match(word)
        marks = prefix.group() if prefix else ""
        self.optional = "~" in marks
        self.negated = "-" in marks
        body = word[len(marks) :]
        name, colon, value = body.partition(":")
        builder = _METATAGS.get(name) if colon else None
        self.test: _Test = builder(value) if builder is not None else _tag(body)


__all__ = ["Facts", "Token", "glob_matcher", "glob_regex"]
