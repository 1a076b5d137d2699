"""Request context, responses, error bodies and pagination shared by the dev server's routes."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from e621tui.devserver.model import DemoState, UserRec

T = TypeVar("T")

MAX_LIMIT = 320
MAX_PAGE = 750
MAX_CURSOR = 2_147_483_647
EASTERN = ZoneInfo("America/New_York")


@dataclass
class Response:
    """An HTTP response the handler will send."""

    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        """True if the body is declared as JSON."""
        return self.content_type.startswith("application/json")


class HttpError(Exception):
    """Raised by routes to answer with `response` instead of a normal result."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON response (UTF-8, non-ASCII kept as is)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body)


def html_response(
    status: int, title: str, text: str, headers: dict[str, str] | None = None
) -> Response:
    """A small HTML page, like the ones nginx, Cloudflare and Rails render."""
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
        f"<p>{html.escape(text)}</p>\n</body></html>\n"
    )
    return Response(status, page.encode(), "text/html; charset=utf-8", dict(headers or {}))


def not_found() -> HttpError:
    """404 for a missing record (e621-api.md §0.5)."""
    return HttpError(json_response({"success": False, "reason": "not found"}, 404))


def route_not_found() -> Response:
    """Unknown routes render an HTML 404, even for `.json`."""
    return html_response(404, "404 Not Found", "The page you were looking for doesn't exist.")


def access_denied(detail: str | None = None) -> HttpError:
    """403 privilege failure."""
    reason = "Access Denied" if detail is None else f"Access Denied: {detail}"
    return HttpError(json_response({"success": False, "reason": reason}, 403))


def expected_error(status: int, message: str) -> HttpError:
    """An "expected" error: `{"success":false,"message":...,"code":null}`."""
    body = {"success": False, "message": message, "code": None}
    return HttpError(json_response(body, status))


def validation_error(errors: dict[str, list[str]]) -> HttpError:
    """422 model validation failure: `{"errors":{field:[msg]}}`."""
    return HttpError(json_response({"errors": errors}, 422))


def csrf_error() -> HttpError:
    """What an unauthenticated write gets."""
    return expected_error(
        403,
        "ActionController::InvalidAuthenticityToken. Did you properly authorize your request?",
    )


class SlidingLimiter:
    """Counts events per key in a sliding window (used for the 30 set edits/min rule)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def try_acquire(self, key: int) -> bool:
        """Record an event for `key` unless that would exceed the limit."""
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True


@dataclass
class Ctx:
    """One API request as the routes see it."""

    method: str
    path: str
    params: dict[str, list[str]]
    user: UserRec | None
    state: DemoState
    base_url: str
    set_edit_limiter: SlidingLimiter | None = None
    groups: tuple[str, ...] = ()
    tz: tzinfo = EASTERN

    def get(self, name: str) -> str | None:
        """The first value of a parameter, or None when absent or blank."""
        values = self.params.get(name)
        if not values or values[0] == "":
            return None
        return values[0]

    def flag(self, name: str) -> bool:
        """A Rails-truthy parameter."""
        value = self.get(name)
        return value is not None and value.lower() in ("1", "t", "true", "y", "yes", "on")

    def ts(self, epoch: float | None) -> str | None:
        """A timestamp as the site renders it: ISO-8601, milliseconds, numeric offset."""
        if epoch is None:
            return None
        return datetime.fromtimestamp(epoch, self.tz).isoformat(timespec="milliseconds")

    def require_user(self) -> UserRec:
        """The authenticated user, or 403 Access Denied."""
        if self.user is None:
            raise access_denied()
        return self.user


def pick_timezone(name: str | None, user: UserRec | None) -> tzinfo:
    """The zone to render times in: `time_zone=` param, the user's setting, else Eastern."""
    for candidate in (name, user.time_zone if user else None):
        if not candidate:
            continue
        if candidate in ("UTC", "Etc/UTC", "GMT"):
            return UTC
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return EASTERN


@dataclass(frozen=True)
class Page:
    """A parsed `page` parameter: a number, or a `b`/`a` id cursor."""

    kind: str  # "num", "b" or "a"
    value: int


_PAGE_RE = re.compile(r"^([ab])(-?\d+)$")


def parse_page(ctx: Ctx) -> Page:
    """Parse `page` per e621-api.md §0.7, raising 410 for invalid values."""
    raw = ctx.get("page")
    if raw is None:
        return Page("num", 1)
    match = _PAGE_RE.match(raw.strip())
    if match:
        value = int(match.group(2))
        if not 0 <= value <= MAX_CURSOR:
            raise expected_error(410, "Page parameter is out of valid range.")
        return Page(match.group(1), value)
    try:
        number = int(raw)
    except ValueError:
        raise expected_error(410, "Invalid page number.") from None
    if number < 1:
        raise expected_error(410, "Invalid page number.")
    if number > MAX_PAGE:
        raise expected_error(410, "You cannot go beyond page 750. Please narrow your search terms.")
    return Page("num", number)


def parse_limit(ctx: Ctx, default: int = 75) -> int:
    """Parse `limit` (0..320), raising 410 otherwise (e621-api.md §0.7, 2026-05+)."""
    raw = ctx.get("limit")
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise expected_error(410, "Invalid limit.") from None
    if not 0 <= limit <= MAX_LIMIT:
        raise expected_error(410, "Limit must be between 0 and 320.")
    return limit


def paginate(items: Sequence[T], page: Page, limit: int, key: Any) -> list[T]:
    """One page of `items`.

    Numbered pages slice `items` as given. Cursor pages ignore the given order: `b` takes the
    highest keys below the cursor, `a` the lowest keys above it, both returned key-descending.
    """
    if page.kind == "num":
        start = (page.value - 1) * limit
        return list(items[start : start + limit])
    if page.kind == "b":
        below = sorted((x for x in items if key(x) < page.value), key=key, reverse=True)
        return below[:limit]
    above = sorted((x for x in items if key(x) > page.value), key=key)
    return list(reversed(above[:limit]))


def split_ids(raw: str | None, cap: int = MAX_LIMIT) -> list[int]:
    """Parse "1,2,3" into ints (silently truncated to `cap`, bad entries skipped)."""
    if not raw:
        return []
    out: list[int] = []
    for part in raw.split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            out.append(int(part))
    return out[:cap]


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """A case-insensitive full-match regex for a `*` wildcard pattern."""
    return re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$", re.I)
