"""The async e621ng API client: one httpx.AsyncClient, every endpoint the app needs.

The client owns the transport (`E621Client.request`: scheduling, retries, credentials); the
endpoints are grouped by what they touch and composed as attributes: ``client.posts``,
``client.pools``, ``client.sets``, ``client.account``, ``client.tags``, ``client.comments``,
``client.wiki`` and ``client.notes``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from e621tui.api.budget import SharedBudget
from e621tui.api.endpoints.account import AccountEndpoints
from e621tui.api.endpoints.comments import CommentEndpoints
from e621tui.api.endpoints.pools import PoolEndpoints
from e621tui.api.endpoints.posts import PostEndpoints
from e621tui.api.endpoints.sets import MAX_SET_IDS, SetEndpoints
from e621tui.api.endpoints.tags import TagEndpoints
from e621tui.api.endpoints.wiki import NoteEndpoints, WikiEndpoints
from e621tui.api.errors import ApiError, AuthError, Dropped, NetworkError, Throttled
from e621tui.api.http import (
    RETRY_STATUSES,
    decode_json,
    error_for,
    normalize_base_url,
    user_agent,
)
from e621tui.api.limiter import Priority, RequestScheduler, Ticket
from e621tui.api.tls import ssl_context


@dataclass
class ClientStatus:
    """What the client is going through right now, for one calm status line."""

    trouble: str | None = None
    """A short description of an ongoing failure we are retrying through, else None."""
    retries: int = 0
    """Retries done since the client was made (for figures)."""


def _sent_tracer(ticket: Ticket, clock: Callable[[], float]) -> Callable[..., Any]:
    """An httpcore trace hook that tells the scheduler when the request really left."""

    async def trace(event: str, info: dict[str, Any]) -> None:
        if event == "http11.send_request_headers.started":
            ticket.mark_sent(clock())

    return trace


class E621Client:
    """Talks to one e621ng site.

    Args:
        base_url: The site, e.g. ``https://e621.net`` (``http://`` only for loopback).
        username: Account name for Basic auth and the User-Agent.
        api_key: API key; never logged, never put in a URL.
        scheduler: The shared request scheduler (one per site); by default one that shares
            the site's budget with every other e621-tui process of this user.
        transport: An httpx transport (tests).
        timeout: Seconds to wait for the site before treating a request as failed.
        max_attempts: Tries for a safe request on retryable failures.
    """

    def __init__(
        self,
        base_url: str,
        username: str | None = None,
        api_key: str | None = None,
        *,
        scheduler: RequestScheduler | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
        max_attempts: int = 4,
        backoff_base: float = 1.0,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self.username = username.strip().replace(" ", "_") if username else None
        self._api_key = api_key if (api_key and self.username) else None
        self.scheduler = scheduler or RequestScheduler(shared=SharedBudget.for_site(self.base_url))
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self._sleep = sleep
        self.status = ClientStatus()
        self.on_status: Callable[[ClientStatus], None] | None = None
        self.on_auth_refused: Callable[[AuthError], None] | None = None
        """Called when the site refuses our key; the handler may log out (we then retry)."""
        self._host = httpx.URL(self.base_url).host
        auth = (
            httpx.BasicAuth(self.username, self._api_key)
            if self._api_key and self.username
            else None
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            headers={"User-Agent": user_agent(self.username), "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,
            transport=transport,
            verify=ssl_context() if transport is None else True,
            event_hooks={"request": [self._guard_credentials]},
        )
        self.posts = PostEndpoints(self)
        self.pools = PoolEndpoints(self, self.posts)
        self.sets = SetEndpoints(self)
        self.account = AccountEndpoints(self)
        self.tags = TagEndpoints(self)
        self.comments = CommentEndpoints(self)
        self.wiki = WikiEndpoints(self)
        self.notes = NoteEndpoints(self)

    def set_credentials(self, username: str | None, api_key: str | None) -> None:
        """Log in as another account, or out (both None); the User-Agent follows."""
        self.username = username.strip().replace(" ", "_") if username else None
        self._api_key = api_key if (api_key and self.username) else None
        if self._api_key and self.username:
            self._http.auth = httpx.BasicAuth(self.username, self._api_key)
        else:
            self._http.auth = httpx.Auth()  # the base Auth sends no credentials
        self._http.headers["User-Agent"] = user_agent(self.username)

    @property
    def logged_in(self) -> bool:
        """True when requests carry credentials."""
        return self._api_key is not None

    @property
    def user_agent(self) -> str:
        """The User-Agent header this client sends."""
        return str(self._http.headers["User-Agent"])

    async def _guard_credentials(self, request: httpx.Request) -> None:
        # Defence in depth: httpx already strips Authorization on cross-origin redirects.
        if request.url.host != self._host or request.url.scheme != httpx.URL(self.base_url).scheme:
            request.headers.pop("Authorization", None)

    async def aclose(self) -> None:
        """Close the connection pool (and the shared budget's file)."""
        await self._http.aclose()
        if self.scheduler.shared is not None:
            self.scheduler.shared.close()

    async def __aenter__(self) -> E621Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _redact(self, text: str) -> str:
        if self._api_key and self._api_key in text:
            text = text.replace(self._api_key, "***")
        return text

    def _set_trouble(self, trouble: str | None) -> None:
        if trouble != self.status.trouble:
            self.status.trouble = trouble
            if self.on_status is not None:
                self.on_status(self.status)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        priority: Priority = Priority.USER,
        key: str | None = None,
        group: str | None = None,
        anonymous_fallback: bool = True,
    ) -> Any:
        """Send one API request through the scheduler and return its decoded JSON (or None).

        Safe (GET) requests are retried with exponential backoff and jitter on 5xx/52x,
        edge rate limits and network errors; 429 backs off longer; 4xx is never retried.
        Writes are not retried here: the outbox does that, knowing they are idempotent.
        """
        safe = method.upper() == "GET"
        attempt = 0
        while True:
            attempt += 1
            ticket = await self.scheduler.acquire(priority, key=key, group=group, track=True)
            if self._http.is_closed:  # the session closed while this request waited its turn
                ticket.done(self.scheduler.clock())
                raise Dropped(f"{method} {path}: the client is closed")
            sent_with_key = self.logged_in
            clock = self.scheduler.clock
            trace = _sent_tracer(ticket, clock)

            try:
                response = await self._http.request(
                    method, path, params=params, data=data, extensions={"trace": trace}
                )
            except httpx.TimeoutException:
                error: ApiError = NetworkError("the site did not answer in time")
            except httpx.HTTPError as exc:
                error = NetworkError(f"network error: {self._redact(type(exc).__name__)}")
            else:
                if response.is_success:
                    self._set_trouble(None)
                    if response.status_code == 204:
                        return None
                    return decode_json(response)
                error = error_for(response)
                error.message = self._redact(error.message)
            finally:
                ticket.done(clock())
            if isinstance(error, AuthError) and safe and anonymous_fallback and sent_with_key:
                if self.logged_in and self.on_auth_refused is not None:
                    self.on_auth_refused(error)
                if not self.logged_in:
                    continue  # the key was dropped (here or meanwhile): the same read, anonymously
            retry = safe and error.retryable and attempt < self.max_attempts
            if isinstance(error, NetworkError | Throttled) or (
                error.status is not None and error.status in RETRY_STATUSES
            ):
                self._set_trouble(error.message)
            if not retry:
                raise error
            self.status.retries += 1
            await self._sleep(self._backoff(attempt, error))

    def _backoff(self, attempt: int, error: ApiError) -> float:
        delay = self.backoff_base * 2.0 ** (attempt - 1)
        if isinstance(error, Throttled) and error.status == 429:
            delay = max(delay, 10.0 * self.backoff_base)
        jitter: float = random.uniform(0.75, 1.25)
        return min(delay, 60.0) * jitter


__all__ = ["MAX_SET_IDS", "ClientStatus", "E621Client"]
