"""Post, favorite and vote routes (e621-api.md §2, §3, §4)."""

from __future__ import annotations

from urllib.parse import quote

from e621tui.devserver import query as q
from e621tui.devserver.common import (
    Ctx,
    Page,
    Response,
    expected_error,
    json_response,
    not_found,
    paginate,
    parse_limit,
    parse_page,
)
from e621tui.devserver.model import PostRec
from e621tui.devserver.render import post_json

COUNT_CAP = 750 * 320 + 1


def _tags_param(ctx: Ctx) -> str:
    if "tags[]" in ctx.params:
        raise expected_error(400, "Invalid tags parameter")
    return ctx.get("tags") or ""


def _post_or_404(ctx: Ctx, raw: str) -> PostRec:
    post = ctx.state.posts.get(int(raw)) if raw.isdigit() else None
    if post is None:
        raise not_found()
    return post


def _default_limit(ctx: Ctx, query: q.Query | None = None) -> int:
    if query is not None and query.limit is not None and 0 <= query.limit <= 320:
        return query.limit
    return ctx.user.per_page if ctx.user else 75


def posts_index(ctx: Ctx) -> Response:
    """GET /posts.json (also `md5=` lookups)."""
    md5 = ctx.get("md5")
    if md5 is not None:
        post = ctx.state.posts_by_md5.get(md5.lower())
        if post is None:
            raise not_found()
        return json_response({"post": post_json(post, ctx)})
    query = q.parse(_tags_param(ctx))
    limit = parse_limit(ctx, _default_limit(ctx, query))
    page = parse_page(ctx)
    found = q.search(ctx, query)
    if page.kind == "num":
        found = q.sort_posts(found, query)
    posts = paginate(found, page, limit, key=lambda p: p.id)
    return json_response({"posts": [post_json(p, ctx) for p in posts]})


def post_show(ctx: Ctx) -> Response:
    """GET /posts/{id}.json — deleted posts included, with null URLs."""
    return json_response({"post": post_json(_post_or_404(ctx, ctx.groups[0]), ctx)})


def post_random(ctx: Ctx) -> Response:
    """GET /posts/random.json?tags=…"""
    query = q.parse(_tags_param(ctx) + " order:random")
    found = q.sort_posts(q.search(ctx, query), query)
    if not found:
        raise not_found()
    return json_response({"post": post_json(found[0], ctx)})


def post_count(ctx: Ctx) -> Response:
    """GET /posts/count.json?tags=…"""
    count = len(q.search(ctx, q.parse(_tags_param(ctx))))
    return json_response({"count": min(count, COUNT_CAP), "capped": count >= COUNT_CAP})


def favorites_index(ctx: Ctx) -> Response:
    """GET /favorites.json?user_id= — newest favorite first; numbered pages (or row cursors)."""
    if ctx.get("tags") is not None:
        location = f"{ctx.base_url}/posts?tags={quote(ctx.get('tags') or '')}"
        return Response(302, b"", "text/html; charset=utf-8", {"Location": location})
    raw = ctx.get("user_id")
    if raw is None:
        if ctx.user is None:
            raise not_found()
        user = ctx.user
    else:
        found = ctx.state.users.get(int(raw)) if raw.isdigit() else None
        if found is None:
            raise not_found()
        user = found
    limit = parse_limit(ctx, _default_limit(ctx))
    page = parse_page(ctx)
    hidden = user.hide_favorites and (ctx.user is None or ctx.user.id != user.id)
    rows = [] if hidden else list(reversed(ctx.state.favorites.get(user.id, {}).items()))
    picked = paginate(rows, page, limit, key=lambda row: row[1])
    posts = ctx.state.posts
    return json_response({"posts": [post_json(posts[pid], ctx) for pid, _ in picked]})


def favorite_create(ctx: Ctx) -> Response:
    """POST /favorites.json with post_id."""
    user = ctx.require_user()
    post = _post_or_404(ctx, ctx.get("post_id") or "")
    if not ctx.state.add_favorite(user.id, post.id):
        raise expected_error(422, "You have already favorited this post")
    return json_response({"post_id": post.id, "favorite_count": post.fav_count})


def favorite_destroy(ctx: Ctx) -> Response:
    """DELETE /favorites/{post_id}.json — a no-op success when not favorited."""
    user = ctx.require_user()
    post = _post_or_404(ctx, ctx.groups[0])
    ctx.state.remove_favorite(user.id, post.id)
    return json_response({"post_id": post.id, "favorite_count": post.fav_count})


def vote_create(ctx: Ctx) -> Response:
    """POST /posts/{id}/votes.json with score=1|-1 and optional no_unvote (§4.1)."""
    user = ctx.require_user()
    post = _post_or_404(ctx, ctx.groups[0])
    raw = ctx.get("score")
    if raw not in ("1", "-1"):
        raise expected_error(422, "Invalid vote")
    score = int(raw)
    existing = ctx.state.votes.get((user.id, post.id), 0)
    if existing == score:
        # The toggle case reports our_score 0 whether or not no_unvote kept the vote.
        if not ctx.flag("no_unvote"):
            ctx.state.set_vote(user.id, post.id, 0)
        our_score = 0
    else:
        ctx.state.set_vote(user.id, post.id, score)
        our_score = score
    return json_response(
        {"score": post.score, "up": post.up, "down": post.down, "our_score": our_score}
    )


def vote_destroy(ctx: Ctx) -> Response:
    """DELETE /posts/{id}/votes.json — 204 whether or not there was a vote."""
    user = ctx.require_user()
    post = _post_or_404(ctx, ctx.groups[0])
    ctx.state.set_vote(user.id, post.id, 0)
    return Response(204)


ROUTES = [
    ("GET", r"/posts\.json", posts_index),
    ("GET", r"/posts/random\.json", post_random),
    ("GET", r"/posts/count\.json", post_count),
    ("GET", r"/posts/([^/]+)\.json", post_show),
    ("GET", r"/favorites\.json", favorites_index),
    ("POST", r"/favorites\.json", favorite_create),
    ("DELETE", r"/favorites/([^/]+)\.json", favorite_destroy),
    ("POST", r"/posts/([^/]+)/votes\.json", vote_create),
    ("DELETE", r"/posts/([^/]+)/votes\.json", vote_destroy),
]

__all__ = ["ROUTES", "Page"]
