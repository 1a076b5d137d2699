"""The old one-file download, kept until the UI queues through ``session.downloads``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from e621tui.api.models import Post
from e621tui.core.downloads.fetch import FetchError, StaticFetcher
from e621tui.core.downloads.plan import file_url, unavailable_reason
from e621tui.text.sanitize import safe_filename

if TYPE_CHECKING:
    from e621tui.core.session import Session


class DownloadError(Exception):
    """A download failed; the message is fit to show the user."""


def filename_for(post: Post) -> str:
    """``e621-<id>-<md5>.<ext>`` with a safe extension."""
    ext = safe_filename(post.file.ext or "bin")[:8] or "bin"
    md5 = safe_filename(post.file.md5)[:32]
    return f"e621-{post.id}-{md5}.{ext}" if md5 else f"e621-{post.id}.{ext}"


async def download_original(session: Session, post: Post, directory: Path) -> Path:
    """Save the post's original into ``directory`` (verified, written atomically).

    Deprecated: queue with ``session.downloads.queue_posts`` instead (progress, resume).
    """
    url = file_url(post, session.client.base_url)
    if url is None:
        raise DownloadError(unavailable_reason(post, logged_in=session.logged_in))
    target = directory / filename_for(post)
    fetcher = StaticFetcher(user_agent=session.client.user_agent, parallel=1)
    try:
        await fetcher.fetch(url, target, post.file.md5, size=post.file.size or None)
    except FetchError as exc:
        raise DownloadError(exc.message) from None
    finally:
        await fetcher.aclose()
    return target


__all__ = ["DownloadError", "download_original", "filename_for"]
