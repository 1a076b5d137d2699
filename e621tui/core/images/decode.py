"""Decoding untrusted image bytes: a format allow-list, size checks, EXIF orientation, resizing.

Everything here is synchronous and CPU-bound: call it from a worker thread.
"""

from __future__ import annotations

import io
import logging
import struct
import threading
import time
import warnings

from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)

#: What e621ng serves; other Pillow plugins (EPS runs Ghostscript, TIFF…) are attack surface.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MAX_PIXELS = 50_000_000
MAX_SIDE = 20_000

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# What Pillow raises on hostile or broken input (its own fuzzers see these).
_PIL_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    MemoryError,
    RecursionError,
)
# warnings.catch_warnings is process-global state; serialise our (cheap, header-only) opens.
_OPEN_LOCK = threading.Lock()


class ThumbError(Exception):
    """An image could not be shown; `message` is fit to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode_image(data: bytes, box: tuple[int, int], *, use_draft: bool = True) -> Image.Image:
    """Decode image bytes into an RGB or RGBA image fitting inside `box`, aspect kept.

    Never enlarges. Runs synchronously: call it from a worker thread. Raises `ThumbError` for
    anything that is not a sane, decodable image.
    """
    if not data:
        raise ThumbError("image is empty")
    try:
        with _OPEN_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            src = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        limit = (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000
        raise ThumbError(f"image too large (over {limit} megapixels)") from None
    except UnidentifiedImageError:
        raise ThumbError("not a supported image (JPEG, PNG, GIF or WebP)") from None
    except _PIL_ERRORS as exc:
        log.debug("image open failed: %r", exc)
        raise ThumbError("image is corrupt") from None
    with src:
        width, height = src.size
        if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
            raise ThumbError(f"image too large ({width}×{height})")
        try:
            return _shrink(src, box, use_draft)
        except ThumbError:
            raise
        except _PIL_ERRORS as exc:
            log.debug("image decode failed: %r", exc)
            raise ThumbError("image is corrupt or truncated") from None


def timed_decode(data: bytes, box: tuple[int, int]) -> tuple[Image.Image, float]:
    """`decode_image`, plus the seconds it took (for the pipeline's figures)."""
    start = time.perf_counter()
    image = decode_image(data, box)
    return image, time.perf_counter() - start


def _shrink(src: Image.Image, box: tuple[int, int], use_draft: bool) -> Image.Image:
    orientation = _orientation(src)
    target = (box[1], box[0]) if orientation in (5, 6, 7, 8) else box
    if use_draft and src.format == "JPEG":
        src.draft(None, target)
    src.load()
    if src.width < 1 or src.height < 1:
        raise ThumbError("image is corrupt (no pixels)")
    out_mode = "RGBA" if src.has_transparency_data else "RGB"
    im = src if src.mode in ("RGB", "RGBA", "L", "LA") else src.convert(out_mode)
    im.thumbnail(target, Image.Resampling.LANCZOS)
    im = im.convert(out_mode)  # always a fresh image: drops the reference to the source bytes
    if orientation in _TRANSPOSE:
        im = im.transpose(_TRANSPOSE[orientation])
    return im


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except _PIL_ERRORS:
        return 1  # a broken EXIF block should not cost us the picture
    return value if isinstance(value, int) else 1


__all__ = ["FORMATS", "MAX_PIXELS", "MAX_SIDE", "ThumbError", "decode_image", "timed_decode"]
