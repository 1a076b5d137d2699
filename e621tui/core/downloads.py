"""Downloading a post's original file (no credentials: static files never need them)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from e621tui.api.models import Post
from e621tui.text.sanitize import safe_filename

if TYPE_CHECKING:
    from e621tui.core.session import Session

_MAX_BYTES = 512 * 2**20


class DownloadError(Exception):
    """A download failed; the message is fit to show the user."""


def filename_for(post: Post) -> str:
    """``e621-<id>-<md5>.<ext>`` with a safe extension."""
    ext = safe_filename(post.file.ext or "bin")[:8] or "bin"
    md5 = safe_filename(post.file.md5)[:32]
    return f"e621-{post.id}-{md5}.{ext}" if md5 else f"e621-{post.id}.{ext}"


async def download_original(session: Session, post: Post, directory: Path) -> Path:
    """Save the post's original file into ``directory`` (written atomically) and return its path."""
    url = post.file.url
    if not url:
        raise DownloadError("the site did not give a file URL (hidden or deleted)")
    if url.startswith("/"):
        url = session.client.base_url + url
    target = directory / filename_for(post)
    if target.exists():
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {directory}: {exc.strerror}") from None
    headers = {"User-Agent": session.client.user_agent}
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            async with (
                httpx.AsyncClient(headers=headers, follow_redirects=True, timeout=60) as http,
                http.stream("GET", url) as response,
            ):
                if response.status_code != 200:
                    raise DownloadError(f"HTTP {response.status_code}")
                total = 0
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
                    if total > _MAX_BYTES:
                        raise DownloadError("file larger than 512 MB")
                    out.write(chunk)
        os.replace(tmp, target)
    except httpx.HTTPError as exc:
        raise DownloadError(f"network error: {type(exc).__name__}") from None
    except OSError as exc:
        raise DownloadError(f"cannot write {target}: {exc.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


__all__ = ["DownloadError", "download_original", "filename_for"]
