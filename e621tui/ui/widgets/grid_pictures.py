"""The grid's thumbnails: fetched, decoded and prepared for a cell box off the event loop.

Prepared pictures go into a `PictureCache` (bounded; what leaves it is deleted in the
terminal). Work is never wasted: a preparation whose caller was cancelled (the page turned)
still lands in the cache, so turning back or forth finds it ready.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from e621tui.core.images import ImageRequest, ThumbError
from e621tui.ui.graphics.renderers import Picture, PictureCache, Renderer, prepare_picture

if TYPE_CHECKING:
    from e621tui.ui.widgets.image import ImageSource

#: The pixel box previews are decoded into (they are at most 256 px on e621ng sites).
PREVIEW_BOX = (256, 256)
#: Pictures prepared at once (the downloads have their own, smaller bound).
CONCURRENCY = 4
MAX_ERRORS = 512
#: Pictures sent to the terminal per frame ahead of a page turn (kitty), and the pause between.
PRELOAD_BATCH = 6
PRELOAD_PAUSE = 0.05

RGB = tuple[int, int, int]
PictureKey = tuple[str, str, tuple[int, int]]


def picture_key(request: ImageRequest, box: tuple[int, int]) -> PictureKey:
    """The cache key of a thumbnail prepared for ``box`` cells."""
    return (request.cache_key, request.kind, box)


class GridPictures:
    """Loads and prepares thumbnails for the grid (see the module docstring).

    Args:
        images: Where pictures come from (the session's pipeline).
        cache: Prepared pictures of one mode (its renderer prepares them).
    """

    def __init__(
        self, images: ImageSource, cache: PictureCache, color_system: str | None = None
    ) -> None:
        self.images = images
        self.cache = cache
        self.color_system = color_system
        self._errors: OrderedDict[str, str] = OrderedDict()
        self._running: dict[PictureKey, asyncio.Future[Picture]] = {}
        self._limit = asyncio.Semaphore(CONCURRENCY)

    @property
    def renderer(self) -> Renderer:
        """The renderer of the cache."""
        return self.cache.renderer

    def get(self, request: ImageRequest, box: tuple[int, int]) -> Picture | None:
        """The prepared picture, if it is ready."""
        picture = self.cache.get(picture_key(request, box))
        return picture if picture is not None and picture.mode == self.renderer.mode else None

    def error(self, request: ImageRequest) -> str | None:
        """Why the picture could not be loaded, if it could not."""
        return self._errors.get(request.cache_key)

    def pending(self, requests: Sequence[ImageRequest | None], box: tuple[int, int]) -> int:
        """How many of ``requests`` are neither prepared nor known to be missing."""
        return sum(
            1
            for r in requests
            if r is not None and self.get(r, box) is None and self.error(r) is None
        )

    async def preload(
        self, requests: Sequence[ImageRequest], box: tuple[int, int], flush: Callable[[], None]
    ) -> None:
        """Send prepared pictures to the terminal before they are shown (kitty stores them),
        a few per frame: ``flush`` makes a frame, which carries what the layer queued."""
        queued = 0
        for request in requests:
            picture = self.get(request, box)
            if picture is not None and self.renderer.preload(picture):
                queued += 1
                if queued % PRELOAD_BATCH == 0:
                    flush()
                    await asyncio.sleep(PRELOAD_PAUSE)
        if queued % PRELOAD_BATCH:
            flush()

    async def prepare(
        self, request: ImageRequest, box: tuple[int, int], background: RGB
    ) -> Picture | None:
        """The picture for ``request`` in ``box`` cells (None if it cannot be loaded)."""
        key = picture_key(request, box)
        ready = self.get(request, box)
        if ready is not None:
            return ready
        running = self._running.get(key)
        if running is None:
            async with self._limit:
                ready = self.get(request, box)  # done by another caller meanwhile
                if ready is not None:
                    return ready
                try:
                    image = await self.images.load(request, PREVIEW_BOX)
                except ThumbError as exc:
                    self._errors[request.cache_key] = exc.message
                    while len(self._errors) > MAX_ERRORS:
                        self._errors.popitem(last=False)
                    return None
                self._errors.pop(request.cache_key, None)
                running = self._running.get(key)
                if running is None:
                    args = (self.renderer, key, image, box, background, self.color_system)
                    running = asyncio.ensure_future(asyncio.to_thread(prepare_picture, *args))
                    self._running[key] = running
                    running.add_done_callback(lambda done: self._store(key, done))
        return await asyncio.shield(running)

    def _store(self, key: PictureKey, done: asyncio.Future[Picture]) -> None:
        self._running.pop(key, None)
        if not done.cancelled() and done.exception() is None:
            self.cache.put(done.result())

    async def prepare_all(
        self,
        requests: Sequence[ImageRequest],
        box: tuple[int, int],
        background: RGB,
        ready: Callable[[list[ImageRequest]], None],
    ) -> None:
        """Prepare every request (in order, a few at a time); ``ready`` gets each batch that
        finished together (loaded or failed), so the caller repaints once per batch. What was
        ready (or failed) before is not reported again."""
        done: list[ImageRequest] = []
        flush: asyncio.TimerHandle | None = None
        loop = asyncio.get_running_loop()

        def report() -> None:
            nonlocal flush
            flush = None
            if done:
                batch = done[:]
                done.clear()
                ready(batch)

        async def one(request: ImageRequest) -> None:
            nonlocal flush
            if self.get(request, box) is not None or self.error(request) is not None:
                return  # drawn already: nothing to repaint
            await self.prepare(request, box, background)
            done.append(request)
            if flush is None:
                flush = loop.call_later(0.02, report)

        try:
            await asyncio.gather(*(one(r) for r in requests))
        finally:
            if flush is not None:
                flush.cancel()
            report()


__all__ = ["PREVIEW_BOX", "GridPictures", "picture_key"]
