"""Half-cell pictures: each cell shows two pixels, ``▀`` in the top colour on the bottom one.

The safe fallback: it needs nothing but colours. The picture is resized to (columns, 2 × rows)
pixels, the cell's aspect ratio folded in, with LANCZOS after a box ``reduce`` for big
reductions; ``gamma=True`` averages in linear light (thin bright lines on dark stay bright).
"""

from __future__ import annotations

from PIL import Image, ImageMath

from e621tui.terminal.layout import fit_cells
from e621tui.terminal.sixel import flatten

UPPER_HALF = "▀"
RGB = tuple[int, int, int]


def _linear_resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    bands = []
    for band in image.split():
        linear = ImageMath.lambda_eval(lambda a: (a["v"] / 255.0) ** 2.2, v=band.convert("F"))
        small = linear.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        back = ImageMath.lambda_eval(lambda a: (a["v"] ** (1 / 2.2)) * 255.0 + 0.5, v=small)
        bands.append(back.convert("L"))
    return Image.merge("RGB", bands)


def halfcell_pixels(
    image: Image.Image,
    cells: tuple[int, int],
    *,
    background: RGB = (0, 0, 0),
    gamma: bool = False,
) -> Image.Image:
    """``image`` as an RGB image of ``cells[0]`` × ``2 * cells[1]`` pixels."""
    rgb = flatten(image, background)
    size = (max(1, cells[0]), max(1, 2 * cells[1]))
    if rgb.size == size:
        return rgb
    if gamma and rgb.width * rgb.height > size[0] * size[1]:
        return _linear_resize(rgb, size)
    return rgb.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def halfcell_rows(
    image: Image.Image,
    box: tuple[int, int],
    cell_px: tuple[int, int],
    *,
    background: RGB = (0, 0, 0),
    gamma: bool = False,
) -> list[list[tuple[RGB, RGB]]]:
    """Rows of cells (top colour, bottom colour) for ``image`` fitted into ``box`` cells."""
    cols, rows = fit_cells(image.size, box, cell_px)
    pixels = halfcell_pixels(image, (cols, rows), background=background, gamma=gamma)
    raw = pixels.tobytes()
    out: list[list[tuple[RGB, RGB]]] = []
    stride = 3 * cols
    for row in range(rows):
        top = raw[2 * row * stride : (2 * row + 1) * stride]
        bottom = raw[(2 * row + 1) * stride : (2 * row + 2) * stride]
        out.append(
            [
                ((top[i], top[i + 1], top[i + 2]), (bottom[i], bottom[i + 1], bottom[i + 2]))
                for i in range(0, stride, 3)
            ]
        )
    return out


__all__ = ["UPPER_HALF", "halfcell_pixels", "halfcell_rows"]
