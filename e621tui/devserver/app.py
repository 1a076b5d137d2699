"""The app layer behind the edge: body parsing, authentication and routing to the routes."""

from __future__ import annotations

import base64
import binascii
import json
import re
import traceback
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from e621tui.devserver import (
    routes_comments,
    routes_misc,
    routes_popular,
    routes_posts,
    routes_sets,
    routes_wiki,
)
from e621tui.devserver.common import (
    Ctx,
    HttpError,
    Response,
    SlidingLimiter,
    csrf_error,
    expected_error,
    json_response,
    pick_timezone,
    route_not_found,
)
from e621tui.devserver.model import DemoState, UserRec

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Route = tuple[str, "re.Pattern[str]", Callable[[Ctx], Response]]
ROUTES: list[Route] = [
    (method, re.compile(pattern + r"$"), func)
    for method, pattern, func in (
        *routes_posts.ROUTES,
        *routes_sets.ROUTES,
        *routes_misc.ROUTES,
        *routes_comments.ROUTES,
        *routes_wiki.ROUTES,
        *routes_popular.ROUTES,
    )
]


def parse_body(raw: bytes, content_type: str) -> dict[str, list[str]]:
    """Form fields of a urlencoded or JSON body, JSON flattened to Rails-style keys."""
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        form: dict[str, list[str]] = {}
        try:
            _flatten(json.loads(raw), "", form)
        except (ValueError, UnicodeDecodeError):
            return {}
        return form
    return parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)


def _flatten(value: Any, prefix: str, out: dict[str, list[str]]) -> None:
    """`{"a": {"b": 1}, "c": [1, 2]}` becomes `a[b]=1`, `c[]=1`, `c[]=2`."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}[{key}]" if prefix else str(key), out)
    elif isinstance(value, list):
        for item in value:
            out.setdefault(f"{prefix}[]", []).append(_scalar(item))
    elif prefix:
        out.setdefault(prefix, []).append(_scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)


def authenticate(
    state: DemoState, headers: dict[str, str], params: dict[str, list[str]]
) -> UserRec | None:
    """HTTP Basic (or `login`+`api_key` params); raises 401 when credentials are wrong."""
    name = key = None
    auth = headers.get("authorization")
    if auth:
        scheme, _, credentials = auth.partition(" ")
        if scheme.lower() != "basic":
            raise expected_error(401, "SessionLoader::AuthenticationFailure")
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise expected_error(401, "SessionLoader::AuthenticationFailure") from None
        name, _, key = decoded.partition(":")
    elif params.get("login") and params.get("api_key"):
        name, key = params["login"][0], params["api_key"][0]
    if name is None:
        return None
    user = state.user(name)
    if user is None or user.api_key is None or user.api_key != key:
        raise expected_error(401, "SessionLoader::AuthenticationFailure")
    return user


def dispatch(
    state: DemoState,
    method: str,
    path: str,
    params: dict[str, list[str]],
    user: UserRec | None,
    base_url: str,
    set_edit_limiter: SlidingLimiter | None,
) -> Response:
    """Route an authenticated API request (`method` after any `_method` override)."""
    for route_method, pattern, func in ROUTES:
        match = pattern.match(path)
        if match is None or route_method != ("GET" if method == "HEAD" else method):
            continue
        if method in WRITE_METHODS and user is None:
            return csrf_error().response
        ctx = Ctx(
            method=method,
            path=path,
            params=params,
            user=user,
            state=state,
            base_url=base_url,
            set_edit_limiter=set_edit_limiter,
            groups=match.groups(),
            tz=pick_timezone(params.get("time_zone", [""])[0] or None, user),
        )
        with state.lock:
            try:
                return func(ctx)
            except HttpError as exc:
                return exc.response
            except Exception:  # render it like Rails' 500 page, and log it
                traceback.print_exc()
                body = {"success": False, "message": "An unexpected error occurred.",
                        "code": str(uuid.uuid4())}  # fmt: skip
                return json_response(body, 500)
    return route_not_found()
