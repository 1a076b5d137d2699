"""A small sixel decoder, to check encoders (ours and others) pixel by pixel.

``define_selects`` chooses the one ambiguity that matters in practice: whether a colour
definition ``#n;2;r;g;b`` also selects register n. xterm does not (nor the VT340): the
register stays the previous one, initially register 3 (``initial_register``) whose VT340
default colour is green; registers never defined keep `VT340_COLORS` (or black).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

#: The VT340's default colour map (percent RGB), as xterm uses it.
VT340_COLORS = (
    (0, 0, 0), (20, 20, 80), (80, 13, 13), (20, 80, 20), (80, 20, 80), (20, 80, 80),
    (80, 80, 20), (53, 53, 53), (26, 26, 26), (33, 33, 60), (60, 26, 26), (33, 60, 33),
    (60, 33, 60), (33, 60, 60), (60, 60, 33), (80, 80, 80),
)  # fmt: skip
_TOKEN = re.compile(
    rb'#(\d+)(?:;(\d+);(\d+);(\d+);(\d+))?|!(\d+)(.)|"([\d;]*)|([?-~])|(\$)|(-)', re.S
)


@dataclass
class Decoded:
    """A decoded picture: RGB pixels, which pixels any sixel set, and the header's size."""

    image: Image.Image
    painted: bytearray
    raster: tuple[int, int]
    registers_used: set[int]

    def unpainted_rows(self) -> list[int]:
        """Rows of the raster area with at least one pixel no sixel set."""
        width, height = self.image.size
        rw, rh = self.raster
        return [
            y
            for y in range(min(rh, height))
            if 0 in self.painted[y * width : y * width + min(rw, width)]
        ]


def _hls_to_rgb(h: int, lum: int, s: int) -> tuple[int, int, int]:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(((h + 240) % 360) / 360, lum / 100, s / 100)
    return round(r * 255), round(g * 255), round(b * 255)


def decode(data: bytes, *, define_selects: bool = False, initial_register: int = 3) -> Decoded:
    """Decode one sixel DCS sequence (``ESC P … q … ESC \\``)."""
    start = data.index(b"q") + 1
    end = data.rfind(b"\x1b\\")
    body = data[start : end if end >= 0 else len(data)]
    registers: dict[int, tuple[int, int, int]] = {
        i: tuple((v * 255 + 50) // 100 for v in rgb)  # type: ignore[misc]
        for i, rgb in enumerate(VT340_COLORS)
    }
    pixels: dict[tuple[int, int], int] = {}
    current = initial_register
    used: set[int] = set()
    x = y = 0
    raster = (0, 0)
    for m in _TOKEN.finditer(body):
        if m.group(1) is not None:
            n = int(m.group(1))
            if m.group(2) is not None:
                kind, a, b, c = (int(m.group(i)) for i in (2, 3, 4, 5))
                if kind == 2:
                    registers[n] = (
                        (a * 255 + 50) // 100,
                        (b * 255 + 50) // 100,
                        (c * 255 + 50) // 100,
                    )
                else:
                    registers[n] = _hls_to_rgb(a, b, c)
                if define_selects:
                    current = n
            else:
                current = n
        elif m.group(6) is not None:
            x = _put(pixels, x, y, m.group(7)[0], int(m.group(6)), current, used)
        elif m.group(8) is not None:
            values = [int(v) for v in m.group(8).split(b";") if v]
            if len(values) >= 4:
                raster = (values[2], values[3])
        elif m.group(9) is not None:
            x = _put(pixels, x, y, m.group(9)[0], 1, current, used)
        elif m.group(10) is not None:
            x = 0
        elif m.group(11) is not None:
            x = 0
            y += 6
    width = max([raster[0]] + [px + 1 for px, _ in pixels])
    height = max([raster[1]] + [py + 1 for _, py in pixels])
    image = Image.new("RGB", (max(1, width), max(1, height)))
    painted = bytearray(max(1, width) * max(1, height))
    raw = bytearray(image.tobytes())
    for (px, py), reg in pixels.items():
        offset = py * width + px
        painted[offset] = 1
        raw[3 * offset : 3 * offset + 3] = bytes(registers.get(reg, (0, 0, 0)))
    image.frombytes(bytes(raw))
    return Decoded(image, painted, raster, used)


def _put(
    pixels: dict[tuple[int, int], int],
    x: int,
    y: int,
    char: int,
    count: int,
    reg: int,
    used: set[int],
) -> int:
    bits = char - 0x3F
    if bits < 0 or bits > 63:
        return x
    if bits:
        used.add(reg)
        for dx in range(count):
            for row in range(6):
                if bits >> row & 1:
                    pixels[(x + dx, y + row)] = reg
    return x + count


__all__ = ["VT340_COLORS", "Decoded", "decode"]
