"""The kitty graphics protocol, as far as e621-tui uses it (docs/graphics-protocol.rst in kitty).

* Images are transmitted directly (``t=d``, base64 in chunks of at most 4096 bytes, ``m=1``
  on all but the last), so it works over SSH; quietly (``q=2``) so no answer reaches the app.
* Unicode placeholders (kitty ≥ 0.28, Ghostty): a virtual placement (``a=p,U=1``) per image,
  then cells of ``U+10EEEE`` + row, column and id-high-byte diacritics, the low id byte in the
  foreground colour as a 256-colour index (``38;5;n``). 256-colour indices pass through tmux
  and Textual unchanged (truecolor ids would be down-converted by either on 256-colour
  setups), so ids are ``high << 24 | low`` with ``low`` in 16..255 (0–15 are ANSI colours
  that Textual rewrites to the theme) and ``high`` in 1..255.
* Direct placements (kitty < 0.28 and other kitty-protocol terminals, outside tmux): ``a=p``
  at the cursor with ``C=1`` (the cursor does not move), a placement id per spot, above the
  text (``z=0``: the UI's cells under it are cursor movers; below-background z-indices left
  stale text visible over pictures and tinted the screen in kitty 0.26.5).
* Deletion: ``a=d,d=I,i=ID`` frees an image and its placements; ``d=i,…,p=P`` removes one
  placement but keeps the data.
* Inside tmux every command is wrapped for passthrough (`wrap_tmux`).
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable, Iterator

from PIL import Image

from e621tui.terminal.diacritics import DIACRITICS
from e621tui.terminal.queries import tmux_wrap

PLACEHOLDER = "\U0010eeee"
CHUNK = 4096
#: Low id bytes usable as 256-colour indices (0–15 are remapped by Textual's ANSI theme).
LOW_IDS = range(16, 256)
HIGH_IDS = range(1, 256)

Wrap = Callable[[str], str]


def no_wrap(command: str) -> str:
    """Commands go to the terminal as they are."""
    return command


def wrap_for(in_tmux: bool) -> Wrap:
    """The wrapper for commands: tmux passthrough inside tmux."""
    return tmux_wrap if in_tmux else no_wrap


def command(keys: dict[str, str | int], payload: str = "") -> str:
    """One APC graphics command: ``ESC _ G k=v,… ; payload ESC \\``."""
    control = ",".join(f"{k}={v}" for k, v in keys.items())
    return f"\x1b_G{control};{payload}\x1b\\" if payload else f"\x1b_G{control}\x1b\\"


def split_id(image_id: int) -> tuple[int, int]:
    """(high byte, low byte) of an image id."""
    return image_id >> 24 & 0xFF, image_id & 0xFF


def make_id(high: int, low: int) -> int:
    """The image id of a (high byte, low byte) pair."""
    return high << 24 | low


def pixel_payload(image: Image.Image) -> tuple[dict[str, str | int], bytes]:
    """(format keys, zlib-compressed pixels) for an image: RGB if opaque, else RGBA."""
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert(
            "RGBA" if "transparency" in image.info or "A" in image.mode else "RGB"
        )
    fmt = 24 if image.mode == "RGB" else 32
    data = zlib.compress(image.tobytes(), 6)
    return {"f": fmt, "s": image.width, "v": image.height, "o": "z"}, data


def transmit(
    image_id: int,
    image: Image.Image,
    *,
    placeholder: tuple[int, int] | None = None,
    wrap: Wrap = no_wrap,
) -> str:
    """Commands that transmit ``image`` under ``image_id`` (chunked, quiet).

    With ``placeholder=(cols, rows)`` the first command also creates the virtual placement
    for Unicode placeholders (``a=T,U=1``); without, the image is only stored (``a=t``).
    """
    keys, data = pixel_payload(image)
    encoded = base64.standard_b64encode(data).decode("ascii")
    first: dict[str, str | int] = {"a": "t", "i": image_id, "q": 2, "t": "d", **keys}
    if placeholder is not None:
        cols, rows = placeholder
        first.update({"a": "T", "U": 1, "c": cols, "r": rows})
    return "".join(wrap(part) for part in _chunks(first, encoded))


def _chunks(first: dict[str, str | int], encoded: str) -> Iterator[str]:
    pieces = [encoded[i : i + CHUNK] for i in range(0, len(encoded), CHUNK)] or [""]
    for index, piece in enumerate(pieces):
        more = 1 if index < len(pieces) - 1 else 0
        keys: dict[str, str | int] = {**first, "m": more} if index == 0 else {"m": more, "q": 2}
        yield command(keys, piece)


def virtual_placement(image_id: int, cols: int, rows: int, *, wrap: Wrap = no_wrap) -> str:
    """A (new) virtual placement of an already transmitted image, for placeholders."""
    return wrap(command({"a": "p", "U": 1, "i": image_id, "c": cols, "r": rows, "q": 2}))


def place(
    image_id: int,
    placement_id: int,
    cols: int,
    rows: int,
    *,
    z: int = 0,
    crop: tuple[int, int, int, int] | None = None,
    wrap: Wrap = no_wrap,
) -> str:
    """A direct placement at the cursor (which does not move, ``C=1``).

    ``crop`` = (x, y, w, h) in image pixels shows only that part (a partly visible picture).
    """
    keys: dict[str, str | int] = {
        "a": "p", "i": image_id, "p": placement_id, "c": cols, "r": rows, "C": 1, "z": z, "q": 2,
    }  # fmt: skip
    if crop is not None:
        keys.update({"x": crop[0], "y": crop[1], "w": crop[2], "h": crop[3]})
    return wrap(command(keys))


def delete_image(image_id: int, *, wrap: Wrap = no_wrap) -> str:
    """Delete an image, its placements and its data (``d=I``)."""
    return wrap(command({"a": "d", "d": "I", "i": image_id, "q": 2}))


def delete_placement(image_id: int, placement_id: int, *, wrap: Wrap = no_wrap) -> str:
    """Remove one placement, keeping the image data (``d=i`` with ``p``)."""
    return wrap(command({"a": "d", "d": "i", "i": image_id, "p": placement_id, "q": 2}))


def placeholder_cell(image_id: int, row: int, col: int) -> str:
    """The text of one placeholder cell: U+10EEEE + row, column and id-high-byte diacritics.

    The low id byte goes in the cell's foreground colour (`placeholder_color`).
    """
    high, _ = split_id(image_id)
    return PLACEHOLDER + DIACRITICS[row] + DIACRITICS[col] + DIACRITICS[high]


def placeholder_color(image_id: int) -> int:
    """The 256-colour index that carries the id's low byte."""
    return split_id(image_id)[1]


#: Largest picture, in cells, that placeholders can address.
MAX_CELLS = len(DIACRITICS)


__all__ = [
    "CHUNK",
    "HIGH_IDS",
    "LOW_IDS",
    "MAX_CELLS",
    "PLACEHOLDER",
    "command",
    "delete_image",
    "delete_placement",
    "make_id",
    "no_wrap",
    "pixel_payload",
    "place",
    "placeholder_cell",
    "placeholder_color",
    "split_id",
    "transmit",
    "virtual_placement",
    "wrap_for",
]
