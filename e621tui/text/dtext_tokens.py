"""The DText grammar the renderer scans with: one token pattern, line starts, tag tables.

Every repeated class excludes its own delimiter and every quantifier is possessive or
bounded, so a failed attempt costs at most a bounded distance and a scan stays linear on
hostile input.
"""

from __future__ import annotations

import re

MAX_SOURCE = 20_000
MAX_INLINE_DEPTH = 40
MAX_QUOTE_BARS = 8
BULLETS = ("•", "◦", "▪")

TOKEN = re.compile(
    r"""
      (?P<nl>\n)
    | \[\[(?P<wiki>[^\[\]|\n]{1,256}+)(?:\|(?P<wiki_text>[^\[\]\n]{0,256}+))?\]\]
    | \{\{(?P<search>[^{}\n]{1,512}+)\}\}
    | "(?P<link_text>[^"\n]{1,256}+)":
      (?:\[(?P<link_bracketed>[^\[\]\s]{1,2048}+)\]
        |(?P<link_url>(?:https?://|/|\#)[^\s"<>\[\]]{0,2048}+))
    | <(?P<angle>https?://[^\s<>]{1,2048}+)>
    | (?P<bare>https?://[^\s<>"\[\]]{1,2048}+)
    | (?P<tick>\\`)
    | `(?P<code>(?:[^`\\\n]|\\.){1,2000}+)`
    | \[(?P<close>/?)(?P<tag>[a-z][a-z0-9]{0,15}+)(?P<arg>[=,][^\[\]\n]{0,200}+)?\]
    | \[\#(?P<anchor>[\w-]{1,64}+)\]
    | (?<!\w)(?P<ref_kind>post\ changes|mod\ action|post|flag|note|forum|topic|comment|pool
        |set|user|artist|ban|bur|alias|implication|record|wiki|blip|ticket|takedown|thumb)
      \ \#(?P<ref_id>\d{1,10}+)(?!\w)
    """,
    re.VERBOSE | re.IGNORECASE,
)
HEADER = re.compile(r"[ \t]*+h[1-6](?:\#[\w-]{0,64}+)?\.[ \t]*+", re.IGNORECASE)
LIST_ITEM = re.compile(r"[ \t]*+(\*{1,20}+)[ \t]++")
URL_TRAILING = "!),.:;?]}<>"
#: Inline tags and the `DTextStyles` field that styles them (None: shown plainly).
INLINE_TAGS = {"b": "bold", "i": "italic", "u": "underline", "s": "strike", "tn": "small",
           "sup": None, "sub": None, "o": None}  # fmt: skip
TABLE_TAGS = frozenset({"table", "thead", "tbody", "tr", "th", "td"})
LITERAL_CLOSERS = {
    name: re.compile(rf"\[/{name}\]", re.I) for name in ("code", "nodtext", "ltable")
}
LABEL_TAGS = re.compile(r"\[/?(?:b|i|u|s|sup|sub)\]", re.I)


def split_trailing(url: str) -> tuple[str, str]:
    """A bare URL and the one trailing punctuation character the site leaves out of it."""
    if url and url[-1] in URL_TRAILING and not (url[-1] == ")" and "(" in url):
        return url[:-1], url[-1]
    return url, ""


__all__ = [
    "BULLETS",
    "HEADER",
    "INLINE_TAGS",
    "LABEL_TAGS",
    "LIST_ITEM",
    "LITERAL_CLOSERS",
    "MAX_INLINE_DEPTH",
    "MAX_QUOTE_BARS",
    "MAX_SOURCE",
    "TABLE_TAGS",
    "TOKEN",
    "URL_TRAILING",
    "split_trailing",
]
