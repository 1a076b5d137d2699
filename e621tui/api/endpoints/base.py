"""What an endpoint group needs from the client: one way to send a request."""

from __future__ import annotations

from typing import Any, Protocol

from e621tui.api.limiter import Priority


class Requester(Protocol):
    """The client's request method (scheduling, retries and credentials live there)."""

    @property
    def username(self) -> str | None:
        """The account name the requests carry, or None when anonymous."""
        ...

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
        """Send one API request and return its decoded JSON (see `E621Client.request`)."""
        ...


class EndpointGroup:
    """Base of the endpoint groups: holds the `Requester` they send through."""

    def __init__(self, api: Requester) -> None:
        self._api = api


__all__ = ["EndpointGroup", "Requester"]
