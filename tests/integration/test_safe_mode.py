"""Safe mode (and e926): every query gets rating:s, and no other rating is ever shown."""

from __future__ import annotations

from pathlib import Path

from e621tui.devserver import DevServer
from tests.conftest import make_session


async def test_safe_mode_adds_rating_s_and_filters_every_view(
    server: DevServer, tmp_path: Path
) -> None:
    session = make_session(server, tmp_path, login=False, safe_mode=True)
    try:
        feed = session.search("fox -rating:s")
        page = await feed.page(0)
        (request,) = server.api_requests("/posts.json")
        assert request.query["tags"] == ["fox rating:s"]
        assert page.posts and all(p.rating == "s" for p in page.posts)
        # Pools list posts by id, whatever their rating: the view still shows only safe ones.
        pool = await session.pool(server.state.special["pool_40"])
        posts = (await pool.page(0)).posts
        shown, hidden = session.visible(posts)
        assert all(item.post.rating == "s" for item in shown)
        assert hidden == sum(1 for p in posts if p.rating != "s")
    finally:
        await session.close()


async def test_hidden_posts_are_explained(server: DevServer, tmp_path: Path) -> None:
    session = make_session(server, tmp_path, login=False)
    try:
        special = server.state.special
        blocked = await session.post(special["login_blocked"])
        deleted = await session.post(special["deleted"])
        assert blocked.is_hidden and session.hidden_reason(blocked) == "log in to see this post"
        assert session.hidden_reason(deleted) == "deleted"
        normal = await session.post(special["newest"])
        assert session.hidden_reason(normal) is None
    finally:
        await session.close()
