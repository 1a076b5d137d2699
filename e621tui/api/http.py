"""HTTP plumbing shared by the client: base-URL rules, User-Agent, and response-to-error mapping."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec

from e621tui import PROJECT_URL, __version__
from e621tui.api.errors import (
    ApiError,
    AuthError,
    BlockedByEdge,
    DecodeError,
    Forbidden,
    InvalidQuery,
    Locked,
    NotFound,
    ServerError,
    Throttled,
)

#: Statuses a safe (GET) request is retried on.
RETRY_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 523, 524})

_MAX_MESSAGE = 300
# msgspec raises these besides its own DecodeError: bad UTF-8 inside a string, deep nesting.
_JSON_ERRORS = (msgspec.DecodeError, UnicodeDecodeError, RecursionError)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(url: str) -> str:
    """Validate a site's base URL and return it without a trailing slash.

    Plain ``http://`` is accepted only for loopback hosts, so an API key is never sent in clear
    text over a network. Credentials embedded in the URL are refused.

    Raises:
        ValueError: With a message fit to show the user.
    """
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    try:
        _ = parts.port  # urlsplit only checks the port when it is read
    except ValueError:
        raise ValueError(f"not a web address (bad port): {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a web address: {url!r}")
    if parts.username or parts.password:
        raise ValueError("the base URL must not contain a user name or password")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"refusing plain http:// for {parts.hostname}: use https:// "
            "(http is allowed only for 127.0.0.1 / localhost)"
        )
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def user_agent(username: str | None) -> str:
    """The User-Agent the site asks for: project, version and the user's name."""
    if username:
        return f"e621-tui/{__version__} (by {username} on e621)"
    return f"e621-tui/{__version__} (anonymous; {PROJECT_URL})"


def _is_json(response: httpx.Response) -> bool:
    ctype = response.headers.get("content-type", "")
    return "json" in ctype.lower()


def _short(text: str) -> str:
    text = _CONTROL.sub(" ", text).strip()
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


def _errors_text(errors: Any) -> tuple[str, dict[str, list[str]]]:
    fields: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for name, msgs in errors.items():
            if isinstance(msgs, list):
                fields[str(name)] = [str(m) for m in msgs]
            else:
                fields[str(name)] = [str(msgs)]
        text = "; ".join(f"{name} {' / '.join(msgs)}" for name, msgs in fields.items())
        return text, fields
    if isinstance(errors, list):
        return "; ".join(str(e) for e in errors), fields
    return str(errors), fields


def decode_json(response: httpx.Response) -> Any:
    """Decode a JSON body; raise `DecodeError` for HTML or malformed bodies."""
    if not response.content:
        return None
    if not _is_json(response):
        ctype = response.headers.get("content-type", "unknown")
        raise DecodeError(
            f"the server answered with {ctype.split(';')[0]} instead of JSON", response.status_code
        )
    try:
        return msgspec.json.decode(response.content)
    except _JSON_ERRORS:
        raise DecodeError("the server sent malformed JSON", response.status_code) from None


def error_for(response: httpx.Response) -> ApiError:
    """Map an unsuccessful response to the matching `ApiError`, carrying the server's text."""
    status = response.status_code
    body: Any = None
    if _is_json(response):
        try:
            body = msgspec.json.decode(response.content)
        except _JSON_ERRORS:
            body = None
    message = ""
    fields: dict[str, list[str]] = {}
    if isinstance(body, dict):
        for key in ("message", "reason", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                message = value
                break
        if not message and "errors" in body:
            message, fields = _errors_text(body["errors"])
    message = _short(message)
    html = body is None
    if status == 401:
        return AuthError(message or "the user name or API key was not accepted", status)
    if status == 403:
        if html:
            hint = "blocked by the site's edge (User-Agent rule or a browser challenge)"
            if response.headers.get("cf-mitigated") == "challenge":
                hint = "the site wants a browser challenge (Cloudflare); try again later"
            return BlockedByEdge(hint, status)
        return Forbidden(message or "access denied", status)
    if status == 404:
        return NotFound(message or "not found", status)
    if status in (400, 409, 410, 422):
        return InvalidQuery(message or "the site refused the request", status, fields)
    if status == 423:
        return Locked(message or "temporarily locked; try again later", status)
    if status == 429:
        return Throttled(message or "too many requests; slowing down", status)
    if status == 503 and html:
        return Throttled("the site is rate-limiting or unavailable (503); backing off", status)
    if status >= 500:
        return ServerError(message or f"the site had an error ({status})", status)
    return ApiError(message or f"unexpected answer ({status})", status)


__all__ = [
    "RETRY_STATUSES",
    "decode_json",
    "error_for",
    "is_loopback_host",
    "normalize_base_url",
    "user_agent",
]
