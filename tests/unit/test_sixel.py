"""The sixel encoder, checked by decoding its output back to pixels."""

from __future__ import annotations

import random
import re

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

from e621tui.terminal import sixel
from e621tui.terminal.sixel_decode import decode


def gradient(size: tuple[int, int] = (200, 150)) -> Image.Image:
    """A smooth two-colour vertical gradient with a few soft shapes (like the demo pictures)."""
    width, height = size
    image = Image.new("RGB", size)
    top, bottom = (143, 125, 227), (178, 84, 72)
    for y in range(height):
        t = y / (height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        image.paste(colour, (0, y, width, y + 1))
    pen = ImageDraw.Draw(image, "RGBA")
    pen.ellipse((20, 30, 90, 100), fill=(255, 255, 255, 70))
    pen.rectangle((120, 20, 170, 60), fill=(255, 255, 255, 90))
    pen.text((60, 70), "#5120487", fill=(255, 255, 255, 255))
    return image


def noisy(size: tuple[int, int] = (97, 61), seed: int = 1) -> Image.Image:
    """A busy photo-like picture with many colours."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata(
        [
            (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            for _ in range(size[0] * size[1])
        ]
    )
    return image.filter(ImageFilter.GaussianBlur(2))


def mean_abs_diff(a: Image.Image, b: Image.Image) -> list[float]:
    return list(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


def defect_rows(decoded: Image.Image, source: Image.Image) -> int:
    """Rows that are constant (a line) where the source row is not, or far off on average."""
    count = 0
    for y in range(source.height):
        got = decoded.crop((0, y, source.width, y + 1))
        want = source.crop((0, y, source.width, y + 1))
        got_range = [hi - lo for lo, hi in got.getextrema()]  # type: ignore[misc]
        want_range = [hi - lo for lo, hi in want.getextrema()]  # type: ignore[misc]
        flat = max(got_range) <= 2 and max(want_range) > 12
        off = sum(mean_abs_diff(got, want)) / 3 > 24
        count += flat or off
    return count


@pytest.mark.parametrize("picture", [gradient(), gradient((256, 192)), noisy()])
def test_decodes_back_to_the_source(picture: Image.Image) -> None:
    encoded = sixel.encode(picture)
    decoded = decode(encoded.data)
    assert decoded.raster == picture.size
    assert decoded.unpainted_rows() == []
    image = decoded.image.crop((0, 0, *picture.size))
    assert max(mean_abs_diff(image, picture)) < 4.0
    assert defect_rows(image, picture) == 0


def test_every_register_is_selected_before_use() -> None:
    """xterm does not select a register when it is defined: the output must not depend on it."""
    data = sixel.encode(gradient()).data
    as_xterm = decode(data, define_selects=False)
    as_spec = decode(data, define_selects=True, initial_register=0)
    assert as_xterm.image.tobytes() == as_spec.image.tobytes()
    body = data[data.index(b"q") + 1 :]
    first_select = re.search(rb"#\d+(?![\d;])", body)
    assert first_select is not None
    assert body[: first_select.start()].count(b";2;") == sixel.encode(gradient()).colors
    assert not re.search(rb"#\d+;2;", body[first_select.start() :])  # none among the bands


def test_header_and_bands() -> None:
    picture = gradient((50, 23))  # height not a multiple of 6
    data = sixel.encode(picture).data
    assert data.startswith(b'\x1bP9;1q"1;1;50;23')  # square pixels, unset pixels untouched
    assert data.endswith(b"\x1b\\") and not data.endswith(b"-\x1b\\")  # no move below the picture
    assert data.count(b"-") == 3  # 4 bands of 6 rows for 23 rows
    decoded = decode(data)
    assert decoded.image.size == (50, 23)  # the last band sets 5 rows, none below
    assert decoded.unpainted_rows() == []


def test_runs_are_length_encoded() -> None:
    flat = Image.new("RGB", (300, 12), (10, 200, 30))
    data = sixel.encode(flat).data
    assert b"!300~" in data and len(data) < 80


def test_palette_respects_the_register_count() -> None:
    encoded = sixel.encode(noisy(), colors=16)
    decoded = decode(encoded.data)
    assert encoded.colors <= 16 and max(decoded.registers_used) < 16
    assert max(mean_abs_diff(decoded.image.crop((0, 0, 97, 61)), noisy())) < 20


def test_palette_is_on_the_sixel_grid() -> None:
    _, palette = sixel.quantize(gradient())
    for rgb in palette:
        assert all(sixel.from_percent(sixel.percent(v)) == v for v in rgb)


def test_dithering_removes_banding() -> None:
    """Row averages follow the source's smooth ramp closely only with dithering."""
    ramp = Image.linear_gradient("L").resize((64, 256)).convert("RGB")
    ramp = Image.merge("RGB", [ramp.getchannel(0).point(lambda v: 120 + v // 4)] * 3)

    def row_errors(dither: bool) -> tuple[float, float]:
        data = sixel.encode(ramp, dither=dither).data
        out = decode(data).image.crop((0, 0, 64, 256))
        rows_out = [ImageStat.Stat(out.crop((0, y, 64, y + 1))).mean[0] for y in range(256)]
        rows_src = [ImageStat.Stat(ramp.crop((0, y, 64, y + 1))).mean[0] for y in range(256)]
        errors = [abs(a - b) for a, b in zip(rows_out, rows_src, strict=True)]
        return sum(errors) / len(errors), max(errors)

    # 64 grey levels over 256 rows, but sixel colours are whole percent: ~26 levels remain.
    mean_dithered, worst_dithered = row_errors(True)
    mean_banded, worst_banded = row_errors(False)
    assert mean_dithered < mean_banded / 2
    assert worst_dithered < 2.5 <= worst_banded


def test_transparency_is_composited_on_the_background() -> None:
    picture = Image.new("RGBA", (12, 12), (0, 0, 0, 0))
    decoded = decode(sixel.encode(picture, background=(18, 18, 18)).data).image
    assert decoded.getpixel((5, 5)) == (18, 18, 18) or max(decoded.getpixel((5, 5))) <= 20  # type: ignore[arg-type]


def test_textual_image_defects_are_explained() -> None:
    """textual-image 0.12 defines colours on first use without selecting them: decoded the way
    xterm draws, its pictures show the wrong top band and stray runs (the issue's defects)."""
    encoder = pytest.importorskip("textual_image._sixel")
    picture = gradient((256, 192))
    theirs = encoder.image_to_sixels(picture).encode()
    as_xterm = decode(theirs, define_selects=False).image.crop((0, 0, 256, 192))
    as_spec = decode(theirs, define_selects=True).image.crop((0, 0, 256, 192))
    assert defect_rows(as_xterm, picture) >= 6  # at least the first band
    assert defect_rows(as_xterm, picture) > defect_rows(as_spec, picture)
    ours = decode(sixel.encode(picture).data).image.crop((0, 0, 256, 192))
    assert sum(mean_abs_diff(ours, picture)) < sum(mean_abs_diff(as_xterm, picture)) / 2
