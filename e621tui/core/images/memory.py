"""The memory cache of decoded images: an LRU bounded by the pixels' size in bytes."""

from __future__ import annotations

from collections import OrderedDict

from PIL import Image

#: (cache key, kind, box): one decoded rendition of one image.
Key = tuple[str, str, tuple[int, int]]


def image_bytes(image: Image.Image) -> int:
    """What a decoded image costs in memory (its pixel buffer)."""
    return image.width * image.height * len(image.getbands())


class MemoryCache:
    """Decoded images, least recently used dropped first once over ``max_bytes``.

    The newest image is always kept, even when it alone is over the cap (it is the one on
    screen).

    Args:
        max_bytes: The cap on the pixels held.
        max_items: An optional cap on the number of images as well.
    """

    def __init__(self, max_bytes: int, max_items: int | None = None) -> None:
        self.max_bytes = max(0, max_bytes)
        self.max_items = max_items
        self._images: OrderedDict[Key, Image.Image] = OrderedDict()
        self.used = 0
        """Bytes of pixels held."""

    def __contains__(self, key: object) -> bool:
        return key in self._images

    def __len__(self) -> int:
        return len(self._images)

    def get(self, key: Key) -> Image.Image | None:
        """The image (now the most recently used), or None."""
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def put(self, key: Key, image: Image.Image) -> None:
        """Keep ``image`` as the most recently used; drop the oldest ones over the caps."""
        old = self._images.pop(key, None)
        if old is not None:
            self.used -= image_bytes(old)
        self._images[key] = image
        self.used += image_bytes(image)
        items = self.max_items
        while len(self._images) > 1 and (
            self.used > self.max_bytes or (items is not None and len(self._images) > items)
        ):
            _, evicted = self._images.popitem(last=False)
            self.used -= image_bytes(evicted)


__all__ = ["Key", "MemoryCache", "image_bytes"]
