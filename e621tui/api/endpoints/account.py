"""Account endpoints: favorites, votes, users and the account blacklist."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from e621tui.api.endpoints.base import EndpointGroup
from e621tui.api.errors import ApiError, DecodeError
from e621tui.api.limiter import Priority
from e621tui.api.models import (
    FavoriteResult,
    Post,
    User,
    VoteResult,
    convert,
    decode_favorite,
    decode_posts,
)


class AccountEndpoints(EndpointGroup):
    """Favorites, votes, users and the account blacklist (``client.account``)."""

    # ---- favorites and votes ---------------------------------------------------------------

    async def favorites(
        self,
        user_id: int | None = None,
        *,
        page: int = 1,
        limit: int | None = None,
        priority: Priority = Priority.USER,
    ) -> list[Post]:
        """A user's favorites in the order they were favorited (numbered pages only)."""
        params: dict[str, Any] = {"page": page}
        if user_id is not None:
            params["user_id"] = user_id
        if limit is not None:
            params["limit"] = limit
        body = await self._api.request("GET", "/favorites.json", params=params, priority=priority)
        posts, _ = decode_posts(body)
        return posts

    async def add_favorite(self, post_id: int) -> FavoriteResult:
        """Favorite a post; "already favorited" counts as success."""
        try:
            body = await self._api.request(
                "POST", "/favorites.json", data={"post_id": int(post_id)}
            )
        except ApiError as exc:
            if exc.status == 422 and "already favorited" in exc.message.lower():
                return FavoriteResult(post_id=int(post_id))
            raise
        return decode_favorite(body, int(post_id))

    async def remove_favorite(self, post_id: int) -> FavoriteResult:
        """Unfavorite a post (a no-op success if it was not a favorite)."""
        body = await self._api.request("DELETE", f"/favorites/{int(post_id)}.json")
        return decode_favorite(body, int(post_id))

    async def vote(self, post_id: int, score: int) -> VoteResult:
        """Set your vote to +1 or -1 (``no_unvote=true``, so a retry never undoes it)."""
        if score not in (1, -1):
            raise ValueError("score must be 1 or -1")
        body = await self._api.request(
            "POST",
            f"/posts/{int(post_id)}/votes.json",
            data={"score": score, "no_unvote": "true"},
        )
        result = convert(body, VoteResult)
        if result.our_score == 0:
            # The site reports 0 when the same vote already existed (e621-api.md §4.1 quirk).
            result.our_score = score
        return result

    async def unvote(self, post_id: int) -> None:
        """Remove your vote."""
        await self._api.request("DELETE", f"/posts/{int(post_id)}/votes.json")

    # ---- users --------------------------------------------------------------------

    async def user(
        self,
        name_or_id: str | int,
        *,
        priority: Priority = Priority.USER,
        anonymous_fallback: bool = True,
    ) -> User:
        """A user by name or id (private fields only for yourself)."""
        ident = str(name_or_id).strip().replace(" ", "_")
        if not ident:
            raise ValueError("no user given")
        body = await self._api.request(
            "GET",
            f"/users/{quote(ident, safe='')}.json",
            priority=priority,
            anonymous_fallback=anonymous_fallback,
        )
        return convert(body, User)

    async def me(self) -> User:
        """Your own account (checks the API key once)."""
        if not self._api.username:
            raise DecodeError("not logged in")
        return await self.user(self._api.username, anonymous_fallback=False)

    async def update_blacklist(self, user_id: int, blacklist: str) -> None:
        """Save the account's blacklist."""
        await self._api.request(
            "PATCH", f"/users/{int(user_id)}.json", data={"user[blacklisted_tags]": blacklist}
        )


__all__ = ["AccountEndpoints"]
