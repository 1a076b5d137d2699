"""The site's blacklist grammar, applied client-side (e621-api.md §9).

The API never filters by the user's blacklist; the website hides posts in the browser with
`Filter.ts` / `FilterToken.ts` / `FilterUtilities.ts`. This module follows those semantics:
one rule per line, tokens joined by AND, `~` tokens forming one OR group, `-` negating a token,
metatags for post fields, and `*` wildcards for tags.

Parsing never raises. Anything the site would not understand degrades the way the site's
script does: an unknown `prefix:` is a plain tag, and a number that does not parse gives a
token that never matches (so `-score:abc` always matches).

Deliberate differences from the site's script, all towards what the line says:
* tokens are split on any whitespace (the script splits on spaces only) and an inline comment
  may follow any whitespace;
* a plain tag is matched exactly as written (the script strips a leading `<`/`>` from tags
  and never matches tags containing `..`);
* `score:=5` means `score:5` (the script cannot parse it);
* `status:active` means neither pending, flagged nor deleted, as in search;
* `filesize:` with an unparsable size, and `user:`/`type:` with an empty value, never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from e621tui.api.models import Post
from e621tui.core.blacklist.tokens import Facts, Token, glob_matcher, glob_regex

_INLINE_COMMENT = re.compile(r"\s#.*", re.DOTALL)
# The glob matchers under their old names, which the fuzz tests import from here.
_glob = glob_matcher
_glob_regex = glob_regex


class BlacklistRule:
    """One enabled blacklist line.

    Attributes:
        text: The line as written (trimmed), for "hidden by rule: …" messages.
        key: The normalized line (lowercase, comment stripped, one space between distinct
            tokens); two lines with the same key are the same rule.
    """

    __slots__ = ("_optional", "_required", "key", "text")

    def __init__(self, text: str, words: Iterable[str]) -> None:
        distinct = list(dict.fromkeys(words))
        self.text = text
        self.key = " ".join(distinct)
        tokens = [Token(word) for word in distinct]
        self._required = tuple(token for token in tokens if not token.optional)
        self._optional = tuple(token for token in tokens if token.optional)

    @classmethod
    def parse(cls, line: str) -> BlacklistRule | None:
        """Parse one line; None for blank lines, comments and lines without tokens."""
        text = line.strip()
        if not text or text.startswith("#"):
            return None
        words = _INLINE_COMMENT.sub("", text.lower(), count=1).split()
        if not words:
            return None
        return cls(text, words)

    def matches(self, post: Post, ctx: MatchContext | None = None) -> bool:
        """True if this line hides `post`."""
        return self._test(Facts(post))

    def _test(self, facts: Facts) -> bool:
        for token in self._required:
            if token.test(facts) == token.negated:
                return False
        if not self._optional:
            return True
        return any(token.test(facts) != token.negated for token in self._optional)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"BlacklistRule({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BlacklistRule) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


def explain(rule: BlacklistRule) -> str:
    """A short message saying which rule hid a post."""
    return f"hidden by blacklist rule: {rule.text}"


@dataclass(frozen=True)
class MatchContext:
    """Facts about the viewer that some metatags could need.

    `fav:` uses `Post.is_favorited`, which the site fills in for the logged-in viewer.
    """

    username: str | None = None


class Blacklist:
    """An ordered set of blacklist rules; a post is hidden if any rule matches it."""

    __slots__ = ("rules",)

    def __init__(self, rules: Iterable[BlacklistRule] = ()) -> None:
        unique: dict[str, BlacklistRule] = {}
        for rule in rules:
            unique.setdefault(rule.key, rule)
        self.rules: tuple[BlacklistRule, ...] = tuple(unique.values())

    @classmethod
    def parse(cls, text: str | None) -> Blacklist:
        """Parse blacklist text (one rule per line); never raises."""
        if not text:
            return cls()
        rules = (BlacklistRule.parse(line) for line in text.split("\n"))
        return cls(rule for rule in rules if rule is not None)

    @classmethod
    def combine(cls, *lists: Blacklist) -> Blacklist:
        """Join lists (e.g. the account's and the local one), dropping repeated rules."""
        return cls(rule for blacklist in lists for rule in blacklist.rules)

    def match(self, post: Post, ctx: MatchContext | None = None) -> BlacklistRule | None:
        """The first rule that hides `post`, or None."""
        if not self.rules:
            return None
        facts = Facts(post)
        for rule in self.rules:
            if rule._test(facts):
                return rule
        return None

    def is_hidden(self, post: Post, ctx: MatchContext | None = None) -> bool:
        """True if any rule hides `post`."""
        return self.match(post, ctx) is not None

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"Blacklist({len(self.rules)} rules)"


__all__ = ["Blacklist", "BlacklistRule", "MatchContext", "explain"]
