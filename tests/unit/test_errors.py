"""Mapping of HTTP answers to the ApiError hierarchy, base-URL rules and the User-Agent."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from e621tui import PROJECT_URL, __version__
from e621tui.api.errors import (
    ApiError,
    AuthError,
    BlockedByEdge,
    DecodeError,
    Dropped,
    Forbidden,
    InvalidQuery,
    Locked,
    NetworkError,
    NotFound,
    ServerError,
    Throttled,
)
from e621tui.api.http import (
    decode_json,
    error_for,
    is_loopback_host,
    normalize_base_url,
    user_agent,
)

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": JSON, **headers}
    )


def html_response(status: int, text: str = "<html><body>nope</body></html>", **headers: str):
    return httpx.Response(status, content=text.encode(), headers={"content-type": HTML, **headers})


# ---- status → class --------------------------------------------------------------------------


def test_401_json_is_auth_error_with_the_servers_message() -> None:
    body = {"success": False, "message": "Invalid API key", "code": None}
    error = error_for(json_response(401, body))
    assert type(error) is AuthError
    assert error.message == "Invalid API key"
    assert error.status == 401
    assert not error.retryable
    assert str(error) == "Invalid API key (HTTP 401)"


def test_401_without_a_body_still_says_what_happened() -> None:
    error = error_for(httpx.Response(401))
    assert type(error) is AuthError
    assert "API key" in error.message


def test_403_json_is_forbidden_with_the_reason() -> None:
    body = {"success": False, "reason": "Access Denied: Post unavailable"}
    error = error_for(json_response(403, body))
    assert type(error) is Forbidden
    assert error.message == "Access Denied: Post unavailable"
    assert not error.retryable


def test_403_html_is_blocked_by_edge() -> None:
    error = error_for(html_response(403, "<h1>403 Forbidden - API misuse</h1>"))
    assert type(error) is BlockedByEdge
    assert isinstance(error, Forbidden)
    assert "edge" in error.message and "User-Agent" in error.message
    assert error.status == 403


def test_403_cloudflare_challenge_has_its_own_hint() -> None:
    plain = error_for(html_response(403))
    challenge = error_for(html_response(403, "<title>Just a moment...</title>", **{
        "cf-mitigated": "challenge"
    }))  # fmt: skip
    assert type(challenge) is BlockedByEdge
    assert "challenge" in challenge.message.lower() and "cloudflare" in challenge.message.lower()
    assert challenge.message != plain.message


@pytest.mark.parametrize(
    "response",
    [
        json_response(404, {"success": False, "reason": "not found"}),
        html_response(404, "<h1>The page you were looking for doesn't exist.</h1>"),
        httpx.Response(404),
    ],
    ids=["json", "html", "empty"],
)
def test_404_is_not_found(response: httpx.Response) -> None:
    error = error_for(response)
    assert type(error) is NotFound
    assert error.message == "not found"
    assert error.status == 404
    assert not error.retryable


@pytest.mark.parametrize("status", [400, 410, 422])
def test_refusals_with_message_are_invalid_query(status: int) -> None:
    message = "You cannot go beyond page 750. Try narrowing your search terms."
    error = error_for(json_response(status, {"success": False, "message": message, "code": None}))
    assert type(error) is InvalidQuery
    assert error.message == message
    assert error.status == status
    assert error.errors == {}
    assert not error.retryable


def test_autocomplete_error_key_is_read() -> None:
    error = error_for(json_response(400, {"error": "bad request"}))
    assert type(error) is InvalidQuery
    assert error.message == "bad request"


def test_422_validation_errors_are_per_field() -> None:
    body = {"errors": {"name": ["is too short"], "shortname": ["has already been taken", "x"]}}
    error = error_for(json_response(422, body))
    assert type(error) is InvalidQuery
    assert error.errors == {"name": ["is too short"], "shortname": ["has already been taken", "x"]}
    assert "name is too short" in error.message
    assert "shortname has already been taken" in error.message


def test_422_errors_as_a_list_or_scalar_still_give_a_message() -> None:
    listed = error_for(json_response(422, {"errors": ["first", "second"]}))
    assert type(listed) is InvalidQuery and listed.message == "first; second"
    scalar = error_for(json_response(422, {"errors": {"base": "Sets are full"}}))
    assert scalar.errors == {"base": ["Sets are full"]}


def test_already_favorited_text_survives_for_the_client() -> None:
    body = {"success": False, "message": "You have already favorited this post", "code": None}
    error = error_for(json_response(422, body))
    assert "already favorited" in error.message.lower()


def test_423_is_locked_and_retryable() -> None:
    message = "Post favorites are being transferred, please try again later"
    error = error_for(json_response(423, {"success": False, "message": message}))
    assert type(error) is Locked
    assert error.message == message
    assert error.retryable


@pytest.mark.parametrize(
    "response",
    [
        json_response(429, {"success": False, "message": "Throttled", "code": None}),
        html_response(429),
    ],
    ids=["json", "html"],
)
def test_429_is_throttled(response: httpx.Response) -> None:
    error = error_for(response)
    assert type(error) is Throttled
    assert error.retryable
    assert error.status == 429


def test_503_html_is_the_edge_rate_limit() -> None:
    error = error_for(html_response(503, "<h1>503 Service Temporarily Unavailable</h1>"))
    assert type(error) is Throttled
    assert error.retryable
    assert error.status == 503


def test_503_json_is_a_server_error_with_the_message() -> None:
    message = "The database is unavailable. Try again later."
    error = error_for(json_response(503, {"success": False, "message": message, "code": None}))
    assert type(error) is ServerError
    assert error.message == message
    assert error.retryable


@pytest.mark.parametrize("status", [500, 502, 504, 520, 521, 522, 523, 524])
def test_5xx_are_retryable_server_errors(status: int) -> None:
    html = error_for(html_response(status, "<title>e621.net | 52x</title> Cloudflare Ray ID"))
    assert type(html) is ServerError
    assert html.retryable and html.status == status
    assert str(status) in html.message
    body = {"success": False, "message": "An unexpected error occurred.", "code": "abc-123"}
    js = error_for(json_response(status, body))
    assert type(js) is ServerError
    assert js.message == "An unexpected error occurred."


def test_json_content_type_with_a_broken_body_counts_as_html() -> None:
    broken = httpx.Response(403, content=b"<html>oops", headers={"content-type": JSON})
    assert type(error_for(broken)) is BlockedByEdge
    storm = httpx.Response(503, content=b"{nope", headers={"content-type": JSON})
    assert type(error_for(storm)) is Throttled


def test_unknown_status_is_a_plain_api_error() -> None:
    error = error_for(json_response(418, {"message": "I'm a teapot"}))
    assert type(error) is ApiError
    assert error.message == "I'm a teapot" and error.status == 418


def test_first_non_empty_text_key_wins() -> None:
    body = {"message": "", "reason": "Access Denied", "error": "other"}
    assert error_for(json_response(403, body)).message == "Access Denied"
    odd = {"message": 12, "reason": None, "error": "from error"}
    assert error_for(json_response(403, odd)).message == "from error"


def test_retryable_flags_of_the_hierarchy() -> None:
    retryable = {NetworkError, Throttled, Locked, ServerError}
    for cls in (
        ApiError,
        AuthError,
        BlockedByEdge,
        DecodeError,
        Dropped,
        Forbidden,
        InvalidQuery,
        Locked,
        NetworkError,
        NotFound,
        ServerError,
        Throttled,
    ):
        assert cls.retryable is (cls in retryable), cls.__name__
        assert issubclass(cls, ApiError)


# ---- message hygiene -------------------------------------------------------------------------


def test_long_messages_are_truncated() -> None:
    message = "word " * 200
    error = error_for(json_response(422, {"message": message}))
    assert len(error.message) == 300
    assert error.message.endswith("…")
    assert error.message.startswith("word word")


def test_a_300_character_message_is_kept_whole() -> None:
    message = "x" * 300
    assert error_for(json_response(422, {"message": message})).message == message


def test_control_characters_are_removed() -> None:
    message = "bad\x1b[2J\x1b]0;pwned\x07 tag\r\nquery\x00\x9b31m\x7f end"
    error = error_for(json_response(422, {"message": message}))
    assert not CONTROL.search(error.message)
    assert error.message.startswith("bad") and error.message.endswith("end")
    assert "query" in error.message


def test_control_characters_in_validation_errors_are_removed() -> None:
    error = error_for(json_response(422, {"errors": {"name\x1b[31m": ["is\ttoo short\x07"]}}))
    assert not CONTROL.search(error.message)


# ---- decode_json -----------------------------------------------------------------------------


def test_decode_json_reads_json() -> None:
    assert decode_json(json_response(200, {"posts": []})) == {"posts": []}
    assert decode_json(json_response(200, [1, 2])) == [1, 2]


def test_decode_json_on_html_is_a_decode_error() -> None:
    with pytest.raises(DecodeError) as info:
        decode_json(html_response(200, "<html>Just a moment...</html>"))
    assert "text/html" in info.value.message
    assert info.value.status == 200


def test_decode_json_on_malformed_json_is_a_decode_error() -> None:
    response = httpx.Response(200, content=b'{"posts":[{"id":1,', headers={"content-type": JSON})
    with pytest.raises(DecodeError) as info:
        decode_json(response)
    assert "malformed" in info.value.message


def test_decode_json_without_a_body_is_none() -> None:
    assert decode_json(httpx.Response(204)) is None
    assert decode_json(httpx.Response(201, headers={"content-type": HTML})) is None


def test_decode_json_without_a_content_type_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        decode_json(httpx.Response(200, content=b"{}"))


# ---- base URL and User-Agent -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e621.net", "https://e621.net"),
        ("https://e621.net/", "https://e621.net"),
        ("https://e621.net///", "https://e621.net"),
        ("  https://e926.net/  ", "https://e926.net"),
        ("e621.net", "https://e621.net"),
        ("https://booru.example.org/e621ng/", "https://booru.example.org/e621ng"),
        ("https://e621.net:8443/", "https://e621.net:8443"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://127.1.2.3", "http://127.1.2.3"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://LOCALHOST", "http://LOCALHOST"),
        ("http://dev.localhost:3000/", "http://dev.localhost:3000"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("http://[::1]", "http://[::1]"),
    ],
)
def test_normalize_base_url_accepts(url: str, expected: str) -> None:
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://e621.net",
        "http://e621.net:80/",
        "http://192.168.1.10:3000",
        "http://10.0.0.1",
        "http://0.0.0.0:3000",
        "http://[::2]:8080",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
    ],
)
def test_plain_http_is_refused_off_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        normalize_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pw@e621.net",
        "https://user@e621.net",
        "https://:secret@e621.net",
        "http://user:pw@127.0.0.1:3000",
    ],
)
def test_credentials_in_the_url_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="user name or password"):
        normalize_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://e621.net",
        "https://",
        "",
        "javascript:alert(1)",
        "https://e621.net:port",
        "e621.net:99999",
    ],
)
def test_non_web_addresses_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        normalize_base_url(url)


def test_is_loopback_host() -> None:
    for host in ("127.0.0.1", "127.255.0.9", "localhost", "a.localhost", "::1", "[::1]"):
        assert is_loopback_host(host), host
    for host in ("e621.net", "10.0.0.1", "::2", "localhost.example", "", "0.0.0.0"):
        assert not is_loopback_host(host), host


def test_user_agent_formats() -> None:
    assert user_agent("alice_b") == f"e621-tui/{__version__} (by alice_b on e621)"
    assert user_agent(None) == f"e621-tui/{__version__} (anonymous; {PROJECT_URL})"
    assert user_agent("") == f"e621-tui/{__version__} (anonymous; {PROJECT_URL})"
    assert re.fullmatch(r"e621-tui/\S+ \(by bob on e621\)", user_agent("bob"))
    assert PROJECT_URL.startswith("https://")


@pytest.mark.parametrize(
    "content",
    [b'{"message": "caf\xe9"}', b"[" * 50_000 + b"]" * 50_000],
    ids=["bad-utf8", "deep-nesting"],
)
def test_json_that_msgspec_chokes_on_is_handled(content: bytes) -> None:
    # msgspec raises UnicodeDecodeError / RecursionError here, not its own DecodeError.
    response = httpx.Response(200, content=content, headers={"content-type": JSON})
    with pytest.raises(DecodeError):
        decode_json(response)
    error = error_for(httpx.Response(500, content=content, headers={"content-type": JSON}))
    assert type(error) is ServerError
