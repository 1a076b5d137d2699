"""Fetching image bytes from the static host: URL checks, size caps, no credentials."""

from __future__ import annotations

import hashlib

import httpx

from e621tui.core.images.decode import ThumbError


def resolve_image_url(url: str, base_url: str | None) -> str:
    """An absolute http(s) URL for ``url`` (relative ones against ``base_url``); raise
    `ThumbError` for other schemes, embedded credentials or garbage."""
    try:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("", "http", "https"):
            raise ThumbError(f"unsupported image URL scheme: {parsed.scheme}")
        if not parsed.is_absolute_url:
            if base_url is None:
                raise ThumbError("image URL is relative and no site is set")
            parsed = httpx.URL(base_url).join(url)
    except httpx.InvalidURL:
        raise ThumbError("invalid image URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ThumbError(f"unsupported image URL scheme: {parsed.scheme or 'none'}")
    if parsed.userinfo:
        raise ThumbError("image URL must not contain credentials")
    return str(parsed)


async def read_capped(client: httpx.AsyncClient, url: str, cap: int) -> bytes:
    """GET ``url`` and return its body, refusing more than ``cap`` bytes; raise `ThumbError`."""
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ThumbError(f"download failed: HTTP {response.status_code}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                raise ThumbError(f"image too large to download ({mb(int(declared))})")
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > cap:
                    raise ThumbError(f"image too large to download (over {mb(cap)})")
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise ThumbError("download failed: timed out") from None
    except httpx.HTTPError as exc:
        raise ThumbError(f"download failed: {str(exc) or type(exc).__name__}") from None
    return b"".join(chunks)


async def strip_credentials(request: httpx.Request) -> None:
    """Belt and braces: nothing the static host is sent may authenticate us."""
    request.headers.pop("Authorization", None)


def md5_hex(data: bytes) -> str:
    """The md5 of ``data`` (a checksum, not security)."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def mb(size: int) -> str:
    """A byte count in whole megabytes."""
    return f"{size / 2**20:.0f} MB"


__all__ = ["mb", "md5_hex", "read_capped", "resolve_image_url", "strip_credentials"]
