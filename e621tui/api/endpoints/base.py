"""The one method the endpoint mixins need from the client that inherits them."""

from __future__ import annotations

from typing import Any

from e621tui.api.limiter import Priority


class Endpoints:
    """Base of the endpoint mixins: `E621Client` provides the real `request` and `username`."""

    username: str | None

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
        raise NotImplementedError


__all__ = ["Endpoints"]
