"""Fitting pictures into cells, and resizing them for a cell box."""

from __future__ import annotations

from PIL import Image


def fit_cells(
    size: tuple[int, int], box: tuple[int, int], cell_px: tuple[int, int]
) -> tuple[int, int]:
    """(columns, rows) of the largest cell box inside ``box`` (columns, rows) that holds a
    picture of ``size`` pixels at its aspect ratio, for cells of ``cell_px`` pixels."""
    width, height = max(1, size[0]), max(1, size[1])
    max_cols, max_rows = max(1, box[0]), max(1, box[1])
    cw, ch = max(1, cell_px[0]), max(1, cell_px[1])
    scale = min(max_cols * cw / width, max_rows * ch / height)
    cols = max(1, min(max_cols, round(width * scale / cw)))
    rows = max(1, min(max_rows, round(height * scale / ch)))
    return cols, rows


def fit_pixels(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest size inside ``box`` pixels with the aspect ratio of ``size``."""
    width, height = max(1, size[0]), max(1, size[1])
    scale = min(box[0] / width, box[1] / height)
    return max(1, min(box[0], round(width * scale))), max(1, min(box[1], round(height * scale)))


def resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` at ``size``: LANCZOS, with a box ``reduce`` first for big reductions."""
    if image.size == size:
        return image
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def boxed(
    image: Image.Image,
    cells: tuple[int, int],
    cell_px: tuple[int, int],
    background: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> Image.Image:
    """``image`` fitted into exactly ``cells`` × ``cell_px`` pixels, centred, the rest filled
    with ``background`` (RGBA; transparent by default). Every cell of the box is covered."""
    box = (cells[0] * cell_px[0], cells[1] * cell_px[1])
    inner = fit_pixels(image.size, box)
    picture = resize(image, inner)
    mode = "RGBA" if background[3] < 255 or picture.mode in ("RGBA", "LA") else "RGB"
    canvas = Image.new(mode, box, background if mode == "RGBA" else background[:3])
    offset = ((box[0] - inner[0]) // 2, (box[1] - inner[1]) // 2)
    if picture.mode in ("RGBA", "LA"):
        rgba = picture.convert("RGBA")
        canvas.paste(rgba, offset, rgba)
    else:
        canvas.paste(picture.convert(mode), offset)
    return canvas


__all__ = ["boxed", "fit_cells", "fit_pixels", "resize"]
