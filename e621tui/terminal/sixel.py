"""A sixel encoder: median-cut palette snapped to sixel precision, Floyd–Steinberg dithering.

What it emits (and why, see docs in the report of the pictures issue):

* ``ESC P 9;1 q "1;1;W;H``: square pixels, and pixels no sixel sets stay as they were (P2=1)
  instead of being filled with colour register 0 — which is black until defined.
* Every colour register is defined in the header (``#n;2;r;g;b``, percent RGB) and *selected*
  before use with ``#n``. xterm (and the VT340) do not select a register when it is defined,
  so an encoder that defines on first use draws that run in the previously selected colour
  (textual-image 0.12's top band in a colour from elsewhere and its stray fragments).
* The palette is snapped to the 0–100 % grid the terminal stores before dithering, so the
  dithering diffuses the real rounding error and gradients don't band.
* Bands of 6 rows: for each colour present in the band, ``#n`` + the run-length encoded
  sixels (``!N c`` for runs of 4 or more) + ``$`` (back to the band's start); ``-`` between
  bands, none after the last one (no cursor moves below the picture).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from PIL import Image

BAND = 6
MAX_REGISTERS = 256
_OFFSET = 0x3F
_RUN = re.compile(rb"(.)\1{3,}", re.S)


@dataclass(frozen=True)
class Sixel:
    """An encoded picture: the DCS sequence and its size in pixels."""

    data: bytes
    width: int
    height: int
    colors: int


def percent(value: int) -> int:
    """0–255 → 0–100 (what a sixel colour definition can say)."""
    return (value * 100 + 127) // 255


def from_percent(value: int) -> int:
    """0–100 → 0–255, as terminals expand it."""
    return (value * 255 + 50) // 100


def snapped_palette(image: Image.Image, colors: int) -> list[tuple[int, int, int]]:
    """An adaptive (median cut) palette of at most ``colors`` entries, on the sixel grid."""
    colors = max(2, min(colors, MAX_REGISTERS))
    sample = image
    if image.width * image.height > 160_000:
        scale = (160_000 / (image.width * image.height)) ** 0.5
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        sample = image.resize(size, Image.Resampling.BOX)
    quantized = sample.quantize(
        colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    raw = quantized.getpalette() or []
    used = sorted(set(quantized.tobytes()))
    seen: set[tuple[int, int, int]] = set()
    palette: list[tuple[int, int, int]] = []
    for index in used:
        r, g, b = raw[3 * index : 3 * index + 3]
        snapped = (from_percent(percent(r)), from_percent(percent(g)), from_percent(percent(b)))
        if snapped not in seen:
            seen.add(snapped)
            palette.append(snapped)
    return palette


def quantize(
    image: Image.Image, colors: int = MAX_REGISTERS, *, dither: bool = True
) -> tuple[Image.Image, list[tuple[int, int, int]]]:
    """``image`` (RGB) as a P image on a snapped palette, Floyd–Steinberg dithered."""
    palette = snapped_palette(image, colors)
    reference = Image.new("P", (1, 1))
    flat = [v for rgb in palette for v in rgb]
    # Pad with the first colour: Pillow maps onto all 256 entries of the reference palette.
    flat += flat[:3] * (MAX_REGISTERS - len(palette))
    reference.putpalette(flat)
    method = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
    indexed = image.quantize(palette=reference, dither=method)
    # An index into the padding is a copy of colour 0: say so, so only defined registers occur.
    table = bytes(range(len(palette))) + bytes(MAX_REGISTERS - len(palette))
    indexed.frombytes(indexed.tobytes().translate(table))
    return indexed, palette


@cache
def _row_table(row: int, color: int) -> bytes:
    """translate() table: ``color`` → the bit of ``row`` in a sixel, anything else → 0."""
    table = bytearray(256)
    table[color] = 1 << row
    return bytes(table)


def _rle(line: bytes) -> bytes:
    return _RUN.sub(lambda m: b"!%d%c" % (m.end() - m.start(), m.group(1)[0]), line)


def encode_indexed(
    pixels: bytes, width: int, height: int, palette: list[tuple[int, int, int]]
) -> bytes:
    """Sixel data for palette indices ``pixels`` (row-major, ``width`` × ``height``)."""
    out = [b'\x1bP9;1q"1;1;%d;%d' % (width, height)]
    out += [
        b"#%d;2;%d;%d;%d" % (i, percent(r), percent(g), percent(b))
        for i, (r, g, b) in enumerate(palette)
    ]
    offset = int.from_bytes(bytes([_OFFSET]) * width, "big")
    bands = []
    for top in range(0, height, BAND):
        rows = [pixels[y * width : (y + 1) * width] for y in range(top, min(top + BAND, height))]
        band_parts = []
        for color in sorted(set(b"".join(rows))):
            value = 0
            for r, row in enumerate(rows):
                if color in row:
                    value += int.from_bytes(row.translate(_row_table(r, color)), "big")
            line = (value + offset).to_bytes(width, "big").rstrip(b"?")
            band_parts.append(b"#%d" % color + _rle(line))
        bands.append(b"$".join(band_parts))
    out.append(b"-".join(bands))
    out.append(b"\x1b\\")
    return b"".join(out)


def encode(
    image: Image.Image,
    *,
    colors: int = MAX_REGISTERS,
    dither: bool = True,
    background: tuple[int, int, int] = (0, 0, 0),
) -> Sixel:
    """Encode ``image`` (any mode; transparency composited on ``background``)."""
    rgb = flatten(image, background)
    indexed, palette = quantize(rgb, colors, dither=dither)
    data = encode_indexed(indexed.tobytes(), rgb.width, rgb.height, palette)
    return Sixel(data, rgb.width, rgb.height, len(palette))


def flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """An RGB copy of ``image``, transparency composited on ``background``."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*background, 255))
        return Image.alpha_composite(base, rgba).convert("RGB")
    return image.convert("RGB")


__all__ = [
    "BAND",
    "Sixel",
    "encode",
    "encode_indexed",
    "flatten",
    "from_percent",
    "percent",
    "quantize",
]
