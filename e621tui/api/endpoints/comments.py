"""Comment endpoints: a post's comments a page at a time, one comment (e621-api.md §14)."""

from __future__ import annotations

from typing import Any, Literal

from e621tui.api.endpoints.base import EndpointGroup
from e621tui.api.limiter import Priority
from e621tui.api.models_text import Comment, decode_list, decode_one
from e621tui.api.query import MAX_LIMIT

CommentOrder = Literal["id_desc", "id_asc", "score_desc", "updated_at_desc"]


class CommentEndpoints(EndpointGroup):
    """``/comments`` (``client.comments``)."""

    async def for_post(
        self,
        post_id: int,
        *,
        order: CommentOrder = "id_desc",
        page: int | str | None = None,
        limit: int | None = None,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[Comment]:
        """One page of a post's comments.

        Args:
            order: ``id_desc`` (newest first, the default) or ``id_asc`` (oldest first, the
                site's reading order), or by score / last edit (numbered pages only).
            page: A number, or a ``b<id>`` / ``a<id>`` cursor (cursors force id order, and an
                ``a`` page comes back newest first like every page).
            limit: Comments per page, 1..320 (the site's default 75 when None).
        """
        return await self.search(
            post_id=post_id, order=order, page=page, limit=limit, priority=priority, group=group
        )

    async def search(
        self,
        *,
        post_id: int | None = None,
        creator_name: str | None = None,
        ids: list[int] | None = None,
        order: str | None = None,
        page: int | str | None = None,
        limit: int | None = None,
        priority: Priority = Priority.USER,
        group: str | None = None,
    ) -> list[Comment]:
        """Search ``/comments.json?group_by=comment`` (blank filters are never sent)."""
        params: dict[str, Any] = {"group_by": "comment"}
        if post_id is not None:
            params["search[post_id]"] = int(post_id)
        if creator_name:
            params["search[creator_name]"] = creator_name.strip().replace(" ", "_")
        if ids:
            params["search[id]"] = ",".join(str(int(i)) for i in ids[:MAX_LIMIT])
        if order:
            params["search[order]"] = order
        if page is not None:
            params["page"] = page
        if limit is not None:
            if not 0 <= limit <= MAX_LIMIT:
                raise ValueError(f"limit must be between 0 and {MAX_LIMIT}")
            params["limit"] = limit
        body = await self._api.request(
            "GET", "/comments.json", params=params, priority=priority, group=group
        )
        comments: list[Comment] = decode_list(body, "comments", Comment)
        return comments

    async def get(self, comment_id: int, *, priority: Priority = Priority.USER) -> Comment:
        """One comment (403 `Forbidden` when it is hidden to you)."""
        body = await self._api.request(
            "GET", f"/comments/{int(comment_id)}.json", priority=priority
        )
        comment: Comment = decode_one(body, "comment", Comment)
        return comment


__all__ = ["CommentEndpoints", "CommentOrder"]
