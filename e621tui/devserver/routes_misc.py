"""Pool, tag, autocomplete and user routes (e621-api.md §5, §7, §8)."""

from __future__ import annotations

import re
import unicodedata

from e621tui.devserver.common import (
    Ctx,
    Response,
    access_denied,
    json_response,
    not_found,
    paginate,
    parse_limit,
    parse_page,
    split_ids,
    validation_error,
    wildcard_regex,
)
from e621tui.devserver.model import CATEGORY_IDS, TagRec, UserRec
from e621tui.devserver.render import pool_json, tag_json, user_json

AUTOCOMPLETE_MAX = 10
BLACKLIST_MAX = 150_000
#: `user[...]` settings the update route accepts; anything else is an unpermitted parameter.
USER_SETTINGS = ("blacklisted_tags", "per_page", "time_zone", "enable_safe_mode", "favorite_tags")


def pools_index(ctx: Ctx) -> Response:
    """GET /pools.json."""
    items = sorted(ctx.state.pools.values(), key=lambda p: p.updated, reverse=True)
    if (pattern := ctx.get("search[name_matches]")) is not None:
        pattern = pattern.replace(" ", "_")
        regex = wildcard_regex(pattern if "*" in pattern else f"*{pattern}*")
        items = [p for p in items if regex.match(p.name)]
    if (raw := ctx.get("search[id]")) is not None:
        wanted = set(split_ids(raw))
        items = [p for p in items if p.id in wanted]
    if (category := ctx.get("search[category]")) is not None:
        items = [p for p in items if p.category == category]
    if (raw := ctx.get("search[creator_id]")) is not None:
        items = [p for p in items if str(p.creator_id) == raw]
    if (creator := ctx.get("search[creator_name]")) is not None:
        items = [p for p in items if p.creator_name.lower() == creator.lower()]
    if (active := ctx.get("search[is_active]")) is not None:
        items = [p for p in items if p.is_active == (active.lower() == "true")]
    order = ctx.get("search[order]")
    if order == "name":
        items.sort(key=lambda p: p.name.lower())
    elif order == "created_at":
        items.sort(key=lambda p: p.created, reverse=True)
    elif order == "post_count":
        items.sort(key=lambda p: len(p.post_ids), reverse=True)
    page = paginate(items, parse_page(ctx), parse_limit(ctx), key=lambda p: p.id)
    return json_response([pool_json(p, ctx) for p in page])


def pool_show(ctx: Ctx) -> Response:
    """GET /pools/{id}.json."""
    raw = ctx.groups[0]
    pool = ctx.state.pools.get(int(raw)) if raw.isdigit() else None
    if pool is None:
        raise not_found()
    return json_response(pool_json(pool, ctx))


def _normalize_prefix(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[\s*%\x00]", "", text)


def autocomplete(ctx: Ctx) -> Response:
    """GET /tags/autocomplete.json?search[name_matches]= (the Rust service's rules)."""
    if "search[name_matches]" not in ctx.params:
        return Response(400, b"Failed to deserialize query string", "text/plain; charset=utf-8")
    prefix = _normalize_prefix(ctx.params["search[name_matches]"][0])
    if not 3 <= len(prefix) <= 100:
        return json_response({"error": "bad request"}, 400)
    tags = ctx.state.tags
    hits: dict[str, tuple[TagRec, str | None]] = {}
    for tag in tags.values():
        if tag.post_count > 0 and tag.name.startswith(prefix):
            hits[tag.name] = (tag, None)
    for antecedent, consequent in ctx.state.aliases.items():
        target = tags.get(consequent)
        if (
            antecedent.startswith(prefix)
            and target is not None
            and target.post_count > 0
            and target.name not in hits
        ):
            hits[target.name] = (target, antecedent)
    if not hits:
        # Stand-in for the service's trigram fuzzy fallback: substring matches.
        for tag in tags.values():
            if tag.post_count > 0 and prefix in tag.name:
                hits[tag.name] = (tag, None)

    def rank(item: tuple[TagRec, str | None]) -> tuple[bool, int, str]:
        tag = item[0]
        base = re.sub(r"_\([^)]*\)$", "", tag.name)
        return (base != prefix, -tag.post_count, tag.name)

    ranked = sorted(hits.values(), key=rank)[:AUTOCOMPLETE_MAX]
    body = [
        {
            "id": tag.id,
            "name": tag.name,
            "post_count": tag.post_count,
            "category": CATEGORY_IDS.get(tag.category, 0),
            "antecedent_name": antecedent,
        }
        for tag, antecedent in ranked
    ]
    response = json_response(body)
    response.headers["Cache-Control"] = "public, max-age=604800"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def tags_index(ctx: Ctx) -> Response:
    """GET /tags.json."""
    items = list(ctx.state.tags.values())
    if ctx.get("search[hide_empty]") not in ("false", "0", "no"):
        items = [t for t in items if t.post_count > 0]
    if (pattern := ctx.get("search[name_matches]")) is not None:
        regex = wildcard_regex(pattern.lower())
        items = [t for t in items if regex.match(t.name)]
    if (names := ctx.get("search[name]")) is not None:
        wanted = {n.strip().lower() for n in names.split(",")}
        items = [t for t in items if t.name in wanted]
    if (category := ctx.get("search[category]")) is not None:
        items = [t for t in items if str(CATEGORY_IDS.get(t.category, 0)) == category]
    order = ctx.get("search[order]") or "count"
    if order == "name":
        items.sort(key=lambda t: t.name)
    elif order in ("date", "id_desc"):
        items.sort(key=lambda t: t.id, reverse=True)
    elif order == "id_asc":
        items.sort(key=lambda t: t.id)
    else:
        items.sort(key=lambda t: (-t.post_count, t.name))
    page = paginate(items, parse_page(ctx), parse_limit(ctx), key=lambda t: t.id)
    return json_response([tag_json(t, ctx) for t in page])


def tag_show(ctx: Ctx) -> Response:
    """GET /tags/{id or name}.json."""
    raw = ctx.groups[0].lower()
    tags = ctx.state.tags
    tag: TagRec | None = tags.get(raw)
    if tag is None and raw.isdigit():
        tag = next((t for t in tags.values() if t.id == int(raw)), None)
    if tag is None:
        raise not_found()
    return json_response(tag_json(tag, ctx))


def _find_user(ctx: Ctx, raw: str) -> UserRec:
    if raw == "me":
        return ctx.require_user()
    user = ctx.state.user(int(raw)) if raw.isdigit() else ctx.state.user(raw)
    if user is None:
        raise not_found()
    return user


def user_show(ctx: Ctx) -> Response:
    """GET /users/{id or name}.json and /users/me.json."""
    return json_response(user_json(_find_user(ctx, ctx.groups[0]), ctx))


def user_update(ctx: Ctx) -> Response:
    """PATCH/PUT /users/{id}.json — always updates the authenticated user; 204."""
    user = ctx.require_user()
    updates: dict[str, str] = {}
    for key, values in ctx.params.items():
        match = re.fullmatch(r"user\[(\w+)\]", key)
        if not match:
            continue
        if match.group(1) not in USER_SETTINGS:
            raise access_denied(f"found unpermitted parameter: :{match.group(1)}")
        updates[match.group(1)] = values[0] if values else ""
    blacklist = updates.get("blacklisted_tags")
    if blacklist is not None and len(blacklist) > BLACKLIST_MAX:
        raise validation_error({"blacklisted_tags": ["is too long (maximum is 150000 characters)"]})
    if blacklist is not None:
        user.blacklisted_tags = blacklist
    if (per_page := updates.get("per_page")) is not None and per_page.isdigit():
        user.per_page = max(1, min(320, int(per_page)))
    if (zone := updates.get("time_zone")) is not None:
        user.time_zone = zone
    if (safe := updates.get("enable_safe_mode")) is not None:
        user.enable_safe_mode = safe.lower() in ("1", "t", "true", "yes", "on")
    if (favorite_tags := updates.get("favorite_tags")) is not None:
        user.settings["favorite_tags"] = favorite_tags
    return Response(204)


ROUTES = [
    ("GET", r"/pools\.json", pools_index),
    ("GET", r"/pools/([^/]+)\.json", pool_show),
    ("GET", r"/tags/autocomplete\.json", autocomplete),
    ("GET", r"/tags\.json", tags_index),
    ("GET", r"/tags/([^/]+)\.json", tag_show),
    ("GET", r"/users/([^/]+)\.json", user_show),
    ("PATCH", r"/users/([^/]+)\.json", user_update),
    ("PUT", r"/users/([^/]+)\.json", user_update),
]
