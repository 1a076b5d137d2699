"""Post set routes (e621-api.md §6)."""

from __future__ import annotations

import re
import time

from e621tui.devserver.common import (
    Ctx,
    HttpError,
    Response,
    access_denied,
    expected_error,
    json_response,
    not_found,
    paginate,
    parse_limit,
    parse_page,
    validation_error,
    wildcard_regex,
)
from e621tui.devserver.model import SetRec, UserRec
from e621tui.devserver.render import set_json

MAX_SET_POSTS = 10_000
MAX_IDS_PER_CALL = 320
_SET_FIELDS = ("name", "shortname", "description", "is_public", "transfer_on_delete")


def _visible(post_set: SetRec, user: UserRec | None) -> bool:
    return post_set.is_public or (user is not None and user.id == post_set.creator_id)


def _set_or_404(ctx: Ctx) -> SetRec:
    raw = ctx.groups[0]
    found = ctx.state.sets.get(int(raw)) if raw.isdigit() else None
    if found is None:
        raise not_found()
    return found


def sets_index(ctx: Ctx) -> Response:
    """GET /post_sets.json with search[...] filters, post_id= and maintainer_id=."""
    user = ctx.user
    items = [s for s in ctx.state.sets.values() if _visible(s, user)]
    items.sort(key=lambda s: s.id, reverse=True)
    limit = parse_limit(ctx)
    if (raw := ctx.get("post_id")) is not None:
        wanted = int(raw) if raw.isdigit() else -1
        items = [s for s in items if wanted in s.post_ids]
        limit = 50
    if (raw := ctx.get("maintainer_id")) is not None:
        wanted = int(raw) if raw.isdigit() else -1
        items = [s for s in items if wanted in s.maintainer_ids]
    if (name := ctx.get("search[name]")) is not None:
        regex = wildcard_regex(name if "*" in name else f"*{name}*")
        items = [s for s in items if regex.match(s.name)]
    if (short := ctx.get("search[shortname]")) is not None:
        regex = wildcard_regex(short)
        items = [s for s in items if regex.match(s.shortname)]
    if (raw := ctx.get("search[creator_id]")) is not None:
        items = [s for s in items if str(s.creator_id) == raw]
    if (creator := ctx.get("search[creator_name]")) is not None:
        owner = ctx.state.user(creator)
        items = [s for s in items if owner is not None and s.creator_id == owner.id]
    order = ctx.get("search[order]")
    if order == "name":
        items.sort(key=lambda s: s.name.lower())
    elif order == "shortname":
        items.sort(key=lambda s: s.shortname)
    elif order in ("postcount", "post_count"):
        items.sort(key=lambda s: len(s.post_ids), reverse=True)
    elif order == "created_at":
        items.sort(key=lambda s: s.created, reverse=True)
    elif order in ("update", "updated_at"):
        items.sort(key=lambda s: s.updated, reverse=True)
    page = paginate(items, parse_page(ctx), limit, key=lambda s: s.id)
    return json_response([set_json(s, ctx) for s in page])


def set_show(ctx: Ctx) -> Response:
    """GET /post_sets/{id}.json — private sets only for their owner."""
    post_set = _set_or_404(ctx)
    if not _visible(post_set, ctx.user):
        raise access_denied()
    return json_response(set_json(post_set, ctx))


def _display(name: str) -> str:
    text = name.replace("_", " ")
    return text if len(text) <= 35 else text[:32] + "..."


def sets_for_select(ctx: Ctx) -> Response:
    """GET /post_sets/for_select.json — the user's owned and maintained sets."""
    user = ctx.require_user()
    sets = sorted(ctx.state.sets.values(), key=lambda s: s.name.lower())
    owned = [[_display(s.name), s.id] for s in sets if s.creator_id == user.id]
    maintained = [
        [_display(s.name), s.id] for s in sets if user.id in s.maintainer_ids and s.is_public
    ]
    return json_response({"Owned": owned, "Maintained": maintained})


def _validate(ctx: Ctx, fields: dict[str, str], current: SetRec | None) -> None:
    errors: dict[str, list[str]] = {}
    name = fields.get("name", current.name if current else "")
    short = fields.get("shortname", current.shortname if current else "")
    if not 3 <= len(name) <= 100:
        errors.setdefault("name", []).append(
            "is too short (minimum is 3 characters)"
            if len(name) < 3
            else "is too long (maximum is 100 characters)"
        )
    if not 3 <= len(short) <= 50:
        errors.setdefault("shortname", []).append(
            "is too short (minimum is 3 characters)"
            if len(short) < 3
            else "is too long (maximum is 50 characters)"
        )
    if short and not re.fullmatch(r"[a-z0-9_]+", short):
        errors.setdefault("shortname", []).append(
            "must only contain numbers, lowercase letters, and underscores"
        )
    elif short and short.isdigit():
        errors.setdefault("shortname", []).append(
            "must contain at least one lowercase letter or underscore"
        )
    for other in ctx.state.sets.values():
        if current is not None and other.id == current.id:
            continue
        if other.name.lower() == name.lower():
            errors.setdefault("name", []).append("has already been taken")
        if other.shortname == short:
            errors.setdefault("shortname", []).append("has already been taken")
    if errors:
        raise validation_error(errors)


def _fields(ctx: Ctx) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in _SET_FIELDS:
        value = ctx.params.get(f"post_set[{name}]")
        if value:
            out[name] = value[0]
    return out


def _apply(post_set: SetRec, fields: dict[str, str]) -> None:
    truthy = ("1", "t", "true", "yes", "on")
    for key, value in fields.items():
        if key in ("is_public", "transfer_on_delete"):
            setattr(post_set, key, value.lower() in truthy)
        else:
            setattr(post_set, key, value)
    post_set.updated = time.time()


def set_create(ctx: Ctx) -> Response:
    """POST /post_sets.json — 201 with the new set, or 422 with field errors."""
    user = ctx.require_user()
    fields = _fields(ctx)
    _validate(ctx, fields, None)
    now = time.time()
    post_set = SetRec(
        id=ctx.state.new_set_id(),
        name="",
        shortname="",
        description="",
        is_public=False,
        creator_id=user.id,
        post_ids=[],
        created=now,
        updated=now,
    )
    _apply(post_set, fields)
    ctx.state.sets[post_set.id] = post_set
    return json_response(set_json(post_set, ctx), 201)


def _owned(ctx: Ctx) -> SetRec:
    user = ctx.require_user()
    post_set = _set_or_404(ctx)
    if post_set.creator_id != user.id:
        raise access_denied()
    return post_set


def set_update(ctx: Ctx) -> Response:
    """PATCH/PUT /post_sets/{id}.json — 204."""
    post_set = _owned(ctx)
    fields = _fields(ctx)
    _validate(ctx, fields, post_set)
    _apply(post_set, fields)
    return Response(204)


def set_destroy(ctx: Ctx) -> Response:
    """DELETE /post_sets/{id}.json — 204."""
    post_set = _owned(ctx)
    del ctx.state.sets[post_set.id]
    return Response(204)


def _post_ids(ctx: Ctx) -> list[int]:
    raw = ctx.params.get("post_ids[]")
    if not raw or all(v == "" for v in raw):
        raise expected_error(400, "param is missing or the value is empty: post_ids")
    if len(raw) > MAX_IDS_PER_CALL:
        raise expected_error(400, "You can only add up to 320 posts at a time.")
    return [int(v) for v in raw if v.strip().lstrip("-").isdigit()]


def _editable(ctx: Ctx) -> SetRec:
    user = ctx.require_user()
    post_set = _set_or_404(ctx)
    allowed = post_set.creator_id == user.id or (
        post_set.is_public and user.id in post_set.maintainer_ids
    )
    if not allowed:
        raise access_denied()
    return post_set


def _check_edit_rate(ctx: Ctx, user: UserRec) -> None:
    limiter = ctx.set_edit_limiter
    if limiter is not None and not limiter.try_acquire(user.id):
        raise expected_error(429, "You are modifying sets too quickly. Wait a bit and try again.")


def set_add_posts(ctx: Ctx) -> Response:
    """POST /post_sets/{id}/add_posts.json — 201 with the set; unknown/duplicate ids ignored."""
    post_set = _editable(ctx)
    ids = _post_ids(ctx)
    _check_edit_rate(ctx, ctx.require_user())
    present = set(post_set.post_ids)
    for pid in ids:
        if len(post_set.post_ids) >= MAX_SET_POSTS:
            break
        if pid in ctx.state.posts and pid not in present:
            post_set.post_ids.append(pid)
            present.add(pid)
    post_set.updated = time.time()
    return json_response(set_json(post_set, ctx), 201)


def set_remove_posts(ctx: Ctx) -> Response:
    """POST /post_sets/{id}/remove_posts.json — 201 with the set."""
    post_set = _editable(ctx)
    gone = set(_post_ids(ctx))
    _check_edit_rate(ctx, ctx.require_user())
    post_set.post_ids = [pid for pid in post_set.post_ids if pid not in gone]
    post_set.updated = time.time()
    return json_response(set_json(post_set, ctx), 201)


ROUTES = [
    ("GET", r"/post_sets\.json", sets_index),
    ("POST", r"/post_sets\.json", set_create),
    ("GET", r"/post_sets/for_select\.json", sets_for_select),
    ("GET", r"/post_sets/([^/]+)\.json", set_show),
    ("PATCH", r"/post_sets/([^/]+)\.json", set_update),
    ("PUT", r"/post_sets/([^/]+)\.json", set_update),
    ("DELETE", r"/post_sets/([^/]+)\.json", set_destroy),
    ("POST", r"/post_sets/([^/]+)/add_posts\.json", set_add_posts),
    ("POST", r"/post_sets/([^/]+)/remove_posts\.json", set_remove_posts),
]

__all__ = ["ROUTES", "HttpError"]
