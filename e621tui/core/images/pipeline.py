"""Preview and sample images: bounded downloads, decoding off the event loop, two-level cache.

Images come from the site's static host. They are immutable, so they are cached by md5: a memory
LRU of decoded, resized images and a disk cache of the raw bytes
(`cache_dir/<kind>/<md5[:2]>/<md5>`). Downloads use their own client, which never carries
credentials, and their own concurrency limit, separate from the API request scheduler.
Decoding lives in `imagedecode`, the disk cache's layout and eviction in `imagecache`.

The memory LRU is bounded by the decoded images' size in bytes (not their count), so a few
large samples cannot crowd memory the way 300 of them would. Downloads share a small pool of
slots (8 by default: the static host is not the rate-limited API, but stay polite) in which
what is on screen (`load`) goes before prefetch (`prefetch`), and a prefetch that scrolls into
view is promoted.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from PIL import Image

from e621tui.api.tls import ssl_context
from e621tui.core.images.cache import (
    EVICT_LOW_WATER,
    KINDS,
    cache_path,
    evict,
    evict_disk_cache,
    read_cached,
    touch,
    unlink_quietly,
    write_cached,
)
from e621tui.core.images.decode import FORMATS, ThumbError, decode_image, timed_decode
from e621tui.core.images.fetch import md5_hex, read_capped, resolve_image_url, strip_credentials
from e621tui.core.images.memory import MemoryCache
from e621tui.core.images.slots import PREFETCH, VISIBLE, Slots

if TYPE_CHECKING:
    from e621tui.api.models import Post

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Largest body accepted per kind, enforced while streaming.
MAX_DOWNLOAD_BYTES = {"preview": 8 * 2**20, "sample": 64 * 2**20, "file": 64 * 2**20}
_MD5_RE = re.compile(r"[0-9a-f]{32}")
#: Decoded images kept in memory, in bytes (about 3 pages of 256 px previews).
MEMORY_BYTES = 32 * 2**20
#: Downloads from the static host at once.
DOWNLOAD_SLOTS = 8
#: The pixel box grid thumbnails are decoded into (the early start warms exactly these).
PREVIEW_BOX = (256, 256)


@dataclass(frozen=True)
class ImageRequest:
    """One image to fetch: its URL, the md5 it is cached under, and which rendition it is."""

    url: str
    md5: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown image kind {self.kind!r}")

    @property
    def cache_key(self) -> str:
        """The md5 (lower-case), or a hash of the URL when the md5 is missing or malformed."""
        md5 = self.md5.lower()
        if _MD5_RE.fullmatch(md5):
            return md5
        return hashlib.sha256(self.url.encode()).hexdigest()[:32]


def preview_request(post: Post) -> ImageRequest | None:
    """The grid thumbnail of a post, or None when the site withheld it."""
    url = post.preview_url
    return ImageRequest(url, post.file.md5, "preview") if url else None


def display_request(post: Post) -> ImageRequest | None:
    """The post screen's still: sample, else file for images, else the preview (videos, flash)."""
    if post.sample.url:
        return ImageRequest(post.sample.url, post.file.md5, "sample")
    if (post.is_video or post.is_flash) and post.preview_url:
        return ImageRequest(post.preview_url, post.file.md5, "preview")
    if post.file.url:
        return ImageRequest(post.file.url, post.file.md5, "file")
    return None


@dataclass
class PipelineStats:
    """Counters for the status bar and the benchmark.

    `errors` and `cancelled` count `load`/`prefetch` calls that raised `ThumbError` or were
    cancelled; `decode_seconds` is worker-thread time spent decoding and resizing.
    """

    downloads: int = 0
    bytes_downloaded: int = 0
    memory_hits: int = 0
    disk_hits: int = 0
    errors: int = 0
    cancelled: int = 0
    checksum_mismatches: int = 0
    decode_seconds: float = 0.0


@dataclass
class _Inflight:
    task: asyncio.Task[Any]
    waiters: int = 0


class ImagePipeline:
    """Loads images for display: memory LRU, then disk cache, then a bounded download pool.

    One instance per app; it owns one credential-free `httpx.AsyncClient`. Returned images are
    shared with the memory cache: treat them as read-only.

    Args:
        user_agent: Sent with every download.
        cache_dir: The disk cache (None: memory only).
        max_disk_bytes: The disk cache's cap.
        memory_bytes: The memory LRU's cap, in bytes of decoded pixels.
        memory_items: An optional cap on the number of decoded images as well.
        concurrency: Downloads at once.
        timeout: Seconds before a download is given up.
        transport: An httpx transport (tests).
    """

    def __init__(
        self,
        *,
        user_agent: str,
        cache_dir: Path | None,
        max_disk_bytes: int = 200 * 2**20,
        memory_bytes: int = MEMORY_BYTES,
        memory_items: int | None = None,
        concurrency: int = DOWNLOAD_SLOTS,
        timeout: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.stats = PipelineStats()
        self._cache_dir = cache_dir
        self._max_disk_bytes = max_disk_bytes
        self._memory = MemoryCache(memory_bytes, memory_items)
        self.slots = Slots(concurrency)
        self._inflight: dict[tuple[Any, ...], _Inflight] = {}
        self._base_url: str | None = None
        self._disk_bytes: int | None = None  # running estimate; None until the first scan
        self._written = 0
        self._evicting: asyncio.Task[None] | None = None
        self._closed = False
        self._client = httpx.AsyncClient(
            auth=None,
            follow_redirects=True,
            max_redirects=5,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
            transport=transport,
            verify=ssl_context() if transport is None else True,
            event_hooks={"request": [strip_credentials]},
        )

    def set_base_url(self, base_url: str) -> None:
        """Set the site that relative image URLs (`/images/…`) are resolved against."""
        self._base_url = base_url

    def cached(self, req: ImageRequest, box: tuple[int, int]) -> Image.Image | None:
        """Return the decoded image if it is in memory, else None; never waits."""
        key = (req.cache_key, req.kind, _check_box(box))
        image = self._memory.get(key)
        if image is not None:
            self.stats.memory_hits += 1
        return image

    async def load(self, req: ImageRequest, box: tuple[int, int]) -> Image.Image:
        """Return the image fitting inside `box` (pixels), aspect kept; raise `ThumbError`.

        Cancelling the calling task cancels the download unless another caller still waits on it.
        """
        hit = self.cached(req, box)
        if hit is not None:
            return hit
        key = (req.cache_key, req.kind, _check_box(box))
        # If it is queued as a prefetch, it is on screen now: to the front of the queue.
        self.slots.promote(req.cache_key)
        return await self._counted(
            self._shared(("image", *key), lambda: self._decode(req, key, VISIBLE))
        )

    async def prefetch(
        self, req: ImageRequest, box: tuple[int, int] | None = None, *, urgent: bool = False
    ) -> None:
        """Fetch ahead of need, behind everything on screen (unless ``urgent``).

        Without ``box``: download into the disk cache only (no-op without a disk cache). With
        ``box``: also decode into the memory cache, so that showing it later costs nothing.
        ``urgent``: it will be on screen in a moment (the first page at start-up): fetch it
        with what is on screen already.
        """
        priority = VISIBLE if urgent else PREFETCH
        if box is not None:
            key = (req.cache_key, req.kind, _check_box(box))
            if key in self._memory:
                return
            if urgent:
                self.slots.promote(req.cache_key)
            await self._counted(
                self._shared(("image", *key), lambda: self._decode(req, key, priority))
            )
            return
        path = self._disk_path(req)
        if path is None or await asyncio.to_thread(touch, path):
            return
        await self._counted(
            self._shared(("raw", req.cache_key, req.kind), lambda: self._raw(req, priority))
        )

    @property
    def memory_used(self) -> int:
        """Bytes of decoded pixels held in the memory cache."""
        return self._memory.used

    async def aclose(self) -> None:
        """Stop every download and close the HTTP client."""
        self._closed = True
        tasks = [entry.task for entry in self._inflight.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._inflight.clear()
        if self._evicting is not None:  # leave the cache within its cap
            await self._evicting
        await self._client.aclose()

    async def _counted(self, aw: Awaitable[T]) -> T:
        try:
            return await aw
        except ThumbError:
            self.stats.errors += 1
            raise
        except asyncio.CancelledError:
            self.stats.cancelled += 1
            raise

    async def _shared(
        self, key: tuple[Any, ...], factory: Callable[[], Coroutine[Any, Any, T]]
    ) -> T:
        """Run `factory()` once per key however many callers wait; cancel it when all leave."""
        if self._closed:
            raise ThumbError("image loading has stopped")
        entry = self._inflight.get(key)
        if entry is None:
            entry = _Inflight(asyncio.create_task(factory()))
            self._inflight[key] = entry
            entry.task.add_done_callback(functools.partial(self._forget_done, key, entry))
        entry.waiters += 1
        try:
            result: T = await asyncio.shield(entry.task)
            return result
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if entry.task.cancelled() and (current is None or not current.cancelling()):
                raise ThumbError("image loading has stopped") from None
            if entry.waiters == 1 and not entry.task.done():
                entry.task.cancel()
                self._forget(key, entry)
            raise
        finally:
            entry.waiters -= 1

    def _forget_done(self, key: tuple[Any, ...], entry: _Inflight, _task: object) -> None:
        self._forget(key, entry)

    def _forget(self, key: tuple[Any, ...], entry: _Inflight) -> None:
        if self._inflight.get(key) is entry:
            del self._inflight[key]
        if entry.task.done() and not entry.task.cancelled():
            entry.task.exception()  # retrieved: no "never retrieved" noise if every caller left

    async def _decode(
        self, req: ImageRequest, key: tuple[str, str, tuple[int, int]], priority: int
    ) -> Image.Image:
        data, path = await self._shared(
            ("raw", req.cache_key, req.kind), lambda: self._raw(req, priority)
        )
        try:
            image, seconds = await asyncio.to_thread(timed_decode, data, key[2])
        except ThumbError:
            if path is not None:  # do not keep serving bytes we cannot decode
                await asyncio.to_thread(unlink_quietly, path)
            raise
        self.stats.decode_seconds += seconds
        self._memory.put(key, image)
        return image

    def _disk_path(self, req: ImageRequest) -> Path | None:
        if self._cache_dir is None:
            return None
        return cache_path(self._cache_dir, req.kind, req.cache_key)

    async def _raw(self, req: ImageRequest, priority: int = VISIBLE) -> tuple[bytes, Path | None]:
        """The image's bytes from the disk cache or the network, and where they are cached."""
        path = self._disk_path(req)
        if path is not None:
            data = await asyncio.to_thread(read_cached, path)
            if data is not None:
                self.stats.disk_hits += 1
                return data, path
        data = await self._download(req, priority)
        if path is not None and await asyncio.to_thread(write_cached, path, data):
            self._note_written(len(data))
            return data, path
        return data, None

    async def _download(self, req: ImageRequest, priority: int) -> bytes:
        url = self._resolve(req.url)
        cap = MAX_DOWNLOAD_BYTES[req.kind]
        async with self.slots.take(priority, req.cache_key):
            data = await read_capped(self._client, url, cap)
        self.stats.downloads += 1
        self.stats.bytes_downloaded += len(data)
        key = req.cache_key
        if req.kind == "file" and key == req.md5.lower() and md5_hex(data) != key:
            # Counted, not fatal: truncation is caught by the transport and the decoder, and a
            # picture that decodes is worth showing (the demo site's checksums are synthetic).
            self.stats.checksum_mismatches += 1
        return data

    def _resolve(self, url: str) -> str:
        return resolve_image_url(url, self._base_url)

    def _note_written(self, size: int) -> None:
        self._written += size
        if self._disk_bytes is not None:
            self._disk_bytes += size
        needs_check = self._disk_bytes is None or self._disk_bytes > self._max_disk_bytes
        if needs_check and self._evicting is None and not self._closed:
            self._evicting = asyncio.create_task(self._evict())

    async def _evict(self) -> None:
        assert self._cache_dir is not None
        low_water = int(self._max_disk_bytes * EVICT_LOW_WATER)
        try:
            while True:
                mark = self._written
                freed, remaining = await asyncio.to_thread(
                    evict, self._cache_dir, self._max_disk_bytes, low_water
                )
                # Writes during the scan may be counted twice; overestimating is the safe side.
                self._disk_bytes = remaining + (self._written - mark)
                if freed:
                    log.debug("image cache: evicted %d bytes", freed)
                if self._disk_bytes <= self._max_disk_bytes or not freed:
                    break
        except OSError as exc:
            log.warning("image cache eviction failed: %s", exc)
        finally:
            self._evicting = None


def _check_box(box: tuple[int, int]) -> tuple[int, int]:
    width, height = box
    if width < 1 or height < 1:
        raise ValueError(f"image box must be at least 1×1 pixels, got {width}×{height}")
    return (int(width), int(height))


__all__ = [
    "FORMATS",
    "KINDS",
    "MAX_DOWNLOAD_BYTES",
    "PREVIEW_BOX",
    "ImagePipeline",
    "ImageRequest",
    "PipelineStats",
    "ThumbError",
    "decode_image",
    "display_request",
    "evict_disk_cache",
    "preview_request",
]
