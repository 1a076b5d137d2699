"""The kitty graphics path at the protocol level: the bytes the renderers write, parsed."""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

import pytest
from PIL import Image
from rich.cells import cell_len
from rich.color import ColorType
from rich.console import Console
from rich.terminal_theme import MONOKAI
from rich.text import Text
from textual.color import Color
from textual.filter import ANSIToTruecolor
from textual.strip import Strip

from e621tui.terminal import kitty
from e621tui.terminal.decide import Decision, Mode
from e621tui.terminal.diacritics import DIACRITICS
from e621tui.terminal.layer import MOVER, PictureLayer, expand_movers
from e621tui.ui.graphics.renderers import (
    KittyDirectRenderer,
    KittyRenderer,
    PictureCache,
    picture_bytes,
)

PASSTHROUGH = re.compile(r"\x1bPtmux;((?:[^\x1b]|\x1b\x1b)*)\x1b\\")
APC = re.compile(r"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\")


@dataclass
class Command:
    keys: dict[str, str]
    payload: str
    wrapped: bool


def commands(data: str) -> list[Command]:
    """Every graphics command in ``data``, tmux passthrough unwrapped (and noted)."""
    out: list[Command] = []
    pos = 0
    while pos < len(data):
        wrapped = PASSTHROUGH.match(data, pos)
        if wrapped:
            inner = wrapped.group(1)
            assert "\x1b" not in inner.replace("\x1b\x1b", ""), "an ESC was not doubled"
            out += [
                Command(c.keys, c.payload, True)
                for c in commands(inner.replace("\x1b\x1b", "\x1b"))
            ]
            pos = wrapped.end()
            continue
        apc = APC.match(data, pos)
        if apc:
            keys = dict(kv.split("=", 1) for kv in apc.group(1).split(",") if kv)
            out.append(Command(keys, apc.group(2) or "", False))
            pos = apc.end()
            continue
        pos += 1
    return out


def decision(mode: Mode, in_tmux: bool = False) -> Decision:
    return Decision(mode=mode, explicit=True, cell_px=(8, 17), in_tmux=in_tmux)


def picture(size: tuple[int, int] = (256, 192)) -> Image.Image:
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    return Image.merge(
        "RGB", [image.getchannel(0), image.getchannel(0).rotate(90), image.getchannel(0)]
    )


def test_transmit_is_chunked_quiet_and_direct() -> None:
    noise = Image.effect_noise((200, 150), 90).convert("RGB")  # incompressible: many chunks
    data = kitty.transmit(7 << 24 | 42, noise, placeholder=(20, 9))
    cmds = commands(data)
    assert len(cmds) > 3
    first, rest = cmds[0], cmds[1:]
    assert first.keys | {"m": "1"} == {
        "a": "T", "i": str(7 << 24 | 42), "q": "2", "t": "d", "f": "24", "s": "200", "v": "150",
        "o": "z", "U": "1", "c": "20", "r": "9", "m": "1",
    }  # fmt: skip
    assert all(set(c.keys) == {"m", "q"} for c in rest)
    assert [c.keys["m"] for c in cmds] == ["1"] * (len(cmds) - 1) + ["0"]
    assert all(len(c.payload) <= kitty.CHUNK for c in cmds)
    assert all(len(c.payload) % 4 == 0 for c in cmds[:-1])
    raw = zlib.decompress(base64.b64decode("".join(c.payload for c in cmds)))
    assert raw == noise.tobytes()


def test_tmux_wraps_every_command() -> None:
    data = kitty.transmit(99, picture((64, 64)), wrap=kitty.wrap_for(True))
    data += kitty.delete_image(99, wrap=kitty.wrap_for(True))
    cmds = commands(data)
    assert cmds and all(c.wrapped for c in cmds)
    assert PASSTHROUGH.sub("", data) == ""  # nothing outside the wrappers
    assert cmds[-1].keys == {"a": "d", "d": "I", "i": "99", "q": "2"}


def test_placeholder_cells() -> None:
    image_id = kitty.make_id(3, 200)
    cell = kitty.placeholder_cell(image_id, 2, 5)
    assert cell == kitty.PLACEHOLDER + DIACRITICS[2] + DIACRITICS[5] + DIACRITICS[3]
    assert kitty.placeholder_color(image_id) == 200
    assert cell_len(cell) == 1
    assert all(cell_len(kitty.PLACEHOLDER + d) == 1 for d in DIACRITICS)  # all zero-width
    assert len(DIACRITICS) == 297 and DIACRITICS[0] == "\u0305" and DIACRITICS[1] == "\u030d"


def _frames(layer: PictureLayer, strips: list[Strip]) -> str:
    text = "".join(seg.text for strip in strips for seg in strip)
    return layer.frame(text)


@pytest.mark.parametrize("in_tmux", [False, True])
def test_placeholders_transmit_once_and_delete_on_eviction(in_tmux: bool) -> None:
    layer = PictureLayer(repair_damage=False)
    renderer = KittyRenderer(decision(Mode.KITTY, in_tmux), layer)
    cache = PictureCache(renderer, capacity=2)
    pics = [renderer.prepare(f"post{i}", picture(), (20, 9)) for i in range(3)]
    assert len({p.image_id for p in pics}) == 3
    assert layer.frame("") == ""  # prepared, not shown: nothing sent

    cache.put(pics[0])
    first = _frames(layer, [Strip(renderer.row(pics[0], y)) for y in range(pics[0].rows)])
    again = _frames(layer, [Strip(renderer.row(pics[0], y)) for y in range(pics[0].rows)])
    sent = commands(first)
    assert [c.keys.get("a") for c in sent if "a" in c.keys] == ["T"]  # one image, once
    assert sent[0].keys["U"] == "1" and sent[0].keys["i"] == str(pics[0].image_id)
    assert (sent[0].keys["c"], sent[0].keys["r"]) == (str(pics[0].cols), str(pics[0].rows))
    assert all(c.wrapped == in_tmux for c in sent)
    assert commands(again) == []
    # The cells: one per segment, the id's low byte as a 256-colour index, its high byte last.
    high, low = kitty.split_id(pics[0].image_id)
    row = renderer.row(pics[0], 1)
    assert len(row) == pics[0].cols
    for col, segment in enumerate(row):
        assert (
            segment.text == kitty.PLACEHOLDER + DIACRITICS[1] + DIACRITICS[col] + DIACRITICS[high]
        )
        assert segment.style is not None and segment.style.color is not None
        assert segment.style.color.type == ColorType.EIGHT_BIT and segment.style.color.number == low

    cache.put(pics[1])
    cache.put(pics[2])  # pics[0] leaves the cache: deleted in the terminal
    deleted = commands(layer.frame(""))
    assert [c.keys for c in deleted] == [{"a": "d", "d": "I", "i": str(pics[0].image_id), "q": "2"}]


def test_placeholder_colour_survives_textual() -> None:
    """Textual turns palette colours into truecolor; ours keep the 256-colour index."""
    renderer = KittyRenderer(decision(Mode.KITTY), PictureLayer(repair_damage=False))
    pic = renderer.prepare("p", picture(), (10, 5))
    low = kitty.placeholder_color(pic.image_id)
    filtered = ANSIToTruecolor(MONOKAI).apply(list(renderer.row(pic, 0)), Color(0, 0, 0))
    for segment in filtered:
        assert segment.style is not None and segment.style.color is not None
        assert segment.style.color.type == ColorType.EIGHT_BIT
        assert segment.style.color.number == low
    console = Console(color_system="truecolor", force_terminal=True, width=20)
    with console.capture() as capture:
        console.print(Text(filtered[0].text, style=filtered[0].style), end="")
    assert f"38;5;{low}m" in capture.get()


@pytest.mark.parametrize("in_tmux", [False, True])
def test_direct_placements_move_and_go(in_tmux: bool) -> None:
    layer = PictureLayer(repair_damage=False)
    renderer = KittyDirectRenderer(decision(Mode.KITTY_DIRECT, in_tmux), layer)
    pic = renderer.prepare("p", picture(), (20, 9))
    row = renderer.row(pic, 0)
    assert all(set(seg.text) == {MOVER} for seg in row)  # movers: the layer's cursor moves
    assert sum(cell_len(seg.text) for seg in row) == pic.cols
    assert expand_movers("".join(seg.text for seg in row)) == f"\x1b[{pic.cols}C"

    place = renderer.placement(pic, 4, 2, range(pic.rows))
    assert place is not None
    layer.show("grid", [place], lambda: True)
    out = layer.frame("")
    cmds = commands(out)
    assert [c.keys["a"] for c in cmds if "a" in c.keys] == ["t", "p"]  # stored, then placed
    transmit = [c for c in cmds if c.keys.get("a") == "t"]
    placed = [c for c in cmds if c.keys.get("a") == "p"]
    assert len(transmit) == 1 and len(placed) == 1
    assert placed[0].keys["C"] == "1" and placed[0].keys["i"] == str(pic.image_id)
    assert "\x1b[3;5H" in out  # the cursor goes to the cell first
    assert all(c.wrapped == in_tmux for c in cmds)

    moved = renderer.placement(pic, 4, 12, range(2, pic.rows))  # scrolled: top rows cut off
    assert moved is not None
    layer.show("grid", [moved], lambda: True)
    cmds = commands(layer.frame(""))
    assert [c.keys["a"] for c in cmds] == ["d", "p"]
    assert cmds[0].keys["d"] == "i" and cmds[0].keys["p"] == placed[0].keys["p"]
    assert cmds[1].keys["y"] == str(2 * 17) and cmds[1].keys["r"] == str(pic.rows - 2)

    layer.hide("grid")
    assert [c.keys["a"] for c in commands(layer.frame(""))] == ["d"]


def test_the_picture_cache_is_bounded_by_bytes_too() -> None:
    layer = PictureLayer(repair_damage=False)
    renderer = KittyRenderer(decision(Mode.KITTY), layer)
    pics = [renderer.prepare(("p", i), picture(), (10, 5)) for i in range(6)]
    each = picture_bytes(pics[0])
    cache = PictureCache(renderer, capacity=100, max_bytes=int(each * 3.5))
    for pic in pics:
        renderer.row(pic, 0)  # shown: transmitted
        cache.put(pic)
    assert len(cache) == 3 and cache.bytes <= cache.max_bytes
    assert cache.get(("p", 0)) is None and cache.get(("p", 5)) is pics[5]
    deleted = {c.keys["i"] for c in commands(layer.frame("")) if c.keys.get("a") == "d"}
    assert deleted == {str(p.image_id) for p in pics[:3]}  # evicted: deleted in the terminal
