"""Comment and note routes (e621-api.md §14, §17)."""

from __future__ import annotations

from typing import Any

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
    wildcard_regex,
)
from e621tui.devserver.discovery_data import ensure_discovery
from e621tui.devserver.model_text import CommentRec, NoteRec
from e621tui.devserver.render import post_json

ANONYMOUS_THRESHOLD = -2
MEMBER_THRESHOLD = -10
STAFF_LEVEL = 50
#: `search[...]` keys anyone may use; `is_hidden` is staff only, `post_tags_match` Member+.
COMMENT_SEARCH_KEYS = frozenset({
    "post_id", "creator_name", "creator_id", "body_matches", "is_sticky", "do_not_bump_post",
    "poster_name", "poster_id", "id", "order", "post_tags_match", "is_hidden",
})  # fmt: skip
_COMMENT_ORDERS = {
    "id_desc": (lambda c: c.id, True),
    "id_asc": (lambda c: c.id, False),
    "post_id": (lambda c: (c.post_id, c.id), True),
    "post_id_desc": (lambda c: (c.post_id, c.id), True),
    "score": (lambda c: (c.score, c.id), True),
    "score_desc": (lambda c: (c.score, c.id), True),
    "updated_at": (lambda c: (c.updated, c.id), True),
    "updated_at_desc": (lambda c: (c.updated, c.id), True),
}


def _is_staff(ctx: Ctx) -> bool:
    return ctx.user is not None and ctx.user.level >= STAFF_LEVEL


def comment_json(comment: CommentRec, ctx: Ctx) -> dict[str, Any]:
    """A comment object (`CommentBlueprint`); `vote` is null for anonymous requests."""
    vote: int | None = None
    if ctx.user is not None:
        vote = ctx.state.comment_votes.get((ctx.user.id, comment.id), 0)
    return {
        "id": comment.id,
        "created_at": ctx.ts(comment.created),
        "updated_at": ctx.ts(comment.updated),
        "post_id": comment.post_id,
        "creator_id": comment.creator_id,
        "body": comment.body,
        "score": comment.score,
        "updater_id": comment.creator_id,
        "do_not_bump_post": comment.do_not_bump_post,
        "is_hidden": comment.is_hidden,
        "is_sticky": comment.is_sticky,
        "warning_type": comment.warning_type,
        "warning_user_id": comment.warning_user_id,
        "creator_name": comment.creator_name,
        "updater_name": comment.creator_name,
        "vote": vote,
    }


def _may_see_hidden(ctx: Ctx, comment: CommentRec) -> bool:
    user = ctx.user
    if user is None or not user.settings.get("show_hidden_comments"):
        return False
    return _is_staff(ctx) or user.id == comment.creator_id


def _threshold(ctx: Ctx) -> int:
    if ctx.user is None:
        return ANONYMOUS_THRESHOLD
    return int(ctx.user.settings.get("comment_threshold", MEMBER_THRESHOLD))


def _search_params(ctx: Ctx) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, values in ctx.params.items():
        if not (key.startswith("search[") and key.endswith("]")):
            continue
        name = key[len("search[") : -1]
        if name not in COMMENT_SEARCH_KEYS or (name == "is_hidden" and not _is_staff(ctx)):
            raise access_denied(f"found unpermitted parameter: :{name}")
        if name == "post_tags_match" and ctx.user is None:
            raise access_denied(f"found unpermitted parameter: :{name}")
        if values and values[0] != "":
            found[name] = values[0]
    return found


def _filter_comments(ctx: Ctx, search: dict[str, str]) -> list[CommentRec]:
    comments = list(ctx.state.comments.values())
    if "post_id" in search:
        wanted = set(split_ids(search["post_id"]))
        comments = [c for c in comments if c.post_id in wanted]
    if "id" in search:
        wanted = set(split_ids(search["id"]))
        comments = [c for c in comments if c.id in wanted]
    if "creator_name" in search:
        name = search["creator_name"].lower().replace(" ", "_")
        comments = [c for c in comments if c.creator_name.lower() == name]
    if "creator_id" in search:
        comments = [c for c in comments if str(c.creator_id) == search["creator_id"]]
    if "body_matches" in search:
        pattern = search["body_matches"]
        regex = wildcard_regex(pattern if "*" in pattern else f"*{pattern}*")
        comments = [c for c in comments if regex.match(c.body.replace("\n", " "))]
    if "is_sticky" in search:
        want = search["is_sticky"].lower() in ("1", "t", "true", "yes")
        comments = [c for c in comments if c.is_sticky == want]
    if "is_hidden" in search:
        want = search["is_hidden"].lower() in ("1", "t", "true", "yes")
        comments = [c for c in comments if c.is_hidden == want]
    if "poster_name" in search or "poster_id" in search:
        poster = ctx.state.user(search.get("poster_name") or int(search.get("poster_id") or 0))
        uploads = {p.id for p in ctx.state.posts.values() if poster and p.uploader_id == poster.id}
        comments = [c for c in comments if c.post_id in uploads]
    if "id" not in search:  # an explicit id bypasses the threshold and the hidden setting
        threshold = _threshold(ctx)
        comments = [
            c
            for c in comments
            if (not c.is_hidden or _may_see_hidden(ctx, c))
            and (c.is_sticky or c.score >= threshold)
        ]
    return comments


def comments_index(ctx: Ctx) -> Response:
    """GET /comments.json (`group_by=comment` lists comments; otherwise commented posts)."""
    ensure_discovery(ctx.state)
    search = _search_params(ctx)
    comments = _filter_comments(ctx, search)
    page, limit = parse_page(ctx), parse_limit(ctx)
    if ctx.get("group_by") != "comment":
        latest: dict[int, int] = {}
        for c in comments:
            latest[c.post_id] = max(latest.get(c.post_id, 0), c.id)
        ordered = sorted(latest, key=lambda pid: latest[pid], reverse=True)
        posts = [ctx.state.posts[pid] for pid in ordered if pid in ctx.state.posts]
        picked_posts = paginate(posts, page, limit, key=lambda p: p.id)
        return json_response({"posts": [post_json(p, ctx) for p in picked_posts]})
    order = search.get("order", "id_desc")
    if "body_matches" in search or "creator_name" in search or "creator_id" in search:
        key, descending = (lambda c: (c.created, c.id)), True
    else:
        key, descending = _COMMENT_ORDERS.get(order, _COMMENT_ORDERS["id_desc"])
    comments.sort(key=key, reverse=descending)
    picked = paginate(comments, page, limit, key=lambda c: c.id)
    return json_response([comment_json(c, ctx) for c in picked])


def comment_show(ctx: Ctx) -> Response:
    """GET /comments/{id}.json (403 when hidden to you)."""
    ensure_discovery(ctx.state)
    raw = ctx.groups[0]
    comment = ctx.state.comments.get(int(raw)) if raw.isdigit() else None
    if comment is None:
        raise not_found()
    if comment.is_hidden and not (
        _is_staff(ctx) or (ctx.user and ctx.user.id == comment.creator_id)
    ):
        raise access_denied()
    return json_response(comment_json(comment, ctx))


def note_json(note: NoteRec, ctx: Ctx) -> dict[str, Any]:
    """A note object."""
    return {
        "id": note.id,
        "creator_id": note.creator_id,
        "post_id": note.post_id,
        "x": note.x,
        "y": note.y,
        "width": note.width,
        "height": note.height,
        "is_active": note.is_active,
        "body": note.body,
        "created_at": ctx.ts(note.created),
        "updated_at": ctx.ts(note.updated),
        "version": note.version,
        "creator_name": note.creator_name,
    }


def notes_index(ctx: Ctx) -> Response:
    """GET /notes.json?search[post_id]=…[&search[is_active]=true]."""
    ensure_discovery(ctx.state)
    notes = list(ctx.state.notes.values())
    if (raw := ctx.get("search[post_id]")) is not None:
        wanted = set(split_ids(raw))
        notes = [n for n in notes if n.post_id in wanted]
    if (active := ctx.get("search[is_active]")) is not None:
        want = active.lower() in ("1", "t", "true", "yes")
        notes = [n for n in notes if n.is_active == want]
    if (pattern := ctx.get("search[body_matches]")) is not None:
        regex = wildcard_regex(pattern if "*" in pattern else f"*{pattern}*")
        notes = [n for n in notes if regex.match(n.body)]
    if (creator := ctx.get("search[creator_name]")) is not None:
        notes = [n for n in notes if n.creator_name.lower() == creator.lower()]
    notes.sort(key=lambda n: n.id, reverse=ctx.get("search[order]") != "id_asc")
    picked = paginate(notes, parse_page(ctx), parse_limit(ctx), key=lambda n: n.id)
    return json_response([note_json(n, ctx) for n in picked])


ROUTES = [
    ("GET", r"/comments\.json", comments_index),
    ("GET", r"/comments/([^/]+)\.json", comment_show),
    ("GET", r"/notes\.json", notes_index),
]
