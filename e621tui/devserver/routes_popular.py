"""Popular posts (e621-api.md §2.9, §18): uploads in a day, week or month, by score."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from e621tui.devserver.common import Ctx, Response, expected_error, json_response
from e621tui.devserver.render import post_json

SCALES = ("day", "week", "month")


def _parse_date(ctx: Ctx) -> date:
    raw = ctx.get("date")
    if raw is None:
        return datetime.fromtimestamp(ctx.state.now, ctx.tz).date()
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise expected_error(422, f"Invalid date: {raw}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(ctx.tz)
    return parsed.date()


def window(day: date, scale: str) -> tuple[date, date]:
    """[first day, day after the last) of the period containing `day` (weeks are Mon–Sun)."""
    if scale == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if scale == "month":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        return start, end
    return day, day + timedelta(days=1)


def popular(ctx: Ctx) -> Response:
    """GET /popular.json?date=&scale= — one page (`per_page`; page/limit ignored)."""
    scale = ctx.get("scale") or "day"
    if scale not in SCALES:
        scale = "day"
    first, after = window(_parse_date(ctx), scale)
    lo = datetime.combine(first, time.min, ctx.tz).timestamp()
    hi = datetime.combine(after, time.min, ctx.tz).timestamp()
    safe = ctx.flag("safe_mode") or (ctx.user is not None and ctx.user.enable_safe_mode)
    found = [
        p
        for p in ctx.state.posts.values()
        if lo <= p.created < hi and (not safe or p.rating == "s")
    ]
    found.sort(key=lambda p: (p.score, p.id), reverse=True)
    size = ctx.user.per_page if ctx.user else 75
    return json_response({"posts": [post_json(p, ctx) for p in found[:size]]})


ROUTES = [("GET", r"/popular\.json", popular)]
