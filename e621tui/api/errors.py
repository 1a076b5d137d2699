"""The client's exception hierarchy, mapped from HTTP status codes and response bodies."""

from __future__ import annotations


class ApiError(Exception):
    """Base class of every error the API client raises.

    Attributes:
        message: The server's own text (`reason`, `message`, `errors` or `error`), or ours.
        status: The HTTP status code, when there was a response.
    """

    retryable: bool = False

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        if self.status is not None:
            return f"{self.message} (HTTP {self.status})"
        return self.message


class DecodeError(ApiError):
    """The server answered, but the body was not the JSON shape we expected."""


class NetworkError(ApiError):
    """The request never got an HTTP answer: connection refused or reset, DNS, timeout."""

    retryable = True


class AuthError(ApiError):
    """401: the username or API key is wrong, expired, or the account is banned."""


class Forbidden(ApiError):
    """403 with a JSON body: privilege failure, private content, lockdown, or not logged in."""


class BlockedByEdge(Forbidden):
    """403 with an HTML body: the site's edge blocked the User-Agent or wants a challenge."""


class NotFound(ApiError):
    """404: no such post, pool, set, user or route."""


class InvalidQuery(ApiError):
    """400/410/422: the request was understood and refused (bad page, limit, tags, validation).

    Attributes:
        errors: Per-field validation messages from a 422 `{"errors": {...}}` body.
    """

    def __init__(
        self, message: str, status: int | None = None, errors: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message, status)
        self.errors = errors or {}


class Throttled(ApiError):
    """429 (app throttle) or 503 from the edge rate limit: slow down and try again later."""

    retryable = True


class Locked(ApiError):
    """423: the resource is temporarily locked (favorites transfer); try again later."""

    retryable = True


class ServerError(ApiError):
    """5xx: the site or its edge failed; safe requests may be retried."""

    retryable = True


class Dropped(ApiError):
    """A queued request was dropped before it was sent because it became stale."""


__all__ = [
    "ApiError",
    "AuthError",
    "BlockedByEdge",
    "DecodeError",
    "Dropped",
    "Forbidden",
    "InvalidQuery",
    "Locked",
    "NetworkError",
    "NotFound",
    "ServerError",
    "Throttled",
]
