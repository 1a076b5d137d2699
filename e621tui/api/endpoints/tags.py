"""Tag endpoints: autocomplete."""

from __future__ import annotations

from e621tui.api.endpoints.base import EndpointGroup
from e621tui.api.limiter import Priority
from e621tui.api.models import TagSuggestion, convert_many, unwrap


class TagEndpoints(EndpointGroup):
    """``/tags`` (``client.tags``)."""

    async def autocomplete(
        self, text: str, *, priority: Priority = Priority.USER
    ) -> list[TagSuggestion]:
        """Tag suggestions for a prefix; short input and metatags return nothing without a request.

        A newer autocomplete request replaces an older one still waiting for a slot.
        """
        prefix = text.strip().lstrip("-~").lower()
        if len(prefix) < 3 or ":" in prefix:
            return []
        body = await self._api.request(
            "GET",
            "/tags/autocomplete.json",
            params={"search[name_matches]": prefix},
            priority=priority,
            key="autocomplete",
        )
        items, _ = convert_many(unwrap(body, "tags") if body is not None else [], TagSuggestion)
        return items


__all__ = ["TagEndpoints"]
