"""Styles of rendered DText, the colours `[color=…]` may name, and links found in DText."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from rich.color import Color, ColorParseError
from rich.style import Style

#: The site's tag-category colours (dark theme), by every name `[color=…]` accepts.
CATEGORY_COLORS: dict[str, str] = {
    "general": "#b4c7d9",
    "artist": "#f2ac08",
    "contributor": "#c0c0c0",
    "copyright": "#dd00dd",
    "character": "#00aa00",
    "species": "#ed5d1f",
    "invalid": "#ff3d3d",
    "meta": "#ffffff",
    "lore": "#228822",
}
_CATEGORY_ALIASES = {
    "gen": "general", "art": "artist", "cont": "contributor", "copy": "copyright",
    "char": "character", "spec": "species", "inv": "invalid", "lor": "lore",
}  # fmt: skip
#: The CSS colour names we map (others are ignored, as the terminal could not match them).
CSS_COLORS: dict[str, str] = {
    "red": "#ff0000", "green": "#008000", "blue": "#0000ff", "yellow": "#ffff00",
    "orange": "#ffa500", "purple": "#800080", "pink": "#ffc0cb", "white": "#ffffff",
    "black": "#000000", "gray": "#808080", "grey": "#808080", "brown": "#a52a2a",
    "cyan": "#00ffff", "aqua": "#00ffff", "magenta": "#ff00ff", "fuchsia": "#ff00ff",
    "lime": "#00ff00", "navy": "#000080", "teal": "#008080", "maroon": "#800000",
    "olive": "#808000", "silver": "#c0c0c0", "gold": "#ffd700", "violet": "#ee82ee",
    "indigo": "#4b0082", "crimson": "#dc143c", "coral": "#ff7f50", "salmon": "#fa8072",
    "turquoise": "#40e0d0", "tan": "#d2b48c", "khaki": "#f0e68c", "orchid": "#da70d6",
}  # fmt: skip
_HEX = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})")


@dataclass(frozen=True)
class DTextStyles:
    """How each DText element looks; pass your own to match a theme."""

    bold: Style = field(default_factory=lambda: Style(bold=True))
    italic: Style = field(default_factory=lambda: Style(italic=True))
    underline: Style = field(default_factory=lambda: Style(underline=True))
    strike: Style = field(default_factory=lambda: Style(strike=True))
    small: Style = field(default_factory=lambda: Style(dim=True))
    header: Style = field(default_factory=lambda: Style(bold=True, underline=True))
    quote_bar: Style = field(default_factory=lambda: Style(dim=True))
    code: Style = field(default_factory=lambda: Style(reverse=True))
    link: Style = field(default_factory=lambda: Style(underline=True))
    link_target: Style = field(default_factory=lambda: Style(dim=True))
    wiki_link: Style = field(default_factory=lambda: Style(underline=True, italic=True))
    search_link: Style = field(default_factory=lambda: Style(underline=True, bold=True))
    reference: Style = field(default_factory=lambda: Style(underline=True))
    spoiler_hidden: Style = field(default_factory=lambda: Style(reverse=True, dim=True))
    spoiler_shown: Style = field(default_factory=lambda: Style(italic=True))
    section_title: Style = field(default_factory=lambda: Style(bold=True))
    table_rule: Style = field(default_factory=lambda: Style(dim=True))
    note: Style = field(default_factory=lambda: Style(dim=True, italic=True))
    colors: bool = True
    """Honour `[color=…]`; False drops every colour (the text stays)."""


DEFAULT_STYLES = DTextStyles()


def color_style(arg: str, styles: DTextStyles) -> Style | None:
    """The style for `[color=arg]`: a category, a CSS name or `#hex`; None to ignore it."""
    if not styles.colors:
        return None
    name = arg.strip().lower()
    name = _CATEGORY_ALIASES.get(name, name)
    value = CATEGORY_COLORS.get(name) or CSS_COLORS.get(name)
    if value is None and _HEX.fullmatch(name):
        value = name if len(name) == 7 else "#" + "".join(c * 2 for c in name[1:])
    if value is None:
        return None
    try:
        return Style(color=Color.parse(value))
    except ColorParseError:
        return None


@dataclass(frozen=True)
class SectionInfo:
    """A `[section]`: its position among the body's sections, title and state."""

    index: int
    title: str
    expanded: bool


LinkKind = Literal["url", "wiki", "search", "reference"]

#: Paths of `kind #N` references (e621-api.md §21), relative to the site.
REFERENCE_PATHS: dict[str, str] = {
    "post": "/posts/{}", "post changes": "/post_versions?search[post_id]={}",
    "flag": "/post_flags/{}", "note": "/notes/{}", "forum": "/forum_posts/{}",
    "topic": "/forum_topics/{}", "comment": "/comments/{}", "pool": "/pools/{}",
    "set": "/post_sets/{}", "user": "/users/{}", "artist": "/artists/{}", "ban": "/bans/{}",
    "bur": "/bulk_update_requests/{}", "alias": "/tag_aliases/{}",
    "implication": "/tag_implications/{}", "mod action": "/mod_actions/{}",
    "record": "/user_feedbacks/{}", "wiki": "/wiki_pages/{}", "blip": "/blips/{}",
    "ticket": "/tickets/{}", "takedown": "/takedowns/{}",
}  # fmt: skip


@dataclass(frozen=True)
class DTextLink:
    """A link in rendered DText, at ``start``..``end`` of the text's plain string.

    Attributes:
        kind: ``url`` (``target`` is an absolute URL), ``wiki`` (a wiki title, i.e. a tag
            name), ``search`` (a post query) or ``reference`` (``ref_kind`` #``target``,
            e.g. ``post`` #123).
        label: The text shown (sanitized).
    """

    kind: LinkKind
    target: str
    label: str
    start: int
    end: int
    ref_kind: str | None = None

    def url(self, base_url: str = "https://e621.net") -> str:
        """Where the link leads on the site."""
        base = base_url.rstrip("/")
        if self.kind == "url":
            return self.target
        if self.kind == "wiki":
            return f"{base}/wiki_pages/show_or_new?title={quote(self.target, safe='')}"
        if self.kind == "search":
            return f"{base}/posts?tags={quote(self.target, safe='')}"
        path = REFERENCE_PATHS.get(self.ref_kind or "post", "/posts/{}")
        return base + path.format(self.target)

    @property
    def post_id(self) -> int | None:
        """The post id of a ``post #N`` reference, else None."""
        if self.kind == "reference" and self.ref_kind == "post" and self.target.isdigit():
            return int(self.target)
        return None


__all__ = [
    "CATEGORY_COLORS",
    "CSS_COLORS",
    "DEFAULT_STYLES",
    "REFERENCE_PATHS",
    "DTextLink",
    "DTextStyles",
    "LinkKind",
    "SectionInfo",
    "color_style",
]
