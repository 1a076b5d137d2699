"""Wiki page and related-tag routes (e621-api.md §15, §16)."""

from __future__ import annotations

from typing import Any

from e621tui.devserver import query as q
from e621tui.devserver import related
from e621tui.devserver.common import (
    Ctx,
    Response,
    expected_error,
    json_response,
    not_found,
    paginate,
    parse_limit,
    parse_page,
    wildcard_regex,
)
from e621tui.devserver.discovery_data import ensure_discovery
from e621tui.devserver.model import CATEGORY_IDS
from e621tui.devserver.model_text import WikiRec

WILDCARD_MAX = 50
BULK_MAX = 25


def normalize_title(title: str) -> str:
    """A wiki title as the site stores it: lowercase, trimmed, spaces as underscores."""
    return "_".join(title.strip().lower().split(" "))


def wiki_json(page: WikiRec, ctx: Ctx) -> dict[str, Any]:
    """A wiki page object; `category_id` is the tag's category or null when there is no tag."""
    tag = ctx.state.tags.get(page.title)
    return {
        "id": page.id,
        "creator_id": page.creator_id,
        "title": page.title,
        "body": page.body,
        "is_locked": page.is_locked,
        "created_at": ctx.ts(page.created),
        "updated_at": ctx.ts(page.updated),
        "updater_id": page.creator_id,
        "other_names": list(page.other_names),
        "is_deleted": page.is_deleted,
        "parent": page.parent,
        "featured_posts": list(page.featured_posts),
        "creator_name": page.creator_name,
        "category_id": CATEGORY_IDS.get(tag.category, 0) if tag else None,
    }


def _truthy(value: str) -> bool:
    return value.lower() in ("1", "t", "true", "y", "yes", "on")


def wiki_index(ctx: Ctx) -> Response:
    """GET /wiki_pages.json."""
    ensure_discovery(ctx.state)
    pages = sorted(ctx.state.wiki_pages.values(), key=lambda p: (p.updated, p.id), reverse=True)
    if (title := ctx.get("search[title]")) is not None:
        wanted = normalize_title(title)
        if "*" in wanted:
            regex = wildcard_regex(wanted)
            pages = [p for p in pages if regex.match(p.title)]
        else:
            pages = [p for p in pages if p.title == wanted]
    for key, field in (("search[body_matches]", "body"), ("search[other_names_match]", "other")):
        if (pattern := ctx.get(key)) is None:
            continue
        regex = wildcard_regex(pattern.lower() if "*" in pattern else f"*{pattern.lower()}*")
        if field == "body":
            pages = [p for p in pages if regex.match(p.body.replace("\n", " "))]
        else:
            pages = [p for p in pages if any(regex.match(n) for n in p.other_names)]
    if (creator := ctx.get("search[creator_name]")) is not None:
        pages = [p for p in pages if p.creator_name.lower() == creator.lower()]
    if (locked := ctx.get("search[is_locked]")) is not None:
        pages = [p for p in pages if p.is_locked == _truthy(locked)]
    if (deleted := ctx.get("search[is_deleted]")) is not None:
        pages = [p for p in pages if p.is_deleted == _truthy(deleted)]
    if ctx.flag("search[hide_deleted]"):
        pages = [p for p in pages if not p.is_deleted]
    order = ctx.get("search[order]")
    if order == "title":
        pages.sort(key=lambda p: p.title)
    elif order == "post_count":
        tags = ctx.state.tags
        pages.sort(key=lambda p: -(tags[p.title].post_count if p.title in tags else 0))
    picked = paginate(pages, parse_page(ctx), parse_limit(ctx), key=lambda p: p.id)
    return json_response([wiki_json(p, ctx) for p in picked])


def wiki_show(ctx: Ctx) -> Response:
    """GET /wiki_pages/{id or title}.json — an all-digit segment is an id."""
    ensure_discovery(ctx.state)
    raw = ctx.groups[0]
    pages = ctx.state.wiki_pages
    if raw.isdigit():
        page = pages.get(int(raw))
    else:
        title = normalize_title(raw)
        page = next((p for p in pages.values() if p.title == title), None)
    if page is None:
        raise not_found()
    return json_response(wiki_json(page, ctx))


def _category_id(ctx: Ctx, name: str) -> int:
    tag = ctx.state.tags.get(name)
    return CATEGORY_IDS.get(tag.category, 0) if tag else 0


def _live(ctx: Ctx, query: q.Query, category_id: int | None) -> list[tuple[str, int]]:
    """Top tags (optionally of one category) in a sample of the posts matching `query`."""
    found = related.sample(q.search(ctx, query))
    counts = related.co_occurrence(found)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if category_id is not None:
        ranked = [item for item in ranked if _category_id(ctx, item[0]) == category_id]
    return ranked[: related.TOP]


def _parse_category(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.lstrip("-").isdigit():
        raise expected_error(422, f"Invalid category: {raw}")
    return int(raw)


def related_tag(ctx: Ctx) -> Response:
    """GET /related_tag.json?search[query]=…[&search[category_id]=N] (login required)."""
    ctx.require_user()
    text = (ctx.get("search[query]") or "").lower()
    category = _parse_category(ctx.get("search[category_id]"))
    query = q.parse(text)  # 422 past 40 tags
    words = text.split()
    items: list[tuple[str, int]]
    if any("*" in w for w in words):
        regex = wildcard_regex(next(w for w in words if "*" in w).lstrip("-~"))
        hits = sorted(
            t.name for t in ctx.state.tags.values() if t.post_count and regex.match(t.name)
        )
        items = [(name, 0) for name in hits[:WILDCARD_MAX]]
    elif category is not None:
        items = _live(ctx, query, category)
    elif len(words) == 1:
        name = ctx.state.aliases.get(words[0], words[0])
        items = related.related(ctx.state, name)
    else:
        items = []  # several tags without a category: the site answers with nothing
    body = [{"name": name, "category_id": _category_id(ctx, name)} for name, _ in items]
    response = json_response(body)
    response.headers["Cache-Control"] = "max-age=30, private"
    return response


def related_bulk(ctx: Ctx) -> Response:
    """GET|POST /related_tag/bulk.json?query=a b[&category_id=N] (login required)."""
    ctx.require_user()
    words = (ctx.get("query") or "").lower().split()[:BULK_MAX]
    category = _parse_category(ctx.get("category_id"))
    out: dict[str, list[dict[str, Any]]] = {}
    for word in words:
        name = ctx.state.aliases.get(word, word)
        if name not in ctx.state.tags:
            out[word] = []
            continue
        items = _live(ctx, q.parse(name), category)
        out[word] = [
            {"name": n, "count": count, "category_id": _category_id(ctx, n) if n in ctx.state.tags
             else -1}
            for n, count in items
        ]  # fmt: skip
    return json_response(out)


ROUTES = [
    ("GET", r"/wiki_pages\.json", wiki_index),
    ("GET", r"/wiki_pages/(.+)\.json", wiki_show),
    ("GET", r"/related_tag\.json", related_tag),
    ("GET", r"/related_tag/bulk\.json", related_bulk),
    ("POST", r"/related_tag/bulk\.json", related_bulk),
]
